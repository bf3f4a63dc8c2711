"""Scheduling primitives of the loops family, as Procedure methods.

Each method checks only Python-level argument shapes, passes the rest to the
core (exo._core.ProcHandle) and wraps the result as a new procedure of the same
class. References are strings (a loop name such as "i" or "i #1", or a pattern
such as "x[_] = _ #2") or cursors, also cursors of a procedure this one was
scheduled from (they are forwarded).
"""


from ._sched_args import INT32_MAX, argument_error, int_arg, pos_int


class LoopsPrimitives:
    def rename(self, new_name):
        """The procedure under a new name."""
        if not isinstance(new_name, str):
            raise argument_error("rename", 1, "new_name", "expected a string")
        return type(self)(self._handle.rename(new_name))

    def delete_pass(self):
        """Removes `pass` statements (and loops or ifs left with nothing to do)."""
        return type(self)(self._handle.delete_pass())

    def reorder_stmts(self, stmt1, stmt2):
        """Swaps two adjacent statements (stmt2 right after stmt1) when they commute."""
        return type(self)(self._handle.reorder_stmts(stmt1, stmt2))

    def reorder_before(self, stmt):
        """Moves `stmt` before the statement preceding it, when they commute."""
        return type(self)(self._handle.reorder_before(stmt))

    def unroll(self, loop):
        """Replaces a loop with constant bounds by one copy of its body per iteration."""
        return type(self)(self._handle.unroll(loop))

    def split(self, loop, split_const, iter_vars, tail="guard", perfect=False):
        """`for i` -> `for io: for ii in seq(0, split_const)` with i = split_const * io + ii."""
        if isinstance(iter_vars, str) or not isinstance(iter_vars, (list, tuple)) or len(iter_vars) != 2:
            raise argument_error("split", 3, "iter_vars", "expected a list of two names")
        outer, inner = iter_vars
        return type(self)(
            self._handle.split(loop, pos_int("split", 2, "split_const", split_const), outer, inner, tail,
                               bool(perfect))
        )

    def fuse_loop(self, loop1, loop2):
        """Fuses two adjacent loops with equal bounds (or two ifs with the same condition)."""
        return type(self)(self._handle.fuse_loop(loop1, loop2))

    def partition_loop(self, loop, num):
        """Splits `for i in seq(lo, hi)` into [lo, lo + num) and [lo + num, hi)."""
        return type(self)(self._handle.partition_loop(loop, int_arg("partition_loop", 2, "num", num, 0, what="a non-negative integer")))

    def cut_loop(self, loop, cut_point):
        """Splits `for i in seq(lo, hi)` into [lo, cut_point) and [cut_point, hi)
        (exo-lang's meaning: cut_point is where the second loop starts)."""
        return type(self)(self._handle.cut_loop(loop, cut_point))

    def reorder(self, loop1, loop2=None):
        """Interchanges loop1 and loop2 (directly nested in it); also reorder("i j")."""
        return type(self)(self._handle.reorder(loop1, loop2))

    def fission_after(self, stmt, n_lifts=1):
        """Splits the n_lifts loops (or if bodies) enclosing `stmt` right after it."""
        return type(self)(self._handle.fission_after(stmt, pos_int("fission_after", 2, "n_lifts", n_lifts, INT32_MAX)))

    def remove_loop(self, loop):
        """Replaces a loop by one run of its (idempotent) body."""
        return type(self)(self._handle.remove_loop(loop))

    def lift_if(self, if_, n_lifts=1):
        """Moves an if out of the n_lifts loops or ifs enclosing it."""
        return type(self)(self._handle.lift_if(if_, pos_int("lift_if", 2, "n_lifts", n_lifts, INT32_MAX)))

    def assert_if(self, if_, cond):
        """Keeps the body (cond=True) or else branch (cond=False) of an if, when provable."""
        if not isinstance(cond, bool):
            raise argument_error("assert_if", 2, "cond", "expected True or False")
        return type(self)(self._handle.assert_if(if_, cond))
