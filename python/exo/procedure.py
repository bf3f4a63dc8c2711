"""Procedure objects and compiling them to C."""

from __future__ import annotations

from pathlib import Path

from . import _core
from ._format import wrap_long_lines
from ._errors import api_error
from ._primitives import METHODS
from .API_cursors import (
    ArgCursor,
    BlockCursor,
    Cursor,
    ExprListCursor,
    GapCursor,
    GapType,
    InvalidCursor,
    InvalidCursorError,
    lift_cursor,
)
from .qast import make_qast


class Procedure:
    """A checked Exo procedure. Immutable: scheduling returns new procedures.

    The scheduling primitives are methods generated from the core's records
    (exo/_primitives.py); each returns a new Procedure scheduled from this one.
    """

    def __init__(self, handle):
        self._handle = handle

    # ---- introspection ----
    def name(self):
        return self._handle.name()

    def is_instr(self):
        return self._handle.is_instr()

    def get_instr(self):
        return self._handle.c_instr()

    def get_ast(self, pattern=None):
        if pattern is not None:
            raise NotImplementedError("get_ast(pattern) needs pattern matching, not available yet")
        return make_qast(_core.proc_ast(self._handle))

    def check_effects(self):
        """Re-run the core's safety checks (bounds, callee preconditions)."""
        self._handle.check()
        return self

    def show_effects(self):
        """The locations the body reads, writes and reduces, per buffer and config field."""
        text = self._handle.effects_text()
        print(text, end="")
        return text

    def show_effect(self, stmt_pattern):
        """The statement matching `stmt_pattern` (e.g. "C[_] += _") and its effects."""
        if not isinstance(stmt_pattern, str):
            raise api_error("expected a statement pattern string")
        text = self._handle.stmt_effects_text(stmt_pattern)
        print(text, end="")
        return text

    def __str__(self):
        # As exo-lang prints it: no newline after the last line, long lines wrapped.
        return wrap_long_lines(str(self._handle).removesuffix("\n"))

    def __repr__(self):
        return f"<exo Procedure {self.name()}>"

    def code(self):
        """The text of the proc with every statement on one line (str() wraps
        long lines as exo-lang does)."""
        return str(self._handle).removesuffix("\n")

    def jit(self, cflags=None, cc=None):
        """This procedure compiled for calls from Python on numpy arrays:
        `p.jit()(x, y)` (sizes from the arrays' shapes; see exo._jit)."""
        from ._jit import jit

        return jit(self, cflags=cflags, cc=cc)

    def _repr_markdown_(self):
        return "```python\n" + str(self) + "\n```"

    # ---- exo-lang's internal entry points, as read-only views ----
    def INTERNAL_proc(self):
        """The compiled procedure itself (what Procedure(...) wraps)."""
        return self._handle

    @property
    def _loopir_proc(self):
        """The procedure's IR handle, read-only (exo-lang's LoopIR.proc)."""
        return self._handle

    def _root(self):
        """A cursor to the whole body (exo-lang's internal root cursor)."""
        return self.body()

    def __eq__(self, other):
        # Structural, as in the reference: the same schedule applied twice to one
        # procedure gives equal procedures. Same text alone is not enough: both
        # must also come from one original (their names would mean the same).
        if not isinstance(other, Procedure):
            return False
        if other._handle.id() == self._handle.id():
            return True
        return str(self._handle) == str(other._handle) and self._handle.is_eq(other._handle)

    def __hash__(self):
        return hash(str(self._handle))

    # ---- cursors ----
    def args(self):
        """Cursors to the arguments (ArgCursor: name(), type(), shape(), mem(), ...)."""
        return [lift_cursor(a, self) for a in _core.proc_args(self._handle)]

    def body(self):
        """The whole body as a BlockCursor."""
        return lift_cursor(_core.proc_body(self._handle), self)

    def find(self, pattern, many=False):
        """The first match of `pattern` (a cursor), or all matches with many=True.
        Raises SchedulingError when nothing matches."""
        if not isinstance(pattern, str):
            raise api_error("expected a pattern string")
        found = [lift_cursor(c, self) for c in _core.find(self._handle, pattern, many)]
        return found if many else found[0]

    def find_all(self, pattern):
        """All matches of `pattern`: find(pattern, many=True)."""
        return self.find(pattern, many=True)

    def find_loop(self, loop_pattern, many=False):
        """A loop by iterator name (`"i"`, `"i #1"`) or by a loop pattern."""
        if not isinstance(loop_pattern, str):
            raise api_error("expected a loop name or pattern string")
        found = [lift_cursor(c, self) for c in _core.find_loop(self._handle, loop_pattern, many)]
        return found if many else found[0]

    def find_alloc(self, name):
        """The allocation of `name` (`"x"`, `"x #1"`)."""
        return lift_cursor(_core.find_alloc(self._handle, name), self)

    def find_alloc_or_arg(self, buf_name):
        """The allocation of `buf_name`, or else the argument of that name."""
        if not isinstance(buf_name, str):
            raise api_error("expected a buffer name")
        arg = _core.find_arg(self._handle, buf_name.strip())
        if arg is not None:
            try:
                return self.find_alloc(buf_name)
            except _core.SchedulingError:
                return lift_cursor(arg, self)
        return self.find_alloc(buf_name)

    def forward(self, cursor):
        """`cursor` (of this procedure or one it was scheduled from) in this
        procedure. Raises InvalidCursorError, as exo-lang does, when a rewrite
        on the way removed the code it pointed at."""
        if not isinstance(cursor, Cursor):
            raise api_error("expected a cursor")
        if cursor.is_invalid():
            return cursor
        if isinstance(cursor, ArgCursor):
            return cursor if cursor.proc() == self else self._forward_arg(cursor)
        if isinstance(cursor, ExprListCursor):
            return ExprListCursor([self.forward(c) for c in cursor], self)
        if cursor._proc is self:
            return cursor  # already a cursor of this procedure
        if isinstance(cursor, GapCursor):
            # A gap follows the statement it was made from (its anchor), as
            # exo-lang's gaps do: `s.after()` stays after s wherever s goes.
            anchor = cursor.anchor()
            if not anchor.is_invalid():
                moved = _core.forward_or_invalid(self._handle, anchor._impl)
                if moved.kind() == "invalid":
                    raise InvalidCursorError("gap no longer exists")
                stmt = lift_cursor(moved, self)
                return stmt.after() if cursor.type() is GapType.After else stmt.before()
        fwd = _core.forward_or_invalid(self._handle, cursor._impl)
        if fwd.kind() == "invalid":
            what = "gap" if isinstance(cursor, GapCursor) else "block" if isinstance(cursor, BlockCursor) else "node"
            raise InvalidCursorError(f"{what} no longer exists")
        if isinstance(cursor, GapCursor):
            return GapCursor(fwd, self, cursor.type())
        return lift_cursor(fwd, self)

    def _forward_arg(self, arg):
        # Arguments keep their names through scheduling (transpose keeps the name too).
        for a in self.args():
            if a.name() == arg.name():
                return a
        return InvalidCursor()

    # ---- compilation and execution ----
    def c_code_str(self):
        """The header's declarations and the C source, as one text (no include guard)."""
        c, decls = _core.compile_procs_to_strings([self._handle], "c_code_str", bare_header=True)
        return decls + "\n" + c

    def compile_c(self, directory, filename):
        compile_procs([self], directory, f"{filename}.c", f"{filename}.h")

    def interpret(self, **kwargs):
        """Run the procedure on numpy arrays (written in place) and Python scalars."""
        names = [a["name"] for a in self._handle.args()]
        unknown = sorted(set(kwargs) - set(names))
        if unknown:
            raise api_error(f"{self.name()}() got unexpected arguments: {', '.join(unknown)}")
        missing = [n for n in names if n not in kwargs]
        if missing:
            raise api_error(f"{self.name()}() missing arguments: {', '.join(missing)}")
        _core.interpret(self._handle, [kwargs[n] for n in names])

    # ---- equivalence ----
    def is_eq(self, proc):
        """True when both procedures are known equivalent: one was scheduled from
        the other (or from a common original), or they were asserted equivalent."""
        return self._handle.is_eq(_proc_handle("is_eq", 1, "proc", proc))

    def unsafe_assert_eq(self, other_proc):
        """Declares, without proof, that this procedure and `other_proc` are equivalent."""
        self._handle.unsafe_assert_eq(_proc_handle("unsafe_assert_eq", 1, "other_proc", other_proc))
        return self

    def repeat(self, directive, *args):
        """Applies `directive(proc, *args)` until it raises SchedulingError and
        returns the last procedure it produced (this one if it never applied)."""
        if not callable(directive):
            raise api_error(f"repeat: expected a callable directive, got {directive!r}")
        proc = self
        while True:
            try:
                proc = directive(proc, *args)
            except _core.SchedulingError:
                return proc

    # ---- rewrites that need the scheduling layer ----
    def partial_eval(self, *args, **kwargs):
        """Bind leading (or named) control arguments to constants."""
        if kwargs and args:
            raise api_error("Must provide EITHER ordered OR named arguments", ValueError)
        if not kwargs and not args:
            return self
        values = args if args else kwargs.values()
        for v in values:
            if not isinstance(v, int):  # bool is an int
                raise api_error(f"partial_eval: expected int or bool values, got {v!r}")
        if args:
            return Procedure(self._handle.partial_eval_positional([int(v) for v in args]))
        return Procedure(self._handle.partial_eval_named({k: int(v) for k, v in kwargs.items()}))

    def add_assertion(self, assertion, configs=None):
        """A copy with `assertion` (Exo text over the arguments) added to the preconditions."""
        if not isinstance(assertion, str):
            raise api_error("assertion must be an Exo string")
        handles = [c._handle for c in (configs or [])]
        return Procedure(self._handle.add_assertion(assertion, handles))

    def transpose(self, arg_cursor):
        """A copy whose 2-D argument (given by name or ArgCursor) has its dimensions swapped."""
        name = arg_cursor.name() if hasattr(arg_cursor, "name") and callable(arg_cursor.name) else arg_cursor
        if not isinstance(name, str):
            raise api_error("expected a 2D argument (its name or one of args())")
        return Procedure(self._handle.transpose(name))



for _name, _method in METHODS.items():
    setattr(Procedure, _name, _method)


def _proc_handle(prim, argno, name, proc):
    handle = getattr(proc, "_handle", None)
    if not isinstance(handle, _core.ProcHandle):
        raise api_error(f"argument {argno}, '{name}' to {prim}: expected a Procedure object")
    return handle


def _check_procs(proc_list):
    if not isinstance(proc_list, (list, tuple)) or not all(isinstance(p, Procedure) for p in proc_list):
        raise api_error("expected a list of Procedures")


def compile_procs_to_strings(proc_list, h_file_name: str):
    """(C source, header text) for `proc_list`; the source includes `h_file_name`."""
    _check_procs(proc_list)
    h_file_name = str(h_file_name)
    stem = h_file_name[:-2] if h_file_name.endswith(".h") else h_file_name
    c, h = _core.compile_procs_to_strings([p._handle for p in proc_list], stem)
    if stem == h_file_name:  # the core names the header <stem>.h
        c = c.replace(f'#include "{stem}.h"', f'#include "{h_file_name}"', 1)
    return c, h


def compile_procs(proc_list, basedir, c_file: str, h_file: str):
    """Write `basedir/c_file` and `basedir/h_file` (basedir: str or Path)."""
    c, h = compile_procs_to_strings(proc_list, h_file)
    basedir = Path(basedir)
    basedir.mkdir(parents=True, exist_ok=True)
    (basedir / c_file).write_text(c)
    (basedir / h_file).write_text(h)
