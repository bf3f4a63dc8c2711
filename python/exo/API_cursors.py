"""Cursors: positions in a procedure (statements, blocks, gaps, expressions).

A cursor belongs to the procedure it was found in. Scheduling a procedure
returns a new one; `new_proc.forward(cursor)` follows a cursor through every
rewrite in between, and primitives accept cursors of earlier procedures.
"""


class Cursor:
    """A position in a procedure. Navigation returns new cursors."""

    def __init__(self, impl):
        self._impl = impl

    def proc(self):
        from .procedure import Procedure

        return Procedure(self._impl.proc())

    def kind(self):
        """"stmt", "block", "gap", "expr" or "invalid"."""
        return self._impl.kind()

    def parent(self):
        return Cursor(self._impl.parent())

    def next(self, dist=1):
        return Cursor(self._impl.next(dist))

    def prev(self, dist=1):
        return Cursor(self._impl.prev(dist))

    def before(self):
        return Cursor(self._impl.before())

    def after(self):
        return Cursor(self._impl.after())

    def body(self):
        return Cursor(self._impl.body())

    def orelse(self):
        return Cursor(self._impl.orelse())

    def as_block(self):
        return Cursor(self._impl.as_block())

    def expand(self, lo=None, hi=None):
        return Cursor(self._impl.expand(-1 if lo is None else lo, -1 if hi is None else hi))

    def __eq__(self, other):
        return isinstance(other, Cursor) and self._impl == other._impl

    def __hash__(self):
        return hash((self._impl.path(), self._impl.proc().id()))

    def __str__(self):
        return self._impl.text()

    def __repr__(self):
        return f"<Cursor {self._impl.kind()} {self._impl.path()}>"
