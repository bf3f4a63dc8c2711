"""Unquoting: what a Python value becomes in the Exo text of a @proc body.

Each spot of an Exo statement where a Python value can stand (an expression,
an index, the left of an assignment, a type, a memory) accepts different
values: an int is an index or a constant, a slice or a tuple of them a window's
indices, a string only a type. `Splicer` turns a value into text for its spot,
or refuses it with exo-lang's messages.
"""

from __future__ import annotations

import ast
import math
import numbers
import re

from ..memory import Memory
from .scope_values import scope_value

# Names the core's parser knows as scalar types: never unquoted implicitly.
_TYPE_KEYWORDS = {"R", "f16", "f32", "f64", "i8", "ui8", "i16", "ui16", "i32", "bool", "size", "index", "stride", "int"}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*|[0-9.]+")
_NOT_FOUND = object()


class ExoQuote:
    """A quoted Exo expression (`~{...}`, or a name Exo code binds), as Exo text."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return f"~{{{self.text}}}"


class ExoStmtQuote:
    """Quoted Exo statements (`with exo as s:`), unquoted with `{s}`."""

    def __init__(self, chunks):
        self._chunks = chunks

    def __repr__(self):
        return "<exo statements: " + "; ".join(c[3] for c in self._chunks) + ">"


def _is_unquote(node):
    return isinstance(node, ast.Set)


def _lookup(namespaces, name):
    for ns in namespaces:
        if name in ns:
            return ns[name]
    return _NOT_FOUND



# ---------------------------------------------------------------------------
# What each spot of an Exo statement may hold
# ---------------------------------------------------------------------------


def _contexts(root):
    """{id(node): context} for the unquotes and names of an Exo statement or
    expression, context one of "expr", "index", "lhs", "lhs_index", "type",
    "mem"; and the ids of names never unquoted implicitly (callees, attribute
    bases, type keywords)."""
    ctx, skip = {}, set()

    def index_elts(sl):
        return sl.elts if isinstance(sl, ast.Tuple) else [sl]

    def visit(n, c):
        if isinstance(n, (ast.Set, ast.Name)):
            ctx.setdefault(id(n), c)
        if _is_unquote(n):
            return  # Python inside
        if isinstance(n, ast.Call):
            skip.add(id(n.func))
        elif isinstance(n, ast.Attribute):
            skip.add(id(n.value))
        if isinstance(n, ast.Subscript):
            visit(n.value, c if c in ("lhs", "type") else "expr")
            for e in index_elts(n.slice):  # a type's subscripts are its dimensions
                visit(e, "lhs_index" if c == "lhs" else "expr" if c == "type" else "index")
            return
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.MatMult) and c == "type":
            visit(n.left, "type")
            visit(n.right, "mem")
            return
        if isinstance(n, ast.Slice):
            for part in (n.lower, n.upper, n.step):
                if part is not None:
                    visit(part, "expr")
            return
        for k in ast.iter_child_nodes(n):
            visit(k, "expr" if c not in ("type",) else "type")

    if isinstance(root, (ast.Assign, ast.AugAssign)):
        for t in root.targets if isinstance(root, ast.Assign) else [root.target]:
            visit(t, "lhs")
        visit(root.value, "expr")
    elif isinstance(root, ast.AnnAssign):
        if isinstance(root.target, ast.Name):
            skip.add(id(root.target))  # the name it declares
        visit(root.annotation, "type")
        if root.value is not None:
            visit(root.value, "expr")
    else:
        visit(root, "expr")
    for n in ast.walk(root):
        if isinstance(n, ast.Name) and ctx.get(id(n)) == "type" and n.id in _TYPE_KEYWORDS:
            skip.add(id(n))
    return ctx, skip


class _Template:
    """An Exo statement, loop or if header, or quoted expression, with the
    Python expressions whose values it needs each time it is emitted."""

    def __init__(self, node, prefix=None, at=None):
        self.node = node
        self.prefix = prefix  # "for i in " / "if ": the header text before node
        self.at = at or (node.lineno, node.col_offset)  # of the statement
        self.contexts, skip = _contexts(node)
        self.unquotes, self.names = [], []
        for n in ast.walk(node):
            if id(n) not in self.contexts:
                continue
            if _is_unquote(n):
                self.unquotes.append(n)
            elif id(n) not in skip:
                self.names.append(n)



class Splicer:
    """Turns unquoted values into Exo text. The class using it provides
    `error(node, msg)`, `namespaces` (where the resolver looks names up) and
    `bound` (fresh name -> Python object without an Exo spelling)."""

    def splice(self, value, node, context, explicit):
        """Exo text for an unquoted Python value in a spot of kind `context`; None
        keeps an implicit name as written."""
        if isinstance(value, ExoQuote):
            return value.text if _IDENT.fullmatch(value.text) else f"({value.text})"
        if context == "lhs" and not explicit:
            return None  # a Python value never names what Exo code assigns
        if isinstance(value, ExoStmtQuote):
            raise self.error(node, "quoted statements cannot be unquoted as an expression")
        if context in ("index", "lhs_index") and isinstance(value, (slice, tuple)):
            return self.splice_index(value, node, context)
        if isinstance(value, str):
            if context == "type":
                return value
            if explicit or context in ("index", "lhs_index"):
                raise self.error(node, "Unquote received input that couldn't be unquoted")
            return None
        if isinstance(value, numbers.Number) and context == "type":
            raise self.error(node, "Unquote computation did not yield valid type")
        if isinstance(value, bool):
            return "True" if value else "False"
        if isinstance(value, numbers.Integral):
            if not -(2**63) <= value < 2**63:
                raise self.error(node, f"the unquoted Python int {value} does not fit in a 64-bit integer")
            return str(int(value)) if value >= 0 else f"({int(value)})"
        if isinstance(value, numbers.Real):
            if not math.isfinite(value):
                raise self.error(node, f"the unquoted Python number {value!r} is not finite")
            return repr(float(value)) if value >= 0 else f"({float(value)!r})"
        if not explicit and isinstance(node, ast.Name) and _lookup(self.namespaces, node.id) is value:
            return None  # the resolver finds it under its own name
        if scope_value(value) is not None or (isinstance(value, type) and issubclass(value, Memory)):
            name = f"__exo_unquoted_{len(self.bound)}"
            self.bound[name] = value
            return name
        if explicit:
            raise self.error(node, "Unquote received input that couldn't be unquoted")
        return None

    def splice_index(self, value, node, context):
        parts = value if isinstance(value, tuple) else (value,)
        out = []
        for p in parts:
            if isinstance(p, slice):
                if context == "lhs_index":
                    raise self.error(node, "cannot perform windowing on left-hand-side of an assignment")
                if p.step is not None:
                    raise self.error(node, "Unquote returned slice index with step")
                if p.start is None or p.stop is None:
                    raise self.error(node, "Unquote received input that couldn't be unquoted")
                out.append(f"{self.splice(p.start, node, 'expr', True)}:{self.splice(p.stop, node, 'expr', True)}")
            elif isinstance(p, (ExoQuote, numbers.Integral)):
                out.append(self.splice(p, node, "expr", True))
            else:
                raise self.error(node, "Unquote received input that couldn't be unquoted")
        return ", ".join(out)
