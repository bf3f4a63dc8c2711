"""exo.API_scheduling: the reference's scheduling functions, `op(proc, ...)`.

Each function checks its arguments as the reference does ("argument 1, 'name' to
op: ...") and calls the Procedure method that implements the primitive, under
the method names and argument orders of Procedure. Where the reference's name
differs from the method's (divide_loop -> split, fission -> fission_after, ...),
the method names are tried in order. A primitive with no method in this build
raises NotImplementedError naming the function.
"""

from __future__ import annotations

from ._core import SchedulingError, is_identifier, is_plain_name
from .API_cursors import Cursor, ForCursor, IfCursor
from .configs import Config
from .memory import Memory
from .procedure import Procedure
from ._sched_args import INT32_MAX, INT64_MAX, argument_error, expr_text, int_arg, pos_int
from ._sched_configs import _config_handle

def _err(fname, argno, argname, msg, kind=TypeError):
    raise argument_error(fname, argno, argname, msg, kind)


def _check_proc(fname, proc):
    if not isinstance(proc, Procedure):
        _err(fname, 0, "proc", "expected a Procedure object")


def _dispatch(fname, proc, *candidates):
    """Calls the first candidate (method name, function of the bound method) that
    Procedure has; the function adapts the reference's arguments to the method."""
    _check_proc(fname, proc)
    for method, call in candidates:
        bound = getattr(proc, method, None)
        if bound is not None:
            return call(bound)
    names = " or ".join(f"Procedure.{m}" for m, _ in candidates)
    raise NotImplementedError(f"{fname}: not implemented in this build (no {names})")


def _check_name(fname, argno, argname, name):
    if not isinstance(name, str) or not is_identifier(name):
        _err(fname, argno, argname, "expected a valid name")
    return name


def _check_pos_int(fname, argno, argname, val, hi=INT64_MAX):
    return pos_int(fname, argno, argname, val, hi)


def _check_count(fname, argno, argname, val):
    """A number of levels (n_lifts): a positive int of the compiler's int range."""
    return pos_int(fname, argno, argname, val, INT32_MAX)


def _check_dim(fname, argno, argname, val):
    return int_arg(fname, argno, argname, val, 0, INT32_MAX, "a dimension index")


def _check_bool(fname, argno, argname, val):
    if not isinstance(val, bool):
        _err(fname, argno, argname, "expected a bool")
    return val


def _gap_statements(fname, gap):
    """(statement before, statement after) a gap cursor, as core cursors (which
    every primitive accepts); None at a block's edge."""
    impl = getattr(gap, "_impl", None)
    if impl is None or impl.kind() != "gap":
        _err(fname, 1, "gap_cursor", "expected a GapCursor")
    if not hasattr(impl, "gap_anchor"):
        raise NotImplementedError(f"{fname}: gap cursors cannot be resolved in this build")
    before, after = impl.gap_anchor(True), impl.gap_anchor(False)
    b = before if before.kind() == "stmt" else None
    a = after if after.kind() == "stmt" else None
    if a is not None and b is not None and a == b:
        a = None  # at a block's end the anchor is the statement before
    return b, a


def _block_items(fname, proc, block, size):
    """The statements of a block cursor or pattern (of exactly `size` statements)."""
    cur = proc.find(block) if isinstance(block, str) else block
    impl = getattr(cur, "_impl", cur)
    if impl is None or impl.kind() != "block":
        _err(fname, 1, "block_cursor", "expected a BlockCursor or a pattern matching several statements")
    if impl.block_len() != size:
        _err(fname, 1, "block_cursor", f"expected a block of size {size}, but got a block of size {impl.block_len()}",
             ValueError)
    return [impl.block_item(i) for i in range(size)]


# --------------------------------------------------------------------------- #
# Basic operations
# --------------------------------------------------------------------------- #


def simplify(proc):
    return _dispatch("simplify", proc, ("simplify", lambda m: m()))


def rename(proc, name):
    _check_name("rename", 1, "name", name)
    return _dispatch("rename", proc, ("rename", lambda m: m(name)))


def make_instr(proc, c_instr, c_global=""):
    if not isinstance(c_instr, str):
        _err("make_instr", 1, "c_instr", "expected an instruction macro (i.e. a string with {} escapes)")
    return _dispatch("make_instr", proc, ("make_instr", lambda m: m(c_instr, c_global)))


# --------------------------------------------------------------------------- #
# Statements and expressions
# --------------------------------------------------------------------------- #


def insert_pass(proc, gap_cursor):
    return _dispatch("insert_pass", proc, ("insert_pass", lambda m: m(gap_cursor)))


def insert_noop_call(proc, gap_cursor, instr, args):
    return _dispatch("insert_noop_call", proc, ("insert_noop_call", lambda m: m(gap_cursor, instr, args)))


def delete_pass(proc):
    return _dispatch("delete_pass", proc, ("delete_pass", lambda m: m()))


def reorder_stmts(proc, block_cursor):
    _check_proc("reorder_stmts", proc)
    if not hasattr(proc, "reorder_stmts"):
        return _dispatch("reorder_stmts", proc, ("reorder_stmts", None))
    s1, s2 = _block_items("reorder_stmts", proc, block_cursor, 2)
    return proc.reorder_stmts(s1, s2)


def parallelize_loop(proc, loop_cursor):
    return _dispatch("parallelize_loop", proc, ("parallelize_loop", lambda m: m(loop_cursor)))


def commute_expr(proc, expr_cursors):
    return _dispatch("commute_expr", proc, ("commute_expr", lambda m: m(expr_cursors)))


def left_reassociate_expr(proc, expr):
    return _dispatch("left_reassociate_expr", proc, ("left_reassociate_expr", lambda m: m(expr)))


def rewrite_expr(proc, expr_cursor, new_expr):
    return _dispatch("rewrite_expr", proc, ("rewrite_expr", lambda m: m(expr_cursor, new_expr)))


def bind_expr(proc, expr_cursors, new_name):
    _check_name("bind_expr", 2, "new_name", new_name)
    return _dispatch("bind_expr", proc, ("bind_expr", lambda m: m(new_name, expr_cursors)))


# --------------------------------------------------------------------------- #
# Sub-procedures
# --------------------------------------------------------------------------- #


def extract_subproc(proc, block, subproc_name, include_asserts=True):
    _check_name("extract_subproc", 2, "subproc_name", subproc_name)
    return _dispatch("extract_subproc", proc,
                     ("extract_subproc", lambda m: m(block, subproc_name, include_asserts)))


def inline(proc, call_cursor):
    return _dispatch("inline", proc, ("inline", lambda m: m(call_cursor)))


def replace(proc, block_cursor, subproc, quiet=False):
    if not isinstance(subproc, Procedure):
        _err("replace", 2, "subproc", "expected a Procedure object")
    return _dispatch("replace", proc, ("replace", lambda m: m(subproc, block_cursor)))


def call_eqv(proc, call_cursor, eqv_proc):
    if not isinstance(eqv_proc, Procedure):
        _err("call_eqv", 2, "eqv_proc", "expected a Procedure object")
    return _dispatch("call_eqv", proc, ("call_eqv", lambda m: m(eqv_proc, call_cursor)))


# --------------------------------------------------------------------------- #
# Precision, memory and window annotations
# --------------------------------------------------------------------------- #

_PRECISIONS = ["R", "f16", "f32", "f64", "i8", "ui8", "ui16", "i32"]


def set_precision(proc, cursor, typ):
    if typ not in _PRECISIONS:
        _err("set_precision", 2, "typ",
             f"expected one of the following strings specifying precision: {', '.join(_PRECISIONS)}", ValueError)
    return _dispatch("set_precision", proc, ("set_precision", lambda m: m(cursor, typ)))


def set_window(proc, cursor, is_window=True):
    _check_bool("set_window", 2, "is_window", is_window)
    return _dispatch("set_window", proc, ("set_window", lambda m: m(cursor, is_window)))


def set_memory(proc, cursor, memory_type):
    if not (isinstance(memory_type, type) and issubclass(memory_type, Memory)):
        _err("set_memory", 2, "memory_type", "expected a Memory subclass")
    return _dispatch("set_memory", proc, ("set_memory", lambda m: m(cursor, memory_type)))


# --------------------------------------------------------------------------- #
# Configurations
# --------------------------------------------------------------------------- #


def bind_config(proc, var_cursor, config, field):
    _check_proc("bind_config", proc)
    _config_handle("bind_config", 2, config, field)
    return _dispatch("bind_config", proc, ("bind_config", lambda m: m(var_cursor, config, field)))


def delete_config(proc, stmt_cursor):
    return _dispatch("delete_config", proc, ("delete_config", lambda m: m(stmt_cursor)))


def write_config(proc, gap_cursor, config, field, rhs):
    _check_proc("write_config", proc)
    cfg = _config_handle("write_config", 2, config, field)
    text = expr_text("write_config", 4, "expr", rhs)
    impl = getattr(gap_cursor, "_impl", None)
    if impl is None or impl.kind() != "gap":
        _err("write_config", 1, "gap_cursor", "expected a GapCursor")
    return type(proc)(proc._handle.write_config(gap_cursor, cfg, field, text))


# --------------------------------------------------------------------------- #
# Buffers and windows
# --------------------------------------------------------------------------- #


def resize_dim(proc, buf_cursor, dim_idx, size, offset, fold=False):
    _check_dim("resize_dim", 2, "dim_idx", dim_idx)
    return _dispatch("resize_dim", proc, ("resize_dim", lambda m: m(buf_cursor, dim_idx, size, offset, fold)))


def expand_dim(proc, buf_cursor, alloc_dim, indexing_expr):
    return _dispatch("expand_dim", proc, ("expand_dim", lambda m: m(buf_cursor, alloc_dim, indexing_expr)))


def rearrange_dim(proc, buf_cursor, permute_vector):
    if not isinstance(permute_vector, (list, tuple)):
        _err("rearrange_dim", 2, "permute_vector", "expected a list of dimension indices")
    permute_vector = [_check_dim("rearrange_dim", 2, "permute_vector", d) for d in permute_vector]
    return _dispatch("rearrange_dim", proc, ("rearrange_dim", lambda m: m(buf_cursor, permute_vector)))


def divide_dim(proc, alloc_cursor, dim_idx, quotient):
    _check_dim("divide_dim", 2, "dim_idx", dim_idx)
    _check_pos_int("divide_dim", 3, "quotient", quotient)
    return _dispatch("divide_dim", proc, ("divide_dim", lambda m: m(alloc_cursor, dim_idx, quotient)))


def mult_dim(proc, alloc_cursor, hi_dim_idx, lo_dim_idx):
    _check_dim("mult_dim", 2, "hi_dim_idx", hi_dim_idx)
    _check_dim("mult_dim", 3, "lo_dim_idx", lo_dim_idx)
    if hi_dim_idx == lo_dim_idx:
        _err("mult_dim", 3, "lo_dim_idx", f"Cannot multiply dimension {hi_dim_idx} by itself", ValueError)
    return _dispatch("mult_dim", proc, ("mult_dim", lambda m: m(alloc_cursor, hi_dim_idx, lo_dim_idx)))


def unroll_buffer(proc, alloc_cursor, dimension):
    _check_dim("unroll_buffer", 2, "dimension", dimension)
    return _dispatch("unroll_buffer", proc, ("unroll_buffer", lambda m: m(alloc_cursor, dimension)))


def lift_alloc(proc, alloc_cursor, n_lifts=1):
    _check_count("lift_alloc", 2, "n_lifts", n_lifts)
    return _dispatch("lift_alloc", proc, ("lift_alloc", lambda m: m(alloc_cursor, n_lifts)))


def sink_alloc(proc, alloc_cursor):
    return _dispatch("sink_alloc", proc, ("sink_alloc", lambda m: m(alloc_cursor)))


def autolift_alloc(proc, alloc_cursor, n_lifts=1, mode="row", size=None, keep_dims=False):
    _check_count("autolift_alloc", 2, "n_lifts", n_lifts)
    if mode not in ("row", "col"):
        _err("autolift_alloc", 3, "mode", "expected one of the following values: row, col", ValueError)
    if hasattr(proc, "autolift_alloc"):
        return proc.autolift_alloc(alloc_cursor, n_lifts, mode, size, keep_dims)
    if mode != "row" or size is not None:
        _check_proc("autolift_alloc", proc)
        raise NotImplementedError("autolift_alloc: only mode='row' without size is available (as lift_alloc)")
    return _dispatch("autolift_alloc", proc, ("lift_alloc", lambda m: m(alloc_cursor, n_lifts, keep_dims)))


def delete_buffer(proc, buf_cursor):
    return _dispatch("delete_buffer", proc, ("delete_buffer", lambda m: m(buf_cursor)))


def reuse_buffer(proc, buf_cursor, replace_cursor):
    return _dispatch("reuse_buffer", proc, ("reuse_buffer", lambda m: m(buf_cursor, replace_cursor)),
                     ("data_reuse", lambda m: m(buf_cursor, replace_cursor)))


def inline_window(proc, winstmt_cursor):
    return _dispatch("inline_window", proc, ("inline_window", lambda m: m(winstmt_cursor)))


def stage_mem(proc, block_cursor, win_expr, new_buf_name, accum=False):
    _check_name("stage_mem", 3, "new_buf_name", new_buf_name)
    return _dispatch("stage_mem", proc, ("stage_mem", lambda m: m(block_cursor, win_expr, new_buf_name, accum)))


# --------------------------------------------------------------------------- #
# Loops
# --------------------------------------------------------------------------- #


def divide_with_recompute(proc, loop_cursor, outer_hi, outer_stride, new_iters):
    _check_pos_int("divide_with_recompute", 3, "outer_stride", outer_stride)
    return _dispatch("divide_with_recompute", proc,
                     ("divide_with_recompute", lambda m: m(loop_cursor, outer_hi, outer_stride, new_iters)))


def divide_loop(proc, loop_cursor, div_const, new_iters, tail="guard", perfect=False):
    _check_pos_int("divide_loop", 2, "div_const", div_const)
    if not isinstance(new_iters, (list, tuple)) or len(new_iters) != 2:
        _err("divide_loop", 3, "new_iters", "expected a list of length 2")
    for name in new_iters:
        _check_name("divide_loop", 3, "new_iters", name)
    if tail not in ("cut", "guard", "cut_and_guard"):
        _err("divide_loop", 4, "tail", "expected one of the following values: cut, guard, cut_and_guard", ValueError)
    _check_bool("divide_loop", 5, "perfect", perfect)
    iters = list(new_iters)
    return _dispatch("divide_loop", proc,
                     ("divide_loop", lambda m: m(loop_cursor, div_const, iters, tail=tail, perfect=perfect)),
                     ("split", lambda m: m(loop_cursor, div_const, iters, tail=tail, perfect=perfect)))


def mult_loops(proc, nested_loops, new_iter_name):
    _check_name("mult_loops", 2, "new_iter_name", new_iter_name)
    return _dispatch("mult_loops", proc, ("mult_loops", lambda m: m(nested_loops, new_iter_name)))


def join_loops(proc, loop1_cursor, loop2_cursor):
    return _dispatch("join_loops", proc, ("join_loops", lambda m: m(loop1_cursor, loop2_cursor)))


def cut_loop(proc, loop_cursor, cut_point):
    if isinstance(cut_point, int) and not isinstance(cut_point, bool):
        int_arg("cut_loop", 2, "cut_point", cut_point, 0, what="a non-negative integer")
    return _dispatch("cut_loop", proc, ("cut_loop", lambda m: m(loop_cursor, cut_point)),
                     ("partition_loop", lambda m: m(loop_cursor, cut_point)))


def shift_loop(proc, loop_cursor, new_lo):
    return _dispatch("shift_loop", proc, ("shift_loop", lambda m: m(loop_cursor, new_lo)))


def reorder_loops(proc, nested_loops):
    if not isinstance(nested_loops, (str, Cursor)):
        _err("reorder_loops", 1, "nested_loops",
             "expected a ForCursor, pattern match string, or 'outer_loop inner_loop' shorthand")
    # Procedure.reorder takes the same forms ("i j", a pattern, the outer loop).
    return _dispatch("reorder_loops", proc, ("reorder_loops", lambda m: m(nested_loops)),
                     ("reorder", lambda m: m(nested_loops)))


def merge_writes(proc, block_cursor):
    return _dispatch("merge_writes", proc, ("merge_writes", lambda m: m(block_cursor)))


def split_write(proc, stmt):
    return _dispatch("split_write", proc, ("split_write", lambda m: m(stmt)))


def fold_into_reduce(proc, assign):
    return _dispatch("fold_into_reduce", proc, ("fold_into_reduce", lambda m: m(assign)))


def inline_assign(proc, alloc_cursor):
    return _dispatch("inline_assign", proc, ("inline_assign", lambda m: m(alloc_cursor)))


def lift_reduce_constant(proc, block_cursor):
    return _dispatch("lift_reduce_constant", proc, ("lift_reduce_constant", lambda m: m(block_cursor)))


def _fission_stmt(fname, gap_cursor):
    before, after = _gap_statements(fname, gap_cursor)
    if before is None or after is None:
        _err(fname, 1, "gap_cursor", "expected cursor to point to a gap between statements, not at an edge",
             ValueError)
    return before


def fission(proc, gap_cursor, n_lifts=1, unsafe_disable_checks=False):
    _check_proc("fission", proc)
    _check_count("fission", 2, "n_lifts", n_lifts)
    stmt = _fission_stmt("fission", gap_cursor)
    return _dispatch("fission", proc, ("fission", lambda m: m(gap_cursor, n_lifts)),
                     ("fission_after", lambda m: m(stmt, n_lifts)))


def autofission(proc, gap_cursor, n_lifts=1):
    _check_count("autofission", 2, "n_lifts", n_lifts)
    return _dispatch("autofission", proc, ("autofission", lambda m: m(gap_cursor, n_lifts)))


def fuse(proc, stmt1, stmt2, unsafe_disable_check=False):
    return _dispatch("fuse", proc, ("fuse", lambda m: m(stmt1, stmt2)), ("fuse_loop", lambda m: m(stmt1, stmt2)))


def remove_loop(proc, loop_cursor, unsafe_disable_check=False):
    return _dispatch("remove_loop", proc, ("remove_loop", lambda m: m(loop_cursor)))


def add_loop(proc, block_cursor, iter_name, hi_expr, guard=False, unsafe_disable_check=False):
    _check_name("add_loop", 2, "iter_name", iter_name)
    return _dispatch("add_loop", proc, ("add_loop", lambda m: m(block_cursor, iter_name, hi_expr, guard)))


def unroll_loop(proc, loop_cursor):
    return _dispatch("unroll_loop", proc, ("unroll_loop", lambda m: m(loop_cursor)),
                     ("unroll", lambda m: m(loop_cursor)))


# --------------------------------------------------------------------------- #
# Guards
# --------------------------------------------------------------------------- #


def _scope_cursor(fname, proc, cursor):
    """The loop or if statement `cursor` denotes in `proc`: a cursor (of proc or of a
    procedure it was scheduled from), a loop name ("i", "i #1") or a pattern."""
    if isinstance(cursor, str):
        return proc.find_loop(cursor) if is_plain_name(cursor) else proc.find(cursor)
    if not isinstance(cursor, Cursor):
        _err(fname, 1, "scope_cursor", "expected a ForCursor or IfCursor")
    return proc.forward(cursor)


def lift_scope(proc, scope_cursor):
    _check_proc("lift_scope", proc)
    if hasattr(proc, "lift_scope"):
        return proc.lift_scope(scope_cursor)
    inner = _scope_cursor("lift_scope", proc, scope_cursor)
    if not isinstance(inner, (ForCursor, IfCursor)):
        _err("lift_scope", 1, "scope_cursor", "expected a ForCursor or IfCursor")
    outer = inner.parent()
    if outer.is_invalid():
        raise SchedulingError("lift_scope: cannot lift the scope of a top-level statement")
    if isinstance(inner, IfCursor):
        # An if moves out of the loop or if around it (lift_if checks the rest).
        return proc.lift_if(inner, 1)
    if isinstance(outer, ForCursor):
        # A loop lifted out of a loop: the two loops are interchanged.
        return proc.reorder(outer)
    # A loop lifted out of an if: the if moves inside the loop.
    return type(proc)(proc._handle.lift_loop_from_if(inner))


def eliminate_dead_code(proc, stmt_cursor):
    return _dispatch("eliminate_dead_code", proc, ("eliminate_dead_code", lambda m: m(stmt_cursor)))


def specialize(proc, block, conds):
    return _dispatch("specialize", proc, ("specialize", lambda m: m(block, conds)))


def add_unsafe_guard(proc, block_cursor, var_expr):
    return _dispatch("add_unsafe_guard", proc, ("add_unsafe_guard", lambda m: m(block_cursor, var_expr)))


__all__ = [
    "simplify", "rename", "make_instr",
    "insert_pass", "insert_noop_call", "delete_pass", "reorder_stmts", "parallelize_loop",
    "commute_expr", "left_reassociate_expr", "rewrite_expr", "bind_expr",
    "extract_subproc", "inline", "replace", "call_eqv",
    "set_precision", "set_window", "set_memory",
    "bind_config", "delete_config", "write_config",
    "resize_dim", "expand_dim", "rearrange_dim", "divide_dim", "mult_dim", "unroll_buffer",
    "lift_alloc", "sink_alloc", "autolift_alloc", "delete_buffer", "reuse_buffer", "inline_window", "stage_mem",
    "divide_with_recompute", "divide_loop", "mult_loops", "join_loops", "cut_loop", "shift_loop",
    "reorder_loops", "merge_writes", "split_write", "fold_into_reduce", "inline_assign",
    "lift_reduce_constant", "fission", "autofission", "fuse", "remove_loop", "add_loop", "unroll_loop",
    "lift_scope", "eliminate_dead_code", "specialize", "add_unsafe_guard",
]
