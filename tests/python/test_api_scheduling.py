"""exo.API_scheduling / exo.stdlib.scheduling: the reference's free functions map
onto Procedure methods; functions without a method in this build say so."""

from __future__ import annotations

import numpy as np
import pytest

import exo
import exo.API_scheduling as api
from exo import DRAM, Procedure, config, proc
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


# (function, arguments after proc, the methods that would implement it)
_MAPPED = [
    (simplify, (), ["simplify"]),
    (rename, ("axpy2",), ["rename"]),
    (divide_loop, ("i", 2, ["io", "ii"]), ["divide_loop", "split"]),
    (unroll_loop, ("i",), ["unroll_loop", "unroll"]),
    (remove_loop, ("i",), ["remove_loop"]),
    (reorder_loops, ("i j",), ["reorder_loops", "reorder"]),
    (delete_pass, (), ["delete_pass"]),
    (set_memory, ("y", DRAM), ["set_memory"]),
    (set_precision, ("y", "f64"), ["set_precision"]),
    (set_window, ("y", True), ["set_window"]),
    (lift_alloc, ("t",), ["lift_alloc"]),
    (inline, ("foo(_)",), ["inline"]),
]


@pytest.mark.parametrize("fn,args,methods", _MAPPED, ids=[f.__name__ for f, _, _ in _MAPPED])
def test_missing_methods_raise_not_implemented(fn, args, methods):
    if any(hasattr(Procedure, m) for m in methods):
        pytest.skip(f"Procedure implements {fn.__name__} in this build")
    with pytest.raises(NotImplementedError, match=rf"^{fn.__name__}: not implemented"):
        fn(axpy, *args)


def test_mapped_names_reach_the_method(monkeypatch):
    """A function calls the method under its own name, or the older name."""
    calls = []
    monkeypatch.setattr(Procedure, "split", lambda self, *a, **k: calls.append(("split", a, k)) or self,
                        raising=False)
    if not hasattr(Procedure, "divide_loop"):
        assert divide_loop(axpy, "i", 4, ("io", "ii"), tail="cut") is axpy
        assert calls == [("split", ("i", 4, ["io", "ii"]), {"tail": "cut", "perfect": False})]
    monkeypatch.setattr(Procedure, "fission_after", lambda self, s, n=1: calls.append(("fission_after", s, n)) or self,
                        raising=False)
    if not hasattr(Procedure, "fission"):
        # fission(gap) becomes fission_after(statement before the gap).
        fission(tiles, tiles.find("t[_] = _").parent().after(), n_lifts=1)
        name, stmt, n = calls[-1]
        assert (name, n) == ("fission_after", 1) and stmt.text().lstrip().startswith("for j in seq(0, 16)")


def _needs(*methods):
    return pytest.mark.skipif(not any(hasattr(Procedure, m) for m in methods),
                              reason=f"no Procedure.{'/'.join(methods)} in this build")


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


@_needs("divide_loop", "split")
def test_divide_loop_on_the_method():
    p = divide_loop(grid, "j", 4, ["jo", "ji"], tail="cut")
    assert "for jo in seq(0, m / 4):" in str(p)
    for a, b in zip(run_grid(p), run_grid(grid)):
        np.testing.assert_allclose(a, b)


@_needs("reorder_loops", "reorder")
def test_reorder_loops_on_the_method():
    for ref in ("i j", grid.find_loop("i")):
        p = reorder_loops(grid, ref)
        assert str(p).splitlines()[1].strip() == "for j in seq(0, m):"
        for a, b in zip(run_grid(p), run_grid(grid)):
            np.testing.assert_allclose(a, b)


@_needs("fission", "fission_after")
def test_fission_on_the_method():
    p = fission(grid, grid.find("A[_] = _").after(), n_lifts=2)
    assert str(p).count("for i in seq(0, n):") == 2
    for a, b in zip(run_grid(p), run_grid(grid)):
        np.testing.assert_allclose(a, b)
    with pytest.raises(ValueError, match="not at an edge"):
        fission(grid, grid.find("B[_] = _").after())
