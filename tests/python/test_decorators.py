"""@proc / @instr / @config: parsing Python functions and resolving free names."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, config, instr, proc
from exo.libs.externs import relu, select

N_CONST = 8
SCALE = 2.5


@proc
def scale_vec(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n):
        x[i] = x[i] * 2.0


@proc
def calls_scale(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    scale_vec(n, x)
    for i in seq(0, n):
        y[i] = x[i] + 1.0


def test_proc_calls_proc():
    assert isinstance(calls_scale, exo.Procedure)
    x = np.arange(4, dtype=np.float32)
    y = np.zeros(4, dtype=np.float32)
    calls_scale.interpret(n=4, x=x, y=y)
    np.testing.assert_allclose(x, [0, 2, 4, 6])
    np.testing.assert_allclose(y, [1, 3, 5, 7])
    assert "scale_vec(n, x)" in str(calls_scale)


@proc
def uses_globals(x: f32[N_CONST] @ DRAM):
    for i in seq(0, N_CONST):
        x[i] = SCALE


def test_constants_from_globals():
    x = np.zeros(N_CONST, dtype=np.float32)
    uses_globals.interpret(x=x)
    np.testing.assert_allclose(x, np.full(N_CONST, SCALE))
    assert uses_globals.args()[0].shape() == ["8"]


def make_fill(width, value):
    # `width` appears only in an annotation, so Python keeps no closure cell
    # for it: it is found among the enclosing function's locals.
    @proc
    def fill(x: f32[width] @ DRAM):
        for i in seq(0, width):
            x[i] = value

    return fill


def test_constants_from_closure_and_locals():
    p3 = make_fill(3, 1.5)
    p5 = make_fill(5, -2.0)
    a, b = np.zeros(3, np.float32), np.zeros(5, np.float32)
    p3.interpret(x=a)
    p5.interpret(x=b)
    np.testing.assert_allclose(a, [1.5] * 3)
    np.testing.assert_allclose(b, [-2.0] * 5)


def test_local_helper_proc_and_memory_alias():
    MEM = DRAM

    @proc
    def helper(x: f32 @ MEM):
        x = 3.0

    @proc
    def outer(n: size, x: f32[n] @ DRAM):
        for i in seq(0, n):
            helper(x[i])

    x = np.zeros(3, np.float32)
    outer.interpret(n=3, x=x)
    np.testing.assert_allclose(x, [3, 3, 3])


def test_bool_and_int_constants():
    flag = True
    offset = 2

    @proc
    def cond(n: size, x: i32[n] @ DRAM):
        for i in seq(0, n):
            if flag:
                x[i] = offset

    x = np.zeros(4, np.int32)
    cond.interpret(n=4, x=x)
    assert list(x) == [2, 2, 2, 2]


@proc
def externs_proc(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = relu(x[i]) + select(x[i], 0.0, 1.0, 2.0)


def test_externs():
    x = np.array([-1.0, 0.5, 2.0], np.float32)
    y = np.zeros(3, np.float32)
    externs_proc.interpret(n=3, x=x, y=y)
    np.testing.assert_allclose(y, [1.0, 2.5, 4.0])


@instr("{dst_data} = {src_data};", c_global="/* copy helper */")
def copy_instr(dst: f32 @ DRAM, src: f32 @ DRAM):
    dst = src


def test_instr():
    assert copy_instr.is_instr()
    assert copy_instr.get_instr() == "{dst_data} = {src_data};"
    assert not scale_vec.is_instr()


def test_instr_used_from_proc():
    @proc
    def copies(n: size, a: f32[n] @ DRAM, b: f32[n] @ DRAM):
        for i in seq(0, n):
            copy_instr(a[i], b[i])

    c = copies.c_code_str()
    assert "/* copy helper */" in c
    a, b = np.zeros(2, np.float32), np.array([4, 5], np.float32)
    copies.interpret(n=2, a=a, b=b)
    np.testing.assert_allclose(a, b)


@config
class CfgScale:
    factor: f32
    n: index


@config(readwrite=False)
class CfgRO:
    k: size


def test_config():
    assert isinstance(CfgScale, exo.Config)
    assert CfgScale.name() == "CfgScale"
    assert CfgScale.fields() == [("factor", "f32"), ("n", "index")]
    assert CfgScale.has_field("factor") and not CfgScale.has_field("zzz")
    assert CfgScale.is_allow_rw() and not CfgRO.is_allow_rw()


def test_config_in_proc():
    @proc
    def set_cfg(x: f32):
        CfgScale.factor = x

    @proc
    def use_cfg(n: size, y: f32[n] @ DRAM):
        for i in seq(0, n):
            y[i] = CfgScale.factor

    c = exo.compile_procs_to_strings([set_cfg, use_cfg], "cfg.h")[0]
    assert "factor" in c


def test_decorator_argument_checks():
    with pytest.raises(TypeError):
        proc(42)
    with pytest.raises(TypeError):
        instr(3)
    with pytest.raises(TypeError):
        config(42)


def test_unknown_name_is_type_error():
    with pytest.raises(TypeError, match="not_defined_anywhere"):

        @proc
        def bad(x: f32):
            x = not_defined_anywhere  # noqa: F821
