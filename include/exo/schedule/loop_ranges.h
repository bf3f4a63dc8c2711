#pragma once
// Loop range and guard primitives (src/schedule/loops/ranges.cpp, recompute.cpp):
// parallelize_loop, shift_loop, join_loops, mult_loops, insert_pass,
// eliminate_dead_code, specialize, add_unsafe_guard, add_loop, autofission,
// divide_with_recompute. Each takes the proc and resolved cursors, checks its
// safety condition, and returns the new proc plus the cursor forwarding.
// Expression arguments given as text are typed at the statement they refer to
// (the names visible just before it); bad text is an argument error (Api).

#include <string>
#include <vector>

#include "exo/schedule/cursor.h"
#include "exo/loopir.h"

namespace exo {

// `for i in seq(..)` becomes `for i in par(..)`. Refused unless distinct
// iterations are independent: no location written (or reduced) by one iteration
// is read, written or reduced by another (two reductions of one location race
// too). Buffers allocated in the body are private to an iteration.
Rewrite parallelize_loop(const Proc& p, const Cursor& loop);

// `for i in seq(lo, hi): s` -> `for i in seq(new_lo, new_lo + (hi - lo)): s[i -> i + (lo -
// new_lo)]`. Refused unless new_lo >= 0 is provable, or when the body writes a config field the
// bounds (or new_lo) read, which the body would then see changed.
Rewrite shift_loop(const Proc& p, const Cursor& loop, const Expr& new_lo);
Rewrite shift_loop(const Proc& p, const Cursor& loop, const std::string& new_lo);

// `for i in seq(lo, mid): s` then `for j in seq(mid', hi): s'` -> `for i in seq(lo, hi): s`
// when loop2 directly follows loop1, mid == mid' and lo <= mid <= hi are provable,
// the bodies are equal up to the iterator and locally bound names, the loop
// modes agree, and the bodies write no config field the bounds read.
Rewrite join_loops(const Proc& p, const Cursor& loop1, const Cursor& loop2);

// `for i in seq(0, e): for j in seq(0, c): s` (c a constant) ->
// `for k in seq(0, e * c): s[i -> k / c, j -> k % c]` (same iteration order).
// The result is a par loop only when both loops were.
Rewrite mult_loops(const Proc& p, const Cursor& outer, const std::string& new_iter);

// Inserts `pass` at a gap. Always accepted.
Rewrite insert_pass(const Proc& p, const Cursor& gap);

// An if whose condition is provably true (false) wherever it runs becomes its
// body (else branch; nothing if there is none); a loop that provably never runs
// (hi <= lo) is removed. Refused otherwise. A block left empty keeps a `pass`.
Rewrite eliminate_dead_code(const Proc& p, const Cursor& stmt);

// A block B becomes `if c0: B elif c1: B ... else: B`, each copy with fresh local
// names. Always equivalent; refused when B declares a buffer or window used after
// it (the copies would hide it).
Rewrite specialize(const Proc& p, const Cursor& block, const std::vector<Expr>& conds);
Rewrite specialize(const Proc& p, const Cursor& block, const std::vector<std::string>& conds);

// Wraps the block in `if cond:`. UNSAFE, as its name says (and as in the
// reference): nothing checks that skipping the block when cond is false keeps
// the results (e.g. a load made redundant by an earlier iteration). Use
// specialize or eliminate_dead_code for checked guards.
Rewrite add_unsafe_guard(const Proc& p, const Cursor& block, const Expr& cond);
Rewrite add_unsafe_guard(const Proc& p, const Cursor& block, const std::string& cond);

// Wraps a block in `for iter in seq(0, hi)` (with guard: its body is
// `if iter == 0: block`). Refused unless hi > 0 is provable; without guard,
// also unless the block is idempotent: no reduction and no location both read
// and written among buffers and config fields declared outside it. Refused when
// the block declares a buffer or window used after it.
Rewrite add_loop(const Proc& p, const Cursor& block, const std::string& iter, const Expr& hi,
                 bool guard);
Rewrite add_loop(const Proc& p, const Cursor& block, const std::string& iter, const std::string& hi,
                 bool guard);

// fission at a gap (between two statements of one block), lifted n_lifts levels as
// fission_after does (same safety checks; lifting stops at the proc body, as in the
// reference), and then a loop copy whose part does not use the iterator, is
// idempotent and provably runs at least once is replaced by its body. Refused (Api)
// when the gap is at the edge of its block.
Rewrite autofission(const Proc& p, const Cursor& gap, int n_lifts = 1);

// `for i in seq(0, hi): s` -> `for io in seq(0, outer_hi): for ii in
// seq(0, outer_stride + (hi - outer_hi * outer_stride)): s[i -> outer_stride * io + ii]`:
// the inner loops overlap, so some iterations run again. Refused unless the loop
// starts at 0 and is seq, outer_hi >= 1 and hi - outer_hi * outer_stride >= 0 are
// provable, and the body is idempotent (as for add_loop; then repeating or
// reordering iterations keeps the last write to each location).
Rewrite divide_with_recompute(const Proc& p, const Cursor& loop, const Expr& outer_hi,
                              long long outer_stride, const std::string& outer,
                              const std::string& inner);
Rewrite divide_with_recompute(const Proc& p, const Cursor& loop, const std::string& outer_hi,
                              long long outer_stride, const std::string& outer,
                              const std::string& inner);

}  // namespace exo
