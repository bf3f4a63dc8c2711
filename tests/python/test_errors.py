"""Errors: their Python types and positions in the user's .py file."""

from __future__ import annotations

import inspect

import pytest

import exo
from exo import proc


def _line_of(marker):
    """The line number in this file of the line containing `marker`."""
    src, start = inspect.getsourcelines(inspect.getmodule(_line_of))
    for k, line in enumerate(src):
        if marker in line and "_line_of(" not in line:
            return start + k if start else k + 1
    raise AssertionError(marker)


def test_type_error_position():
    with pytest.raises(exo.TypeCheckError) as info:

        @proc
        def bad_type(n: size, x: f32[n] @ DRAM):
            for i in seq(0, n):
                x[i] = undefined_name_here  # noqa: F821  MARK-TYPE

    e = info.value
    assert isinstance(e, TypeError)  # as exo-lang, which raised TypeError
    assert e.filename == __file__
    assert e.line == _line_of("MARK-TYPE")
    assert e.col == 24  # column of the name, after the function's indentation
    assert f"{__file__}:{e.line}" in str(e)


def test_parse_error_position():
    with pytest.raises(exo.ParseError) as info:

        @proc
        def bad_syntax(x: f32):
            while True:  # MARK-PARSE
                x = 1.0

    assert info.value.filename == __file__
    assert info.value.line == _line_of("MARK-PARSE")


def test_bounds_error_position():
    with pytest.raises(exo.BoundsError) as info:

        @proc
        def out_of_bounds(n: size, x: f32[n] @ DRAM):
            for i in seq(0, n + 1):
                x[i] = 0.0  # MARK-BOUNDS

    assert info.value.line == _line_of("MARK-BOUNDS")
    assert info.value.kind == "bounds" or info.value.kind


def test_precondition_error_position():
    @proc
    def needs_small(n: size, x: f32[n] @ DRAM):
        assert n <= 4
        for i in seq(0, n):
            x[i] = 0.0

    with pytest.raises(exo.PreconditionError) as info:

        @proc
        def caller(n: size, x: f32[n] @ DRAM):
            needs_small(n, x)  # MARK-PRE

    assert info.value.line == _line_of("MARK-PRE")


def test_error_hierarchy():
    for cls in (exo.ParseError, exo.TypeCheckError, exo.BoundsError, exo.PreconditionError,
                exo.SchedulingError, exo.ParseFragmentError, exo.MemGenError):
        assert issubclass(cls, exo.ExoError)


def test_program_errors_are_type_errors_as_in_exo_lang():
    # exo-lang raises TypeError for ill-typed programs, failed bounds checks and
    # unprovable call preconditions; code catching TypeError keeps working.
    for cls in (exo.TypeCheckError, exo.BoundsError, exo.PreconditionError):
        assert issubclass(cls, TypeError)
    assert not issubclass(exo.SchedulingError, TypeError)


def test_type_errors_name_what_is_wrong_first():
    # The value of an assignment is checked before its target: here the negation
    # of a whole tensor is the first error, not the missing index of `x`.
    with pytest.raises(exo.TypeCheckError, match=r"cannot negate expression of type R\[1\]"):

        @proc
        def negate_tensor(x: R[1]):
            x = -x

    # Comparisons compare control values even inside data arithmetic.
    with pytest.raises(exo.TypeCheckError, match="cannot perform arithmetic on 'bool' values"):

        @proc
        def add_bools(x: i8):
            x = (1 == 0) + (0 == 1)

    @proc
    def negate_element(x: R[1]):
        x[0] = -x[0]

    assert "x[0] = -x[0]" in str(negate_element)


def test_extern_arity_error_says_how_many():
    from exo.libs.externs import fmaxf, select

    with pytest.raises(exo.TypeCheckError, match="'fmaxf': expected 2 argument, got 1"):

        @proc
        def one_arg(x: f32[4], y: f32[4]):
            for i in seq(0, 4):
                y[i] = fmaxf(x[i])

    with pytest.raises(exo.TypeCheckError, match="'select': expected 4 arguments, got 3"):

        @proc
        def three_args(x: f32[4], y: f32[4]):
            for i in seq(0, 4):
                y[i] = select(x[i], y[i], x[i])
