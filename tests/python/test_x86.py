"""exo.platforms.x86 from Python: the instructions as Procedures under exo-lang's
names, used from @proc kernels, compiled with AVX2/FMA and checked against the
interpreter; the AVX2/AVX512 memories refuse shapes they cannot hold."""

from __future__ import annotations

import ctypes
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from exo import proc, Procedure, SchedulingError
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


# --- The f64 and AVX-512 forms beyond the reference's f32 set ---------------

_REFERENCE_NAMES = (
    "prefetch mm256_setzero_ps mm256_setzero_pd mm256_loadu_ps mm256_loadu_pd mm256_storeu_ps "
    "mm256_storeu_pd mm256_fmadd_ps mm256_fmadd_pd mm256_broadcast_ss mm256_broadcast_sd "
    "mm256_broadcast_ss_scalar mm256_broadcast_sd_scalar mm256_fmadd_ps_broadcast mm256_mul_ps "
    "mm256_mul_pd mm256_div_ps mm256_div_pd mm256_add_ps mm256_add_pd mm256_sub_ps mm256_sub_pd "
    "mm256_loadu_si256 mm256_storeu_si256 mm256_add_epi16 mm512_setzero_ps mm512_add_ps "
    "mm512_mask_add_ps mm512_loadu_ps mm512_storeu_ps mm512_maskz_loadu_ps mm512_mask_storeu_ps "
    "mm512_fmadd_ps mm512_mask_fmadd_ps mm512_relu_ps mm512_mask_set1_ps mm512_set1_ps "
    "avx2_set0_ps avx2_fmadd_memu_ps avx2_select_ps avx2_select_pd avx2_assoc_reduce_add_ps "
    "avx2_assoc_reduce_add_pd avx2_sign_ps avx2_sign_pd avx2_reduce_add_wide_ps "
    "avx2_reduce_add_wide_pd avx2_reg_copy_ps avx2_reg_copy_pd avx2_mask_storeu_ps "
    "avx2_ui16_divide_by_3 mm256_prefix_load_ps mm256_prefix_store_ps mm256_prefix_add_ps "
    "mm256_prefix_mul_ps mm256_prefix_sub_ps mm256_prefix_div_ps mm256_prefix_broadcast_ss "
    "avx2_convert_f32_lower_to_f64 avx2_convert_f32_upper_to_f64 mm256_setzero mm256_reg_copy"
).split()


def test_star_import_exposes_every_instruction():
    ns = {}
    exec("from exo.platforms.x86 import *", ns)
    for name in _REFERENCE_NAMES + ["mm512_mask_div_pd", "avx512_assoc_reduce_add_pd",
                                    "avx2_prefix_reduce_add_wide_pd", "avx2_convert_f64_to_f32_lower",
                                    "mm256_prefix_broadcast_sd_scalar", "mm512_set1_ps_scalar"]:
        assert isinstance(ns.get(name), Procedure) and ns[name].is_instr(), name
    assert ns["AVX512"] is AVX512 and ns["DRAM"] is not None
    # ... and every instruction the library file defines.
    source = (Path(__file__).resolve().parents[2] / "lib" / "platforms" / "x86.exo").read_text()
    defined = re.findall(r"^def (\w+)\(", source, re.M)
    assert len(defined) >= 115
    assert [n for n in defined if not isinstance(ns.get(n), Procedure)] == []


def test_f64_dot_with_prefix_tail(tmp_path):
    from exo.platforms.x86 import (avx2_assoc_reduce_add_pd, avx2_prefix_reduce_add_wide_pd,
                                   mm256_fmadd_pd, mm256_loadu_pd, mm256_mul_pd, mm256_prefix_load_pd,
                                   mm256_setzero_pd)

    # result += x . y over n elements: 4-wide partial sums, the tail's lanes
    # added under a prefix mask, then one horizontal sum.
    @proc
    def ddot(n: size, x: f64[n + 3], y: f64[n + 3], result: f64):
        acc: f64[4] @ AVX2
        mm256_setzero_pd(acc)
        for i in seq(0, n / 4):
            xv: f64[4] @ AVX2
            yv: f64[4] @ AVX2
            mm256_loadu_pd(xv, x[4 * i:4 * i + 4])
            mm256_loadu_pd(yv, y[4 * i:4 * i + 4])
            mm256_fmadd_pd(acc, xv, yv)
        if n % 4 > 0:
            xt: f64[4] @ AVX2
            yt: f64[4] @ AVX2
            pt: f64[4] @ AVX2
            mm256_prefix_load_pd(xt, x[4 * (n / 4):4 * (n / 4) + 4], n % 4)
            mm256_prefix_load_pd(yt, y[4 * (n / 4):4 * (n / 4) + 4], n % 4)
            mm256_mul_pd(pt, xt, yt)
            avx2_prefix_reduce_add_wide_pd(acc, pt, n % 4)
        avx2_assoc_reduce_add_pd(acc, result)

    lib = compile_avx2([ddot], tmp_path, "ddot")
    rng = np.random.default_rng(11)
    for n in (1, 4, 6, 13):
        x = rng.standard_normal(n + 3)
        y = rng.standard_normal(n + 3)
        r0 = rng.standard_normal(1)
        want = r0.copy()
        ddot.interpret(n=n, x=x, y=y, result=want)
        got = r0.copy()
        lib.ddot(None, ctypes.c_int64(n), ptr(x), ptr(y), ptr(got))
        np.testing.assert_allclose(got, want, rtol=1e-12)
        np.testing.assert_allclose(want, r0 + np.dot(x[:n], y[:n]), rtol=1e-12)


def test_replace_selects_an_added_prefix_instruction():
    from exo.platforms.x86 import avx2_prefix_reduce_add_wide_pd, avx2_prefix_sign_pd

    @proc
    def tail(n: size, acc: f64[4] @ AVX2, v: f64[4] @ AVX2):
        assert n < 4
        for i in seq(0, 4):
            if i < n:
                acc[i] += v[i]

    p = tail.replace(avx2_prefix_reduce_add_wide_pd, "for i in _: _")
    assert "avx2_prefix_reduce_add_wide_pd(acc[0:4], v[0:4], n + 0)" in str(p)
    with pytest.raises(SchedulingError):
        tail.replace(avx2_prefix_sign_pd, "for i in _: _")


def _has_avx512f():
    try:
        with open("/proc/cpuinfo") as f:
            return " avx512f " in f.read().replace("\n", " ")
    except OSError:
        return False


def test_avx512_masked_sub_tail(tmp_path):
    from exo.platforms.x86 import mm512_loadu_ps, mm512_mask_sub_ps, mm512_mask_storeu_ps, mm512_maskz_loadu_ps

    @proc
    def vsub(n: size, x: f32[n], y: f32[n], out: f32[n]):
        assert n < 16
        xv: f32[16] @ AVX512
        yv: f32[16] @ AVX512
        ov: f32[16] @ AVX512
        mm512_maskz_loadu_ps(n, xv, x[0:n])
        mm512_maskz_loadu_ps(n, yv, y[0:n])
        mm512_maskz_loadu_ps(n, ov, out[0:n])
        mm512_mask_sub_ps(n, ov, xv, yv)
        mm512_mask_storeu_ps(n, out[0:n], ov)

    assert "_mm512_mask_sub_ps" in vsub.c_code_str()
    if not _has_avx512f():
        pytest.skip("this CPU has no avx512f: vsub was generated but not run")
    import exo

    exo.compile_procs([vsub], tmp_path, "vsub.c", "vsub.h")
    lib_path = tmp_path / "libvsub.so"
    subprocess.run(["gcc", "-std=c11", "-O1", "-Wall", "-Werror", "-mavx512f", "-shared", "-fPIC",
                    "-o", str(lib_path), str(tmp_path / "vsub.c")], check=True, capture_output=True)
    lib = ctypes.CDLL(str(lib_path))
    rng = np.random.default_rng(5)
    for n in (1, 7, 15):
        x = rng.standard_normal(n).astype(np.float32)
        y = rng.standard_normal(n).astype(np.float32)
        out = np.zeros(n, dtype=np.float32)
        lib.vsub(None, ctypes.c_int64(n), ptr(x), ptr(y), ptr(out))
        np.testing.assert_array_equal(out, x - y)


def test_an_instructions_r_parameter_takes_any_precision():
    # prefetch's A is [R][1]: its C is a template, so an i8 window is fine;
    # a proc's R parameter (C float*) still takes only f32.
    from exo.platforms.x86 import prefetch

    @proc
    def warm(n: size, x: i8[n] @ DRAM):
        assert n >= 2
        prefetch(x[1:2], 3)

    import exo

    assert "_mm_prefetch((const char *) &x[1], (3));" in exo.compile_procs_to_strings([warm], "w.h")[0]

    @proc
    def takes_r(y: [R][1] @ DRAM):
        y[0] = 1.0

    @proc
    def passes_i8(x: i8[4] @ DRAM):
        takes_r(x[0:1])

    with pytest.raises(TypeError, match="precision checking(.|\n)*argument 1 of 'takes_r' is i8"):
        exo.compile_procs_to_strings([passes_i8], "p.h")
