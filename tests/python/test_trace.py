"""exo.trace() and exocc --trace: every primitive applied, with the script
line that asked for it, its arguments, the procedure before and after (or the
refusal), as text and as one HTML page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

import exo
from exo import proc
from exo.stdlib.scheduling import divide_loop, fission


@proc
def double(n: size, x: f32[n], y: f32[n]):
    assert n % 4 == 0
    for i in seq(0, n):
        t: f32
        t = x[i] * 2.0
        y[i] = t


def test_steps_record_calls_lines_and_changes(tmp_path):
    with exo.trace() as t:
        p = divide_loop(double, "i", 4, ["io", "ii"], perfect=True)
        line_split = sys._getframe().f_lineno - 1
        p = p.rename("double4")
        with pytest.raises(exo.SchedulingError):
            fission(p, p.find("t = _").after())
        line_refused = sys._getframe().f_lineno - 1
    p.rename("outside")  # after the block: not recorded
    assert [s.name for s in t.steps] == ["divide_loop", "rename", "fission"]
    split, rename, refused = t.steps
    assert split.site[:2] == (__file__, line_split)
    assert split.args == ["'i'", "4", "['io', 'ii']", "'guard'", "True"]
    assert "for i in seq(0, n):" in split.before and "for io in seq(0, n / 4):" in split.after
    assert any(line.startswith("+    for io in seq(0, n / 4):") for line in split.diff())
    changed = [split.after.splitlines()[k] for k in split.changed_lines()]
    assert "    for io in seq(0, n / 4):" in changed and "    assert n % 4 == 0" not in changed
    assert rename.args == ["'double4'"]
    assert refused.site[1] == line_refused and refused.after == ""
    assert "cannot fission loop 'ii'" in refused.error and refused.args[0] == "after `t = x[4 * io + ii] * 2.0`"

    t.write_text(tmp_path / "t.txt")
    text = (tmp_path / "t.txt").read_text()
    assert "== step 1: divide_loop('i', 4, ['io', 'ii'], 'guard', True)" in text
    assert f"   at {__file__}:{line_split}: p = divide_loop(" in text
    assert "== step 3: fission(after `t = x[4 * io + ii] * 2.0`, 1, False)" in text and "   refused: " in text

    t.write_html(tmp_path / "t.html")
    page = (tmp_path / "t.html").read_text()
    steps = json.loads(re.search(r"const STEPS = (\[.*?\]);\n", page).group(1).replace("<\\/", "</"))
    assert [s["name"] for s in steps] == ["divide_loop", "rename", "fission"]
    assert steps[0]["changed"] == split.changed_lines() and steps[2]["error"].startswith(refused.error[:40])
    assert 'id="search"' in page and "<script>" in page and "http" not in page  # self-contained


def test_exocc_writes_the_trace_also_when_a_step_is_refused(tmp_path):
    src = tmp_path / "sched.py"
    src.write_text(textwrap.dedent('''
        from __future__ import annotations
        from exo import proc
        from exo.stdlib.scheduling import divide_loop, fission

        @proc
        def f(n: size, x: f32[n], y: f32[n]):
            for i in seq(0, n):
                t: f32
                t = x[i]
                y[i] = t

        g = divide_loop(f, "i", 4, ["io", "ii"], tail="cut")
        h = fission(g, g.find("t = _").after())
    '''))
    out = tmp_path / "trace"
    r = subprocess.run([sys.executable, "-m", "exo.main", "--trace", str(out), "-o", str(tmp_path / "c"), str(src)],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "cannot fission loop" in r.stderr
    text = (out / "trace.txt").read_text()
    assert text.count("== step ") == 2
    assert f"   at {src}:13: g = divide_loop(f, \"i\", 4, [\"io\", \"ii\"], tail=\"cut\")" in text
    assert "refused:" in text.split("== step 2")[1]
    assert (out / "trace.html").read_text().count('"name": "') == 2


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_the_page_renders_in_a_browser(tmp_path):
    with exo.trace() as t:
        divide_loop(double, "i", 4, ["io", "ii"], perfect=True).rename("d4")
    page = tmp_path / "t.html"
    t.write_html(page)
    # The DOM after the page's script ran: the steps listed, the first shown.
    r = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
                       capture_output=True, text=True, timeout=120)
    dom = r.stdout
    assert dom.count('class="step') == 2
    assert "Step 1: divide_loop(" in dom
    assert 'class="line changed"' in dom
