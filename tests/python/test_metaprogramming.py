"""Metaprogramming (exo-lang's docs/Metaprogramming.md): `with python:` blocks,
`with exo:` quotes, `{...}` unquotes and `~{...}` quotes. Each program is checked
by running it on random inputs against what it should expand to."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, proc


def rand(*shape, seed=0):
    return np.random.default_rng(seed).integers(-50, 50, size=shape or (1,)).astype(np.int32)


def run(p, **kwargs):
    out = {k: v.copy() for k, v in kwargs.items()}
    p.interpret(**out)
    return out


def test_unexecuted_quote_gives_an_empty_proc():
    @proc
    def foo(a: i32):
        with python:
            if False:
                with exo:
                    a += 1

    a = rand()
    assert np.array_equal(run(foo, a=a)["a"], a)
    assert "pass" in str(foo)


def test_quote_executed_many_times():
    @proc
    def foo(a: i32):
        with python:
            for i in range(10):
                with exo:
                    a += 1

    assert str(foo).count("a += 1") == 10
    a = rand(seed=1)
    assert np.array_equal(run(foo, a=a)["a"], a + 10)


def test_expression_quotes_and_unquotes():
    @proc
    def foo(a: i32, b: i32):
        with python:
            exprs = [~{a}, ~{b * 2}]
            for expr in exprs:
                with exo:
                    a += {expr}

    @proc
    def implicit(a: i32, b: i32):
        with python:
            exprs = [a, ~{b * 2}]
            for expr in exprs:
                with exo:
                    a += expr

    for seed in range(3):
        a, b = rand(seed=seed), rand(seed=seed + 10)
        expect = a + a
        expect = expect + b * 2
        assert np.array_equal(run(foo, a=a, b=b)["a"], expect)
        assert np.array_equal(run(implicit, a=a, b=b)["a"], expect)


def test_unquoting_numbers():
    @proc
    def foo(a: i32):
        with python:
            for i in range(10):
                with exo:
                    a += {i % 2}

    a = rand(seed=2)
    assert np.array_equal(run(foo, a=a)["a"], a + 5)


T = "i32"
mem = DRAM


def test_unquoting_types_and_memories():
    @proc
    def typed(a: {T}, b: {T}):
        a += b

    @proc
    def placed(a: i32 @ {mem}, b: i32 @ {mem}):
        a += b

    for p in (typed, placed):
        assert [a.type() for a in p.args()] == ["i32", "i32"]
        assert all(a.mem() is DRAM for a in p.args())
        a, b = rand(seed=3), rand(seed=4)
        assert np.array_equal(run(p, a=a, b=b)["a"], a + b)


def test_statement_quotes_bound_to_variables():
    @proc
    def foo(a: i32, b: i32):
        with python:
            with exo as stmt:
                a += b
            {stmt}
            {stmt}

    a, b = rand(seed=5), rand(seed=6)
    assert np.array_equal(run(foo, a=a, b=b)["a"], a + 2 * b)


def make_stencil(weights, n):
    """A 1-D stencil with the taps unrolled at definition time."""

    @proc
    def stencil(x: i32[n + 4] @ DRAM, y: i32[n] @ DRAM):
        for i in seq(0, n):
            y[i] = 0
            with python:
                for k, w in enumerate(weights):
                    if w != 0:
                        with exo:
                            y[i] += {w} * x[i + {k}]

    return stencil


def test_parametrized_stencil_with_indices_and_loops():
    weights = [1, 0, -2, 3, 1]
    p = make_stencil(weights, 6)
    assert str(p).count("+=") == 4  # the zero tap is not emitted
    x = rand(10, seed=7)
    y = run(p, x=x, y=np.zeros(6, dtype=np.int32))["y"]
    expect = sum(w * x[k : k + 6] for k, w in enumerate(weights))
    assert np.array_equal(y, expect)


def test_python_inside_exo_loops_and_exo_inside_python_loops():
    n = 10

    @proc
    def tiles(x: i32[n] @ DRAM, y: i32[n] @ DRAM):
        with python:
            for lo in range(0, n, 4):
                with exo:
                    for j in seq({lo}, {min(lo + 4, n)}):
                        y[j] = x[j]
                        with python:
                            if lo == 0:
                                with exo:
                                    y[j] += {lo + 1}

    assert str(tiles).count("for j in seq") == 3
    x = rand(n, seed=8)
    expect = x.copy()
    expect[:4] += 1
    assert np.array_equal(run(tiles, x=x, y=np.zeros(n, dtype=np.int32))["y"], expect)


def test_unquoting_slices_and_allocation_memories():
    @proc
    def add4(a: [i32][4] @ DRAM, b: [i32][4] @ DRAM):
        for k in seq(0, 4):
            b[k] += a[k]

    local_mem = DRAM

    @proc
    def caller(x: i32[8] @ DRAM, y: i32[8] @ DRAM):
        with python:
            for lo in (0, 4):
                with exo:
                    t: i32[4] @ {local_mem}
                    for k in seq(0, 4):
                        t[k] = x[{lo} + k]
                    add4(t[{slice(0, 4)}], y[{slice(lo, lo + 4)}])

    x, y = rand(8, seed=9), rand(8, seed=10)
    assert np.array_equal(run(caller, x=x, y=y)["y"], x + y)


def test_errors_point_at_the_user_source():
    with pytest.raises(exo.TypeCheckError) as e:

        @proc
        def bad(a: i32):
            with python:
                for i in range(2):
                    with exo:
                        a += c  # not defined

    line = test_errors_point_at_the_user_source.__code__.co_firstlineno + 8
    assert f"test_metaprogramming.py:{line}:" in str(e.value)


def test_emitting_statements_while_unquoting_an_expression_is_refused():
    with pytest.raises(TypeError, match="Cannot unquote Exo statements in this context"):

        @proc
        def foo(a: i32):
            with python:

                def bar():
                    with exo:
                        a += 1
                    return 2

                with exo:
                    a += {bar()}


def test_with_exo_outside_python_is_refused():
    with pytest.raises(exo.ParseError, match="only allowed inside 'with python:'"):

        @proc
        def foo(a: i32):
            with exo:
                a += 1


def test_fragments_that_cannot_run_are_refused_with_exo_langs_texts():
    with pytest.raises(exo.ParseError, match="nonlocal is not supported"):
        y = 0

        @proc
        def uses_nonlocal(a: i32):
            with python:
                nonlocal y

    with pytest.raises(exo.ParseError, match="cannot return from metalanguage fragment"):

        @proc
        def returns(a: i32):
            with python:
                return

    with pytest.raises(exo.ParseError, match="Unquote must take 1 argument"):
        x = 1

        @proc
        def two_values(a: i32):
            a = {x, x}

    with pytest.raises(exo.ParseError, match="Expected unquote"):

        @proc
        def with_other(a: i32):
            with a:
                pass


# --- Scoping: a name means what its innermost binding, Exo or Python, says ---

scale = 5  # a module-level Python value that Exo names below shadow


def test_an_exo_argument_shadows_an_outer_python_value():
    @proc
    def foo(scale: i32, b: i32):
        b = {scale}  # the argument, not the module's 5

    a, b = rand(seed=20), rand(seed=21)
    assert np.array_equal(run(foo, scale=a, b=b)["b"], a)


def test_a_python_value_bound_inside_the_body_shadows_an_exo_argument():
    @proc
    def foo(a: i32, b: i32):
        with python:
            a = 7
            with exo:
                b = a  # Python's a, bound after the argument

    a, b = rand(seed=22), rand(seed=23)
    out = run(foo, a=a, b=b)
    assert np.array_equal(out["b"], np.full(1, 7, dtype=np.int32))
    assert np.array_equal(out["a"], a)


def test_an_exo_allocation_shadows_python_for_the_python_nested_in_it():
    @proc
    def foo(a: i32):
        with python:
            t = 3
            with exo:
                t: i32
                t = a + 1
                with python:
                    alias = t  # the allocation, quoted
                    with exo:
                        a = alias * 2

    a = rand(seed=24)
    assert np.array_equal(run(foo, a=a)["a"], (a + 1) * 2)


def test_python_variables_holding_exo_names_are_unquoted_on_the_left():
    @proc
    def foo(a: i32, b: i32):
        with python:
            for target in [b, a]:
                with exo:
                    target += 1

    a, b = rand(seed=25), rand(seed=26)
    out = run(foo, a=a, b=b)
    assert np.array_equal(out["a"], a + 1) and np.array_equal(out["b"], b + 1)


def test_a_python_name_read_before_python_assigns_it_is_an_error():
    with pytest.raises(NameError, match="cannot access free variable 'late'"):

        @proc
        def foo(a: i32):
            with python:
                with exo:
                    a = a * late
                late = 1


def test_slices_and_tuples_unquote_into_windows():
    @proc
    def pair(w: [i32][2] @ DRAM):
        w[0] += w[1]

    @proc
    def rows(x: i32[4, 6] @ DRAM):
        with python:
            def cols(i):
                return (i, slice(~{i + 1}, ~{i + 3}))

            for s in [slice(0, 2), slice(4, 6)]:
                with exo:
                    for i in seq(0, 3):
                        pair(x[i, s])
                        pair(x[{cols(i)}])

    x = rand(4, 6, seed=27)
    expect = x.copy()
    for i in range(3):
        for lo in (0, 4):
            expect[i, lo] += expect[i, lo + 1]
            expect[i, i + 1] += expect[i, i + 2]
    assert np.array_equal(run(rows, x=x)["x"], expect)


def test_slice_unquotes_that_cannot_be_windows_are_refused():
    with pytest.raises(exo.ParseError, match="slice index with step"):

        @proc
        def stepped(x: i32[8]):
            with python:
                s = slice(0, 8, 2)
                with exo:
                    w = x[s]

    with pytest.raises(exo.ParseError, match="windowing on left-hand-side"):

        @proc
        def assigned(x: i32[8]):
            with python:
                s = slice(0, 2)
                with exo:
                    x[s] = 0

    with pytest.raises(exo.ParseError, match="couldn't be unquoted"):

        @proc
        def text_index(x: i32[8]):
            with python:
                k = "1"
                with exo:
                    x[k] = 0


elem = "i32"
mems = [DRAM]


def test_types_held_in_strings_and_computed_memories():
    @proc
    def foo(a: elem @ mems[0], b: elem[2] @ mems[-1]):
        t: elem
        t = b[0] + b[1]
        a += t

    assert [x.type() for x in foo.args()] == ["i32", "i32"]
    assert all(x.mem() is DRAM for x in foo.args())
    a, b = rand(seed=28), rand(2, seed=29)
    assert np.array_equal(run(foo, a=a, b=b)["a"], a + b[0] + b[1])
