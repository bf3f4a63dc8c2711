"""Sub-procedure primitives as Procedure methods: replace by unification (with
the x86 library), replace_all, inline, call_eqv, make_instr, is_eq."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, SchedulingError, instr, proc
from exo.libs.memories import DRAM_STATIC
from exo.platforms.x86 import AVX2, mm256_broadcast_ss, mm256_fmadd_ps, mm256_loadu_ps, mm256_storeu_ps


@proc
def saxpy8(n: size, a: f32[1] @ DRAM, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    assert n % 8 == 0
    for io in seq(0, n / 8):
        xr: f32[8] @ AVX2
        yr: f32[8] @ AVX2
        ar: f32[8] @ AVX2
        for ii in seq(0, 8):
            xr[ii] = x[8 * io + ii]
        for ii in seq(0, 8):
            yr[ii] = y[8 * io + ii]
        for ii in seq(0, 8):
            ar[ii] = a[0]
        for ii in seq(0, 8):
            yr[ii] += xr[ii] * ar[ii]
        for ii in seq(0, 8):
            y[8 * io + ii] = yr[ii]


@instr("copy_n(&{dst_data}, &{src_data}, {n});", "static void copy_n(float *d, const float *s, int n) { for (int k = 0; k < n; ++k) d[k] = s[k]; }")
def copyn(n: size, dst: [f32][n] @ DRAM, src: [f32][n] @ DRAM):
    assert n <= 8
    assert stride(dst, 0) == 1
    assert stride(src, 0) == 1
    for i in seq(0, n):
        dst[i] = src[i]


@proc
def copies(A: f32[4, 8] @ DRAM, B: f32[4, 8] @ DRAM):
    for i in seq(0, 4):
        for j in seq(0, 8):
            B[i, j] = A[i, j]
    for j in seq(0, 4):
        B[0, 2 * j] = A[1, j]


@proc
def scale(n: size, s: f32, x: [f32][n] @ DRAM):
    for i in seq(0, n):
        x[i] = x[i] * s


@proc
def other_scale(n: size, s: f32, x: [f32][n] @ DRAM):
    for i in seq(0, n):
        x[i] = x[i] + s


@proc
def use_scale(A: f32[4, 8] @ DRAM, c: f32[4] @ DRAM):
    for i in seq(0, 4):
        scale(8, c[i], A[i, 0:8])


def run(p, **kw):
    p.interpret(**kw)
    return kw


def test_replace_x86_saxpy():
    p = saxpy8
    p = p.replace(mm256_loadu_ps, "for ii in _: _")
    p = p.replace(mm256_loadu_ps, "for ii in _: _")
    p = p.replace(mm256_broadcast_ss, "for ii in _: _")
    p = p.replace(mm256_fmadd_ps, "for ii in _: _")
    p = p.replace(mm256_storeu_ps, p.find_loop("ii"))
    text = str(p)
    assert "mm256_loadu_ps(xr[0:8], x[8 * io + 0:8 * io + 8])" in text
    assert "mm256_storeu_ps(y[8 * io + 0:8 * io + 8], yr[0:8])" in text
    assert "for ii" not in text
    assert "_mm256_fmadd_ps" in exo.compile_procs_to_strings([p], "k.h")[0]
    rng = np.random.default_rng(0)
    a = rng.standard_normal(1).astype(np.float32)
    x = rng.standard_normal(16).astype(np.float32)
    y0 = rng.standard_normal(16).astype(np.float32)
    y1, y2 = y0.copy(), y0.copy()
    saxpy8.interpret(n=16, a=a, x=x, y=y1)
    p.interpret(n=16, a=a, x=x, y=y2)
    np.testing.assert_allclose(y1, y2, rtol=1e-6)


def test_replace_refusals_name_the_mismatch():
    # replace leaves memories to compilation (set_memory may follow it, as in
    # exo-lang); compiling, or call_site_mem_aware_replace, refuses the call.
    @proc
    def load_to_dram(x: f32[8] @ DRAM):
        r: f32[8] @ DRAM
        for i in seq(0, 8):
            r[i] = x[i]

    moved = load_to_dram.replace(mm256_loadu_ps, "for i in _: _")
    with pytest.raises(exo.MemGenError, match="argument 'dst' of mm256_loadu_ps is in AVX2, but 'r' is in DRAM"):
        exo.compile_procs_to_strings([moved], "k.h")
    assert "mm256_loadu_ps(" in exo.compile_procs_to_strings([moved.set_memory("r", AVX2)], "k.h")[0]
    from exo.stdlib.scheduling import MemoryError, call_site_mem_aware_replace

    with pytest.raises(MemoryError, match="memory type mismatch"):
        call_site_mem_aware_replace(saxpy8, "for ii in _: _ #4", mm256_loadu_ps)
    with pytest.raises(SchedulingError, match=r"index '2 \* j' of B does not match 'i' of dst"):
        copies.replace(copyn, "for j in _: _ #1")
    # The first loop unifies with n = 8 and windows of rows i.
    p = copies.replace(copyn, "for j in _: _")
    assert "copyn(8, B[i + 0, 0:8], A[i + 0, 0:8])" in str(p)
    with pytest.raises(TypeError, match="expected a Procedure"):
        copies.replace("copyn", "for j in _: _")


def test_replace_all():
    p = copies.replace_all(copyn)
    assert str(p).count("copyn(") == 1
    assert copies.replace_all(mm256_fmadd_ps) is not None  # no match is not an error
    A = np.arange(32, dtype=np.float32).reshape(4, 8)
    B1, B2 = np.zeros((4, 8), np.float32), np.zeros((4, 8), np.float32)
    copies.interpret(A=A, B=B1)
    p.interpret(A=A, B=B2)
    np.testing.assert_array_equal(B1, B2)


def test_inline():
    p = use_scale.inline("scale(_)")
    assert " scale(" not in str(p)
    assert "A[i, i_1] = A[i, i_1] * c[i]" in str(p)
    A = np.arange(32, dtype=np.float32).reshape(4, 8)
    c = np.array([1, 2, 3, 4], np.float32)
    A1, A2 = A.copy(), A.copy()
    use_scale.interpret(A=A1, c=c)
    p.interpret(A=A2, c=c)
    np.testing.assert_array_equal(A1, A2)
    with pytest.raises(TypeError, match="expected a CallCursor"):
        scale.inline(scale.find_loop("i"))


def test_call_eqv_and_equivalence():
    renamed = scale.rename("scale2") if hasattr(scale, "rename") else None
    if renamed is not None:
        assert renamed.is_eq(scale)
        p = use_scale.call_eqv(renamed, "scale(_)")
        assert "scale2(8, c[i], A[i, 0:8])" in str(p)
    with pytest.raises(SchedulingError, match="'other_scale' is not known to be equivalent to 'scale'"):
        use_scale.call_eqv(other_scale, "scale(_)")
    assert not scale.is_eq(other_scale)
    # An instruction made from scale stays equivalent to it.
    fast = scale.make_instr("scale_n(&{x_data}, *{s_data}, {n});")
    assert fast.is_instr() and fast.is_eq(scale)
    p = use_scale.call_eqv(fast, "scale(_)")
    assert isinstance(p, exo.Procedure)
    with pytest.raises(TypeError):
        scale.is_eq(3)


def test_call_sites_named_by_proc_or_name():
    # exo-lang's shorthands for a call: the callee itself, or its name with #N.
    fast = scale.rename("scale_fast")
    for site in (scale, "scale", "scale #0"):
        p = use_scale.call_eqv(fast, site)
        assert "scale_fast(8, c[i], A[i, 0:8])" in str(p)
    with pytest.raises(SchedulingError):
        use_scale.call_eqv(fast, "scale #1")


@proc
def copy_rows_static(A: f32[4, 8] @ DRAM, B: f32[4, 8] @ DRAM):
    t: f32[8] @ DRAM_STATIC
    for i in seq(0, 4):
        for j in seq(0, 8):
            t[j] = A[i, j]
        for j in seq(0, 8):
            B[i, j] = t[j]


def test_a_static_or_stack_buffer_is_passed_for_a_dram_parameter():
    # DRAM_STATIC and DRAM_STACK are kinds of DRAM (as exo-lang's subclasses):
    # a call may take them where DRAM is declared. The other way is not a kind
    # (call_site_mem_aware_replace refuses it), though C code is the same.
    from exo.libs.memories import DRAM_STACK

    assert issubclass(DRAM_STATIC, DRAM) and issubclass(DRAM_STACK, DRAM)
    p = copy_rows_static.replace(copyn, "for j in _: _ #0")
    assert "copyn(8, t[0:8], A[i + 0, 0:8])" in str(p)
    A = np.arange(32, dtype=np.float32).reshape(4, 8)
    B1, B2 = np.zeros((4, 8), np.float32), np.zeros((4, 8), np.float32)
    copy_rows_static.interpret(A=A, B=B1)
    p.interpret(A=A, B=B2)
    np.testing.assert_array_equal(B1, B2)

    @proc
    def copy_static(n: size, dst: [f32][n] @ DRAM_STATIC, src: [f32][n] @ DRAM):
        for j in seq(0, n):
            dst[j] = src[j]

    from exo.stdlib.scheduling import MemoryError, call_site_mem_aware_replace

    with pytest.raises(MemoryError):
        call_site_mem_aware_replace(copy_rows_static, "for j in _: _ #1", copy_static)


def test_call_eqv_with_a_schedule_of_an_extracted_subproc():
    @proc
    def fill2(n: size, x: f32[n] @ DRAM):
        for i in seq(0, n):
            x[i] = 2.0 * x[i]

    from exo.stdlib.scheduling import call_eqv, divide_loop, extract_subproc, rename

    p, sub = extract_subproc(fill2, "for i in _: _", "body")

    tiled = divide_loop(rename(sub, "body_tiled"), "i", 4, ["io", "ii"], tail="cut")
    q = call_eqv(p, "body(_)", tiled)
    assert "body_tiled(n, x)" in str(q)
    x = np.arange(1, 12, dtype=np.float32)
    want, got = x.copy(), x.copy()
    fill2.interpret(n=11, x=want)
    q.interpret(n=11, x=got)
    np.testing.assert_array_equal(want, got)
    # Another proc with the same body is not known to be equivalent.
    with pytest.raises(SchedulingError, match="not known to be equivalent"):
        call_eqv(p, "body(_)", rename(fill2, "other"))
