"""Procedure methods."""

from __future__ import annotations

from pathlib import Path

import pytest

import exo
from exo import DRAM, proc


@proc
def add1(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    assert n >= 1
    for i in seq(0, n):
        y[i] = x[i] + 1.0


@proc
def add1_again(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    assert n >= 1
    for i in seq(0, n):
        y[i] = x[i] + 1.0


def test_introspection():
    assert add1.name() == "add1"
    assert not add1.is_instr() and add1.get_instr() is None
    args = add1.args()
    assert [a.name() for a in args] == ["n", "x", "y"]
    assert [a.type() for a in args] == ["size", "f32", "f32"]
    assert args[1].is_tensor() and not args[0].is_tensor()
    assert args[1].shape() == ["n"]
    assert args[1].mem() is DRAM
    with pytest.raises(AssertionError):  # a size has no memory (exo-lang asserts)
        args[0].mem()


def test_str_parses_back():
    text = str(add1)
    assert text.startswith("def add1(") and "for i in seq(0, n):" in text
    assert add1._repr_markdown_() == "```python\n" + text + "\n```"


def test_cursors_render_in_notebooks_with_their_node_marked():
    loop = add1.find_loop("i")
    shown = loop._repr_markdown_()
    assert shown.startswith("```python\ndef add1(") and shown.endswith("\n```")
    assert "for i in seq(0, n):  # <-- NODE" in shown
    gone = loop.parent().parent()  # the proc's root block has no parent
    assert gone._repr_markdown_() is None and repr(gone) == "<InvalidCursor>"


def test_c_code_and_compile(tmp_path):
    code = add1.c_code_str()
    assert "void add1(" in code
    add1.compile_c(tmp_path / "a", "add1")
    add1.compile_c(str(tmp_path / "b"), "add1")
    for d in ("a", "b"):
        assert (tmp_path / d / "add1.c").is_file() and (tmp_path / d / "add1.h").is_file()
        assert '#include "add1.h"' in (tmp_path / d / "add1.c").read_text()


def test_compile_procs(tmp_path):
    exo.compile_procs([add1, add1_again], tmp_path, "lib.c", "lib.h")
    h = (tmp_path / "lib.h").read_text()
    assert "add1(" in h and "add1_again(" in h
    c, h2 = exo.compile_procs_to_strings([add1], "other.h")
    assert '#include "other.h"' in c and "add1(" in h2
    with pytest.raises(TypeError):
        exo.compile_procs_to_strings([add1, "x"], "x.h")


def test_get_ast_walk():
    ast = add1.get_ast()
    assert ast.node == "Proc" and ast.name == "add1"
    assert [a.name for a in ast.args] == ["n", "x", "y"]
    assert len(ast.preds) == 1
    kinds = [n.node for n in ast.walk()]
    assert "For" in kinds and "Assign" in kinds and "BinOp" in kinds
    loop = ast.body[0]
    assert loop.node == "For" and loop.iter == "i" and loop.hi.name == "n"
    with pytest.raises(AttributeError):
        loop.iter = "j"


def test_equivalence():
    assert add1.is_eq(add1)
    assert not add1.is_eq(add1_again)
    assert add1.unsafe_assert_eq(add1_again) is add1
    assert add1.is_eq(add1_again) and add1_again.is_eq(add1)
    with pytest.raises(TypeError):
        add1.is_eq(3)


def test_check_effects_returns_self():
    assert add1.check_effects() is add1


def test_equality_and_hash():
    assert add1 == add1 and add1 != add1_again
    assert len({add1, add1, add1_again}) == 2
