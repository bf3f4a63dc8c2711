"""The exocc command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import exo

from conftest import REPO, exocc

LIB_A = '''
from __future__ import annotations
from exo import *

__all__ = ["exported_a"]

@proc
def helper_a(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n):
        x[i] = 0.0

@proc
def exported_a(n: size, x: f32[n] @ DRAM):
    helper_a(n, x)
'''

LIB_B = '''
from __future__ import annotations
from exo import *

@instr("{dst_data} = {src_data};")
def copy_b(dst: f32 @ DRAM, src: f32 @ DRAM):
    dst = src

@proc
def exported_b(x: f32 @ DRAM, y: f32 @ DRAM):
    copy_b(x, y)

@proc
def _private_b(x: f32 @ DRAM):
    x = 1.0
'''


def test_two_files_with_all(tmp_path):
    (tmp_path / "a.py").write_text(LIB_A)
    (tmp_path / "b.py").write_text(LIB_B)
    r = exocc("-o", tmp_path / "out", "--stem", "lib", tmp_path / "a.py", tmp_path / "b.py")
    assert r.returncode == 0, r.stderr
    h = (tmp_path / "out" / "lib.h").read_text()
    c = (tmp_path / "out" / "lib.c").read_text()
    assert "exported_a(" in h and "exported_b(" in h
    assert "helper_a(" not in h  # not in __all__: only a static callee in the .c
    assert "helper_a(" in c
    assert "_private_b" not in c and "copy_b(" not in h
    dep = (tmp_path / "out" / "lib.d").read_text()
    assert dep.startswith(f"{tmp_path / 'out' / 'lib.c'} {tmp_path / 'out' / 'lib.h'} :")
    assert str(tmp_path / "a.py") in dep and str(tmp_path / "b.py") in dep
    subprocess.run(["gcc", "-std=c11", "-c", "-o", str(tmp_path / "lib.o"),
                    str(tmp_path / "out" / "lib.c")], check=True)


def test_defaults_with_one_file(tmp_path):
    (tmp_path / "kern.py").write_text(LIB_A)
    r = exocc("kern.py", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "kern" / "kern.c").is_file() and (tmp_path / "kern" / "kern.h").is_file()


def test_multiple_files_need_o_and_stem(tmp_path):
    (tmp_path / "a.py").write_text(LIB_A)
    (tmp_path / "b.py").write_text(LIB_B)
    r = exocc("a.py", "b.py", cwd=tmp_path)
    assert r.returncode != 0 and "-o" in r.stderr
    r = exocc("-o", "out", "a.py", "b.py", cwd=tmp_path)
    assert r.returncode != 0 and "--stem" in r.stderr


def test_version_and_help():
    r = exocc("--version")
    assert r.returncode == 0 and exo.__version__ in r.stdout
    r = exocc("--help")
    assert r.returncode == 0 and "--stem" in r.stdout and "OUTDIR" in r.stdout


def test_error_reported_with_position(tmp_path):
    (tmp_path / "bad.py").write_text(
        "from __future__ import annotations\nfrom exo import *\n\n@proc\n"
        "def bad(x: f32):\n    x = nope\n"
    )
    r = exocc("-o", "out", "--stem", "bad", "bad.py", cwd=tmp_path)
    assert r.returncode != 0
    assert "bad.py:6:" in r.stderr and "nope" in r.stderr


def test_hello_exo_example(tmp_path):
    example = REPO / "examples" / "sgemm"
    shutil.copy(example / "example.py", tmp_path)
    r = exocc("-o", "out", "--stem", "example", "example.py", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    subprocess.run(["gcc", "-O1", "-I", "out/", "-o", "runner", str(example / "main.c"),
                    "out/example.c", "-lm"], cwd=tmp_path, check=True)
    run = subprocess.run(["./runner", "16", "8", "4"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "correctness: OK" in run.stdout


# --------------------------------------------------------------------------- #
# Bad input: one line `exocc: error: ...`, exit status 1, never a traceback


def exocc_fails(tmp_path, *args):
    r = exocc(*args, cwd=tmp_path)
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("exocc: error: "), r.stderr
    return lines[0][len("exocc: error: "):]


def test_missing_source(tmp_path):
    assert exocc_fails(tmp_path, "nosuch.py") == "nosuch.py: no such file"


def test_directory_and_binary_sources(tmp_path):
    (tmp_path / "adir").mkdir()
    assert "adir: is a directory" in exocc_fails(tmp_path, "adir")
    (tmp_path / "bin.py").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00binary")
    assert "bin.py: not a Python source file (it contains NUL bytes)" in exocc_fails(tmp_path, "bin.py")
    (tmp_path / "latin.py").write_bytes(b"x = '\xff\xfe'\n")
    assert exocc_fails(tmp_path, "latin.py").startswith("latin.py:1:")


def test_python_syntax_error_has_position(tmp_path):
    (tmp_path / "syn.py").write_text("from exo import *\n\ndef f(:\n    pass\n")
    assert exocc_fails(tmp_path, "syn.py") == "syn.py:3:7: syntax error: invalid syntax"


def test_output_directory_is_a_file(tmp_path):
    (tmp_path / "kern.py").write_text(LIB_A)
    (tmp_path / "taken").write_text("a regular file")
    msg = exocc_fails(tmp_path, "-o", "taken", "kern.py")
    assert "'taken' exists and is not a directory" in msg
    assert (tmp_path / "taken").read_text() == "a regular file"


def test_unwritable_output_file(tmp_path):
    (tmp_path / "kern.py").write_text(LIB_A)
    (tmp_path / "out" / "kern.c").mkdir(parents=True)  # where kern.c should go
    assert "cannot write the output: out/kern.c: Is a directory" in exocc_fails(tmp_path, "-o", "out", "kern.py")


def test_stem_with_a_directory(tmp_path):
    (tmp_path / "kern.py").write_text(LIB_A)
    assert "--stem 'a/b' must be a file name" in exocc_fails(tmp_path, "--stem", "a/b", "kern.py")
    assert not (tmp_path / "kern").exists()
    # The twin: a plain stem works.
    r = exocc("--stem", "ab", "kern.py", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "kern" / "ab.c").is_file()


def test_no_procedures(tmp_path):
    (tmp_path / "empty.py").write_text("x = 1\n")
    assert "no procedures to compile in empty.py" in exocc_fails(tmp_path, "empty.py")


def test_exceptions_of_the_users_code(tmp_path):
    (tmp_path / "boom.py").write_text("from exo import *\n\nraise ValueError('boom')\n")
    assert exocc_fails(tmp_path, "boom.py").startswith("boom.py:3: ValueError: boom")
    # With --traceback, the whole traceback (and still the one-line error).
    r = exocc("--traceback", "boom.py", cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" in r.stderr and "exocc: error: boom.py:3: ValueError" in r.stderr


def test_exo_errors_of_the_users_code_have_positions(tmp_path):
    # An API error has no position in Exo code: it gets the line of the user's call.
    (tmp_path / "api.py").write_text(
        "from __future__ import annotations\nfrom exo import *\nfrom exo.stdlib.scheduling import *\n\n"
        "@proc\ndef f(n: size, x: f32[n]):\n    for i in seq(0, n):\n        x[i] = 1.0\n\n"
        "g = divide_loop(f, 'i', 2**70, ['io', 'ii'])\n"
    )
    msg = exocc_fails(tmp_path, "api.py")
    assert msg.startswith("api.py:10: argument 2, 'div_const' to divide_loop: expected a positive integer"), msg
    # A scheduling error has the position of the code it refuses.
    (tmp_path / "sched.py").write_text(
        "from __future__ import annotations\nfrom exo import *\nfrom exo.stdlib.scheduling import *\n\n"
        "@proc\ndef f(n: size, x: f32[n]):\n    for i in seq(0, n):\n        x[i] = x[i] + 1.0\n\n"
        "g = divide_loop(f, 'i', 4, ['io', 'ii'], perfect=True)\n"
    )
    r = exocc("sched.py", cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith("exocc: error: ") and "sched.py:7:5: scheduling error:" in r.stderr, r.stderr
