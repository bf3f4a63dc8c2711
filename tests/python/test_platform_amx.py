"""exo.platforms.amx: each AMX instruction compiled to C and run against its body
(interpret() on the same random inputs), and an int8 matmul scheduled onto the
tiles from the plain loop nest, run against the unscheduled proc.

Every program runs under the AMX model (lib/platforms/amx_model, any x86 CPU)
and again on the hardware when /proc/cpuinfo lists amx_tile."""

from __future__ import annotations

import platform
import subprocess

import numpy as np
import pytest

import exo
from exo import ExoType, proc
from exo.libs.memories import MemGenError
from exo.platforms.amx import (AMX_TILE, config, dpbssd, dpbssd_3d, ld_i8, ld_i8_3d, ld_i32, st_i8,
                               st_i32, zero_i32)
from exo.stdlib.scheduling import (divide_loop, insert_noop_call, reorder_loops, replace, set_memory,
                                   simplify, stage_mem)

from conftest import REPO

pytestmark = pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"),
                                reason="AMX and its model need an x86-64 compiler")

MODEL_DIR = REPO / "lib" / "platforms" / "amx_model"
TARGET_FLAGS = {"model": ["-DAMX_MODEL_FORCE"], "amx": ["-mamx-tile", "-mamx-int8"]}


def _cpu_has_amx():
    try:
        with open("/proc/cpuinfo") as f:
            return "amx_tile" in f.read().split()
    except OSError:
        return False


@pytest.fixture(params=sorted(TARGET_FLAGS))
def target(request):
    if request.param == "amx" and not _cpu_has_amx():
        pytest.skip("no amx_tile in /proc/cpuinfo: these programs ran under the model only")
    return request.param


@pytest.fixture(autouse=True)
def free_tiles():
    # Tile numbers are handed out while C is generated; a failure half-way
    # must not leave them taken for the next test.
    yield
    AMX_TILE.reset_allocations()


# One main per target: asks for the AMX state (exit 77 if refused), reads the
# arguments and a data image from stdin, calls exo_test_call (appended to the
# kernel's C) and writes the image back. On stdin, as int64: the image's size,
# the number of arguments, each argument (a size, or the offset of its array in
# the image); then the image.
_MAIN = r"""#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void exo_test_call(const int64_t *args, unsigned char *data);

int main(void) {
    int err = amx_request_permission();
    if (err != 0) {
        fprintf(stderr, "amx_request_permission: %d\n", err);
        return 77;
    }
    int64_t head[2], args[64];
    if (fread(head, sizeof head[0], 2, stdin) != 2 || head[1] > 64 ||
        fread(args, sizeof args[0], (size_t)head[1], stdin) != (size_t)head[1])
        return 3;
    unsigned char *data = aligned_alloc(64, (size_t)head[0] + 64);
    if (!data || fread(data, 1, (size_t)head[0], stdin) != (size_t)head[0]) return 3;
    exo_test_call(args, data);
    return fwrite(data, 1, (size_t)head[0], stdout) != (size_t)head[0];
}
"""

_CALL = """
void exo_test_call(const int64_t *args, unsigned char *data) {{
    (void)data;
    {name}(NULL{args});
}}
"""

_CTYPES = {ExoType.I8: "int8_t", ExoType.I32: "int32_t"}


class Programs:
    """C programs built from procs, one per proc and target (the model or
    real AMX), kept for the module."""

    def __init__(self, workdir):
        self.workdir, self.built = workdir, {}

    def _gcc(self, target, *args):
        out = subprocess.run(["gcc", "-std=c11", "-O1", "-Wall", "-Werror", *TARGET_FLAGS[target],
                              f"-I{MODEL_DIR}", "-include", "amx_model.h", *map(str, args)],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr

    def build(self, p, target):
        key = (id(p), target)
        if key not in self.built:
            main = self.workdir / f"main_{target}.o"
            if not main.exists():
                (self.workdir / "main.c").write_text(_MAIN)
                self._gcc(target, "-c", "-o", main, self.workdir / "main.c")
            d = self.workdir / f"{p.name()}_{len(self.built)}"
            d.mkdir()
            c, h = exo.compile_procs_to_strings([p], "kernel.h")
            call = []
            for k, a in enumerate(p.args()):
                call.append(f"(int_fast32_t)args[{k}]" if a.type().is_indexable() else
                            f"({_CTYPES[a.type()]} *)(data + args[{k}])")
            (d / "kernel.h").write_text(h)
            call = _CALL.format(name=p.name(), args="".join(", " + x for x in call))
            (d / "kernel.c").write_text(c + call)
            self._gcc(target, "-o", d / "run", main, d / "kernel.c")
            self.built[key] = (p, d / "run")
        return self.built[key][1]

    def run(self, target, p, **args):
        """Runs p's C on `args` (ints for sizes, numpy arrays for buffers); the
        arrays are overwritten with what the C left in them."""
        exe = self.build(p, target)
        head, image = [], bytearray()
        for a in p.args():
            v = args[a.name()]
            if isinstance(v, np.ndarray):
                head.append(len(image))
                image += v.tobytes() + bytes(-v.nbytes % 64)
            else:
                head.append(int(v))
        stdin = np.array([len(image), len(head), *head], np.int64).tobytes() + bytes(image)
        out = subprocess.run([str(exe)], input=stdin, capture_output=True, timeout=120)
        if out.returncode == 77:
            pytest.skip(f"Linux refused the AMX state: {out.stderr.decode().strip()}")
        assert out.returncode == 0, f"{exe} exited with {out.returncode}: {out.stderr.decode()}"
        for a, off in zip(p.args(), head):
            v = args[a.name()]
            if isinstance(v, np.ndarray):
                v[...] = np.frombuffer(out.stdout, v.dtype, v.size, off).reshape(v.shape)


@pytest.fixture(scope="module")
def programs(tmp_path_factory):
    return Programs(tmp_path_factory.mktemp("amx"))


def check_against_body(programs, target, p, **args):
    """Runs p's C and interprets p (the instructions' bodies) on copies of the
    same inputs; both must leave every array the same."""
    want = {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in args.items()}
    p.interpret(**want)
    programs.run(target, p, **args)
    for k, v in args.items():
        if isinstance(v, np.ndarray):
            np.testing.assert_array_equal(v, want[k], err_msg=f"array {k}")


def i8s(rng, *shape):
    """Random signed bytes, with -128, -127 and 127 always among them."""
    a = rng.integers(-128, 128, shape).astype(np.int8)
    a.flat[:3] = (-128, 127, -127)[:a.size]
    return a


def i32s(rng, *shape):
    return rng.integers(-(1 << 20), 1 << 20, shape).astype(np.int32)


# --------------------------------------------------------------------------- #
#   Each instruction against its body
# --------------------------------------------------------------------------- #

# Windows inside larger arrays, so rows are not contiguous and a store that
# strays outside its block shows in the surrounding values.


@proc
def copy_i8(M: size, N: size, x: i8[20, 80] @ DRAM, y: i8[20, 80] @ DRAM):
    assert M <= 16
    assert N <= 64
    config()
    t: i8[M, N] @ AMX_TILE
    ld_i8(M, N, x[2:2 + M, 3:3 + N], t)
    st_i8(M, N, t, y[1:1 + M, 5:5 + N])


@proc
def copy_i32(M: size, N: size, x: i32[20, 24] @ DRAM, y: i32[20, 24] @ DRAM):
    assert M <= 16
    assert N <= 16
    config()
    t: i32[M, N] @ AMX_TILE
    ld_i32(M, N, x[2:2 + M, 3:3 + N], t)
    st_i32(M, N, t, y[1:1 + M, 5:5 + N])


@proc
def zero_block(M: size, N: size, y: i32[20, 24] @ DRAM):
    assert M <= 16
    assert N <= 16
    config()
    t: i32[M, N] @ AMX_TILE
    ld_i32(M, N, y[2:2 + M, 3:3 + N], t)
    zero_i32(M, N, t)
    st_i32(M, N, t, y[2:2 + M, 3:3 + N])


@proc
def dot(M: size, K: size, N: size, x: i8[M, 4 * K] @ DRAM, y: i8[K, 4 * N] @ DRAM,
        z: i32[M, N] @ DRAM):
    assert M <= 16
    assert K <= 16
    assert N <= 16
    config()
    a: i8[M, 4 * K] @ AMX_TILE
    b: i8[K, 4 * N] @ AMX_TILE
    c: i32[M, N] @ AMX_TILE
    ld_i8(M, 4 * K, x, a)
    ld_i8(K, 4 * N, y, b)
    ld_i32(M, N, z, c)
    dpbssd(M, K, N, a, b, c)
    st_i32(M, N, c, z)


@proc
def dot_3d(M: size, K: size, N: size, x: i8[M, 4 * K] @ DRAM, y: i8[K, 4 * N] @ DRAM,
           z: i32[M, N] @ DRAM):
    assert M <= 16
    assert K <= 16
    assert N <= 16
    config()
    a: i8[M, K, 4] @ AMX_TILE
    b: i8[K, N, 4] @ AMX_TILE
    c: i32[M, N] @ AMX_TILE
    ld_i8_3d(K, M, x, a)
    ld_i8_3d(N, K, y, b)
    zero_i32(M, N, c)
    dpbssd_3d(M, K, N, a, b, c)
    st_i32(M, N, c, z)


SHAPES_2D = [(16, 64), (5, 12), (16, 4), (1, 64)]
SHAPES_DOT = [(16, 16, 16), (7, 5, 3), (16, 3, 16), (1, 16, 2)]


@pytest.mark.parametrize("m,n", SHAPES_2D)
def test_ld_i8_st_i8(programs, target, rng, m, n):
    check_against_body(programs, target, copy_i8.partial_eval(m, n),
                       x=i8s(rng, 20, 80), y=i8s(rng, 20, 80))


@pytest.mark.parametrize("m,n", [(16, 16), (5, 3), (16, 1), (1, 16)])
def test_ld_i32_st_i32(programs, target, rng, m, n):
    check_against_body(programs, target, copy_i32.partial_eval(m, n),
                       x=i32s(rng, 20, 24), y=i32s(rng, 20, 24))


@pytest.mark.parametrize("m,n", [(16, 16), (5, 3)])
def test_zero_i32(programs, target, rng, m, n):
    check_against_body(programs, target, zero_block.partial_eval(m, n), y=i32s(rng, 20, 24))


@pytest.mark.parametrize("m,k,n", SHAPES_DOT)
def test_dpbssd(programs, target, rng, m, k, n):
    # K < 16 relies on the loads zeroing the rest of the tile.
    check_against_body(programs, target, dot.partial_eval(m, k, n),
                       x=i8s(rng, m, 4 * k), y=i8s(rng, k, 4 * n), z=i32s(rng, m, n))


@pytest.mark.parametrize("m,k,n", SHAPES_DOT)
def test_ld_i8_3d_dpbssd_3d(programs, target, rng, m, k, n):
    check_against_body(programs, target, dot_3d.partial_eval(m, k, n),
                       x=i8s(rng, m, 4 * k), y=i8s(rng, k, 4 * n), z=i32s(rng, m, n))


def test_3d_tiles_allocate_rows_of_their_inner_dimensions():
    # [16, 16, 4] i8: 16 rows of 64 bytes; one more byte per row is refused.
    assert "_tile_" in dot_3d.partial_eval(16, 16, 16).c_code_str()
    with pytest.raises(MemGenError, match="bytes per row"):
        AMX_TILE.alloc("t", "int8_t", ["16", "17", "4"], None)


# --------------------------------------------------------------------------- #
#   An int8 matmul scheduled onto the tiles
# --------------------------------------------------------------------------- #


@proc
def matmul_i8(M: size, K: size, N: size, A: i8[M, K] @ DRAM, B: i8[K / 4, 4 * N] @ DRAM,
              C: i32[M, N] @ DRAM):
    # C += A B, with B given as AMX multiplies it: row k / 4 holds rows k..k+3
    # of the plain B interleaved, element (k, j) at column 4 j + k % 4.
    assert M % 16 == 0
    assert N % 16 == 0
    assert K % 64 == 0
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                a: i32
                b: i32
                a = A[i, k]
                b = B[k / 4, 4 * j + k % 4]
                C[i, j] += a * b


def schedule_on_amx(p):
    """16 x 16 blocks of C, each in a tile for the whole k loop, multiplied by
    16 x 64 blocks of A and B loaded into tiles."""
    p = divide_loop(p, "k", 4, ["k", "byte"], perfect=True)
    p = divide_loop(p, "i", 16, ["io", "ii"], perfect=True)
    p = divide_loop(p, "j", 16, ["jo", "ji"], perfect=True)
    p = divide_loop(p, "k", 16, ["ko", "ki"], perfect=True)
    p = reorder_loops(p, "ii jo")
    p = reorder_loops(p, "ji ko")
    p = reorder_loops(p, "ii ko")
    p = simplify(p)
    p = stage_mem(p, "for ko in _: _", "C[16 * io:16 * io + 16, 16 * jo:16 * jo + 16]", "Ctile")
    p = stage_mem(p, "for ii in _: _", "A[16 * io:16 * io + 16, 64 * ko:64 * ko + 64]", "Atile")
    p = stage_mem(p, "for ii in _: _", "B[16 * ko:16 * ko + 16, 64 * jo:64 * jo + 64]", "Btile")
    p = simplify(p)
    # In program order: load C, load A, load B, multiply, store C.
    steps = (("i0", ld_i32), ("i0", ld_i8), ("i0", ld_i8), ("ii", dpbssd), ("i0", st_i32))
    for loop, insn in steps:
        p = replace(p, f"for {loop} in _: _ #0", insn)
    for tile in ("Atile", "Btile", "Ctile"):
        p = set_memory(p, tile, AMX_TILE)
    return insert_noop_call(p, p.body()[0].before(), config, [])


@pytest.fixture(scope="module")
def matmul_amx():
    return schedule_on_amx(matmul_i8)


def test_matmul_schedule_uses_the_tiles(matmul_amx):
    c = matmul_amx.c_code_str()
    for call in ("_tile_loadconfig", "_tile_loadd(Ctile", "_tile_loadd(Atile", "_tile_loadd(Btile",
                 "_tile_dpbssd(Ctile, Atile, Btile)", "_tile_stored(Ctile"):
        assert call in c, call
    assert "for (int_fast32_t ii" not in c


@pytest.mark.parametrize("m,k,n", [(16, 64, 16), (32, 128, 48), (48, 256, 32)])
def test_matmul_on_amx_matches_unscheduled(programs, target, rng, matmul_amx, m, k, n):
    A, B, C0 = i8s(rng, m, k), i8s(rng, k // 4, 4 * n), i32s(rng, m, n)
    want = C0.copy()
    programs.run("model", matmul_i8, M=m, K=k, N=n, A=A, B=B, C=want)
    got = C0.copy()
    programs.run(target, matmul_amx, M=m, K=k, N=n, A=A, B=B, C=got)
    np.testing.assert_array_equal(got, want)
    # ... and both are C0 + A B, with B unpacked: plain[k, j] = B[k / 4, 4 j + k % 4].
    plain = B.reshape(k // 4, n, 4).transpose(0, 2, 1).reshape(k, n)
    np.testing.assert_array_equal(want, C0 + A.astype(np.int64) @ plain.astype(np.int64))


def test_matmul_extremes(programs, target, matmul_amx):
    # Every product at its largest, (-128) * (-128), and at its most negative.
    m, k, n = 16, 128, 16
    for a, b in ((-128, -128), (-128, 127), (127, 127)):
        A = np.full((m, k), a, np.int8)
        B = np.full((k // 4, 4 * n), b, np.int8)
        C = np.zeros((m, n), np.int32)
        programs.run(target, matmul_amx, M=m, K=k, N=n, A=A, B=B, C=C)
        assert (C == a * b * k).all(), (a, b)


# --------------------------------------------------------------------------- #
#   The model's own self-test
# --------------------------------------------------------------------------- #


def test_amx_model_self_test(tmp_path, target):
    # int8 and bf16 products, configurations and faults against plain C.
    exe = tmp_path / f"test_amx_model_{target}"
    flags = {"model": [], "amx": ["-mamx-tile", "-mamx-int8", "-mamx-bf16"]}[target]
    out = subprocess.run(["gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", *flags,
                          f"-I{MODEL_DIR}", str(MODEL_DIR / "test_amx_model.c"), "-o", str(exe),
                          "-lm"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
