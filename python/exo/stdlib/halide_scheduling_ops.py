"""exo.stdlib.halide_scheduling_ops: Halide's scheduling vocabulary (compute_at,
store_at, tile, split, ...) written over the primitives.

What these assume of a pipeline (as Halide's own model does): buffer names are
unique; producer and consumer loop nests sit at the top level; a consumer reads
a contiguous window of its producer; each loop walks one buffer dimension, and
the loops along one dimension nest from the largest stride to the smallest.
Every step is a primitive, so a step the compiler cannot prove safe is refused.
"""

from __future__ import annotations

from .._core import SchedulingError
from ..API_cursors import AllocCursor, AssignCursor, ForCursor, ReadCursor
from ..API_scheduling import (
    cut_loop,
    delete_buffer,
    divide_loop,
    divide_with_recompute,
    fuse,
    inline_assign,
    parallelize_loop,
    reorder_loops,
    reorder_stmts,
    resize_dim,
    rewrite_expr,
    shift_loop,
    simplify,
    sink_alloc,
)
from ..procedure import Procedure
from .inspection import (
    expr_to_string,
    get_enclosing_loop,
    get_enclosing_loop_by_name,
    get_parents,
    is_literal,
    lrn,
    match_parent,
)
from .range_analysis import bounds_inference
from .rc_wrappers import reorder_loops_following


def _names_read(proc, expr):
    return [c.name() for c in lrn(proc, expr) if isinstance(c, ReadCursor)]


def _reads_of(proc, scope, buffer_name):
    return [c for c in lrn(proc, scope) if isinstance(c, ReadCursor) and c.name() == buffer_name]


def get_affected_read_dim(buffer_name: str, loop: ForCursor) -> int:
    """The index of `buffer_name` that `loop`'s iterator appears in, over the
    reads of it in `loop`; ValueError if it appears in several or none."""
    proc = loop.proc()
    dims = set()
    for read in _reads_of(proc, loop, buffer_name):
        for k, idx in enumerate(read.idx()):
            if loop.name() in _names_read(proc, idx):
                dims.add(k)
    if len(dims) != 1:
        what = "multiple indices" if dims else "no index"
        raise ValueError(f"{loop.name()} affects {what} of {buffer_name}")
    return dims.pop()


def _divide_with_recompute(proc, loop, outer_hi, outer_stride, new_iters):
    """divide_with_recompute, unless it leaves an inner loop of one iteration
    (then the procedure is returned unchanged)."""
    out = simplify(divide_with_recompute(proc, loop, outer_hi, outer_stride, new_iters))
    if is_literal(out, out.forward(loop).body()[0].hi(), 1):
        return proc
    return out


def _index_text(e):
    """Exo text of an index expression of the procedure view (get_ast())."""
    if e.node == "Read" and not e.idx:
        return e.name
    if e.node == "Const":
        return str(e.val)
    if e.node == "USub":
        return f"-({_index_text(e.arg)})"
    if e.node == "BinOp":
        return f"({_index_text(e.lhs)}) {e.op} ({_index_text(e.rhs)})"
    raise ValueError(f"not an index expression: {e.node}")


def _simplify_with_preds(proc):
    """simplify, after replacing each expression a precondition fixes to a
    constant (`assert e == c`) by that constant (rewrite_expr checks it)."""
    for pred in proc.get_ast().preds:
        if pred.node != "BinOp" or pred.op != "==" or pred.rhs.node != "Const":
            continue
        try:
            proc = rewrite_expr(proc, _index_text(pred.lhs), pred.rhs.val)
        except (SchedulingError, ValueError):
            pass  # the expression does not occur (any more), or is not an index
    return simplify(proc)


# --------------------------------------------------------------------------- #
# Scheduling operations


def compute_at(proc: Procedure, producer_assign: AssignCursor, target_loop: ForCursor,
               with_prologue: bool = False):
    """Computes, inside `target_loop` of the consumer nest, the producer values
    that its iterations read, by fusing the producer's loops into the
    consumer's one level at a time (outermost first).

    Without prologue each level is divided with recomputation (overlapping
    windows are computed again). With prologue the values read by the first
    iteration are computed before the loop and each iteration computes only
    the new ones (a sliding window)."""
    producer_assign = proc.forward(producer_assign)
    target_loop = proc.forward(target_loop)
    producer = producer_assign.name()

    _, top = match_parent(producer_assign, target_loop)
    levels = [target_loop] + list(get_parents(proc, target_loop, up_to=top))
    for c_loop in reversed(levels):
        producer_assign = proc.forward(producer_assign)
        c_loop = proc.forward(c_loop)

        dim = get_affected_read_dim(producer, c_loop)
        bounds = bounds_inference(c_loop, producer, dim, include=["R"])
        consumer_hi = expr_to_string(c_loop.hi())

        # the producer loop walking the same dimension
        dim_vars = _names_read(proc, producer_assign.idx()[dim])
        p_loop, _ = match_parent(producer_assign, c_loop)
        while p_loop.name() not in dim_vars:
            p_loop = p_loop.body()[0]

        # bring it up to the consumer loop's level, right before it
        while p_loop.parent() != c_loop.parent():
            proc, _, p_loop = reorder_loops_following(proc, p_loop.parent())
            c_loop = proc.forward(c_loop)
        while p_loop.next() != c_loop:
            proc = reorder_stmts(proc, p_loop.expand(0, 1))
            p_loop, c_loop = proc.forward(p_loop), proc.forward(c_loop)

        if not with_prologue:
            stride = bounds.get_stride_of(c_loop.name())
            iters = [c_loop.name(), c_loop.name() + "i"]
            proc = _divide_with_recompute(proc, p_loop, consumer_hi, stride, iters)
            proc = fuse(proc, p_loop, c_loop, unsafe_disable_check=True)
        else:
            window = bounds.get_size()
            proc = cut_loop(proc, p_loop, window - 1)
            main = proc.forward(p_loop).next()
            # the assignment followed from now on is the one of the main loop
            producer_assign = main.find(f"{producer} = _")
            proc = shift_loop(proc, main, 0)
            main = proc.forward(main)
            proc = fuse(proc, main, main.next())
        proc = _simplify_with_preds(proc)
    return proc


def store_at(proc: Procedure, producer_alloc: AllocCursor, target_loop: ForCursor):
    """Moves the producer's allocation into `target_loop`, level by level,
    shrinking each dimension to the window one iteration writes."""
    producer_alloc = proc.forward(producer_alloc)
    target_loop = proc.forward(target_loop)
    producer = producer_alloc.name()

    top, _ = match_parent(target_loop, producer_alloc)
    loops = list(get_parents(proc, target_loop, up_to=top))[::-1] + [target_loop]
    for loop in loops:
        loop = proc.forward(loop)
        producer_alloc = proc.forward(producer_alloc)
        dim = get_affected_read_dim(producer, loop)
        bounds = bounds_inference(loop, producer, dim)
        lo, _ = bounds.get_bounds()
        size = bounds.get_size()
        while producer_alloc.next() != loop:
            proc = reorder_stmts(proc, producer_alloc.expand(0, 1))
            producer_alloc, loop = proc.forward(producer_alloc), proc.forward(loop)
        proc = sink_alloc(proc, producer_alloc)
        proc = resize_dim(proc, producer_alloc, dim, size, lo)
        proc = simplify(proc)
    return simplify(proc)


def compute_and_store_at(proc: Procedure, producer: str, target_loop: ForCursor):
    """compute_at followed by store_at at the same loop (what Halide's
    compute_at means without a store_at)."""
    target_loop = proc.forward(target_loop)
    first = target_loop.body()[0]
    proc = compute_at(proc, proc.find(f"{producer} = _"), target_loop)
    target_loop = proc.forward(first).parent()
    return store_at(proc, proc.find(f"{producer} : _"), target_loop)


def tile(proc: Procedure, i_loop: ForCursor, j_loop: ForCursor, new_i_iters, new_j_iters,
         i_tile_size: int, j_tile_size: int, perfect: bool = True):
    """Tiles the loop pair i, j (j directly in i): i_o, j_o, i_i, j_i."""
    i_loop, j_loop = proc.forward(i_loop), proc.forward(j_loop)
    if j_loop.parent() != i_loop:
        raise SchedulingError("tile: j_loop must be directly inside i_loop")
    if not perfect:
        raise SchedulingError("tile: only perfect tiling is supported")
    proc = divide_loop(proc, i_loop, i_tile_size, new_i_iters, perfect=True)
    proc = divide_loop(proc, j_loop, j_tile_size, new_j_iters, perfect=True)
    return reorder_loops(proc, proc.forward(i_loop).body()[0])


def split(proc: Procedure, loop: ForCursor, o_iter: str, i_iter: str, split_factor: int, tail: str):
    """divide_loop with Halide's tail names: "perfect", "cut", "guard", "cut_and_guard"."""
    loop = proc.forward(loop)
    if tail == "perfect":
        return divide_loop(proc, loop, split_factor, [o_iter, i_iter], perfect=True)
    return divide_loop(proc, loop, split_factor, [o_iter, i_iter], tail=tail)


# --------------------------------------------------------------------------- #
# Halide-style interface: stages and loops named by text


def _stage_loop(p, stage, loop_name):
    return get_enclosing_loop_by_name(p, p.find(f"{stage} = _"), loop_name)


def halide_tile(p, buffer, y, x, yi, xi, yTile, xTile):  # noqa: N803 (Halide's names)
    return tile(p, _stage_loop(p, buffer, y), _stage_loop(p, buffer, x), [y, yi], [x, xi],
                yTile, xTile, perfect=True)


def halide_split(p, stage: str, x: str, xo: str, xi: str, split_factor: int, tail: str = "perfect"):
    return split(p, _stage_loop(p, stage, x), xo, xi, split_factor, tail)


def halide_compute_at(p, producer: str, consumer: str, loop: str, with_prologue: bool = True):
    return compute_at(p, p.find(f"{producer} = _"), _stage_loop(p, consumer, loop),
                      with_prologue=with_prologue)


def halide_store_at(p, producer: str, consumer: str, loop: str):
    return store_at(p, p.find(f"{producer} : _"), _stage_loop(p, consumer, loop))


def halide_compute_and_store_at_same(p, producer: str, consumer: str, loop: str):
    return compute_and_store_at(p, producer, _stage_loop(p, consumer, loop))


def halide_compute_and_store_at(p, producer: str, consumer: str, compute_loop: str, store_loop: str):
    """Stores the producer at `store_loop` and computes it at `compute_loop`
    (inside it) as a sliding window."""
    p = halide_compute_and_store_at_same(p, producer, consumer, store_loop)
    return compute_at(p, p.find(f"{producer} = _"), _stage_loop(p, consumer, compute_loop),
                      with_prologue=True)


def halide_fully_inline(p, producer: str, consumer: str):
    """Replaces the consumer's read of the producer by the producer's
    expression (the consumer must read one producer value per iteration)."""
    p = compute_and_store_at(p, producer, get_enclosing_loop(p, p.find(f"{consumer} = _")))
    p = inline_assign(p, p.find(f"{producer} = _"))
    return delete_buffer(p, p.find(f"{producer}: _"))


def halide_parallel(p, loop: str):
    return parallelize_loop(p, p.find_loop(loop))


__all__ = [
    "compute_at", "store_at", "compute_and_store_at", "tile", "split",
    "halide_tile", "halide_split", "halide_compute_at", "halide_store_at",
    "halide_compute_and_store_at_same", "halide_compute_and_store_at",
    "halide_fully_inline", "halide_parallel",
]
