"""A refused primitive names the line of the user's script that called it
(besides the procedure's code it refuses): as an exception note, as
`e.call_site`, and in exocc's report."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import exo
from exo import proc
from exo.stdlib.scheduling import divide_loop, fission

from conftest import REPO


@proc
def two_steps(n: size, x: f32[n], y: f32[n]):
    for i in seq(0, n):
        tmp: f32
        tmp = x[i] * 2.0
        y[i] = tmp + 1.0


def refuse_in_a_helper(p):
    return fission(p, p.find("tmp = _").after())  # the line the error names


def test_the_calling_line_of_the_script_is_noted():
    with pytest.raises(exo.SchedulingError) as info:
        refuse_in_a_helper(two_steps)
    e = info.value
    filename, line, text = e.call_site
    assert filename == __file__
    assert text == 'return fission(p, p.find("tmp = _").after())  # the line the error names'
    assert f"  called at {__file__}:{line}: {text}" in e.__notes__
    assert "cannot fission loop 'i'" in str(e)  # the message itself is unchanged
    # A method call is noted the same way; an accepted one leaves nothing behind.
    with pytest.raises(exo.SchedulingError) as info:
        two_steps.fission_after("tmp = _")
    assert info.value.call_site[2] == 'two_steps.fission_after("tmp = _")'
    assert divide_loop(two_steps, "i", 4, ["io", "ii"], tail="cut") is not None


def test_exocc_reports_the_calling_line(tmp_path):
    src = tmp_path / "sched.py"
    src.write_text(textwrap.dedent('''
        from __future__ import annotations
        from exo import proc
        from exo.stdlib.scheduling import fission

        @proc
        def f(n: size, x: f32[n], y: f32[n]):
            for i in seq(0, n):
                t: f32
                t = x[i]
                y[i] = t

        g = fission(f, f.find("t = _").after())
    '''))
    r = subprocess.run([sys.executable, "-m", "exo.main", "-o", str(tmp_path / "out"), str(src)],
                       capture_output=True, text=True)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert lines[0].startswith(f"exocc: error: {src}:8:5: scheduling error: fission_after: cannot fission loop 'i'")
    assert lines[1] == f'  called at {src}:13: g = fission(f, f.find("t = _").after())'
