"""Every procedure of the test corpus (tests/corpus/*.exo) through jit,
against the interpreter on random inputs: sizes are tried from a list until
the procedure's preconditions hold (jit checks them before calling)."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import _core
from exo._jit import _DTYPES, _eval_extent
from exo.procedure import Procedure

from conftest import REPO

SIZES = (8, 16, 12, 6, 32, 4, 9, 1)


@pytest.fixture(autouse=True)
def jit_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EXO_JIT_CACHE", str(tmp_path / "jit"))


def corpus():
    for path in sorted((REPO / "tests/corpus").glob("*.exo")):
        for name, handle in _core.parse_exo_module(path.read_text(), str(path)):
            yield path.stem, name, Procedure(handle)


def random_args(p, size, seed):
    rng = np.random.default_rng(seed)
    args, sizes = {}, {}
    for a in p.args():
        kind = a.type().value
        if kind in ("size", "index", "int"):
            sizes[a.name()] = args[a.name()] = size if kind == "size" else 1
        elif kind == "bool":
            args[a.name()] = True
    for a in p.args():
        kind = a.type().value
        if kind in _DTYPES:
            shape = tuple(_eval_extent(str(e), sizes) for e in a.shape()) if a.is_tensor() else (1,)
            if np.dtype(_DTYPES[kind]).kind == "f":
                args[a.name()] = rng.uniform(-2, 2, shape).astype(_DTYPES[kind])
            else:
                args[a.name()] = rng.integers(0, 5, shape).astype(_DTYPES[kind])
    return args


def test_the_corpus_matches_the_interpreter():
    checked, skipped = [], []
    for stem, name, p in corpus():
        kinds = [a.type().value for a in p.args()]
        if p.is_instr():
            continue  # an instruction is a C template, not a function
        if any(a.is_tensor() and a.is_window() for a in p.args()) or any(
                k not in _DTYPES and k not in ("size", "index", "int", "bool") for k in kinds):
            skipped.append(f"{stem}.{name}")  # windows (interpret takes none) or f16
            continue
        f = p.jit(cflags=["-O1"])
        for size in SIZES:
            args = random_args(p, size, seed=size)
            try:
                got = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in args.items()}
                f(**got)
            except exo.ApiError as e:
                if "precondition" in str(e):
                    continue
                raise
            want = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in args.items()}
            p.interpret(**want)
            for k, w in want.items():
                if isinstance(w, np.ndarray):
                    np.testing.assert_allclose(got[k], w, rtol=1e-5, atol=1e-5, err_msg=f"{stem}.{name} {k}")
            checked.append(f"{stem}.{name}")
            break
        else:
            skipped.append(f"{stem}.{name} (no size met the preconditions)")
    # 35 of the corpus's 39 procedures (window arguments and f16 aside).
    assert len(checked) >= 35 and len(skipped) <= 4, (checked, skipped)
