"""User-defined externs and memories with a custom window hook."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import Memory, proc
from exo.extern import Extern, _EErr
import exo.libs.externs as externs

from conftest import compile_shared, ptr


class _Cube(Extern):
    """Written as for exo-lang: the argument count comes from typecheck."""

    def __init__(self):
        super().__init__("cube")

    def typecheck(self, args):
        if len(args) != 1:
            raise _EErr(f"expected 1 argument, got {len(args)}")
        if not args[0].type.is_real_scalar():
            raise _EErr("expected a real scalar")
        return args[0].type

    def globl(self, prim_type):
        return f"static {prim_type} cube_{prim_type}({prim_type} x) {{ return x * x * x; }}"

    def compile(self, args, prim_type):
        return f"cube_{prim_type}({args[0]})"

    def interpret(self, args):
        return args[0] ** 3


cube = _Cube()


class StackWin(Memory):
    """Stack arrays whose windows are marked in the C, to see the hook used."""

    @classmethod
    def alloc(cls, new_name, prim_type, shape, srcinfo):
        return f"{prim_type} {new_name}[{' * '.join(shape)}];"

    @classmethod
    def free(cls, new_name, prim_type, shape, srcinfo):
        return ""

    @classmethod
    def can_read(cls):
        return True

    @classmethod
    def write(cls, s, lhs, rhs):
        return f"{lhs} = {rhs};"

    @classmethod
    def window(cls, basetyp, baseptr, indices, strides, srcinfo):
        assert not basetyp.is_win()
        offset = " + ".join(f"({i}) * ({s})" for i, s in zip(indices, strides))
        return f"/* StackWin */ {baseptr}[{offset}]"


@proc
def cube_row(n: size, x: [f32][n] @ StackWin):
    for i in seq(0, n):
        x[i] = cube(x[i])


@proc
def cube_via_window(x: f32[4] @ DRAM):
    t: f32[2, 4] @ StackWin
    for i in seq(0, 4):
        t[1, i] = x[i]
    cube_row(4, t[1, :])
    for i in seq(0, 4):
        x[i] = t[1, i]


def test_standard_externs_exported():
    for name in ("select", "relu", "sin", "cos", "sqrt", "expf", "fmaxf", "sigmoid"):
        assert isinstance(getattr(externs, name), exo.Extern)
    assert externs.relu.interpret([-2.0]) == 0.0
    assert "_relu_float" in externs.relu.compile(["x"], "float")


def test_user_extern_and_window_hook(tmp_path, rng):
    c = cube_via_window.c_code_str()
    assert "/* StackWin */" in c and "cube_float(" in c
    x = rng.standard_normal(4).astype(np.float32)
    x_interp, x_c = x.copy(), x.copy()
    cube_via_window.interpret(x=x_interp)
    lib = compile_shared([cube_via_window], tmp_path)
    lib.cube_via_window(None, ptr(x_c))
    np.testing.assert_allclose(x_interp, x ** 3, rtol=1e-5)
    np.testing.assert_allclose(x_c, x_interp, rtol=1e-6)


def test_extern_typecheck_refusal_is_type_error():
    with pytest.raises(TypeError, match="expected a real scalar"):

        @proc
        def bad(n: size, x: f32[n] @ DRAM):
            for i in seq(0, n):
                x[i] = cube(i)
