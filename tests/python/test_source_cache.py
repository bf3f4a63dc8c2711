"""@proc reads the source of the function it decorates, and caches it by the
code object's identity only: code objects of functions that differ only in Exo
annotations compare equal, and must never share a parsed source."""

from __future__ import annotations

import importlib
import sys

import numpy as np

import exo
from exo.frontend import decorators as frontend

MODULE = '''
from __future__ import annotations
from exo import *

@proc
def scale(A: {typ}):
    for i in seq(0, 4):
        A[i] = A[i] * 2.0
'''


def write_module(path, typ):
    path.write_text(MODULE.format(typ=typ))


def test_equal_code_objects_from_two_files(tmp_path, monkeypatch):
    # Two modules, identical but for one argument's type: their code objects
    # compare equal (annotations are not part of them).
    write_module(tmp_path / "src_cache_a.py", "f32[16]")
    write_module(tmp_path / "src_cache_b.py", "i8[4]")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    a = importlib.import_module("src_cache_a")
    b = importlib.import_module("src_cache_b")
    try:
        assert a.scale._handle is not b.scale._handle
        assert "A: f32[16] @ DRAM" in str(a.scale)
        assert "A: i8[4] @ DRAM" in str(b.scale)
        x = np.arange(4, dtype=np.int8)
        b.scale.interpret(A=x)
        np.testing.assert_array_equal(x, [0, 2, 4, 6])
    finally:
        sys.modules.pop("src_cache_a", None)
        sys.modules.pop("src_cache_b", None)


def test_edited_and_reloaded_module(tmp_path, monkeypatch):
    # Re-running edited code (a reloaded module, an edited notebook cell) gives
    # new code objects equal to the old ones: the new source must be read.
    write_module(tmp_path / "src_cache_c.py", "f32[8]")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    c = importlib.import_module("src_cache_c")
    try:
        assert "A: f32[8] @ DRAM" in str(c.scale)
        write_module(tmp_path / "src_cache_c.py", "i32[4]")
        c = importlib.reload(c)
        assert "A: i32[4] @ DRAM" in str(c.scale)
    finally:
        sys.modules.pop("src_cache_c", None)


def make_nested(n):
    @exo.proc
    def nested(x: f32[8]):
        for i in seq(0, 8):
            x[i] = 1.0

    return nested


def test_nested_proc_reads_its_source_once(monkeypatch):
    # A @proc inside a function is decorated again at every call, with the same
    # code object: its source is read once.
    reads = []
    real = frontend._read_source

    def counting(obj, kind):
        reads.append(obj)
        return real(obj, kind)

    monkeypatch.setattr(frontend, "_read_source", counting)
    procs = [make_nested(k) for k in range(5)]
    assert all(str(p) == str(procs[0]) for p in procs)
    assert len(reads) <= 1
