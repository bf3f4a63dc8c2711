"""exo.platforms.gemmini on the functional model of Gemmini
(lib/platforms/gemmini_model): every instruction, compiled to C and run on the
model, against its Exo body run by the interpreter on the same random inputs;
and a tiled matmul scheduled onto Gemmini from the triple loop, checked against
the unscheduled proc, with the number of Gemmini operations it issues when its
configuration is hoisted out of the loops and when it is not."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import exo
from exo import Procedure, proc
from exo.platforms import gemmini
from exo.platforms.gemmini import *  # noqa: F403 (instructions and scheduling, as Gemmini kernels use them)

from conftest import REPO, ptr

MODEL = REPO / "lib" / "platforms" / "gemmini_model"

pytestmark = pytest.mark.skipif(
    not (MODEL / "include" / "gemmini.h").is_file() or shutil.which("gcc") is None,
    reason="needs gcc and the Gemmini model (lib/platforms/gemmini_model)",
)

# --------------------------------------------------------------------------- #
#   Running compiled procs on the model
# --------------------------------------------------------------------------- #

# A model fault (an instruction real hardware would not run as intended) is
# recorded instead of aborting the test process.
FAULT_H = """
#define GEMMINI_MODEL_FAULT(insn, msg) gemmini_test_fault((insn), (msg))
void gemmini_test_fault(const char *insn, const char *msg);
"""

HELPER_C = r"""
#include <stdio.h>
#include <include/gemmini.h>
static int faults;
static char first_fault[512];
void gemmini_test_fault(const char *insn, const char *msg) {
    if (!faults++) snprintf(first_fault, sizeof first_fault, "%s: %s", insn, msg);
}
void gemmini_test_reset(void) { gemmini_model_reset(); faults = 0; first_fault[0] = 0; }
int gemmini_test_faults(void) { return faults; }
const char *gemmini_test_first_fault(void) { return first_fault; }
void gemmini_test_counts(uint64_t *out) {
    gemmini_model_counts_t c = gemmini_model_counts();
    out[0] = c.mvin[0]; out[1] = c.mvin[1]; out[2] = c.mvin[2]; out[3] = c.mvout;
    out[4] = c.preload; out[5] = c.compute_preloaded; out[6] = c.compute_accumulated;
    out[7] = c.config_ex; out[8] = c.config_ld; out[9] = c.config_st;
}
"""

COUNTS = ("mvin", "mvin2", "mvin3", "mvout", "preload", "compute_preloaded", "compute_accumulated",
          "config_ex", "config_ld", "config_st")
CONFIG_OPS = ("config_ex", "config_ld", "config_st")


class GemminiModel:
    """The procs compiled to C with gcc against the model, as one shared library."""

    def __init__(self, procs, workdir, stem="gemmini_kernels"):
        workdir = Path(workdir)
        exo.compile_procs(procs, workdir, f"{stem}.c", f"{stem}.h")
        (workdir / "fault.h").write_text(FAULT_H)
        (workdir / "helper.c").write_text(HELPER_C)
        lib = workdir / f"lib{stem}.so"
        build = subprocess.run(
            ["gcc", "-std=gnu11", "-O1", "-Wall", "-Werror", "-Wno-pointer-to-int-cast",
             "-Wno-int-to-pointer-cast", f"-I{MODEL}", "-include", str(workdir / "fault.h"), "-shared",
             "-fPIC", "-o", str(lib), str(workdir / f"{stem}.c"), str(workdir / "helper.c"), "-lm"],
            capture_output=True, text=True)
        assert build.returncode == 0, build.stderr
        self.lib = ctypes.CDLL(str(lib))
        self.lib.gemmini_test_first_fault.restype = ctypes.c_char_p
        self.procs = {p.name(): p for p in procs}
        self.ctxt = ctypes.create_string_buffer(4096)  # the configs' context struct

    def run(self, name, **kwargs):
        """Runs `name` on a freshly reset model (arrays written in place) and
        returns the Gemmini operations it issued."""
        args = []
        for a in self.procs[name].args():
            v = kwargs[a.name()]
            if isinstance(v, np.ndarray):
                args.append(ptr(v))
            elif isinstance(v, bool):
                args.append(ctypes.c_bool(v))
            else:
                args.append(ctypes.c_int64(v))
        self.lib.gemmini_test_reset()
        getattr(self.lib, name)(self.ctxt, *args)
        assert self.lib.gemmini_test_faults() == 0, "model fault: " + self.lib.gemmini_test_first_fault().decode()
        out = (ctypes.c_uint64 * len(COUNTS))()
        self.lib.gemmini_test_counts(out)
        return dict(zip(COUNTS, out))


def on_model_and_interpreter(model, p, **kwargs):
    """Runs p on the model and in the interpreter on copies of the same
    inputs; returns (model arrays, interpreter arrays, model counts)."""
    hw = {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    sw = {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    counts = model.run(p.name(), **hw)
    p.interpret(**sw)
    return hw, sw, counts


def i8(rng, *shape):
    return rng.integers(-128, 128, shape).astype(np.int8)


def i32(rng, *shape, bound=1 << 20):
    return rng.integers(-bound, bound, shape).astype(np.int32)


def f32(x):
    return np.array([x], dtype=np.float32)


# --------------------------------------------------------------------------- #
#   One test proc per instruction
# --------------------------------------------------------------------------- #
#
# Each proc fills a scratchpad or accumulator tile with background data (with
# ld_i8 / ld_acc_i32), applies the instruction to part of it, and moves the
# whole tile out (st_i8 / st_acc_i32): elements the instruction must not touch
# are compared too. DRAM operands are windows of larger arrays, so their row
# stride is not their width. The `do_` forms are preceded by the `config_`
# instruction they rely on.


def _named(p, instr, suffix=""):
    return rename(p, f"t_{instr.name()}{suffix}")


def case_ld_i8(instr, config=None):
    # Loads into rows 16-n..15 of a scratchpad tile.
    if config is None:
        @proc
        def t(n: size, m: size, A: i8[n, 24], S0: i8[16, 16], S1: i8[16, 16]):
            assert n <= 16
            assert m <= 16
            s: i8[16, 16] @ GEMM_SCRATCH
            ld_i8(16, 16, S0, s)
            instr(n, m, A[0:n, 3:3 + m], s[16 - n:16, 0:16])
            st_i8(16, 16, s, S1)
    else:
        @proc
        def t(n: size, m: size, A: i8[n, 24], S0: i8[16, 16], S1: i8[16, 16]):
            assert n <= 16
            assert m <= 16
            s: i8[16, 16] @ GEMM_SCRATCH
            ld_i8(16, 16, S0, s)
            config(stride(A, 0))
            instr(n, m, A[0:n, 3:3 + m], s[16 - n:16, 0:16])
            st_i8(16, 16, s, S1)

    def inputs(rng, n, m):
        return dict(n=n, m=m, A=i8(rng, n, 24), S0=i8(rng, 16, 16), S1=np.zeros((16, 16), np.int8))

    return _named(t, instr), inputs, [(16, 16), (5, 7), (1, 16), (16, 1)]


def case_ld_i8_block(instr, config=None):
    # n rows of 16*m columns into m blocks 16 rows apart (a [4, 16, 16] tile).
    if config is None:
        @proc
        def t(n: size, m: size, A: i8[n, 72], S0: i8[4, 16, 16], S1: i8[4, 16, 16]):
            assert n <= 16
            assert m <= 4
            s: i8[4, 16, 16] @ GEMM_SCRATCH
            for b in seq(0, 4):
                ld_i8(16, 16, S0[b, 0:16, 0:16], s[b, 0:16, 0:16])
            instr(n, m, A[0:n, 5:5 + 16 * m], s[4 - m:4, 16 - n:16, 0:16])
            for b in seq(0, 4):
                st_i8(16, 16, s[b, 0:16, 0:16], S1[b, 0:16, 0:16])
    else:
        @proc
        def t(n: size, m: size, A: i8[n, 72], S0: i8[4, 16, 16], S1: i8[4, 16, 16]):
            assert n <= 16
            assert m <= 4
            s: i8[4, 16, 16] @ GEMM_SCRATCH
            for b in seq(0, 4):
                ld_i8(16, 16, S0[b, 0:16, 0:16], s[b, 0:16, 0:16])
            config(stride(A, 0))
            instr(n, m, A[0:n, 5:5 + 16 * m], s[4 - m:4, 16 - n:16, 0:16])
            for b in seq(0, 4):
                st_i8(16, 16, s[b, 0:16, 0:16], S1[b, 0:16, 0:16])

    def inputs(rng, n, m):
        return dict(n=n, m=m, A=i8(rng, n, 72), S0=i8(rng, 4, 16, 16), S1=np.zeros((4, 16, 16), np.int8))

    return _named(t, instr), inputs, [(16, 4), (16, 1), (7, 3), (1, 2)]


def case_block_id2(instr):
    # ld_i8_block_id2 / zero_block_id2 configure a block stride of n rows: the
    # m blocks of n rows are packed (an [m, n, 16] tile).
    if instr.name() == "zero_block_id2":
        @proc
        def t(n: size, m: size, A: i8[n, 72], S0: i8[4, 16, 16], S1: i8[4, 16, 16]):
            assert n <= 16
            assert m <= 4
            s: i8[m, n, 16] @ GEMM_SCRATCH
            for b in seq(0, m):
                ld_i8(n, 16, S0[b, 0:n, 0:16], s[b, 0:n, 0:16])
            instr(n, m, s)
            for b in seq(0, m):
                st_i8(n, 16, s[b, 0:n, 0:16], S1[b, 0:n, 0:16])
    else:
        @proc
        def t(n: size, m: size, A: i8[n, 72], S0: i8[4, 16, 16], S1: i8[4, 16, 16]):
            assert n <= 16
            assert m <= 4
            s: i8[m, n, 16] @ GEMM_SCRATCH
            for b in seq(0, m):
                ld_i8(n, 16, S0[b, 0:n, 0:16], s[b, 0:n, 0:16])
            instr(n, m, A[0:n, 5:5 + 16 * m], s)
            for b in seq(0, m):
                st_i8(n, 16, s[b, 0:n, 0:16], S1[b, 0:n, 0:16])

    def inputs(rng, n, m):
        return dict(n=n, m=m, A=i8(rng, n, 72), S0=i8(rng, 4, 16, 16), S1=np.zeros((4, 16, 16), np.int8))

    return _named(t, instr), inputs, [(16, 4), (8, 4), (5, 3), (3, 1)]


def case_ld_i8_s2(instr, config=None):
    # Every other row of A: rows 0, 2, ..., 2n - 2.
    if config is None:
        @proc
        def t(n: size, m: size, A: i8[31, 24], S0: i8[16, 16], S1: i8[16, 16]):
            assert 0 < n and n <= 16
            assert m <= 16
            s: i8[16, 16] @ GEMM_SCRATCH
            ld_i8(16, 16, S0, s)
            instr(n, m, A[0:2 * n - 1, 3:3 + m], s[0:n, 0:16])
            st_i8(16, 16, s, S1)
    else:
        @proc
        def t(n: size, m: size, A: i8[31, 24], S0: i8[16, 16], S1: i8[16, 16]):
            assert 0 < n and n <= 16
            assert m <= 16
            s: i8[16, 16] @ GEMM_SCRATCH
            ld_i8(16, 16, S0, s)
            config(stride(A, 0))
            instr(n, m, A[0:2 * n - 1, 3:3 + m], s[0:n, 0:16])
            st_i8(16, 16, s, S1)

    def inputs(rng, n, m):
        return dict(n=n, m=m, A=i8(rng, 31, 24), S0=i8(rng, 16, 16), S1=np.zeros((16, 16), np.int8))

    return _named(t, instr), inputs, [(16, 16), (5, 9), (1, 3)]


def case_ld_i8_vector(instr, config=None):
    # One row (row 2 of A) into row r of the tile.
    if config is None:
        @proc
        def t(r: size, A: i8[4, 24], S0: i8[16, 16], S1: i8[16, 16]):
            assert r < 16
            s: i8[16, 16] @ GEMM_SCRATCH
            ld_i8(16, 16, S0, s)
            instr(A[2, 3:19], s[r, 0:16])
            st_i8(16, 16, s, S1)
    else:
        @proc
        def t(r: size, A: i8[4, 24], S0: i8[16, 16], S1: i8[16, 16]):
            assert r < 16
            s: i8[16, 16] @ GEMM_SCRATCH
            ld_i8(16, 16, S0, s)
            config(stride(A, 0))
            instr(A[2, 3:19], s[r, 0:16])
            st_i8(16, 16, s, S1)

    def inputs(rng, r):
        return dict(r=r, A=i8(rng, 4, 24), S0=i8(rng, 16, 16), S1=np.zeros((16, 16), np.int8))

    return _named(t, instr), inputs, [(1,), (15,)]


def case_zero_i8(instr, config=None):
    if config is None:
        @proc
        def t(n: size, m: size, S0: i8[16, 16], S1: i8[16, 16]):
            assert n <= 16
            assert m <= 16
            s: i8[16, 16] @ GEMM_SCRATCH
            ld_i8(16, 16, S0, s)
            instr(n, m, s[16 - n:16, 0:16])
            st_i8(16, 16, s, S1)
    else:
        @proc
        def t(n: size, m: size, S0: i8[16, 16], S1: i8[16, 16]):
            assert n <= 16
            assert m <= 16
            s: i8[16, 16] @ GEMM_SCRATCH
            ld_i8(16, 16, S0, s)
            config()
            instr(n, m, s[16 - n:16, 0:16])
            st_i8(16, 16, s, S1)

    def inputs(rng, n, m):
        return dict(n=n, m=m, S0=i8(rng, 16, 16), S1=np.zeros((16, 16), np.int8))

    return _named(t, instr), inputs, [(16, 16), (5, 7)]


def case_zero_i8_vector(instr, config=None):
    if config is None:
        @proc
        def t(r: size, S0: i8[16, 16], S1: i8[16, 16]):
            assert r < 16
            s: i8[16, 16] @ GEMM_SCRATCH
            ld_i8(16, 16, S0, s)
            instr(s[r, 0:16])
            st_i8(16, 16, s, S1)
    else:
        @proc
        def t(r: size, S0: i8[16, 16], S1: i8[16, 16]):
            assert r < 16
            s: i8[16, 16] @ GEMM_SCRATCH
            ld_i8(16, 16, S0, s)
            config()
            instr(s[r, 0:16])
            st_i8(16, 16, s, S1)

    def inputs(rng, r):
        return dict(r=r, S0=i8(rng, 16, 16), S1=np.zeros((16, 16), np.int8))

    return _named(t, instr), inputs, [(0,), (9,)]


def case_st_i8(instr):
    # Rows 16-n.. of a scratchpad tile into a window of Y (the rest of Y kept).
    @proc
    def t(n: size, m: size, S0: i8[16, 16], Y: i8[17, 20]):
        assert n <= 16
        assert m <= 16
        s: i8[16, 16] @ GEMM_SCRATCH
        ld_i8(16, 16, S0, s)
        instr(n, m, s[16 - n:16, 0:16], Y[1:1 + n, 2:2 + m])

    def inputs(rng, n, m):
        return dict(n=n, m=m, S0=i8(rng, 16, 16), Y=i8(rng, 17, 20))

    return _named(t, instr), inputs, [(16, 16), (5, 7)]


def _acc_background(rng):
    return i32(rng, 16, 16)


def case_ld_acc_i32(instr):
    @proc
    def t(n: size, m: size, X: i32[n, 20], C0: i32[16, 16], C1: i32[16, 16]):
        assert n <= 16
        assert m <= 16
        c: i32[16, 16] @ GEMM_ACCUM
        ld_acc_i32(16, 16, C0, c)
        instr(n, m, X[0:n, 2:2 + m], c[16 - n:16, 0:16])
        st_acc_i32(16, 16, c, C1)

    def inputs(rng, n, m):
        return dict(n=n, m=m, X=i32(rng, n, 20), C0=_acc_background(rng), C1=np.zeros((16, 16), np.int32))

    return _named(t, instr), inputs, [(16, 16), (5, 7)]


def case_do_ld_acc_i32(instr):
    # ld_acc_i32 configures load unit 0 for rows 16..31 of X; do_ld_acc_i32
    # then loads rows 0..n-1 with that configuration.
    @proc
    def t(n: size, m: size, X: i32[32, 20], C1: i32[16, 16]):
        assert n <= 16
        assert m <= 16
        c: i32[16, 16] @ GEMM_ACCUM
        ld_acc_i32(16, 16, X[16:32, 4:20], c)
        instr(n, m, X[0:n, 2:2 + m], c[16 - n:16, 0:16])
        st_acc_i32(16, 16, c, C1)

    def inputs(rng, n, m):
        return dict(n=n, m=m, X=i32(rng, 32, 20), C1=np.zeros((16, 16), np.int32))

    return _named(t, instr), inputs, [(16, 16), (5, 7)]


def case_ld_acc_i8(instr):
    @proc
    def t(n: size, m: size, A: i8[n, 20], C0: i32[16, 16], C1: i32[16, 16]):
        assert n <= 16
        assert m <= 16
        c: i32[16, 16] @ GEMM_ACCUM
        ld_acc_i32(16, 16, C0, c)
        instr(n, m, A[0:n, 2:2 + m], c[16 - n:16, 0:16])
        st_acc_i32(16, 16, c, C1)

    def inputs(rng, n, m):
        return dict(n=n, m=m, A=i8(rng, n, 20), C0=_acc_background(rng), C1=np.zeros((16, 16), np.int32))

    return _named(t, instr), inputs, [(16, 16), (5, 7)]


def case_ld_acc_i32_vector(instr, config=None):
    # One bias row repeated into n accumulator rows.
    if config is None:
        @proc
        def t(n: size, X: i32[2, 24], C0: i32[16, 16], C1: i32[16, 16]):
            assert n <= 16
            c: i32[16, 16] @ GEMM_ACCUM
            ld_acc_i32(16, 16, C0, c)
            instr(n, X[1:2, 5:21], c[16 - n:16, 0:16])
            st_acc_i32(16, 16, c, C1)
    else:
        @proc
        def t(n: size, X: i32[2, 24], C0: i32[16, 16], C1: i32[16, 16]):
            assert n <= 16
            c: i32[16, 16] @ GEMM_ACCUM
            ld_acc_i32(16, 16, C0, c)
            config(True)
            instr(n, X[1:2, 5:21], c[16 - n:16, 0:16])
            st_acc_i32(16, 16, c, C1)

    def inputs(rng, n):
        return dict(n=n, X=i32(rng, 2, 24), C0=_acc_background(rng), C1=np.zeros((16, 16), np.int32))

    return _named(t, instr), inputs, [(16,), (3,)]


def case_zero_acc_i32(instr, config=None):
    if config is None:
        @proc
        def t(n: size, m: size, C0: i32[16, 16], C1: i32[16, 16]):
            assert n <= 16
            assert m <= 16
            c: i32[16, 16] @ GEMM_ACCUM
            ld_acc_i32(16, 16, C0, c)
            instr(n, m, c[16 - n:16, 0:16])
            st_acc_i32(16, 16, c, C1)
    else:
        @proc
        def t(n: size, m: size, C0: i32[16, 16], C1: i32[16, 16]):
            assert n <= 16
            assert m <= 16
            c: i32[16, 16] @ GEMM_ACCUM
            ld_acc_i32(16, 16, C0, c)
            config()
            instr(n, m, c[16 - n:16, 0:16])
            st_acc_i32(16, 16, c, C1)

    def inputs(rng, n, m):
        return dict(n=n, m=m, C0=_acc_background(rng), C1=np.zeros((16, 16), np.int32))

    return _named(t, instr), inputs, [(16, 16), (5, 7)]


def case_st_acc_i32(instr):
    @proc
    def t(n: size, m: size, C0: i32[16, 16], Y: i32[17, 20]):
        assert n <= 16
        assert m <= 16
        c: i32[16, 16] @ GEMM_ACCUM
        ld_acc_i32(16, 16, C0, c)
        instr(n, m, c[16 - n:16, 0:16], Y[1:1 + n, 2:2 + m])

    def inputs(rng, n, m):
        return dict(n=n, m=m, C0=_acc_background(rng), Y=i32(rng, 17, 20))

    return _named(t, instr), inputs, [(16, 16), (5, 7)]


# The accumulator-to-i8 path: the hardware rounds scale * x to the nearest
# integer where the bodies truncate, so the scales keep every product an
# integer (x is a multiple of 4); values reach past the i8 range (saturation).
ST_ACC_SCALES = [(1.0, False), (1.0, True), (2.0, False), (0.25, True)]


def _st_acc_inputs(rng, n, m, scale, act):
    C0 = 4 * rng.integers(-80, 80, (16, 16)).astype(np.int32)
    return dict(n=n, m=m, scale=f32(scale), act=act, C0=C0, Y=i8(rng, 17, 20))


def case_st_acc_i8(instr, config=None):
    if config is None:
        @proc
        def t(n: size, m: size, scale: f32, act: bool, C0: i32[16, 16], Y: i8[17, 20]):
            assert n <= 16
            assert m <= 16
            c: i32[16, 16] @ GEMM_ACCUM
            ld_acc_i32(16, 16, C0, c)
            instr(n, m, scale, act, c[16 - n:16, 0:16], Y[1:1 + n, 2:2 + m])
    else:
        @proc
        def t(n: size, m: size, scale: f32, act: bool, C0: i32[16, 16], Y: i8[17, 20]):
            assert n <= 16
            assert m <= 16
            c: i32[16, 16] @ GEMM_ACCUM
            ld_acc_i32(16, 16, C0, c)
            config(scale, stride(Y, 0), act)
            instr(n, m, c[16 - n:16, 0:16], Y[1:1 + n, 2:2 + m])

    shapes = [(n, m, s, a) for (n, m) in [(16, 16), (5, 7)] for (s, a) in ST_ACC_SCALES]
    return _named(t, instr), _st_acc_inputs, shapes


def case_matmul(instr, config=None):
    # C[r:r+N] (+)= A[0:N, 0:K] * B[0:K, 0:M] on tiles filled with A0, B0, C0.
    if config is None:
        @proc
        def t(N: size, M: size, K: size, A0: i8[16, 16], B0: i8[16, 16], C0: i32[16, 16], C1: i32[16, 16]):
            assert N <= 16
            assert M <= 16
            assert K <= 16
            a: i8[16, 16] @ GEMM_SCRATCH
            b: i8[16, 16] @ GEMM_SCRATCH
            c: i32[16, 16] @ GEMM_ACCUM
            ld_i8(16, 16, A0, a)
            ld_i8(16, 16, B0, b)
            ld_acc_i32(16, 16, C0, c)
            instr(N, M, K, a[0:N, 0:16], b[0:K, 0:16], c[16 - N:16, 0:16])
            st_acc_i32(16, 16, c, C1)
    else:
        @proc
        def t(N: size, M: size, K: size, A0: i8[16, 16], B0: i8[16, 16], C0: i32[16, 16], C1: i32[16, 16]):
            assert N <= 16
            assert M <= 16
            assert K <= 16
            a: i8[16, 16] @ GEMM_SCRATCH
            b: i8[16, 16] @ GEMM_SCRATCH
            c: i32[16, 16] @ GEMM_ACCUM
            ld_i8(16, 16, A0, a)
            ld_i8(16, 16, B0, b)
            ld_acc_i32(16, 16, C0, c)
            config()
            instr(N, M, K, a[0:N, 0:16], b[0:K, 0:16], c[16 - N:16, 0:16])
            st_acc_i32(16, 16, c, C1)

    def inputs(rng, N, M, K):
        return dict(N=N, M=M, K=K, A0=i8(rng, 16, 16), B0=i8(rng, 16, 16), C0=_acc_background(rng),
                    C1=np.zeros((16, 16), np.int32))

    return _named(t, instr), inputs, [(16, 16, 16), (5, 7, 9), (16, 3, 1)]


def case_acc_scale(instr):
    @proc
    def t(scale: f32, X: i32[8], Y: f32[8]):
        for i in seq(0, 8):
            instr(X[i], Y[i], scale)

    def inputs(rng, scale):
        # ACC_SCALE rounds and saturates to the i8 range; the body does
        # neither: products here are integers inside it.
        return dict(scale=f32(scale), X=4 * rng.integers(-15, 16, 8).astype(np.int32), Y=np.zeros(8, np.float32))

    return _named(t, instr), inputs, [(1.0,), (2.0,), (0.25,)]


# instruction -> its case; `config_*` instructions are tested with the `do_`
# forms that rely on them.
def _cases():
    g = gemmini
    cases = [case_acc_scale(g.acc_scale)]
    cases += [case_ld_i8(getattr(g, n)) for n in (
        "ld_i8", "ld_i8_v2", "ld_i8_id1", "ld_i8_id1_v2", "ld_i8_id1_s2_v2", "ld_i8_id2", "ld_i8_id2_v2",
        "ld_i8_id2_s2_v2")]
    cases += [case_ld_i8(g.do_ld_i8, g.config_ld_i8), case_ld_i8(g.do_ld_i8_id1, g.config_ld_i8_id1),
              case_ld_i8(g.do_ld_i8_id2, g.config_ld_i8_id2)]
    cases += [case_ld_i8_block(getattr(g, n)) for n in (
        "ld_i8_block", "ld_i8_block_id1", "ld_i8_block_id1_v2", "ld_i8_block_id1_s2_v2", "ld_i8_block_id2_v2",
        "ld_i8_block_id2_s2_v2")]
    cases += [case_ld_i8_block(g.do_ld_i8_block_id1, g.config_ld_i8_id1),
              case_ld_i8_block(g.do_ld_i8_block_id2, g.config_ld_i8_id2)]
    cases += [case_block_id2(g.ld_i8_block_id2), case_block_id2(g.zero_block_id2)]
    cases += [case_ld_i8_s2(g.ld_i8_s2), case_ld_i8_s2(g.do_ld_i8_s2_id1, g.config_ld_i8_s2_id1)]
    cases += [case_ld_i8_vector(g.ld_i8_vector), case_ld_i8_vector(g.do_ld_i8_vector, g.config_ld_i8)]
    cases += [case_zero_i8(g.zero_i8), case_zero_i8(g.zero_i8_v2), case_zero_i8(g.do_zero_i8, g.config_zero)]
    cases += [case_zero_i8_vector(g.zero_i8_vector), case_zero_i8_vector(g.zero_i8_vector_v2),
              case_zero_i8_vector(g.do_zero_i8_vector, g.config_zero)]
    cases += [case_st_i8(g.st_i8)]
    cases += [case_ld_acc_i32(g.ld_acc_i32), case_do_ld_acc_i32(g.do_ld_acc_i32), case_ld_acc_i8(g.ld_acc_i8)]
    cases += [case_ld_acc_i32_vector(g.ld_acc_i32_vector), case_ld_acc_i32_vector(g.ld_acc_i32_vector_v2),
              case_ld_acc_i32_vector(g.do_ld_acc_i32_vector, g.config_ld_acc_i32_vector)]
    cases += [case_zero_acc_i32(g.zero_acc_i32), case_zero_acc_i32(g.zero_acc_i32_v2),
              case_zero_acc_i32(g.do_zero_acc_i32, g.config_zero)]
    cases += [case_st_acc_i32(g.st_acc_i32)]
    cases += [case_st_acc_i8(g.st_acc_i8), case_st_acc_i8(g.st_acc_i8_v2), case_st_acc_i8(g.st_acc_i8_s2_v2),
              case_st_acc_i8(g.do_st_acc_i8, g.config_st_acc_i8)]
    cases += [case_matmul(getattr(g, n)) for n in ("matmul_i8", "matmul_i8_v2", "matmul_acc_i8",
                                                   "matmul_acc_i8_v2")]
    cases += [case_matmul(g.do_matmul_i8, g.config_matmul), case_matmul(g.do_matmul_acc_i8, g.config_matmul)]
    # The _v2 forms inlined: their config_* and do_* calls, as a hoisting
    # schedule leaves them, do what the instruction does.
    cases += [(rename(inline(p, f"{p.name()[2:]}(_)"), p.name() + "_inlined"), inputs, shapes)
              for p, inputs, shapes in list(cases) if p.name().endswith("_v2")]
    return {p.name(): (p, inputs, shapes) for p, inputs, shapes in cases}


CASES = _cases()

CONFIG_INSTRS = {"config_ld_i8", "config_ld_i8_id1", "config_ld_i8_id2", "config_ld_i8_s2_id1",
                 "config_ld_acc_i32_vector", "config_st_acc_i8", "config_zero", "config_matmul"}


def test_every_instruction_has_a_case():
    instrs = {n for n in gemmini.__all__ if isinstance(getattr(gemmini, n), Procedure)
              and getattr(gemmini, n).is_instr()}
    tested = {name[len("t_"):] for name in CASES if not name.endswith("_inlined")} | CONFIG_INSTRS
    assert instrs - tested == set()
    assert len(instrs) == 61  # as in exo-lang


@pytest.fixture(scope="module")
def instr_model(tmp_path_factory):
    return GemminiModel([p for p, _, _ in CASES.values()], tmp_path_factory.mktemp("gemmini_instrs"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_instruction_on_model_matches_its_body(instr_model, name):
    p, inputs, shapes = CASES[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    for shape in shapes:
        args = inputs(rng, *shape)
        hw, sw, counts = on_model_and_interpreter(instr_model, p, **args)
        for k, v in args.items():
            if isinstance(v, np.ndarray):
                np.testing.assert_array_equal(hw[k], sw[k], err_msg=f"{name}{shape}: {k}")
        assert sum(counts.values()) > 0 or name == "t_acc_scale"


def test_acc_scale_rounds_where_the_body_does_not(instr_model):
    # The documented difference: ACC_SCALE rounds scale * x to the nearest
    # even integer (x = 3, scale = 0.5: 2), the body keeps 1.5.
    p = CASES["t_acc_scale"][0]
    args = dict(scale=f32(0.5), X=np.full(8, 3, np.int32), Y=np.zeros(8, np.float32))
    hw, sw, _ = on_model_and_interpreter(instr_model, p, **args)
    assert hw["Y"][0] == 2.0 and sw["Y"][0] == 1.5


def test_block_id2_forms_configure_their_block_stride(instr_model):
    # ld_i8_block_id2 (extended4_config_ld with n) fills packed blocks of n
    # rows (its case uses n < 16); its _v2 forms configure as the
    # config_ld_i8_id2 of their bodies, 16 rows apart (their cases, inlined or
    # not, use blocks 16 rows apart).
    rng = np.random.default_rng(3)
    p, inputs, _ = CASES["t_ld_i8_block_id2"]
    hw, sw, _ = on_model_and_interpreter(instr_model, p, **inputs(rng, 5, 3))
    np.testing.assert_array_equal(hw["S1"], sw["S1"])
    assert "gemmini_extended4_config_ld(" in gemmini.ld_i8_block_id2.get_instr()
    for v2 in (gemmini.ld_i8_block_id2_v2, gemmini.ld_i8_block_id2_s2_v2):
        assert "gemmini_extended3_config_ld(" in v2.get_instr()
        assert "config_ld_i8_id2(" in str(v2)


# --------------------------------------------------------------------------- #
#   Library contents
# --------------------------------------------------------------------------- #

EXO_LANG_NAMES = """
    ConfigLoad ConfigLoadAcc ConfigLoad_id1 ConfigLoad_id2 ConfigMatmul ConfigStore acc_scale clamp
    config_ld_acc_i32_vector config_ld_i8 config_ld_i8_id1 config_ld_i8_id2 config_ld_i8_s2_id1 config_matmul
    config_st_acc_i8 config_zero del_and_zero do_ld_acc_i32 do_ld_acc_i32_vector do_ld_i8 do_ld_i8_block_id1
    do_ld_i8_block_id2 do_ld_i8_id1 do_ld_i8_id2 do_ld_i8_s2_id1 do_ld_i8_vector do_matmul_acc_i8
    do_matmul_i8 do_st_acc_i8 do_zero_acc_i32 do_zero_i8 do_zero_i8_vector fission_inner_blocks
    fission_outer_blocks inline_div_part inline_ld_id1 inline_lift_config inline_matmul inline_mod_part
    inline_st inline_vector ld_acc_i32 ld_acc_i32_vector ld_acc_i32_vector_v2 ld_acc_i8 ld_i8 ld_i8_block
    ld_i8_block_id1 ld_i8_block_id1_s2_v2 ld_i8_block_id1_v2 ld_i8_block_id2 ld_i8_block_id2_s2_v2
    ld_i8_block_id2_v2 ld_i8_id1 ld_i8_id1_s2_v2 ld_i8_id1_v2 ld_i8_id2 ld_i8_id2_s2_v2 ld_i8_id2_v2
    ld_i8_prototype ld_i8_s2 ld_i8_v2 ld_i8_vector lift_config make_do_ld_i8 make_do_ld_i8_block
    make_ld_acc_i32_vector make_ld_i8 make_ld_i8_block make_matmul_acc_i8_v2 make_matmul_i8_v2
    make_st_acc_i8_s2_v2 make_st_acc_i8_v2 make_zero_acc_i32_v2 make_zero_i8_v2 make_zero_i8_vector_v2
    matmul_acc_i8 matmul_acc_i8_v2 matmul_i8 matmul_i8_v2 matmul_tile new_config_ld_acc new_config_matmul
    new_config_st old_fission_after old_lift_alloc old_reorder old_split old_unroll replace_div_part
    replace_gemmini_calls replace_mod_part set_gemm_memories set_prec_mem split_fission_dim st_acc_i32
    st_acc_i8 st_acc_i8_s2_v2 st_acc_i8_v2 st_i8 tile_outer_loops zero_acc_i32 zero_acc_i32_v2
    zero_block_id2 zero_i8 zero_i8_v2 zero_i8_vector zero_i8_vector_v2
    GEMM_SCRATCH GEMM_ACCUM DRAM proc instr config relu select divide_loop reorder_loops replace call_eqv
""".split()


def test_library_offers_exo_lang_names():
    missing = [n for n in EXO_LANG_NAMES if n not in gemmini.__all__]
    assert missing == []


def test_v2_forms_are_equivalent_modulo_their_config_writes():
    # A `_v2` form also writes config fields its plain form leaves alone: the
    # two are equivalent modulo those fields (call_eqv checks the caller).
    pairs = [("zero_acc_i32", "zero_acc_i32_v2"), ("ld_i8_block_id1", "ld_i8_block_id1_v2"),
             ("ld_i8_block_id1", "ld_i8_block_id1_s2_v2"), ("ld_i8_block_id2", "ld_i8_block_id2_v2"),
             ("matmul_acc_i8", "matmul_acc_i8_v2"), ("matmul_i8", "matmul_i8_v2"), ("st_acc_i8", "st_acc_i8_v2"),
             ("st_acc_i8", "st_acc_i8_s2_v2"), ("ld_acc_i32_vector", "ld_acc_i32_vector_v2"),
             ("ld_i8", "ld_i8_v2"), ("ld_i8_id1", "ld_i8_id1_v2"), ("zero_i8", "zero_i8_v2"),
             ("zero_i8_vector", "zero_i8_vector_v2")]
    for plain, v2 in pairs:
        assert getattr(gemmini, plain).is_eq(getattr(gemmini, v2)), (plain, v2)
        assert getattr(gemmini, v2)._handle is not None
    # Scheduled from ld_i8_prototype, with the load unit's stride as a precondition.
    assert "ConfigLoad_id1.src_stride" in str(gemmini.do_ld_i8_id1)
    assert gemmini.ld_i8.is_eq(gemmini.ld_i8_id2)


def test_generated_c_uses_exo_lang_templates():
    @proc
    def k(A: i8[16, 64], c: i32[16, 16] @ GEMM_ACCUM):
        s: i8[4, 16, 16] @ GEMM_SCRATCH
        ld_i8_block_id1(16, 4, A, s)
        zero_acc_i32(16, 16, c)

    code = k.c_code_str()
    assert "gemmini_extended3_config_ld(" in code and ".strides[0]*1, 1.0f, 0, 1);" in code
    assert ("gemmini_extended_mvin2( &A[0], ((uint64_t) &*(int8_t*)((uint64_t)( ((uint32_t)((uint64_t)s)) + "
            "(0)/16))), 16*(4), (16) );") in code
    assert ("gemmini_extended_mvin( 0, ((uint64_t) &*(int32_t*)((uint64_t)( ((uint32_t)((uint64_t)c)) + "
            "(0)/16))),(16), (16) );") in code
    assert "#include <include/gemmini.h>" in code and '#include "gemm_malloc.h"' in code


# --------------------------------------------------------------------------- #
#   A tiled matmul scheduled onto Gemmini
# --------------------------------------------------------------------------- #


@proc
def matmul_on_cpu(N: size, M: size, K: size, scale: f32, act: bool, A: i8[N, K] @ DRAM, B: i8[K, M] @ DRAM,
                  C: i8[N, M] @ DRAM):
    for i in seq(0, N):
        for j in seq(0, M):
            res: i32 @ DRAM
            res = 0.0
            for k in seq(0, K):
                a: i8 @ DRAM
                a = A[i, k]
                b: i8 @ DRAM
                b = B[k, j]
                a2: i32
                b2: i32
                a2 = a
                b2 = b
                res += a2 * b2
            src_tmp: i32
            src_tmp = res
            tmp_res1: f32
            acc_scale(src_tmp, tmp_res1, scale)
            tmp_res2: i8
            clamp(tmp_res1, tmp_res2)
            if act == True:
                tmp_res2 = relu(tmp_res2)
            C[i, j] = tmp_res2


def schedule_matmul(NN, MM, KK):
    """exo-lang's Gemmini matmul schedule (its sched_matmul): tiles of 16x64
    outputs in the accumulator, 64-deep slices of A and B in the scratchpad,
    the loop nests replaced by Gemmini instructions. Returns (cpu, unhoisted,
    hoisted): `unhoisted` calls the self-configuring instructions in the loops,
    `hoisted` is it with each call swapped for its _v2 form, inlined, and the
    config_* calls lifted out of the loops."""
    cpu = rename(matmul_on_cpu, "matmul_cpu").partial_eval(NN, MM, KK)
    g = rename(cpu, "matmul_unhoisted")
    g = set_memory(g, "res", GEMM_ACCUM)
    g = set_memory(g, "a", GEMM_SCRATCH)
    g = set_memory(g, "b", GEMM_SCRATCH)
    g = tile_outer_loops(g)
    g = old_lift_alloc(g, "res : _ #0", n_lifts=2)
    g = old_lift_alloc(g, "res : _ #0", n_lifts=1, mode="col", size=16)
    g = fission_outer_blocks(g)
    g = fission_inner_blocks(g)
    g = simplify(replace_gemmini_calls(g))
    hoisted = simplify(rename(inline_lift_config(g), "matmul_hoisted"))
    return cpu, g, hoisted


@pytest.fixture(scope="module")
def tiled_matmul(tmp_path_factory):
    cpu, unhoisted, hoisted = schedule_matmul(32, 128, 128)
    model = GemminiModel([unhoisted, hoisted], tmp_path_factory.mktemp("gemmini_matmul"))
    return cpu, unhoisted, hoisted, model


def test_tiled_matmul_schedule_shape(tiled_matmul):
    _, unhoisted, hoisted, _ = tiled_matmul
    text = str(hoisted)
    # The five configurations come first, outside every loop.
    head = text.split("for ")[0]
    for call in ("config_st_acc_i8(", "config_matmul()", "config_ld_i8_id2(", "config_ld_i8_id1(", "config_zero()"):
        assert call in head, call
    for call in ("do_zero_acc_i32(", "do_ld_i8_block_id1(", "do_ld_i8_block_id2(", "do_matmul_acc_i8(",
                 "do_st_acc_i8("):
        assert call in text, call
    assert "@ GEMM_SCRATCH" in text and "@ GEMM_ACCUM" in text
    for call in ("zero_acc_i32(", "ld_i8_block_id1(", "matmul_acc_i8(", "st_acc_i8("):
        assert call in str(unhoisted), call


@pytest.mark.parametrize("scale,act,bound", [(1.0, False, 4), (1.0, True, 4), (2.0, True, 3)])
def test_tiled_matmul_on_model_matches_the_loop_nest(tiled_matmul, scale, act, bound, capsys):
    cpu, unhoisted, hoisted, model = tiled_matmul
    rng = np.random.default_rng(11)
    N, M, K = 32, 128, 128
    # Small entries keep most sums inside the i8 range (some saturate).
    A = rng.integers(-bound, bound + 1, (N, K)).astype(np.int8)
    B = rng.integers(-bound, bound + 1, (K, M)).astype(np.int8)
    want = np.zeros((N, M), np.int8)
    cpu.interpret(scale=f32(scale), act=act, A=A, B=B, C=want)
    prod = A.astype(np.int32) @ B.astype(np.int32) * np.int32(scale)
    expect = np.clip(prod, 0 if act else -128, 127).astype(np.int8)
    np.testing.assert_array_equal(want, expect)
    counts = {}
    for p in (unhoisted, hoisted):
        got = np.full((N, M), 99, np.int8)
        counts[p.name()] = model.run(p.name(), scale=f32(scale), act=act, A=A, B=B, C=got)
        np.testing.assert_array_equal(got, want, err_msg=p.name())
    with capsys.disabled():
        for name, c in counts.items():
            print(f"\n{name} (N={N}, M={M}, K={K}): " + ", ".join(f"{k} {v}" for k, v in c.items()))
    u, h = counts["matmul_unhoisted"], counts["matmul_hoisted"]
    # The same work: every move and compute...
    for op in ("mvin", "mvin2", "mvin3", "mvout", "preload", "compute_preloaded"):
        assert u[op] == h[op], op
    # ...with the configuration issued once instead of before each operation.
    assert sum(h[op] for op in CONFIG_OPS) == 5
    assert sum(h[op] for op in CONFIG_OPS) < sum(u[op] for op in CONFIG_OPS)
    assert u["config_ex"] == u["preload"] and u["config_st"] == u["mvout"]


# --------------------------------------------------------------------------- #
#   A convolution scheduled onto Gemmini
# --------------------------------------------------------------------------- #


@proc
def conv_on_cpu(batch_size: size, out_dim: size, out_channel: size, kernel_dim: size, in_channel: size,
                in_dim: size, output: i8[batch_size, out_dim, out_dim, out_channel], bias: i32[1, out_channel],
                inp: i8[batch_size, in_dim, in_dim, in_channel],
                weights: i8[kernel_dim, kernel_dim, in_channel, out_channel], act: bool, scale: f32):
    assert out_dim == in_dim - kernel_dim + 1
    for b in seq(0, batch_size):
        for orow in seq(0, out_dim):
            for ocol in seq(0, out_dim):
                for och in seq(0, out_channel):
                    res: i32
                    res = bias[0, och]
                    for krow in seq(0, kernel_dim):
                        for kcol in seq(0, kernel_dim):
                            for kch in seq(0, in_channel):
                                w_s: i8 @ DRAM
                                w_s = weights[krow, kcol, kch, och]
                                i_s: i8 @ DRAM
                                i_s = inp[b, orow + krow, ocol + kcol, kch]
                                a2: i32
                                b2: i32
                                a2 = i_s
                                b2 = w_s
                                res += a2 * b2
                    src_tmp: i32
                    src_tmp = res
                    tmp_res1: f32
                    acc_scale(src_tmp, tmp_res1, scale)
                    tmp_res2: i8
                    clamp(tmp_res1, tmp_res2)
                    if act == True:
                        tmp_res2 = relu(tmp_res2)
                    output[b, orow, ocol, och] = tmp_res2


def schedule_conv(batch, out_dim, out_channel, kernel_dim, in_channel):
    """exo-lang's Gemmini conv schedule (its conv_3 without the final tuning):
    output columns in tiles of 16 plus a tail, channels in blocks of 16, the
    loop nests replaced by Gemmini instructions. `hoisted` is `unhoisted` with
    the calls of the main part swapped for their _v2 forms, inlined and their
    configuration lifted out of the loops (the tail keeps the self-configuring
    forms: exo-lang deletes their configs with delete_config, which the core
    does not yet accept on a call)."""
    cpu = rename(conv_on_cpu, "conv_cpu").partial_eval(batch, out_dim, out_channel, kernel_dim, in_channel,
                                                        out_dim + kernel_dim - 1)
    conv = split_fission_dim(rename(cpu, "conv_unhoisted"))
    conv = replace_div_part(conv)
    conv = replace_mod_part(conv)
    conv = set_gemm_memories(conv)
    hoisted = simplify(rename(inline_div_part(conv), "conv_hoisted"))
    return cpu, simplify(conv), hoisted


@pytest.fixture(scope="module")
def tiled_conv(tmp_path_factory):
    cpu, unhoisted, hoisted = schedule_conv(1, 20, 32, 3, 32)
    model = GemminiModel([unhoisted, hoisted], tmp_path_factory.mktemp("gemmini_conv"))
    return cpu, unhoisted, hoisted, model


@pytest.mark.parametrize("scale,act", [(1.0, False), (2.0, True)])
def test_tiled_conv_on_model_matches_the_loop_nest(tiled_conv, scale, act, capsys):
    cpu, unhoisted, hoisted, model = tiled_conv
    rng = np.random.default_rng(5)
    args = dict(bias=rng.integers(-60, 60, (1, 32)).astype(np.int32),
                inp=rng.integers(-3, 4, (1, 22, 22, 32)).astype(np.int8),
                weights=rng.integers(-3, 4, (3, 3, 32, 32)).astype(np.int8), act=act, scale=f32(scale))
    want = np.zeros((1, 20, 20, 32), np.int8)
    cpu.interpret(output=want, **args)
    assert len(np.unique(want)) > 50  # mostly not saturated
    head = str(hoisted).split("for ")[0]
    for call in ("config_st_acc_i8(", "config_matmul()", "config_ld_i8_id1(", "config_ld_acc_i32_vector("):
        assert call in head, call
    counts = {}
    for p in (unhoisted, hoisted):
        got = np.full_like(want, 99)
        counts[p.name()] = model.run(p.name(), output=got, **args)
        np.testing.assert_array_equal(got, want, err_msg=p.name())
    with capsys.disabled():
        for name, c in counts.items():
            print(f"\n{name} (1x20x20x32 from 1x22x22x32, 3x3 kernel): " + ", ".join(f"{k} {v}" for k, v in c.items()))
    u, h = counts["conv_unhoisted"], counts["conv_hoisted"]
    for op in ("mvin", "mvin2", "mvin3", "mvout", "preload", "compute_preloaded"):
        assert u[op] == h[op], op
    assert sum(h[op] for op in CONFIG_OPS) < sum(u[op] for op in CONFIG_OPS)


def test_gemmini_model_self_test(tmp_path):
    # The model's own check: tiled int8 matmuls with scale, relu and saturation
    # issued through mvin/preload/compute/mvout, against plain C.
    exe = tmp_path / "test_gemmini_model"
    out = subprocess.run(["gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", f"-I{MODEL}",
                          str(MODEL / "test_gemmini_model.c"), "-o", str(exe), "-lm"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
