"""Loop-family Procedure methods: strings and cursors (also forwarded ones) as
references, results checked against the original on random inputs, refusals
raised as SchedulingError."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, proc


@proc
def two(n: size, x: f32[n + 1] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        x[i] = y[i] * 2.0
    for j in seq(0, n):
        z[j] = x[j] + 1.0
    for i in seq(0, n):
        x[i] = y[i] * 3.0
    for j in seq(0, n):
        z[j] = x[j + 1]


@proc
def gemv(n: size, m: size, y: f32[n] @ DRAM, A: f32[n, m] @ DRAM, x: f32[m] @ DRAM):
    for i in seq(0, n):
        y[i] = 0.0
        for j in seq(0, m):
            y[i] += A[i, j] * x[j]


@proc
def flagged(n: size, flag: bool, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    assert n >= 4
    for i in seq(0, n):
        if flag:
            x[i] = y[i] * 2.0
        else:
            x[i] = 1.0
    for i in seq(0, n):
        if i > 1:
            y[i] += 1.0
    for k in seq(0, 4):
        pass


def rand(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def same(p, q, **sizes):
    """p and q compute the same on random inputs (all data buffers compared)."""
    for seed in range(2):
        args_p, args_q = {}, {}
        for k, a in enumerate(p.args()):
            name = a.name()
            if name in sizes:
                args_p[name] = args_q[name] = sizes[name]
                continue
            shape = [eval(str(e), {}, dict(sizes)) for e in a.shape()] if a.shape() else [1]
            v = rand(shape, seed * 10 + k)
            args_p[name], args_q[name] = v.copy(), v.copy()
        p.interpret(**args_p)
        q.interpret(**args_q)
        for name in args_p:
            if isinstance(args_p[name], np.ndarray):
                np.testing.assert_allclose(args_p[name], args_q[name], rtol=1e-5, err_msg=name)


def test_fuse_loop_strings_and_cursors():
    f = two.fuse_loop("i", "j")
    assert "z[i] = x[i] + 1.0" in str(f)
    same(two, f, n=5)
    g = two.fuse_loop(two.find_loop("i"), two.find_loop("j"))
    assert str(g) == str(f)
    with pytest.raises(exo.SchedulingError, match="may touch the same location of 'x'"):
        two.fuse_loop("i #1", "j #1")


def test_partition_and_fission():
    p = flagged.partition_loop("i", 4)
    assert "for i in seq(4, n):" in str(p)
    same(flagged, p, n=6, flag=True)
    with pytest.raises(exo.SchedulingError, match="not provable"):
        flagged.partition_loop("i", 5)
    q = gemv.fission_after("y[_] = 0.0")
    same(gemv, q, n=3, m=4)
    # A cursor taken before a split follows the statement through it.
    c = gemv.find("y[_] = 0.0")
    s = gemv.split("i", 2, ["io", "ii"], tail="cut")
    r = s.fission_after(c, n_lifts=2)
    assert str(r).count("for io in") == 2
    same(gemv, r, n=5, m=2)
    bad = two.fuse_loop("i", "j")
    with pytest.raises(exo.SchedulingError):
        bad.fission_after("x[_] = _", n_lifts=2)


@proc
def dep(n: size, x: f32[n + 1] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        x[i + 1] = y[i] * 2.0
        z[i] = x[i]
    for i in seq(0, n):
        x[i] = y[i] * 2.0
        z[i] = x[i + 1]


def test_fission_refused_across_dependence():
    # Fusion then fission at the same point gives the original loops back (one iterator name).
    f = two.fuse_loop("i", "j")
    back = f.fission_after(f.find("x[i] = _"))
    assert str(back).count("for i in seq(0, n)") == 3
    same(two, back, n=4)
    ok = dep.fission_after("x[i + 1] = _")
    same(dep, ok, n=5)
    with pytest.raises(exo.SchedulingError, match="the read x\\[i \\+ 1\\] after the split point"):
        dep.fission_after("x[i] = _")


def test_lift_if_and_assert_if():
    c = flagged.find("if flag: _")
    p = flagged.lift_if(c)
    assert str(p).splitlines()[2].strip() == "if flag:"
    same(flagged, p, n=5, flag=False)
    with pytest.raises(exo.SchedulingError, match="depends on 'i'"):
        flagged.lift_if("if i > 1: _")
    with pytest.raises(exo.SchedulingError, match="not provable"):
        flagged.assert_if("if i > 1: _", True)
    s = gemv.split("j", 4, ["jo", "ji"]).add_assertion("m % 4 == 0")
    t = s.assert_if("if _: _", True)
    assert "if" not in str(t).split("def", 1)[1].split(":", 1)[1].replace("assert", "")
    same(gemv, t, n=2, m=8)
    with pytest.raises(TypeError):
        s.assert_if("if _: _", 1)


def test_other_loop_primitives_bound():
    assert flagged.rename("g").name() == "g"
    d = flagged.delete_pass()
    assert "for k" not in str(d)
    u = flagged.unroll("k")
    assert "for k" not in str(u)
    r = gemv.split("i", 2, ["io", "ii"], tail="cut")
    for args in (("io ii",), ("io", "ii"), (r.find_loop("io"), r.find_loop("ii"))):
        out = r.reorder(*args)
        assert str(out).index("for ii") < str(out).index("for io"), args
        same(gemv, out, n=6, m=3)
    with pytest.raises(exo.SchedulingError):
        r.reorder("io", "j")
    b = flagged.reorder_before("for k in _: _")
    assert str(b).index("for k") < str(b).index("if i > 1")
    with pytest.raises(exo.SchedulingError, match="do not commute"):
        flagged.reorder_before("for i in _: _ #1")
    s = flagged.reorder_stmts(flagged.find_loop("i #1"), flagged.find_loop("k"))
    assert str(s) == str(b)
    rl = flagged.remove_loop("k")
    assert "for k" not in str(rl)
    with pytest.raises(exo.SchedulingError, match="depends on 'i'"):
        flagged.remove_loop("i")


def test_perfect_divide_of_a_constant_trip_count_is_a_constant():
    @proc
    def sixteen(x: f32[16] @ DRAM):
        for i in seq(0, 16):
            x[i] = 1.0

    from exo.stdlib.scheduling import divide_loop

    assert "for io in seq(0, 4):" in str(divide_loop(sixteen, "i", 4, ["io", "ii"], perfect=True))
    # A cut keeps the division, as the reference prints it.
    assert "for io in seq(0, 16 / 4):" in str(divide_loop(sixteen, "i", 4, ["io", "ii"], tail="cut"))
