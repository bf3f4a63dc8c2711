"""The Arm (Neon, SVE) and RISC-V Vector libraries from Python: kernels
scheduled from naive loops onto each library's instructions, cross-compiled
and run under qemu-user beside the unscheduled procedure, on random inputs of
odd sizes. Each test skips, naming the missing tool, without the toolchain
(Debian: gcc-aarch64-linux-gnu, clang-16, gcc-riscv64-linux-gnu for the
riscv64 libc, qemu-user-static)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import exo
from exo import proc
from exo.platforms import neon, rvv, sve_vla
from exo.platforms.neon import Neon
from exo.platforms.rvv import RVV
from exo.platforms.sve_vls import SVE_VLS
from exo.stdlib.scheduling import (
    bind_expr,
    call_eqv,
    divide_dim,
    divide_loop,
    expand_dim,
    fission,
    lift_alloc,
    remove_loop,
    rename,
    reorder_loops,
    replace,
    replace_all,
    resize_dim,
    set_memory,
    simplify,
    stage_mem,
)

REPO = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- #
#   Cross-compiling and running
# --------------------------------------------------------------------------- #


@dataclass
class Target:
    compiler: list
    runners: list  # each a command prefix; the program runs under every one

    def require(self):
        for tool in [self.compiler[0]] + [r[0] for r in self.runners]:
            if shutil.which(tool) is None:
                pytest.skip(f"{tool} is not installed")


def aarch64(flags, runners):
    return Target(["aarch64-linux-gnu-gcc", *flags, "-static"],
                  [["qemu-aarch64-static", "-cpu", r] for r in runners])


def riscv64(vlens):
    # rvv_ta_all_1s: lanes past vl of tail-agnostic instructions become all ones.
    return Target(["clang-16", "--target=riscv64-linux-gnu", "-march=rv64gcv", "-static"],
                  [["qemu-riscv64-static", "-cpu", f"rv64,v=true,vext_spec=v1.0,vlen={v},rvv_ta_all_1s=true"]
                   for v in vlens])


def main_c(naive, scheduled, args):
    """A program that reads the arrays, runs `naive` on one copy and
    `scheduled` on another, and writes both copies. `args` are the procs'
    arguments in order: ("size", name) from the command line, ("array", name)
    (a float array whose length is on the command line) or ("scalar", name)."""
    n_sizes = sum(kind == "size" for kind, _ in args)
    arrays = [name for kind, name in args if kind != "size"]
    lines = ['#include <stdio.h>', '#include <stdlib.h>', '#include <string.h>', '#include "k.h"',
             "int main(int argc, char **argv) {",
             f"  if (argc != {3 + n_sizes + len(arrays)}) return 2;",
             '  FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "wb");',
             "  if (!in || !out) return 3;"]
    call = []
    pos = 3
    for kind, name in args:
        if kind == "size":
            lines.append(f"  int_fast32_t {name} = atoi(argv[{pos}]);")
            pos += 1
            call.append(name)
    for name in arrays:
        lines += [f"  size_t n_{name} = (size_t)atol(argv[{pos}]);",
                  f"  float *{name}0 = malloc(n_{name} * sizeof(float) + 1), "
                  f"*{name}1 = malloc(n_{name} * sizeof(float) + 1);",
                  f"  if (fread({name}0, sizeof(float), n_{name}, in) != n_{name}) return 4;",
                  f"  memcpy({name}1, {name}0, n_{name} * sizeof(float));"]
        pos += 1
    for copy, p in (("0", naive), ("1", scheduled)):
        actuals = [name if kind == "size" else name + copy for kind, name in args]
        lines.append(f"  {p.name()}(NULL, {', '.join(actuals)});")
    for copy in "01":
        lines += [f"  fwrite({name}{copy}, sizeof(float), n_{name}, out);" for name in arrays]
    lines += ["  fclose(in);", "  fclose(out);", "  return 0;", "}"]
    return "\n".join(lines) + "\n"


def build(tmp_path, naive, scheduled, args, target, extra=()):
    """Cross-compiles both procs and the comparing main; the program's path."""
    target.require()
    exo.compile_procs([naive, scheduled], tmp_path, "k.c", "k.h")
    (tmp_path / "main.c").write_text(main_c(naive, scheduled, args))
    prog = tmp_path / "prog"
    cmd = [*target.compiler, "-std=c11", "-Wall", "-Werror", "-O1", *extra, f"-I{tmp_path}",
           str(tmp_path / "k.c"), str(tmp_path / "main.c"), "-o", str(prog), "-lm"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, " ".join(cmd) + "\n" + r.stderr
    return prog


def run_both(prog, target, sizes, arrays, tmp_path):
    """Runs the program under each runner; per runner, the arrays after the
    naive proc and after the scheduled one."""
    (tmp_path / "in.bin").write_bytes(b"".join(a.astype(np.float32).tobytes() for a in arrays))
    results = []
    for runner in target.runners:
        cmd = [*runner, str(prog), str(tmp_path / "in.bin"), str(tmp_path / "out.bin"),
               *map(str, sizes), *(str(a.size) for a in arrays)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        assert r.returncode == 0, " ".join(cmd) + "\n" + r.stderr
        flat = np.fromfile(tmp_path / "out.bin", dtype=np.float32)
        outs, off = [], 0
        for _ in range(2):
            copy = []
            for a in arrays:
                copy.append(flat[off:off + a.size])
                off += a.size
            outs.append(copy)
        results.append((" ".join(runner), outs[0], outs[1]))
    return results


def check_same(results, what):
    for runner, naive, scheduled in results:
        for k, (x, y) in enumerate(zip(naive, scheduled)):
            np.testing.assert_allclose(y, x, rtol=1e-5, atol=1e-5,
                                       err_msg=f"{what}, array {k}, under {runner}")


# --------------------------------------------------------------------------- #
#   Neon: an SGEMM with a 4x8 register-blocked micro-kernel
# --------------------------------------------------------------------------- #


@proc
def sgemm(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]


@proc
def sgemm_4x8(K: size, A: [f32][4, K] @ DRAM, B: [f32][K, 8] @ DRAM, C: [f32][4, 8] @ DRAM):
    assert stride(B, 1) == 1
    assert stride(C, 1) == 1
    for i in seq(0, 4):
        for j in seq(0, 8):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]


def neon_micro_kernel():
    """C in 4x2 registers for the whole k loop; per k, one row of B in two
    registers shared by the 4 rows, and one broadcast of A per row shared by
    the row's two registers."""
    p = rename(sgemm_4x8, "sgemm_4x8_neon")
    p = reorder_loops(p, "j k")
    p = reorder_loops(p, "i k")
    p = divide_loop(p, "j", 4, ["jo", "ji"], perfect=True)
    p = stage_mem(p, "for k in _: _", "C[0:4, 0:8]", "C_reg")
    p = divide_dim(p, "C_reg", 1, 4)
    for _ in range(2):  # the loops loading and storing C_reg
        p = divide_loop(p, "for i1 in _: _ #0", 4, ["i1o", "i1i"], perfect=True)
    p = simplify(p)
    p = replace(p, "for i1i in _: _ #0", neon.neon_vld_4xf32)
    p = replace(p, "for i1i in _: _ #0", neon.neon_vst_4xf32)
    p = set_memory(p, "C_reg", Neon)

    p = bind_expr(p, "B[_]", "B_vec")
    p = expand_dim(p, "B_vec", 4, "ji")
    p = expand_dim(p, "B_vec", 2, "jo")
    p = lift_alloc(p, "B_vec", n_lifts=3)
    p = fission(p, p.find("B_vec[_] = _").after(), n_lifts=3)
    p = remove_loop(p, "for i in _: _ #0")
    p = replace(p, "for ji in _: _ #0", neon.neon_vld_4xf32)
    p = set_memory(p, "B_vec", Neon)

    p = bind_expr(p, "A[_]", "A_vec")
    p = expand_dim(p, "A_vec", 4, "ji")
    p = lift_alloc(p, "A_vec", n_lifts=2)
    p = fission(p, p.find("A_vec[_] = _").after(), n_lifts=2)
    p = remove_loop(p, p.find("A_vec[_] = _").parent().parent())
    p = replace(p, "for ji in _: _ #0", neon.neon_broadcast_4xf32)
    p = set_memory(p, "A_vec", Neon)
    p = replace(p, "for ji in _: _ #0", neon.neon_vfmadd_4xf32_4xf32)
    return simplify(p)


def neon_sgemm():
    """Whole 4x8 tiles by the micro-kernel, the edges by the naive loops."""
    s = rename(sgemm, "sgemm_neon")
    s = divide_loop(s, "i", 4, ["io", "ii"], tail="cut")
    s = divide_loop(s, "j #0", 8, ["jo", "ji"], tail="cut")
    s = fission(s, s.find("for jo in _: _").after())
    s = reorder_loops(s, "ii jo")
    s = replace_all(s, sgemm_4x8)
    s = call_eqv(s, "sgemm_4x8(_)", neon_micro_kernel())
    return simplify(s)


def test_neon_sgemm_matches_naive(tmp_path):
    kernel = neon_micro_kernel()
    text = str(kernel)
    assert text.count("neon_broadcast_4xf32(") == 1 and text.count("neon_vfmadd_4xf32_4xf32(") == 1
    scheduled = neon_sgemm()
    assert "sgemm_4x8_neon(K, A[4 * io:" in str(scheduled)
    c = scheduled.c_code_str()
    assert "vld1q_dup_f32(&A.data[" in c and "vmlaq_f32(" in c

    target = aarch64(["-march=armv8-a"], ["max"])
    args = [("size", "M"), ("size", "N"), ("size", "K"), ("array", "A"), ("array", "B"), ("array", "C")]
    prog = build(tmp_path, sgemm, scheduled, args, target)
    rng = np.random.default_rng(11)
    for M, N, K in [(4, 8, 1), (7, 13, 5), (13, 17, 9), (12, 24, 16), (1, 3, 2), (9, 31, 3)]:
        arrays = [rng.uniform(-1, 1, n).astype(np.float32) for n in (M * K, K * N, M * N)]
        results = run_both(prog, target, (M, N, K), arrays, tmp_path)
        check_same(results, f"sgemm M={M} N={N} K={K}")
        A, B, C = (a.reshape(s) for a, s in zip(arrays, [(M, K), (K, N), (M, N)]))
        np.testing.assert_allclose(results[0][2][2].reshape(M, N), C + A @ B, rtol=1e-4, atol=1e-4)


# --------------------------------------------------------------------------- #
#   SVE: saxpy at a fixed vector length, and vector-length agnostic
# --------------------------------------------------------------------------- #


@proc
def saxpy(n: size, a: f32, x: f32[n], y: f32[n]):
    for i in seq(0, n):
        y[i] += x[i] * a


def sve_vls_saxpy(bits):
    """Whole registers of bits/32 floats; the last n % (bits/32) scalar."""
    sve = SVE_VLS(bits)
    L = bits // 32
    s = rename(saxpy, f"saxpy_sve{bits}")
    s = divide_loop(s, "i", L, ["io", "ii"], tail="cut")
    s = stage_mem(s, "for ii in _: _ #0", f"y[{L} * io:{L} * io + {L}]", "y_reg")
    s = bind_expr(s, "x[_] #0", "x_reg")
    s = expand_dim(s, "x_reg", L, "ii")
    s = lift_alloc(s, "x_reg")
    s = fission(s, s.find("x_reg[_] = _").after())
    s = set_memory(s, "y_reg", sve.Vector)
    s = set_memory(s, "x_reg", sve.Vector)
    s = replace_all(s, sve.svld1_f32)
    s = replace_all(s, sve.svst1_f32)
    s = replace_all(s, sve.svmla_n_f32_x)
    return simplify(s)


SAXPY_ARGS = [("size", "n"), ("scalar", "a"), ("array", "x"), ("array", "y")]


def run_saxpy(tmp_path, scheduled, target, sizes, extra=()):
    prog = build(tmp_path, saxpy, scheduled, SAXPY_ARGS, target, extra)
    rng = np.random.default_rng(5)
    for n in sizes:
        arrays = [rng.uniform(-2, 2, 1).astype(np.float32)] + [
            rng.uniform(-1, 1, n).astype(np.float32) for _ in range(2)]
        results = run_both(prog, target, (n,), arrays, tmp_path)
        check_same(results, f"{scheduled.name()} n={n}")
        a, x, y = arrays
        np.testing.assert_allclose(results[0][2][2], y + a[0] * x, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("bits", [256, 512])
def test_sve_vls_saxpy_matches_naive(tmp_path, bits):
    scheduled = sve_vls_saxpy(bits)
    assert str(scheduled).count("svmla_n_f32_x(") == 1
    assert f"arm_sve_vector_bits({bits})" in scheduled.c_code_str()
    target = aarch64(["-march=armv8.2-a+sve", f"-msve-vector-bits={bits}"], [f"max,sve{bits}=on"])
    run_saxpy(tmp_path, scheduled, target, (1, 7, bits // 32, 37, 100))


def test_sve_vla_saxpy_matches_naive(tmp_path):
    scheduled = simplify(replace_all(rename(saxpy, "saxpy_vla"), sve_vla.svmla_n_f32_x_vla))
    assert "svmla_n_f32_x_vla(n, y[0:n], x[0:n], a)" in str(scheduled)
    # One binary, run at three vector lengths.
    target = aarch64(["-march=armv8.2-a+sve"], ["max,sve128=on", "max,sve256=on", "max,sve512=on"])
    run_saxpy(tmp_path, scheduled, target, (1, 3, 16, 37, 101),
              extra=[f"-I{REPO / 'lib' / 'platforms' / 'sve'}"])


# --------------------------------------------------------------------------- #
#   RVV: saxpy with vl = 4, and vl = n % 4 for the last elements
# --------------------------------------------------------------------------- #


@proc
def saxpy_padded(n: size, a: f32[1], x: f32[n + 3], y: f32[n + 3]):
    # x and y hold n elements and room for a whole register past them.
    for i in seq(0, n):
        y[i] += x[i] * a[0]


def rvv_saxpy():
    s = rename(saxpy_padded, "saxpy_rvv")
    s = divide_loop(s, "i", 4, ["io", "ii"], tail="cut_and_guard")
    s = stage_mem(s, "for ii in _: _ #0", "y[4 * io:4 * io + 4]", "y_reg")
    # The tail stages only its n % 4 elements, in a whole register.
    s = stage_mem(s, "for ii in _: _ #1", "y[4 * (n / 4):4 * (n / 4) + n % 4]", "yt_reg")
    s = resize_dim(s, "yt_reg", 0, 4, 0)
    for k, reg in enumerate(("x_reg", "xt_reg")):
        s = bind_expr(s, s.find(f"x[_] #{k}"), reg)
        s = expand_dim(s, reg, 4, "ii")
        s = lift_alloc(s, reg)
        s = fission(s, s.find(f"{reg}[_] = _").after())
    for reg in ("y_reg", "yt_reg", "x_reg", "xt_reg"):
        s = set_memory(s, reg, RVV)
    s = simplify(s)
    s = replace_all(s, rvv.rvv_vld_4xf32)
    s = replace_all(s, rvv.rvv_vst_4xf32)
    s = replace_all(s, rvv.rvv_vfmacc_4xf32_1xf32)
    return simplify(s)


def test_rvv_saxpy_matches_naive(tmp_path):
    scheduled = rvv_saxpy()
    text = str(scheduled)
    assert "rvv_vfmacc_4xf32_1xf32(yt_reg[0:4], xt_reg[0:4], a[0:1], n % 4)" in text
    assert "for ii in" not in text  # every element by an instruction
    target = riscv64([128, 256])
    prog = build(tmp_path, saxpy_padded, scheduled,
                 [("size", "n"), ("array", "a"), ("array", "x"), ("array", "y")], target)
    rng = np.random.default_rng(3)
    for n in (1, 2, 3, 4, 5, 13, 38, 41):
        arrays = [rng.uniform(-2, 2, 1).astype(np.float32)] + [
            rng.uniform(-1, 1, n + 3).astype(np.float32) for _ in range(2)]
        results = run_both(prog, target, (n,), arrays, tmp_path)
        check_same(results, f"saxpy_rvv n={n}")
        a, x, y = arrays
        want = y.copy()
        want[:n] += a[0] * x[:n]
        np.testing.assert_allclose(results[0][2][2], want, rtol=1e-5, atol=1e-5)


# --------------------------------------------------------------------------- #
#   The modules
# --------------------------------------------------------------------------- #


def test_modules_export_the_reference_instructions():
    assert len([n for n in neon.__all__ if n.startswith("neon_")]) == 43
    assert len([n for n in rvv.__all__ if n.startswith("rvv_")]) == 8
    assert sve_vla.svmla_n_f32_x_vla.is_instr()
    sve = SVE_VLS(512)
    assert SVE_VLS(512).Vector is sve.Vector and SVE_VLS(256).Vector is not sve.Vector
    for name in ("svld1_f32", "svst1_f32", "svmla_n_f32_x"):
        assert getattr(sve, name).is_instr()
    assert "vfmaq_laneq_f32" in neon.neon_vfmla_4xf32_4xf32.get_instr()
    assert "__riscv_vfmacc_vf_f32m1_tu(" in rvv.rvv_vfmacc_4xf32_1xf32.get_instr()
