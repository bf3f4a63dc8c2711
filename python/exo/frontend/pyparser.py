"""exo.frontend.pyparser: what exo-lang's users import from its Python parser.

Parsing itself is the C++ core's; this module gives its error class under the
name exo-lang uses and the Python AST of a decorated function's source."""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass

from .._core import ParseError

__all__ = ["ParseError", "SourceInfo", "get_ast_from_python"]


@dataclass(frozen=True)
class SourceInfo:
    """Where a function's source sits in its file: lines before it, columns it is indented by."""

    src_file: str
    src_line_offset: int
    src_col_offset: int


def get_ast_from_python(f):
    """(the function's `ast` definition node, its SourceInfo) for a Python function."""
    lines, first_line = inspect.getsourcelines(f)
    raw = "".join(lines)
    src = textwrap.dedent(raw)
    indent = len(lines[0]) - len(src.splitlines(True)[0])
    module = ast.parse(src)
    if len(module.body) != 1:
        raise ParseError(f"expected the source of one function, found {len(module.body)} statements")
    return module.body[0], SourceInfo(inspect.getsourcefile(f), first_line - 1, indent)
