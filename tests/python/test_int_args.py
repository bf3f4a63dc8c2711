"""Integers crossing from Python into the compiler are exact or refused: an API
argument outside the range the compiler represents is an exo error naming the
argument and the range; a Python number used in Exo code that Exo cannot
represent exactly is refused at its use (file:line:col)."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

import exo
from exo import proc
from exo.stdlib.scheduling import *

BIG = 2**70


@proc
def loops(n: size, A: f32[n, 8]):
    for i in seq(0, n):
        for j in seq(0, 8):
            A[i, j] = A[i, j] * 2.0


@proc
def buffers(A: f32[8, 8]):
    x: f32[8, 8]
    for i in seq(0, 8):
        for j in seq(0, 8):
            x[i, j] = A[i, j]
    for i in seq(0, 8):
        for j in seq(0, 8):
            A[i, j] = x[i, j] + 1.0


@proc
def two(n: size, A: f32[n], B: f32[n]):
    for i in seq(0, n):
        A[i] = 1.0
        B[i] = A[i]


@proc
def inner_alloc(A: f32[8]):
    for i in seq(0, 8):
        t: f32
        t = A[i]
        A[i] = t + 1.0


@proc
def small_buf(A: f32[4]):
    y: f32[4]
    y[0] = A[0]
    y[1] = A[1]
    A[0] = y[0] + y[1]


@proc
def copy_rows(n: size, A: f32[n, 8], B: f32[n, 8]):
    for i in seq(0, n):
        for j in seq(0, 8):
            B[i, j] = A[i, j]


def gap():
    return two.find("A[_] = _").after()


# (call with a huge integer, the argument's name, the same call with a fine value)
CASES = {
    "divide_loop": (lambda v: divide_loop(loops, "j", v, ["jo", "ji"], perfect=v != BIG), "div_const", 4),
    "split": (lambda v: loops.split("j", v, ["jo", "ji"], perfect=True), "split_const", 4),
    "cut_loop": (lambda v: cut_loop(loops, "j", v), "cut_point", 3),
    "partition_loop": (lambda v: loops.partition_loop("j", v), "num", 3),
    "shift_loop": (lambda v: shift_loop(loops, "j", v), "new_lo", 2),
    "add_loop": (lambda v: add_loop(loops, "A[_] = _", "k", v, guard=True), "hi_expr", 2),
    "fission": (lambda v: fission(two, gap(), n_lifts=v), "n_lifts", 1),
    "fission_after": (lambda v: two.fission_after("A[_] = _", v), "n_lifts", 1),
    "lift_alloc": (lambda v: lift_alloc(inner_alloc, "t", n_lifts=v), "n_lifts", 1),
    "lift_alloc_method": (lambda v: inner_alloc.lift_alloc("t", v), "n_lifts", 1),
    "autofission": (lambda v: autofission(two, gap(), v), "n_lifts", 1),
    "resize_dim_dim": (lambda v: resize_dim(buffers, "x", v, 8, 0), "dim_idx", 0),
    "resize_dim_size": (lambda v: resize_dim(buffers, "x", 0, v, 0), "size", 8),
    "resize_dim_method": (lambda v: buffers.resize_dim("x", 0, 8, v), "offset", 0),
    "expand_dim": (lambda v: expand_dim(buffers, "x", v, "0"), "alloc_dim", 2),
    "rearrange_dim": (lambda v: rearrange_dim(buffers, "x", [1, v]), "permute_vector", 0),
    "rearrange_dim_method": (lambda v: buffers.rearrange_dim("x", [1, v]), "dimensions", 0),
    "divide_dim_quotient": (lambda v: divide_dim(buffers, "x", 0, v), "quotient", 4),
    "divide_dim_dim": (lambda v: divide_dim(buffers, "x", v, 4), "dim_idx", 0),
    "divide_dim_method": (lambda v: buffers.divide_dim("x", v, 4), "hi_dim", 0),
    "mult_dim": (lambda v: mult_dim(buffers, "x", v, 1), "hi_dim_idx", 0),
    "mult_dim_method": (lambda v: buffers.mult_dim("x", v), "hi_dim", 0),
    "unroll_buffer": (lambda v: unroll_buffer(small_buf, "y", v), "dimension", 0),
    "divide_with_recompute": (lambda v: divide_with_recompute(copy_rows, "j", "2", v, ["jo", "ji"]),
                              "outer_stride", 4),
    "partial_eval": (lambda v: loops.partial_eval(v), "n", 8),
    "partial_eval_named": (lambda v: loops.partial_eval(n=v), "n", 8),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("huge", [BIG, 2**63, -(2**63) - 1, 2**31])
def test_huge_integer_arguments_are_refused_naming_the_argument(name, huge):
    call, argname, fine = CASES[name]
    if huge == 2**31 and name in ("divide_loop", "split", "cut_loop", "partition_loop", "shift_loop", "add_loop",
                                  "resize_dim_size", "resize_dim_method", "expand_dim", "divide_dim_quotient",
                                  "divide_with_recompute", "partial_eval", "partial_eval_named"):
        return  # 64-bit arguments: 2**31 fits (whether the rewrite accepts it is another matter)
    with pytest.raises(exo.ExoError) as e:
        call(huge)
    text = str(e.value)
    assert f"'{argname}'" in text, text
    assert "Unable to cast" not in text and "incompatible function arguments" not in text
    if "in [" not in text:  # an expression argument: refused by type and range
        assert "integer" in text or "fit" in text, text
    # The accepted twin: the same call with a value in range.
    assert isinstance(call(fine), exo.Procedure)


def test_refused_integers_are_exo_api_errors_and_type_errors():
    with pytest.raises(exo.ApiError, match=r"argument 2, 'div_const' to divide_loop: expected a positive integer "
                                           r"in \[1, 9223372036854775807\], got 1180591620717411303424"):
        divide_loop(loops, "j", BIG, ["jo", "ji"])
    with pytest.raises(TypeError):  # as exo-lang, still a TypeError
        divide_loop(loops, "j", BIG, ["jo", "ji"])
    with pytest.raises(exo.ApiTypeError):
        divide_loop(loops, "j", 2.0, ["jo", "ji"])
    with pytest.raises(exo.ApiError, match=r"'n_lifts' to lift_if: expected a positive integer in \[1, 2147483647\]"):
        loops.lift_if("A[_] = _", 2**31)
    # Floats are not silently truncated.
    with pytest.raises(exo.ApiError, match="'quotient'"):
        buffers.divide_dim("x", 0, 2.5)
    with pytest.raises(exo.ApiError, match="'new_expr' to rewrite_expr: expected a finite number, got inf"):
        rewrite_expr(loops, loops.find("2.0"), math.inf)
    assert str(rewrite_expr(loops, loops.find("2.0"), 2.0)) == str(loops)  # the finite twin


def test_interpret_refuses_huge_sizes():
    A = np.zeros((2, 8), dtype=np.float32)
    for huge in (BIG, 2**63, -(2**63) - 1):
        with pytest.raises(exo.ApiError, match=r"argument 1, 'n' to loops.interpret\(\): expected an integer in"):
            loops.interpret(n=huge, A=A)
    rng = np.random.default_rng(7)
    A = rng.standard_normal((2, 8)).astype(np.float32)
    want = A * 2
    loops.interpret(n=2, A=A)
    np.testing.assert_allclose(A, want)


def test_cursor_distances_and_indices_of_any_size():
    body = loops.body()
    assert not loops.find_loop("i").next(BIG)
    assert not loops.find_loop("i").prev(BIG)
    assert not loops.find_loop("i").prev(-BIG)
    with pytest.raises(IndexError):
        body[BIG]
    with pytest.raises(IndexError):
        body[-BIG]
    assert len(body[0:BIG]) == 1
    assert len(body[0].expand(BIG, BIG)) == 1


# --------------------------------------------------------------------------- #
# Python numbers used in Exo code

HUGE_N = 2**70
BIG_A = 2**62  # fit in 64 bits, differ by one
BIG_B = 2**62 - 1
SMALL_N = 6
INF = math.inf
NAN = math.nan
HALF = 0.5


def position_of(fn, text):
    lines, first = inspect.getsourcelines(fn)
    for k, line in enumerate(lines):
        if text in line:
            return first + k, line.index(text) + 1
    raise AssertionError(text)


def uses_huge():
    @proc
    def huge_loop(A: f32[8]):
        for i in seq(0, HUGE_N):
            A[0] = 1.0

    return huge_loop


def uses_inf():
    @proc
    def inf_value(A: f32[8]):
        A[0] = INF

    return inf_value


def uses_nan():
    @proc
    def nan_value(A: f32[8]):
        A[1] = NAN

    return nan_value


@pytest.mark.parametrize("maker, name, why", [
    (uses_huge, "HUGE_N", "its value 1180591620717411303424 is outside Exo's integer range"),
    (uses_inf, "INF", "its value inf is not finite"),
    (uses_nan, "NAN", "its value nan is not finite"),
])
def test_unrepresentable_python_numbers_are_refused_at_their_use(maker, name, why):
    with pytest.raises(exo.TypeCheckError) as e:
        maker()
    line, col = position_of(maker, name)
    assert e.value.filename == __file__
    assert (e.value.line, e.value.col) == (line, col), str(e.value)
    assert e.value.message.startswith(f"cannot use '{name}' in Exo code: {why}"), e.value.message


def test_large_python_ints_are_exact():
    # 2**62 and 2**62 - 1 differ by one: integer constants are exact int64, so
    # that is what the program computes (never rounded through a double).
    def make():
        @proc
        def differ(A: f32[1]):
            if BIG_A - BIG_B == 1:
                A[0] = 1.0
            else:
                A[0] = 2.0

        return differ

    p = make()
    A = np.zeros(1, dtype=np.float32)
    p.interpret(A=A)
    assert A[0] == 1.0


def test_representable_python_numbers_are_used_exactly():
    @proc
    def fine(A: f32[8]):
        for i in seq(0, SMALL_N):
            A[i] = HALF
        if SMALL_N * 4 > SMALL_N:
            A[7] = 3.0

    A = np.full(8, -1.0, dtype=np.float32)
    fine.interpret(A=A)
    np.testing.assert_array_equal(A, [0.5] * 6 + [-1.0, 3.0])


def test_unquoted_python_numbers_are_checked():
    with pytest.raises(exo.ParseError, match="does not fit in a 64-bit integer") as e:
        @proc
        def unquoted(A: f32[8]):
            for i in seq(0, {HUGE_N}):
                A[0] = 1.0
    assert e.value.filename == __file__ and e.value.line > 0 and e.value.col > 0

    @proc
    def unquoted_ok(A: f32[8]):
        for i in seq(0, {SMALL_N}):
            A[i] = 2.0

    A = np.zeros(8, dtype=np.float32)
    unquoted_ok.interpret(A=A)
    np.testing.assert_array_equal(A, [2.0] * 6 + [0.0] * 2)
