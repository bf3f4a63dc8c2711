"""Cursors: positions in a procedure (statements, blocks, gaps, expressions, arguments).

The classes and methods follow exo-lang's `exo.API_cursors`. A cursor belongs to
the procedure it was found in (`c.proc()`); scheduling returns a new procedure,
and `new_proc.forward(c)` follows `c` through every rewrite in between (an
InvalidCursor when a rewrite removed what it pointed at). Primitives accept
cursors of earlier procedures and forward them implicitly.

The classes are thin: resolution, navigation and inspection happen in the C++
core (`exo._core.CursorHandle`); this module only picks the class that fits the
node under a cursor (`lift_cursor`).
"""

from __future__ import annotations

from enum import Enum

from . import _core
from ._format import wrap_long_lines
from ._errors import api_error
from .configs import Config
from .memory import memory_class

__all__ = [
    "ExoType",
    "InvalidCursorError",
    "Cursor",
    "InvalidCursor",
    "ArgCursor",
    "StmtCursorPrototype",
    "StmtCursor",
    "BlockCursor",
    "GapCursor",
    "GapType",
    "ExprCursorPrototype",
    "ExprCursor",
    "ExprListCursor",
    "ArgListCursor",
    "AssignCursor",
    "ReduceCursor",
    "AssignConfigCursor",
    "WriteConfigCursor",
    "PassCursor",
    "IfCursor",
    "ForCursor",
    "AllocCursor",
    "CallCursor",
    "WindowStmtCursor",
    "ReadCursor",
    "ReadConfigCursor",
    "LiteralCursor",
    "UnaryMinusCursor",
    "USubCursor",
    "BinaryOpCursor",
    "BinOpCursor",
    "ExternFunctionCursor",
    "BuiltInFunctionCursor",
    "WindowExprCursor",
    "StrideExprCursor",
]


# Raised when an invalid cursor (or a position that does not exist) is used,
# also by a primitive given a cursor whose code an earlier rewrite removed.
InvalidCursorError = _core.InvalidCursorError


class ExoType(Enum):
    """Scalar types of Exo values. A member also compares equal to its Exo
    spelling ("f32", "size", ...), which older code comparing type names uses."""

    F16 = "f16"
    F32 = "f32"
    F64 = "f64"
    UI8 = "ui8"
    I8 = "i8"
    UI16 = "ui16"
    I32 = "i32"
    R = "R"
    Index = "index"
    Bool = "bool"
    Size = "size"
    Int = "int"
    Stride = "stride"

    def is_indexable(self):
        return self in (ExoType.Index, ExoType.Size, ExoType.Int, ExoType.Stride)

    def is_numeric(self):
        return self in (ExoType.F16, ExoType.F32, ExoType.F64, ExoType.I8, ExoType.UI8, ExoType.UI16,
                        ExoType.I32, ExoType.R)

    def is_bool(self):
        return self is ExoType.Bool

    def __eq__(self, other):
        if isinstance(other, str):
            return self.value == other
        return self is other

    def __hash__(self):
        return hash(self.value)


def _exo_type(name):
    return ExoType(name)


def _config(handle):
    return Config(handle)


def _mem(handle):
    return memory_class(handle)


# --------------------------------------------------------------------------- #
# Base classes


class Cursor:
    """A position in a procedure. Navigation returns new cursors; a position that
    does not exist is an InvalidCursor (false when tested: `if c: ...`)."""

    __slots__ = ("_impl", "_proc")

    def __init__(self, impl, proc):
        self._impl = impl
        self._proc = proc

    def proc(self):
        """The Procedure this cursor points into."""
        return self._proc

    def __bool__(self):
        return True

    def parent(self):
        """The enclosing statement (or expression); InvalidCursor at the top level."""
        return lift_cursor(self._impl.parent(), self._proc)

    def find(self, pattern, many=False):
        """Matches of `pattern` inside this cursor's statements or expression."""
        if not isinstance(pattern, str):
            raise api_error("expected a pattern string")
        found = [lift_cursor(c, self._proc) for c in self._impl.find(pattern)]
        return found if many else found[0]

    def kind(self):
        """"stmt", "block", "gap", "expr" or "invalid"."""
        return self._impl.kind()

    def is_invalid(self):
        return False

    def get_index(self):
        """Index of the (first) statement in its block; gaps: of the statement after."""
        path = self._impl.path().split(" ")[-1].split(".")[-1]  # "body[3]" / "body[1:3]"
        return int(path[path.index("[") + 1 :].split(":")[0].rstrip("]"))

    def _lift(self, impl):
        return lift_cursor(impl, self._proc)

    def __eq__(self, other):
        return isinstance(other, Cursor) and not other.is_invalid() and self._impl == other._impl

    def __hash__(self):
        return hash(self._impl)

    def __str__(self):
        # As exo-lang: the whole proc with this node shown (`# <-- NODE`); an
        # expression prints as itself. `code()` gives the node's own text.
        return wrap_long_lines(self._impl.shown())

    def code(self):
        """The text of the node alone (statements, block, or expression)."""
        return self._impl.text()

    def __repr__(self):
        return f"<{type(self).__name__} {self._impl.path()}>"

    def _repr_markdown_(self):
        # Jupyter: the proc with this node marked, highlighted as Python.
        return "```python\n" + str(self) + "\n```"


class InvalidCursor(Cursor):
    """A cursor that points at nothing: navigation off the tree, or a position a
    rewrite removed. It is false when tested; using it raises InvalidCursorError."""

    def __init__(self):
        Cursor.__init__(self, None, None)

    def __bool__(self):
        return False

    def is_invalid(self):
        return True

    def proc(self):
        raise InvalidCursorError("cannot get the procedure of an invalid cursor")

    def parent(self):
        return self

    def kind(self):
        return "invalid"

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise InvalidCursorError(f"cannot use {name}() on an invalid cursor")

    def __eq__(self, other):
        return isinstance(other, InvalidCursor)

    def __hash__(self):
        return 0

    def __str__(self):
        # As exo-lang: there is nothing to print (repr() still names it).
        raise InvalidCursorError("Trying to print the Invalid Cursor!")

    def __repr__(self):
        return "<InvalidCursor>"

    def _repr_markdown_(self):
        return None  # Jupyter falls back to repr()


class ListCursorPrototype(Cursor):
    """A sequence of cursors: iterate, index, take len()."""

    def _items(self):
        raise NotImplementedError

    def __iter__(self):
        return iter(self._items())

    def __getitem__(self, i):
        items = self._items()
        if isinstance(i, slice):
            return items[i]
        return items[i]

    def __len__(self):
        return len(self._items())


class ExprListCursor(ListCursorPrototype):
    """A sequence of expression cursors (indices, call arguments, shapes). It
    compares equal to a list of the expressions' Exo text (`["n", "8"]`)."""

    __slots__ = ("_list",)

    def __init__(self, items, proc):
        Cursor.__init__(self, None, proc)
        self._list = list(items)

    def _items(self):
        return list(self._list)

    def __eq__(self, other):
        if isinstance(other, (list, tuple)):
            return len(other) == len(self._list) and all(a == b for a, b in zip(self._list, other))
        return isinstance(other, ExprListCursor) and self._list == other._list

    def __hash__(self):
        return hash(tuple(self._list))

    def __str__(self):
        return ", ".join(str(e) for e in self._list)

    def __repr__(self):
        return f"<ExprListCursor [{self}]>"


class ArgListCursor(ExprListCursor):
    """The arguments of a procedure, as ArgCursors."""

    def __repr__(self):
        return f"<ArgListCursor [{', '.join(a.name() for a in self._list)}]>"


def _bare_assertion(why):
    """exo-lang's cursors fail a bare `assert` here: the message stays empty (tests
    match it) and the reason goes in a note, which tracebacks show."""
    err = _core.ApiAssertionError()
    err.add_note(why)
    return err


class ArgCursor(Cursor):
    """An argument of a procedure: `name : type @ mem` (no navigation)."""

    def name(self):
        return self._impl.name()

    def type(self):
        return _exo_type(self._impl.type_name())

    def mem(self):
        """The memory class of a buffer or scalar argument (DRAM for bool and
        stride). A size, index or int argument has none: as in exo-lang, asking
        fails with exo.ApiAssertionError (an AssertionError) whose message is empty
        and whose note says why."""
        if self._impl.type_name() in ("size", "index", "int"):
            raise _bare_assertion(f"mem() is not defined for the {self._impl.type_name()} argument "
                                  f"'{self.name()}': only buffers and scalars have a memory")
        return _mem(self._impl.mem())

    def is_tensor(self):
        return self._impl.is_tensor()

    def is_window(self):
        return self._impl.is_window()

    def shape(self):
        """The extents, as expression cursors. Only tensors have one: as in
        exo-lang, asking a scalar fails with an empty AssertionError (see mem())."""
        if not self._impl.is_tensor():
            raise _bare_assertion(f"shape() is not defined for the scalar argument '{self.name()}'")
        return ExprListCursor([ExprCursor._make(e, self._proc) for e in self._impl.shape()], self._proc)

    def parent(self):
        return InvalidCursor()

    def find(self, pattern, many=False):
        raise InvalidCursorError("an argument has no sub-statements to search")

    def get_index(self):
        return self._impl.index()

    def __eq__(self, other):
        return isinstance(other, ArgCursor) and self._impl == other._impl

    def __hash__(self):
        return hash(self._impl)

    def __str__(self):
        text = f"{self.name()}: {self._impl.type_str()}"
        if not self.type().is_numeric():
            return text
        return text + f" @ {self.mem().name()}"

    def __repr__(self):
        return f"<ArgCursor {self}>"


# --------------------------------------------------------------------------- #
# Statements, blocks and gaps


class StmtCursorPrototype(Cursor):
    """Base of the statement-side cursors: StmtCursor, BlockCursor, GapCursor."""


class StmtCursor(StmtCursorPrototype):
    """One statement."""

    def before(self):
        """The gap just before this statement."""
        return GapCursor(self._impl.before(), self._proc, GapType.Before)

    def after(self):
        """The gap just after this statement."""
        return GapCursor(self._impl.after(), self._proc, GapType.After)

    def next(self, dist=1):
        """The statement `dist` after this one in its block (InvalidCursor if none)."""
        return self._lift(self._impl.next(dist))

    def prev(self, dist=1):
        """The statement `dist` before this one in its block (InvalidCursor if none)."""
        return self._lift(self._impl.prev(dist))

    def as_block(self):
        return BlockCursor(self._impl.as_block(), self._proc)

    def expand(self, delta_lo=None, delta_hi=None):
        """Shorthand for as_block().expand(delta_lo, delta_hi)."""
        return self.as_block().expand(delta_lo, delta_hi)

    def is_ancestor_of(self, other):
        return isinstance(other, Cursor) and not other.is_invalid() and self._impl.is_ancestor_of(other._impl)

    def _exprs(self):
        return [self._lift(e) for e in self._impl.exprs()]


class BlockCursor(StmtCursorPrototype, ListCursorPrototype):
    """A non-empty run of consecutive statements of one block."""

    def _items(self):
        return [self._lift(self._impl.block_item(i)) for i in range(self._impl.block_len())]

    def __getitem__(self, i):
        if isinstance(i, slice):
            if i.step not in (None, 1):
                raise api_error("block cursors can only be sliced contiguously", ValueError)
            lo, hi, _ = i.indices(self._impl.block_len())
            return self._lift(self._impl.block_slice(lo, hi))
        return self._lift(self._impl.block_item(i))

    def __len__(self):
        return self._impl.block_len()

    def as_block(self):
        return self

    def expand(self, delta_lo=None, delta_hi=None):
        """Grows the block by delta_lo statements before and delta_hi after (None:
        as far as its enclosing block allows)."""
        if delta_lo is not None and delta_lo < 0:
            raise api_error("delta_lo must be non-negative", ValueError)
        if delta_hi is not None and delta_hi < 0:
            raise api_error("delta_hi must be non-negative", ValueError)
        lo = -1 if delta_lo is None else delta_lo
        hi = -1 if delta_hi is None else delta_hi
        return BlockCursor(self._impl.expand(lo, hi), self._proc)

    def anchor(self):
        """The statement enclosing the block (InvalidCursor for the proc body)."""
        return self.parent()

    def before(self):
        return GapCursor(self._impl.before(), self._proc, GapType.Before)

    def after(self):
        return GapCursor(self._impl.after(), self._proc, GapType.After)

    def next(self, dist=1):
        return self._lift(self._impl.next(dist))

    def prev(self, dist=1):
        return self._lift(self._impl.prev(dist))


class GapType(Enum):
    Before = 0
    After = 1


class GapCursor(StmtCursorPrototype):
    """The position between two statements (or at either end of a block). A gap
    made with `s.after()` is anchored to s; otherwise to the statement after it."""

    __slots__ = ("_type",)

    def __init__(self, impl, proc, gap_type=GapType.Before):
        Cursor.__init__(self, impl, proc)
        self._type = gap_type

    def anchor(self):
        return self._lift(self._impl.gap_anchor(self._type is GapType.After))

    def __str__(self):
        # The gap shows on the same line either way; exo-lang names it by how it
        # was made (`s.after()`: After, `s.before()`: Before).
        shown = self._impl.shown()
        if self._type is GapType.After:
            shown = shown.replace("[GAP - Before]", "[GAP - After]", 1)
        return wrap_long_lines(shown)

    def type(self):
        return self._type


class AssignCursor(StmtCursor):
    """`name[idx] = rhs`"""

    def name(self):
        return self._impl.name()

    def idx(self):
        return ExprListCursor(self._exprs()[:-1], self._proc)

    def rhs(self):
        return self._exprs()[-1]

    def type(self):
        return _exo_type(self._impl.type_name())


class ReduceCursor(AssignCursor):
    """`name[idx] += rhs`"""


class AssignConfigCursor(StmtCursor):
    """`config.field = rhs`"""

    def config(self):
        return _config(self._impl.config())

    def field(self):
        return self._impl.field()

    def rhs(self):
        return self._exprs()[0]


WriteConfigCursor = AssignConfigCursor


class PassCursor(StmtCursor):
    """`pass`"""


class IfCursor(StmtCursor):
    """`if cond: body` with an optional `else: orelse`."""

    def cond(self):
        return self._exprs()[0]

    def body(self):
        return self._lift(self._impl.body())

    def orelse(self):
        """The else block, or InvalidCursor when there is none."""
        return self._lift(self._impl.orelse())


class ForCursor(StmtCursor):
    """`for name in seq(lo, hi): body`"""

    def name(self):
        return self._impl.name()

    def lo(self):
        return self._exprs()[0]

    def hi(self):
        return self._exprs()[1]

    def body(self):
        return self._lift(self._impl.body())

    def loop_mode(self):
        """"seq" or "par"."""
        return self._impl.loop_mode()


class AllocCursor(StmtCursor):
    """`name : type[shape] @ mem`"""

    def name(self):
        return self._impl.name()

    def mem(self):
        return _mem(self._impl.alloc_mem())

    def is_tensor(self):
        return self._impl.alloc_is_tensor()

    def shape(self):
        return ExprListCursor([ExprCursor._make(e, self._proc) for e in self._impl.alloc_shape()], self._proc)

    def type(self):
        return _exo_type(self._impl.type_name())


class CallCursor(StmtCursor):
    """`subproc(args)`"""

    def subproc(self):
        # A procedure of the class of the one this cursor points into, as every
        # primitive returns type(self)(...): cursors sit below procedure.py.
        return type(self._proc)(self._impl.subproc())

    def args(self):
        return ExprListCursor(self._exprs(), self._proc)


class WindowStmtCursor(StmtCursor):
    """`name = winexpr`"""

    def name(self):
        return self._impl.name()

    def winexpr(self):
        return self._exprs()[0]

    def rhs(self):
        return self.winexpr()


# --------------------------------------------------------------------------- #
# Expressions


class ExprCursorPrototype(Cursor):
    """Base of the expression-side cursors."""


class ExprCursor(ExprCursorPrototype):
    """One expression. Extents of shapes are expressions without a position of
    their own: they can be inspected but their parent() is an InvalidCursor. An
    expression cursor compares equal to a string holding its Exo text."""

    @staticmethod
    def _make(impl, proc):
        return lift_cursor(impl, proc)

    def type(self):
        return _exo_type(self._impl.type_name())

    def parent(self):
        if isinstance(self._impl, _core.ExprValue):
            return InvalidCursor()
        return self._lift(self._impl.parent())

    def find(self, pattern, many=False):
        if isinstance(self._impl, _core.ExprValue):
            raise InvalidCursorError("an extent of a shape has no position to search under")
        return Cursor.find(self, pattern, many)

    def _exprs(self):
        return [self._lift(e) for e in self._impl.exprs()]

    def __eq__(self, other):
        if isinstance(other, str):
            return str(self) == other
        return Cursor.__eq__(self, other)

    def __hash__(self):
        return hash(self._impl)


class ReadCursor(ExprCursor):
    """`name` or `name[idx]`"""

    def name(self):
        return self._impl.name()

    def idx(self):
        return ExprListCursor(self._exprs(), self._proc)


class ReadConfigCursor(ExprCursor):
    """`config.field`"""

    def config(self):
        return _config(self._impl.config())

    def field(self):
        return self._impl.field()


class LiteralCursor(ExprCursor):
    """A literal: bool, int (control values) or float (data values)."""

    def value(self):
        return self._impl.value()


class UnaryMinusCursor(ExprCursor):
    """`-arg`"""

    def arg(self):
        return self._exprs()[0]


USubCursor = UnaryMinusCursor


class BinaryOpCursor(ExprCursor):
    """`lhs op rhs` with op one of + - * / % < > <= >= == and or."""

    def op(self):
        return self._impl.op()

    def lhs(self):
        return self._exprs()[0]

    def rhs(self):
        return self._exprs()[1]


BinOpCursor = BinaryOpCursor


class ExternFunctionCursor(ExprCursor):
    """`name(args)` of an extern (built-in) function."""

    def name(self):
        return self._impl.name()

    def args(self):
        return ExprListCursor(self._exprs(), self._proc)


BuiltInFunctionCursor = ExternFunctionCursor


class WindowExprCursor(ExprCursor):
    """`name[w_args]`: idx() gives per coordinate an expression cursor (a point) or
    a pair (lo, hi) of expression cursors (an interval)."""

    def name(self):
        return self._impl.name()

    def idx(self):
        kids = self._exprs()
        out, k = [], 0
        for is_interval in self._impl.window_intervals():
            if is_interval:
                out.append((kids[k], kids[k + 1]))
                k += 2
            else:
                out.append(kids[k])
                k += 1
        return out


class StrideExprCursor(ExprCursor):
    """`stride(name, dim)`"""

    def name(self):
        return self._impl.name()

    def dim(self):
        return self._impl.stride_dim()


# --------------------------------------------------------------------------- #
# Choosing the class


_STMT_CLASSES = {
    "Assign": AssignCursor,
    "Reduce": ReduceCursor,
    "WriteConfig": AssignConfigCursor,
    "Pass": PassCursor,
    "If": IfCursor,
    "For": ForCursor,
    "Alloc": AllocCursor,
    "Call": CallCursor,
    "WindowStmt": WindowStmtCursor,
}

_EXPR_CLASSES = {
    "Read": ReadCursor,
    "Const": LiteralCursor,
    "USub": UnaryMinusCursor,
    "BinOp": BinaryOpCursor,
    "ExternCall": ExternFunctionCursor,
    "WindowExpr": WindowExprCursor,
    "StrideExpr": StrideExprCursor,
    "ReadConfig": ReadConfigCursor,
}


def lift_cursor(impl, proc):
    """The cursor class that fits the node under `impl` (a core handle)."""
    if isinstance(impl, _core.ArgHandle):
        return ArgCursor(impl, proc)
    if isinstance(impl, _core.ExprValue):
        return _EXPR_CLASSES.get(impl.node_kind(), ExprCursor)(impl, proc)
    # One call into the core for the common case: node_kind is the kind of
    # the statement or expression, "invalid" where there is none.
    node = impl.node_kind()
    cls = _STMT_CLASSES.get(node) or _EXPR_CLASSES.get(node)
    if cls is not None:
        return cls(impl, proc)
    if node == "invalid" or not impl.is_valid():
        return InvalidCursor()
    if node == "block":
        return BlockCursor(impl, proc)
    if node == "gap":
        return GapCursor(impl, proc)
    return (StmtCursor if impl.kind() == "stmt" else ExprCursor)(impl, proc)
