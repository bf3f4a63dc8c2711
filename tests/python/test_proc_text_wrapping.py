"""str(proc) wraps long lines as exo-lang shows them (through yapf, PEP 8, 79
columns); code() keeps one statement per line. Both are the same program."""
from __future__ import annotations

import re
import runpy

import pytest

from exo import proc

pytest.importorskip("yapf")


@proc
def blur_rows(H: size, W: size, inp: f32[H + 2, W] @ DRAM, out: f32[H, W] @ DRAM):
    for i in seq(0, H):
        for j in seq(0, W):
            out[i, j] = inp[i, j] * 0.25 + inp[i + 1, j] * 0.5 + inp[i + 2, j] * 0.25 + inp[i, j] * 0.0


@proc
def short(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n):
        x[i] = 1.0


def squash(text):
    return re.sub(r"\s+", "", text)


def test_long_lines_wrap_inside_brackets():
    text = str(blur_rows)
    assert max(len(line) for line in text.splitlines()) <= 79
    assert "\n" in text.split("out[i, j] =")[1].split("for")[0].strip()  # the statement spans lines
    assert squash(text) == squash(blur_rows.code())
    assert max(len(line) for line in blur_rows.code().splitlines()) > 79


def test_short_procs_print_unchanged():
    assert str(short) == short.code()
    assert str(short).endswith("x[i] = 1.0")


def test_cursor_text_wraps_too():
    c = blur_rows.find("out[_] = _")
    shown = str(c)
    assert "# <-- NODE" in shown
    assert max(len(line) for line in shown.splitlines()) <= 79 or "# <-- NODE" in shown
    assert squash(shown).replace("#<--NODE", "") == squash(blur_rows.code())


def test_very_long_lines_are_left_whole(tmp_path):
    # yapf's time grows fast with a line's length: such lines print unwrapped.
    terms = " + ".join(f"x[{k % 4}]" for k in range(120))
    src = tmp_path / "big.py"
    src.write_text("from __future__ import annotations\nfrom exo import proc\n\n\n@proc\n"
                   f"def big(x: f32[4] @ DRAM):\n    x[0] = {terms}\n")
    big = runpy.run_path(str(src))["big"]
    assert str(big) == big.code()
    assert len(big.code().splitlines()[-1]) > 600
