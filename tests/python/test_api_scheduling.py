"""exo.API_scheduling / exo.stdlib.scheduling: the reference's free functions map
onto Procedure methods; each one rewrites and keeps results."""

from __future__ import annotations

import numpy as np
import pytest

import exo
import exo.API_scheduling as api
from exo import DRAM, Procedure, config, proc
from exo.libs.memories import DRAM_STACK
from exo.stdlib.scheduling import *  # noqa: F401,F403


@config
class Knobs:
    scale: f32


@proc
def axpy(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, a: f32 @ DRAM):
    for i in seq(0, n):
        y[i] += a * x[i]


@proc
def tiles(n: size, x: f32[n, 16] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32[16] @ DRAM
        for j in seq(0, 16):
            t[j] = x[i, j]
        y[i] = t[3] + t[12]


def run_axpy(p, n=6):
    x = np.linspace(1, 2, n, dtype=np.float32)
    y = np.full(n, 0.5, dtype=np.float32)
    a = np.array([1.5], dtype=np.float32)
    p.interpret(n=n, x=x, y=y, a=a)
    return y


def test_stdlib_reexports_every_function():
    import exo.stdlib.scheduling as std

    for name in api.__all__:
        assert getattr(std, name) is getattr(api, name)
    assert bind_config is api.bind_config  # from the star import


def test_config_functions():
    p = bind_config(axpy, "a", Knobs, "scale")
    assert "Knobs.scale = a\n        y[i] += Knobs.scale * x[i]" in str(p)
    np.testing.assert_allclose(run_axpy(p), run_axpy(axpy))
    # write_config at a gap: after the loop nothing reads Knobs.scale.
    q = write_config(p, p.find_loop("i").after(), Knobs, "scale", 0.0)
    assert str(q).rstrip().endswith("Knobs.scale = 0.0")
    # ...and the write inside the loop is then dead for the rest of the proc? No:
    # the loop reads it right after, so deleting it is refused.
    with pytest.raises(exo.SchedulingError, match="cannot delete the write of 'Knobs.scale'"):
        delete_config(q, "Knobs.scale = a")
    r = delete_config(q, "Knobs.scale = 0.0")
    assert str(r) == str(p)


def test_write_config_seen_by_a_read():
    p = bind_config(axpy, "a", Knobs, "scale")
    loop_body_read = p.find("y[_] += _")
    with pytest.raises(exo.SchedulingError, match="write_config: the new write of 'Knobs.scale'"):
        write_config(p, loop_body_read.before(), Knobs, "scale", 2.0)


def test_reshape_functions():
    p = divide_dim(tiles, "t", 0, 4)
    assert "t: f32[4, 4] @ DRAM" in str(p)
    q = mult_dim(p, "t", 0, 1)
    assert "t: f32[16] @ DRAM" in str(q)
    with pytest.raises(TypeError, match="argument 3, 'quotient' to divide_dim: expected a positive integer"):
        divide_dim(tiles, "t", 0, 0)


def test_argument_checks_follow_the_reference():
    with pytest.raises(TypeError, match="argument 0, 'proc' to divide_loop: expected a Procedure object"):
        divide_loop("not a proc", "i", 4, ["io", "ii"])
    with pytest.raises(TypeError, match="argument 3, 'new_iters' to divide_loop: expected a list of length 2"):
        divide_loop(axpy, "i", 4, ["io"])
    with pytest.raises(ValueError, match="argument 4, 'tail' to divide_loop"):
        divide_loop(axpy, "i", 4, ["io", "ii"], tail="wrap")
    with pytest.raises(TypeError, match="'field' to bind_config"):
        bind_config(axpy, "a", Knobs, 3)
    with pytest.raises(TypeError, match="argument 1, 'gap_cursor' to write_config: expected a GapCursor"):
        write_config(axpy, axpy.find_loop("i"), Knobs, "scale", 1.0)


@proc
def scale4(v: f32[4] @ DRAM):
    for k in seq(0, 4):
        v[k] = v[k] * 2.0


@proc
def mixed(n: size, x: f32[n, 4] @ DRAM, y: f32[n] @ DRAM, s: f32[1] @ DRAM):
    for i in seq(0, n):
        pass
        t: f32[4] @ DRAM
        for k in seq(0, 4):
            t[k] = x[i, k] + x[2 + i - 2 - i + i, k]
        scale4(t)
        y[i] = t[0] + t[3]
    for i in seq(0, n):
        s[0] = 3.0


def run_mixed(p, n=5, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 4)).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    s_type = np.float64 if "s: f64" in str(p) else np.float32  # after set_precision
    s = rng.standard_normal(1).astype(s_type)
    p.interpret(n=n, x=x, y=y, s=s)
    return y, s


def same_as_mixed(p):
    for n in (1, 4, 7):
        for a, b in zip(run_mixed(p, n, seed=n), run_mixed(mixed, n, seed=n)):
            np.testing.assert_allclose(a, b, rtol=1e-6)


# (function, arguments after proc, text the result must contain)
_FUNCTIONS = [
    (simplify, (), "t[k] = x[i, k] + x[i, k]"),
    (rename, ("mixed2",), "def mixed2("),
    (divide_loop, ("i", 2, ["io", "ii"]), "for io in seq(0, (n + 1) / 2):"),
    (unroll_loop, ("k",), "t[3] = x[i, 3]"),
    (remove_loop, ("i #1",), "\n    s[0] = 3.0"),
    (delete_pass, (), None),
    (set_memory, ("t", DRAM_STACK), "t: f32[4] @ DRAM_STACK"),
    (set_precision, ("s", "f64"), "s: f64[1] @ DRAM"),
    (set_window, ("x", True), "x: [f32][n, 4] @ DRAM"),
    (lift_alloc, ("t",), "    t: f32[4] @ DRAM\n    for i in seq(0, n):"),
    (inline, ("scale4(_)",), "t[k] = t[k] * 2.0"),
]


@pytest.mark.parametrize("fn,args,expect", _FUNCTIONS, ids=[f.__name__ for f, _, _ in _FUNCTIONS])
def test_functions_rewrite_and_keep_results(fn, args, expect):
    p = fn(mixed, *args)
    assert isinstance(p, Procedure) and p != mixed
    if expect is not None:
        assert expect in str(p), str(p)
    same_as_mixed(p)


def test_delete_pass_and_reorder_loops_results():
    assert "pass" not in str(delete_pass(mixed)) and "pass" in str(mixed)
    p = reorder_loops(grid, "i j")
    assert str(p).splitlines()[1].strip() == "for j in seq(0, m):"
    for a, b in zip(run_grid(p), run_grid(grid)):
        np.testing.assert_allclose(a, b)


def test_functions_refuse_illegal_rewrites():
    # Each refusal is the near twin of a case accepted above.
    with pytest.raises(exo.SchedulingError, match="unroll"):
        unroll_loop(mixed, "i")  # symbolic bound
    with pytest.raises(exo.SchedulingError, match="remove_loop"):
        remove_loop(mixed, "i")  # the body depends on i
    with pytest.raises(exo.SchedulingError):
        set_window(mixed, "t", True)  # not an argument


def test_both_surfaces_come_from_one_record():
    """A function and its method are made from the same record: the same result,
    exo-lang's parameter names on the function, the method's on the method."""
    import inspect

    from exo import _core

    table = {api: seed for _, seed, api, _, _, _ in _core.primitive_table()}
    assert table["divide_loop"] == "split" and table["fission"] == ""  # fission: a function only
    assert list(inspect.signature(divide_loop).parameters) == ["proc", "loop_cursor", "div_const", "new_iters",
                                                               "tail", "perfect"]
    assert list(inspect.signature(Procedure.split).parameters) == ["self", "loop", "split_const", "iter_vars",
                                                                   "tail", "perfect"]
    assert divide_loop.__name__ == "divide_loop" and divide_loop.__doc__
    assert str(divide_loop(axpy, "i", 4, ("io", "ii"), tail="cut")) == str(axpy.split("i", 4, ["io", "ii"], "cut"))
    # Errors name the surface called and its own parameter.
    with pytest.raises(TypeError, match="argument 2, 'div_const' to divide_loop"):
        divide_loop(axpy, "i", 0, ["io", "ii"])
    with pytest.raises(TypeError, match="argument 2, 'split_const' to split"):
        axpy.split("i", 0, ["io", "ii"])
    # fission(gap) is fission_after(statement before the gap).
    gap = grid.find("A[_] = _").after()
    assert str(fission(grid, gap, 2)) == str(grid.fission_after(grid.find("A[_] = _"), 2))


@proc
def grid(n: size, m: size, A: f32[n, m] @ DRAM, B: f32[n, m] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, m):
            A[i, j] = B[i, j] * 2.0
            B[i, j] = 1.0


def run_grid(p, n=3, m=5):
    A = np.zeros((n, m), dtype=np.float32)
    B = np.arange(n * m, dtype=np.float32).reshape(n, m)
    p.interpret(n=n, m=m, A=A, B=B)
    return A, B


def test_divide_loop_on_the_method():
    p = divide_loop(grid, "j", 4, ["jo", "ji"], tail="cut")
    assert "for jo in seq(0, m / 4):" in str(p)
    for a, b in zip(run_grid(p), run_grid(grid)):
        np.testing.assert_allclose(a, b)


def test_reorder_loops_on_the_method():
    for ref in ("i j", grid.find_loop("i")):
        p = reorder_loops(grid, ref)
        assert str(p).splitlines()[1].strip() == "for j in seq(0, m):"
        for a, b in zip(run_grid(p), run_grid(grid)):
            np.testing.assert_allclose(a, b)


def test_fission_on_the_method():
    p = fission(grid, grid.find("A[_] = _").after(), n_lifts=2)
    assert str(p).count("for i in seq(0, n):") == 2
    for a, b in zip(run_grid(p), run_grid(grid)):
        np.testing.assert_allclose(a, b)
    with pytest.raises(ValueError, match="not at an edge"):
        fission(grid, grid.find("B[_] = _").after())


@proc
def rows(n: size, A: f32[n, 8] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, 8):
            A[i, j] = 1.0


def test_argument_kinds_are_checked_once_for_both_surfaces():
    """The checks the core primitives no longer repeat: each refusal, on the
    method and on the function, next to its accepted twin."""
    with pytest.raises(TypeError, match=r"argument 2, 'split_const' to split: expected a positive integer in \[1, "):
        axpy.split("i", 0, ["io", "ii"])
    with pytest.raises(TypeError, match="argument 1, 'new_name' to rename: expected a valid name, got '1x'"):
        axpy.rename("1x")
    assert axpy.rename("x1").name() == "x1"
    with pytest.raises(ValueError, match="argument 4, 'tail' to split: expected one of the following values: "
                                         "cut, guard, cut_and_guard"):
        axpy.split("i", 4, ["io", "ii"], "cutt")
    with pytest.raises(TypeError, match="argument 3, 'new_iters' to divide_loop: expected two different names"):
        divide_loop(axpy, "i", 4, ["io", "io"])
    with pytest.raises(TypeError, match="argument 4, 'new_iters' to divide_with_recompute: expected two different"):
        divide_with_recompute(axpy, "i", "2", 4, ["io", "io"])
    with pytest.raises(TypeError, match="argument 2, 'n_lifts' to lift_alloc: expected a positive integer"):
        lift_alloc(tiles, "t", 0)
    with pytest.raises(ValueError, match="argument 2, 'conds' to specialize: expected at least one condition"):
        specialize(axpy, "y[_] += _", [])
    with pytest.raises(ValueError, match="argument 1, 'expr_cursors' to commute_expr: expected at least one"):
        commute_expr(axpy, [])
    with pytest.raises(ValueError, match="argument 3, 'field' to bind_config: expected 'nope' to be a field"):
        bind_config(axpy, "a", Knobs, "nope")
    with pytest.raises(TypeError, match="argument 2, 'new_iter_name' to mult_loops: expected a valid name, got '2k'"):
        mult_loops(rows, "i j", "2k")
    with pytest.raises(TypeError, match="argument 3, 'new_buf_name' to stage_mem: expected a valid name, got '1xs'"):
        stage_mem(grid, "for j in _: _", "B[i, 0:m]", "1xs")
    # The accepted twins.
    assert "for ij in seq(0, n * 8):" in str(mult_loops(rows, "i j", "ij"))
    assert "xs: f32[m]" in str(stage_mem(grid, "for j in _: _", "B[i, 0:m]", "xs"))
    assert "for ii in seq(0, n % 4):" in str(axpy.split("i", 4, ["io", "ii"], "cut"))
    assert "for io in seq(0, n / 4):" in str(divide_loop(axpy, "i", 4, ["io", "ii"], tail="cut"))
    assert "Knobs.scale = a" in str(bind_config(axpy, "a", Knobs, "scale"))
