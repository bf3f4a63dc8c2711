"""User-defined memories written in Python, and the standard ones."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, Memory, proc
from exo.libs.memories import DRAM_STACK, DRAM_STATIC, MemGenError

from conftest import compile_shared, ptr


class CountingHeap(Memory):
    """Heap memory through a counted allocator, to see its hooks in the C."""

    @classmethod
    def global_(cls):
        return (
            "#include <stdlib.h>\n"
            "static int counting_heap_live = 0;\n"
            "static void* counting_alloc(size_t n) { counting_heap_live++; return malloc(n); }\n"
            "static void counting_free(void* p) { counting_heap_live--; free(p); }\n"
            "int counting_heap_live_count(void) { return counting_heap_live; }\n"
        )

    @classmethod
    def alloc(cls, new_name, prim_type, shape, srcinfo):
        if not shape:
            raise MemGenError(f"{srcinfo}: CountingHeap cannot hold scalars")
        size = " * ".join(shape)
        return f"{prim_type} *{new_name} = ({prim_type}*) counting_alloc({size} * sizeof({prim_type}));"

    @classmethod
    def free(cls, new_name, prim_type, shape, srcinfo):
        return f"counting_free({new_name});"

    @classmethod
    def can_read(cls):
        return True

    @classmethod
    def write(cls, s, lhs, rhs):
        return f"{lhs} = {rhs};"

    @classmethod
    def reduce(cls, s, lhs, rhs):
        return f"{lhs} += {rhs};"


@proc
def staged_sum(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        tmp: f32[4] @ CountingHeap
        for j in seq(0, 4):
            tmp[j] = x[i] * 2.0
        y[i] = 0.0
        for j in seq(0, 4):
            y[i] += tmp[j]


def test_python_memory_generates_and_runs(tmp_path, rng):
    c = staged_sum.c_code_str()
    assert "counting_alloc(" in c and "counting_free(tmp)" in c
    lib = compile_shared([staged_sum], tmp_path)
    n = 7
    x = rng.standard_normal(n).astype(np.float32)
    y = np.full(n, np.nan, np.float32)
    lib.staged_sum(None, n, ptr(x), ptr(y))
    np.testing.assert_allclose(y, 8 * x, rtol=1e-5)
    assert lib.counting_heap_live_count() == 0

    y2 = np.full(n, np.nan, np.float32)
    staged_sum.interpret(n=n, x=x, y=y2)
    np.testing.assert_allclose(y, y2, rtol=1e-6)


def test_memgen_error_from_python_memory():
    @proc
    def scalar_alloc(x: f32 @ DRAM):
        t: f32 @ CountingHeap
        t = x
        x = t

    with pytest.raises(MemGenError, match="cannot hold scalars") as info:
        scalar_alloc.c_code_str()
    assert info.value.filename == __file__


def test_memgen_error_is_exported():
    assert exo.MemGenError is MemGenError
    assert issubclass(MemGenError, exo.ExoError)


class NoScalarAccess(Memory):
    @classmethod
    def alloc(cls, new_name, prim_type, shape, srcinfo):
        return f"{prim_type} {new_name}[{' * '.join(shape)}];"

    @classmethod
    def free(cls, new_name, prim_type, shape, srcinfo):
        return ""

    @classmethod
    def can_read(cls):
        return False


def test_memory_without_scalar_access_is_refused():
    @proc
    def reads_reg(x: f32[4] @ DRAM):
        r: f32[4] @ NoScalarAccess
        for i in seq(0, 4):
            x[i] = r[i]

    with pytest.raises(exo.ExoError):
        reads_reg.c_code_str()


def test_builtin_memories_hooks():
    assert DRAM.name() == "DRAM"
    assert "malloc" in DRAM.alloc("buf", "float", ("n", "4"), None)
    assert DRAM.free("buf", "float", (), None) == ""
    assert DRAM_STATIC.alloc("buf", "float", ("16",), None).startswith("static float buf")
    with pytest.raises(MemGenError):
        DRAM_STACK.alloc("buf", "float", ("n",), None)


def test_subclass_of_builtin_memory():
    class MyDRAM(DRAM):
        @classmethod
        def alloc(cls, new_name, prim_type, shape, srcinfo):
            return "/* my alloc */ " + super().alloc(new_name, prim_type, shape, srcinfo)

    @proc
    def uses_mydram(n: size, x: f32[n] @ DRAM):
        t: f32[n] @ MyDRAM
        for i in seq(0, n):
            t[i] = x[i]
        for i in seq(0, n):
            x[i] = t[i] + 1.0

    c = uses_mydram.c_code_str()
    assert "/* my alloc */" in c and "free(t)" in c


def test_static_memory_constant_shape(tmp_path):
    @proc
    def stat(x: f32[4] @ DRAM):
        t: f32[4] @ DRAM_STATIC
        for i in seq(0, 4):
            t[i] = x[i]
        for i in seq(0, 4):
            x[i] = t[i] * t[i]

    lib = compile_shared([stat], tmp_path)
    x = np.array([1, 2, 3, 4], np.float32)
    lib.stat(None, ptr(x))
    np.testing.assert_allclose(x, [1, 4, 9, 16])
