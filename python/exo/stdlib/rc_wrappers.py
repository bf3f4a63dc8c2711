"""exo.stdlib.rc_wrappers: primitives that also hand back cursors to what they
made. Each `op_(proc, ..., rc=False)` runs the primitive `op` and, with
rc=True, returns (proc, cursors) where the cursors object unpacks like a tuple."""

from __future__ import annotations

from dataclasses import dataclass

from ..API_cursors import (
    AllocCursor,
    BlockCursor,
    Cursor,
    ForCursor,
    IfCursor,
    InvalidCursor,
)
from ..API_scheduling import cut_loop, divide_loop, fission, reorder_loops, specialize, stage_mem
from .inspection import get_index_in_body


class _Unpackable:
    """Cursor records unpack in field order: `proc, (a, b) = op_(..., rc=True)`."""

    def __iter__(self):
        return iter([getattr(self, f) for f in self.__dataclass_fields__])


def reorder_loops_following(proc, outer):
    """reorder_loops of `outer` and the loop directly in it; returns (proc,
    the former outer loop, now inner, the former inner loop, now outer). The
    loops are told apart by their iterators, so this does not depend on
    whether forwarded cursors follow the loops or keep their positions."""
    outer = proc.forward(outer)
    name = outer.name()
    proc = reorder_loops(proc, outer)
    top = proc.forward(outer)
    if top.name() != name:  # the cursor kept its position
        return proc, top.body()[0], top
    return proc, top, top.parent()


@dataclass
class fission_cursors(_Unpackable):  # noqa: N801 (exo-lang's name)
    scope1: ForCursor | IfCursor
    scope2: ForCursor | IfCursor


def fission_(proc, gap, rc=False):
    """fission at `gap`; cursors: the scope holding the statements before the
    gap and the one holding those after it."""
    gap = proc.forward(gap)
    anchor = gap.anchor()
    anchor_is_before = anchor.after() == gap
    proc = fission(proc, gap)
    if not rc:
        return proc
    mine = proc.forward(anchor).parent()
    other = mine.next() if anchor_is_before else mine.prev()
    first, second = (mine, other) if anchor_is_before else (other, mine)
    return proc, fission_cursors(first, second)


@dataclass
class divide_loop_cursors(_Unpackable):  # noqa: N801
    outer_loop: ForCursor
    inner_loop: ForCursor
    tail_loop: ForCursor | InvalidCursor


def divide_loop_(proc, loop_cursor, div_const, tail="guard", rc=False):
    """divide_loop into `<i>o`/`<i>i`; tail="perfect" asks for an exact
    division. Cursors: outer, inner and tail loop (InvalidCursor if none)."""
    loop = proc.forward(loop_cursor)
    name = loop.name()
    perfect = tail == "perfect"
    proc = divide_loop(proc, loop, div_const, (name + "o", name + "i"),
                       tail="cut" if perfect else tail, perfect=perfect)
    if not rc:
        return proc
    outer = proc.forward(loop)
    inner = outer.body()[0]
    tail_loop = InvalidCursor() if perfect or tail == "guard" else outer.next()
    return proc, divide_loop_cursors(outer, inner, tail_loop)


@dataclass
class stage_mem_cursors(_Unpackable):  # noqa: N801
    alloc: AllocCursor
    load_stage: Cursor
    block: BlockCursor
    store_stage: Cursor


def stage_mem_(proc, block, buff, new_buff_name, accum=False, rc=False):
    """stage_mem; cursors: the new buffer's allocation, the statement loading
    it, the staged block and the statement storing it back. The first two are
    the two statements before the staged block, as exo-lang gives them: when
    the block overwrites the whole window nothing is loaded, so the second is
    the allocation and the first whatever precedes it (often invalid)."""
    if not isinstance(block, BlockCursor):
        block = proc.forward(block).as_block()
    first, last, n = block[0], block[-1], len(block)
    proc = stage_mem(proc, block, buff, new_buff_name, accum)
    if not rc:
        return proc
    first, last = proc.forward(first), proc.forward(last)
    staged = first.as_block().expand(0, n - 1)
    before = first.prev()
    return proc, stage_mem_cursors(before.prev(), before, staged, last.next())


@dataclass
class cut_loop_cursors(_Unpackable):  # noqa: N801
    loop1: ForCursor
    loop2: ForCursor


def cut_loop_(proc, loop, expr, rc=False):
    """cut_loop; cursors: the loop before the cut and the loop after it."""
    proc = cut_loop(proc, loop, expr)
    if not rc:
        return proc
    first = proc.forward(loop)
    return proc, cut_loop_cursors(first, first.next())


@dataclass
class specialize_cursors(_Unpackable):  # noqa: N801
    if_stmt: Cursor


def _stmt_at(proc, parent, in_orelse, index):
    if isinstance(parent, InvalidCursor):
        return proc.body()[index]
    parent = proc.forward(parent)
    return (parent.orelse() if in_orelse else parent.body())[index]


def _in_orelse(stmt):
    parent = stmt.parent()
    if not isinstance(parent, IfCursor) or isinstance(parent.orelse(), InvalidCursor):
        return False
    return any(s == stmt for s in parent.orelse())


def specialize_(proc, stmt, cond, rc=False):
    """specialize; cursor: the if statement that replaced `stmt`."""
    stmt = proc.forward(stmt)
    parent, index, in_orelse = stmt.parent(), get_index_in_body(proc, stmt), _in_orelse(stmt)
    proc = specialize(proc, stmt, cond)
    if not rc:
        return proc
    return proc, specialize_cursors(_stmt_at(proc, parent, in_orelse, index))


__all__ = [
    "fission_cursors", "fission_", "divide_loop_cursors", "divide_loop_",
    "stage_mem_cursors", "stage_mem_", "cut_loop_cursors", "cut_loop_",
    "specialize_cursors", "specialize_",
]
