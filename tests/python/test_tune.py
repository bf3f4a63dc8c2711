"""exo.tune: every variant of a schedule compiled, checked against the
unscheduled procedure on the inputs, timed; refused and wrong variants listed."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import proc


@pytest.fixture(autouse=True)
def jit_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EXO_JIT_CACHE", str(tmp_path / "jit"))


@proc
def axpy(n: size, a: f32, x: f32[n], y: f32[n]):
    for i in seq(0, n):
        y[i] += a * x[i]


@proc
def axpy_twice(n: size, a: f32, x: f32[n], y: f32[n]):
    for i in seq(0, n):
        y[i] += 2.0 * a * x[i]


def make(tile, tail):
    if tile == 0:
        return axpy_twice  # a schedule that computes something else
    return axpy.split("i", tile, ["io", "ii"], tail=tail)


def test_variants_are_checked_timed_and_ranked(tmp_path):
    rng = np.random.default_rng(0)
    inputs = {"n": 1000, "a": 1.5, "x": rng.random(1000, np.float32), "y": rng.random(1000, np.float32)}
    result = exo.tune(make, {"tile": [0, 8, 16], "tail": ["cut", "perfect"]}, inputs, axpy,
                      repeat=2, number=5, progress=False)
    status = {(v.params["tile"], v.params["tail"]): v.status for v in result.variants}
    assert status[(8, "cut")] == "ok" and status[(16, "cut")] == "ok"
    assert status[(0, "cut")] == "wrong" and status[(0, "perfect")] == "wrong"
    # A perfect split of a loop over any n is not provably perfect: refused.
    assert status[(16, "perfect")] == "refused" and status[(8, "perfect")] == "refused"
    best = result.best
    assert best.status == "ok" and best.seconds == min(v.seconds for v in result.variants if v.status == "ok")
    text = result.table()
    assert text.splitlines()[1].split()[2] == "ok"  # fastest first
    assert "differs from the reference" in text and "refused" in text
    result.plot(tmp_path / "tune.png")
    assert (tmp_path / "tune.png").stat().st_size > 1000


def test_nothing_accepted_is_an_error():
    inputs = {"n": 16, "a": 1.0, "x": np.ones(16, np.float32), "y": np.ones(16, np.float32)}
    result = exo.tune(lambda k: axpy_twice, {"k": [1]}, inputs, axpy, repeat=1, number=1, progress=False)
    with pytest.raises(exo.ApiError, match="no variant was accepted and correct"):
        result.best
