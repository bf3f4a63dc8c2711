"""The C++ front end `exoc` (tools/exoc.cpp) on bad input: one line
`exoc: error: ...` and exit status 1, never an abort or a C++ library message.
Runs the exoc built next to the exo._core under test (skipped when installed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import exo

EXOC = Path(exo._core.__file__).resolve().parents[2] / "exoc"
pytestmark = pytest.mark.skipif(not EXOC.is_file(), reason="no exoc next to the built exo._core")

GOOD = """
@proc
def scale(n: size, x: f32[n]):
    for i in seq(0, n):
        x[i] = x[i] * 2.0
"""


def exoc(*args, cwd):
    return subprocess.run([str(EXOC), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600)


def exoc_fails(tmp_path, *args):
    r = exoc(*args, cwd=tmp_path)
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("exoc: error: "), r.stderr
    assert "terminate called" not in r.stderr and "what():" not in r.stderr
    return lines[0][len("exoc: error: "):]


def test_good_file_compiles(tmp_path):
    (tmp_path / "good.exo").write_text(GOOD)
    r = exoc("-o", "out", "good.exo", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "void scale(" in (tmp_path / "out" / "good.h").read_text()


def test_missing_file(tmp_path):
    assert exoc_fails(tmp_path, "nosuch.exo") == "cannot open 'nosuch.exo': No such file or directory"
    (tmp_path / "good.exo").write_text(GOOD)
    assert exoc_fails(tmp_path, "good.exo/") == "cannot open 'good.exo/': Not a directory"


def test_directory_and_binary_inputs(tmp_path):
    (tmp_path / "adir").mkdir()
    assert "cannot read 'adir': it is a directory" in exoc_fails(tmp_path, "adir")
    (tmp_path / "bin.exo").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00binary")
    assert "not a text file (it contains NUL bytes)" in exoc_fails(tmp_path, "-o", "out", "bin.exo")
    (tmp_path / "junk.exo").write_bytes(b"\xff\xfe\x01garbage\n")
    assert exoc_fails(tmp_path, "-o", "out", "junk.exo").startswith("junk.exo:1:1: parse error:")


def test_syntax_error(tmp_path):
    (tmp_path / "syn.exo").write_text("@proc\ndef f(:\n")
    assert exoc_fails(tmp_path, "syn.exo") == "syn.exo:2:6: parse error: '(' was never closed"


def test_no_procedures(tmp_path):
    (tmp_path / "empty.exo").write_text("# nothing here\n")
    assert "empty.exo defines no procedures to compile" in exoc_fails(tmp_path, "-o", "out", "empty.exo")
    assert not (tmp_path / "out").exists()
    (tmp_path / "good.exo").write_text(GOOD)
    assert "no procedure named 'nope' (defined: scale)" in exoc_fails(tmp_path, "--proc", "nope", "good.exo")


def test_unwritable_outputs(tmp_path):
    (tmp_path / "good.exo").write_text(GOOD)
    (tmp_path / "taken").write_text("a regular file")
    assert "cannot create directory 'taken'" in exoc_fails(tmp_path, "-o", "taken", "good.exo")
    assert "cannot create directory 'taken/sub'" in exoc_fails(tmp_path, "-o", "taken/sub", "good.exo")
    (tmp_path / "out" / "good.c").mkdir(parents=True)
    assert exoc_fails(tmp_path, "-o", "out", "good.exo") == "cannot write 'out/good.c': Is a directory"
    assert "--stem 'a/b' must be a file name" in exoc_fails(tmp_path, "--stem", "a/b", "good.exo")


def test_renamed_loop_with_a_huge_numbered_name(tmp_path):
    (tmp_path / "big.exo").write_text(
        "@proc\ndef f(n: size, x: f32[n]):\n"
        "    for x_99999999999999999999 in seq(0, n):\n"
        "        for x_99999999999999999999 in seq(0, n):\n"
        "            x[x_99999999999999999999] = 1.0\n"
    )
    r = exoc("-o", "out", "big.exo", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "x_100000000000000000000" in (tmp_path / "out" / "big.c").read_text()


def test_two_thousand_procedures(tmp_path):
    # Each proc calls the previous one twice: a deep call graph, ~4000 calls.
    # (Measured: about 0.2 s and 20 MB; no timing is asserted here.)
    n = 2000
    parts = ["@proc\ndef p0(n: size, x: f32[n]):\n    for i in seq(0, n):\n        x[i] = x[i] + 1.0\n"]
    for k in range(1, n):
        parts.append(f"@proc\ndef p{k}(n: size, x: f32[n]):\n    p{k - 1}(n, x)\n    p{k - 1}(n, x)\n")
    (tmp_path / "many.exo").write_text("\n".join(parts))
    r = exoc("-o", "out", "many.exo", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    header = (tmp_path / "out" / "many.h").read_text()
    assert all(f"void p{k}(" in header for k in range(n))
