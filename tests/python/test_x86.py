"""exo.platforms.x86 from Python: the instructions as Procedures under exo-lang's
names, used from @proc kernels, compiled with AVX2/FMA and checked against the
interpreter; the AVX2/AVX512 memories refuse shapes they cannot hold."""

from __future__ import annotations

import ctypes
import subprocess

import numpy as np
import pytest

from exo import proc, Procedure
from exo.libs.memories import AVX2 as AVX2_from_libs, MemGenError
from exo.platforms import x86
from exo.platforms.x86 import (
    AVX2,
    AVX512,
    mm256_loadu_ps,
    mm256_storeu_ps,
    mm256_fmadd_ps,
    mm256_broadcast_ss,
    mm256_prefix_load_ps,
    mm256_prefix_store_ps,
)

from conftest import ptr


def compile_avx2(procs, workdir, stem="kernels"):
    import exo

    exo.compile_procs(procs, workdir, f"{stem}.c", f"{stem}.h")
    lib = workdir / f"lib{stem}.so"
    subprocess.run(
        ["gcc", "-std=c11", "-O1", "-Wall", "-Werror", "-mavx2", "-mfma", "-shared", "-fPIC",
         "-o", str(lib), str(workdir / f"{stem}.c"), "-lm"],
        check=True, capture_output=True, text=True,
    )
    return ctypes.CDLL(str(lib))


def test_library_exports_reference_names():
    assert AVX2 is AVX2_from_libs
    for name in ("mm256_setzero_ps", "mm256_loadu_pd", "mm256_fmadd_ps_broadcast", "avx2_set0_ps",
                 "avx2_assoc_reduce_add_ps", "mm512_mask_fmadd_ps", "prefetch",
                 "avx2_convert_f32_lower_to_f64", "mm256_prefix_div_ps"):
        p = getattr(x86, name)
        assert isinstance(p, Procedure) and p.is_instr() and p.name() == name
    assert "_mm256_fmadd_ps" in mm256_fmadd_ps.get_instr()


def test_axpy_kernel_compiled_matches_interpreter(tmp_path):
    # y[0:n] += a * x[0:n] in vectors of 8 with a masked tail. The prefix forms
    # take whole 8-wide windows (touching only `bound` lanes), so rows are padded.
    @proc
    def saxpy(n: size, a: f32[1], x: f32[n + 7], y: f32[n + 7]):
        av: f32[8] @ AVX2
        mm256_broadcast_ss(av, a[0:1])
        for i in seq(0, n / 8):
            xv: f32[8] @ AVX2
            yv: f32[8] @ AVX2
            mm256_loadu_ps(xv, x[8 * i:8 * i + 8])
            mm256_loadu_ps(yv, y[8 * i:8 * i + 8])
            mm256_fmadd_ps(yv, av, xv)
            mm256_storeu_ps(y[8 * i:8 * i + 8], yv)
        if n % 8 > 0:
            xt: f32[8] @ AVX2
            yt: f32[8] @ AVX2
            mm256_prefix_load_ps(xt, x[8 * (n / 8):8 * (n / 8) + 8], n % 8)
            mm256_prefix_load_ps(yt, y[8 * (n / 8):8 * (n / 8) + 8], n % 8)
            mm256_fmadd_ps(yt, av, xt)
            mm256_prefix_store_ps(y[8 * (n / 8):8 * (n / 8) + 8], yt, n % 8)

    assert "__m256 av;" in saxpy.c_code_str()
    lib = compile_avx2([saxpy], tmp_path)
    rng = np.random.default_rng(7)
    for n in (1, 8, 13, 24, 31):
        a = rng.standard_normal(1).astype(np.float32)
        x = rng.standard_normal(n + 7).astype(np.float32)
        y = rng.standard_normal(n + 7).astype(np.float32)
        want = y.copy()
        saxpy.interpret(n=n, a=a, x=x, y=want)
        got = y.copy()
        lib.saxpy(None, ctypes.c_int64(n), ptr(a), ptr(x), ptr(got))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(want[:n], (y + a[0] * x)[:n], rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(got[n:], y[n:])


@pytest.mark.parametrize("decl", ["f32[7] @ AVX2", "f64[8] @ AVX2", "f32[8] @ AVX512", "f32 @ AVX2"])
def test_wrong_register_shapes_are_memgen_errors(decl):
    with pytest.raises(MemGenError):
        _bad_proc(decl).c_code_str()


def _bad_proc(decl):
    if decl == "f32[7] @ AVX2":
        @proc
        def bad(x: f32[16]):
            v: f32[7] @ AVX2
            pass
    elif decl == "f64[8] @ AVX2":
        @proc
        def bad(x: f32[16]):
            v: f64[8] @ AVX2
            pass
    elif decl == "f32[8] @ AVX512":
        @proc
        def bad(x: f32[16]):
            v: f32[8] @ AVX512
            pass
    else:
        @proc
        def bad(x: f32[16]):
            v: f32 @ AVX2
            pass
    return bad
