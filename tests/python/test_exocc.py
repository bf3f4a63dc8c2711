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
