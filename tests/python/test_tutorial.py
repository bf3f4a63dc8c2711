"""The tutorial (examples/tutorial/schedule_sgemm.py) runs, its schedule keeps the
results, and docs/tutorial.md shows what it prints now."""

from __future__ import annotations

import contextlib
import io
import runpy
from pathlib import Path

import numpy as np
import pytest

from exo import SchedulingError

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tutorial():
    return runpy.run_path(str(REPO / "examples/tutorial/schedule_sgemm.py"))


def test_tutorial_runs_and_keeps_results(tutorial):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        scheduled, err = tutorial["main"]()
    assert err == 0.0  # same summation order per element of C
    text = out.getvalue()
    assert text.count("# ---- ") == 12
    assert "refused as expected" in text and "'M % 32 == 0' is not provable" in text
    # Other sizes, including ones smaller than a tile and exact multiples.
    for M, N, K, seed in [(1, 1, 1, 1), (32, 64, 32, 2), (70, 33, 65, 3)]:
        assert tutorial["check"](tutorial["example_sgemm"], scheduled, M, N, K, seed) < 1e-4


def test_docs_show_every_step(tutorial):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        tutorial["main"]()
    doc = (REPO / "docs/tutorial.md").read_text()
    chunks = out.getvalue().split("# ---- ")[1:]
    for chunk in chunks:
        title, _, body = chunk.partition("\n")
        proc_text = body.split("\n# max difference")[0].strip("\n")
        assert f"## {title}" in doc
        assert proc_text in doc, f"docs/tutorial.md is out of date at step '{title}'"


def test_stated_divisibility_makes_the_perfect_split_legal(tutorial):
    p = tutorial["example_sgemm"]
    with pytest.raises(SchedulingError):
        p.split("i", 32, ["io", "ii"], perfect=True)
    q = p.add_assertion("M % 32 == 0").split("i", 32, ["io", "ii"], perfect=True)
    assert "for io in seq(0, M / 32):" in str(q) and "if" not in str(q)
    rng = np.random.default_rng(5)
    M, N, K = 64, 9, 7
    A = rng.standard_normal((M, K)).astype(np.float32)
    B = rng.standard_normal((K, N)).astype(np.float32)
    C1 = rng.standard_normal((M, N)).astype(np.float32)
    C2 = C1.copy()
    p.interpret(M=M, N=N, K=K, C=C1, A=A, B=B)
    q.interpret(M=M, N=N, K=K, C=C2, A=A, B=B)
    np.testing.assert_allclose(C1, C2, rtol=1e-5, atol=1e-5)
