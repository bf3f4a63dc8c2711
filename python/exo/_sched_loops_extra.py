"""More loop and guard primitives, as Procedure methods: parallelize_loop,
shift_loop, join_loops, mult_loops, insert_pass, eliminate_dead_code, specialize,
add_unsafe_guard, add_loop, autofission, divide_with_recompute.

Arguments follow the reference (exo.API_scheduling). References are pattern
strings or cursors (also of a procedure this one was scheduled from); new
expressions are Exo text (or an int), typed at the statement they refer to.
"""

from ._core import parse_loop_nest_ref
from ._sched_args import INT32_MAX, INT64_MAX, argument_error, expr_text, pos_int


def _err(fname, argno, argname, msg, kind=TypeError):
    raise argument_error(fname, argno, argname, msg, kind)


def _expr_text(fname, argno, argname, value):
    if isinstance(value, (bool, float)):
        _err(fname, argno, argname, "expected a string")
    return expr_text(fname, argno, argname, value)


def _gap(fname, gap):
    impl = getattr(gap, "_impl", None)
    if impl is None or impl.kind() != "gap":
        _err(fname, 1, "gap_cursor", "expected a GapCursor")
    return gap


def _pos_int(fname, argno, argname, value, hi=INT64_MAX):
    return pos_int(fname, argno, argname, value, hi)


class LoopsExtraPrimitives:
    def parallelize_loop(self, loop_cursor):
        """`seq` -> `par`, when distinct iterations are independent."""
        return type(self)(self._handle.parallelize_loop(loop_cursor))

    def shift_loop(self, loop_cursor, new_lo):
        """`for i in seq(lo, hi)` -> `seq(new_lo, new_lo + hi - lo)`, body uses i + (lo - new_lo)."""
        return type(self)(self._handle.shift_loop(loop_cursor, _expr_text("shift_loop", 2, "new_lo", new_lo)))

    def join_loops(self, loop1_cursor, loop2_cursor):
        """Two adjacent loops with equal bodies over [lo, mid) and [mid, hi) -> one over [lo, hi)."""
        return type(self)(self._handle.join_loops(loop1_cursor, loop2_cursor))

    def mult_loops(self, nested_loops, new_iter_name):
        """`for i: for j in seq(0, c)` -> `for k in seq(0, e * c)` with i = k / c, j = k % c."""
        if isinstance(nested_loops, str) and (nest := parse_loop_nest_ref(nested_loops)):
            outer, inner, occurrence = nest
            count = f" #{occurrence}" if occurrence >= 0 else ""
            nested_loops = f"for {outer} in _:\n    for {inner} in _: _{count}"
        if not isinstance(new_iter_name, str):
            _err("mult_loops", 2, "new_iter_name", "expected a valid name")
        return type(self)(self._handle.mult_loops(nested_loops, new_iter_name))

    def insert_pass(self, gap_cursor):
        """Inserts `pass` at a gap."""
        return type(self)(self._handle.insert_pass(_gap("insert_pass", gap_cursor)))

    def eliminate_dead_code(self, stmt_cursor):
        """Replaces an if whose condition is decided by its branch, removes a loop that never runs."""
        return type(self)(self._handle.eliminate_dead_code(stmt_cursor))

    def specialize(self, block, conds):
        """`B` -> `if c0: B elif c1: B ... else: B`."""
        if not isinstance(conds, (list, tuple)):
            conds = [conds]
        texts = [_expr_text("specialize", 2, "conds", c) for c in conds]
        if not texts:
            _err("specialize", 2, "conds", "expected at least one condition", ValueError)
        return type(self)(self._handle.specialize(block, texts))

    def add_unsafe_guard(self, block_cursor, var_expr):
        """Wraps the block in `if var_expr:` WITHOUT checking that this keeps the results."""
        return type(self)(
            self._handle.add_unsafe_guard(block_cursor, _expr_text("add_unsafe_guard", 2, "var_expr", var_expr))
        )

    def add_loop(self, block_cursor, iter_name, hi_expr, guard=False, unsafe_disable_check=False):
        """Wraps a block in `for iter_name in seq(0, hi_expr)` (guard: body under `if iter_name == 0`).
        The checks are always made; unsafe_disable_check is accepted for compatibility only."""
        if not isinstance(iter_name, str):
            _err("add_loop", 2, "iter_name", "expected a valid name")
        if not isinstance(guard, bool):
            _err("add_loop", 4, "guard", "expected a bool")
        hi = _expr_text("add_loop", 3, "hi_expr", hi_expr)
        return type(self)(self._handle.add_loop(block_cursor, iter_name, hi, guard))

    def autofission(self, gap_cursor, n_lifts=1):
        """fission at a gap, n_lifts levels, dropping loops that a part does not need."""
        return type(self)(self._handle.autofission(_gap("autofission", gap_cursor), _pos_int("autofission", 2, "n_lifts", n_lifts, INT32_MAX)))

    def divide_with_recompute(self, loop_cursor, outer_hi, outer_stride, new_iters):
        """`for i in seq(0, hi)` -> `for io in seq(0, outer_hi): for ii in seq(0, outer_stride + hi -
        outer_hi * outer_stride)` with i = outer_stride * io + ii (some iterations run again)."""
        fname = "divide_with_recompute"
        hi = _expr_text(fname, 2, "outer_hi", outer_hi)
        _pos_int(fname, 3, "outer_stride", outer_stride)
        if not isinstance(new_iters, (list, tuple)) or len(new_iters) != 2:
            _err(fname, 4, "new_iters", "expected a list of length 2")
        if not all(isinstance(n, str) for n in new_iters):
            _err(fname, 4, "new_iters", "expected a valid name")
        return type(self)(self._handle.divide_with_recompute(loop_cursor, hi, outer_stride, *new_iters))
