#pragma once
// Loop and statement primitives: rename, delete_pass, reorder, unroll, split
// (divide_loop), remove, fuse, partition and cut, fission, lift_if, assert_if.

#include <string>

#include "exo/loopir.h"
#include "exo/schedule/cursor.h"
#include "exo/schedule/errors.h"  // every primitive's refusals

namespace exo {

// ---------------------------------------------------------------------------
// Loop and statement primitives (src/schedule/loops/). Each takes the proc and
// references resolved with the matcher (exo/schedule/match.h), checks its safety
// condition, and returns the new proc plus the cursor forwarding. Refusals are
// scheduling_error naming the primitive.
// ---------------------------------------------------------------------------

// The proc under a new name.
Rewrite rename_proc(const Proc& p, const std::string& new_name);

// Removes every `pass`; a loop or if left with nothing to do is removed too
// (the proc body keeps one `pass` if it becomes empty).
Rewrite delete_pass(const Proc& p);

// Swaps two adjacent statements (`second` must follow `first`) when they commute:
// no buffer or config field written by one is read, written or reduced by the
// other (two reductions commute; accesses at distinct constant indices do not
// conflict; calls are summarized by their callee's effects on the arguments), and
// neither declares a name the other uses.
Rewrite reorder_stmts(const Proc& p, const Cursor& first, const Cursor& second);

// Replaces a loop with constant bounds by one copy of its body per iteration
// (variables bound in the body are renamed apart in each copy).
Rewrite unroll_loop(const Proc& p, const Cursor& loop);

// `for i in seq(0, hi)` -> `for io: for ii in seq(0, c)` with i = c*io + ii.
// tail: "guard" (an if in the inner loop), "cut" (a separate tail loop of hi % c
// iterations), "cut_and_guard" (the tail loop under `if hi % c > 0`). perfect:
// no tail, allowed only when hi % c == 0 is provable.
Rewrite split_loop(const Proc& p, const Cursor& loop, long long c, const std::string& outer,
                   const std::string& inner, const std::string& tail = "guard",
                   bool perfect = false);

// Interchanges a loop and the single loop that is its body. `loops` is "i j" or
// a reference to the outer loop. Refused when the inner bounds depend on the
// outer iterator, or when two iterations whose order the interchange swaps may
// touch a common element with at least one write (reductions commute; buffers
// allocated in the body are private to an iteration), or a config is written.
Rewrite reorder_loops(const Proc& p, const std::string& loops);
// The outer loop as a cursor; `inner_name`, when not empty, must name the inner loop.
Rewrite reorder_loops(const Proc& p, const Cursor& outer, const std::string& inner_name = "");
Rewrite reorder_loops(const Proc& p, const Cursor& outer, const Cursor& inner);

// Replaces a loop by one run of its body, when the body does not use the
// iterator and is idempotent (no reduction, nothing both read and written among
// the buffers and config fields declared outside it). The body is wrapped in
// `if lo < hi:` unless the loop provably runs at least once.
Rewrite remove_loop(const Proc& p, const Cursor& loop);

// Moves a statement before the one preceding it: reorder_stmts(prev(stmt), stmt),
// with the same commuting condition.
Rewrite reorder_before(const Proc& p, const Cursor& stmt);

// Fuses two adjacent loops with provably equal bounds into one: body1, then
// body2 with its iterator renamed to loop1's. Safe when no iteration of body2
// conflicts with a later iteration of body1 (the pairs whose order fusion swaps):
// no location written by one is accessed by the other, reductions commuting with
// reductions. Also fuses two adjacent ifs with the same condition (and their
// else branches), when the first does not write a config field the condition reads.
Rewrite fuse_loop(const Proc& p, const Cursor& first, const Cursor& second);

// `for i in seq(lo, hi)` -> `for i in seq(lo, lo + num)` then `for i in seq(lo + num, hi)`.
// Refused unless hi - lo >= num is provable where the loop runs, and when the
// body writes a config field the upper bound reads (the second loop evaluates it
// after the first ran).
Rewrite partition_loop(const Proc& p, const Cursor& loop, long long num);

// exo-lang's cut_loop: `for i in seq(lo, hi)` -> `for i in seq(lo, cut)` then
// `for i in seq(cut, hi)`; `cut` is the iteration where the second loop starts
// (not an offset from lo). Refused unless lo <= cut <= hi is provable where the
// loop runs, and when the body writes a config field the cut point or hi reads.
Rewrite cut_loop(const Proc& p, const Cursor& loop, const Expr& cut);
Rewrite cut_loop(const Proc& p, const Cursor& loop, const std::string& cut);

// Splits the n_lifts loops (or if bodies) enclosing `stmt` right after it, from
// the innermost out: `for i: A; stmt; B` -> `for i: A; stmt` then `for i: B`. At
// a loop, safe when for iterations i < j, the part after at i does not conflict
// with the part before at j (reductions commute), and the loop bounds read no
// config field the first part writes. At an if, safe when the first part writes
// no config field its condition reads. Refused when the first part declares an
// allocation or window the second part uses (lift it first), or `stmt` is in an
// else branch. A level where one part is empty just moves the split point out.
Rewrite fission_after(const Proc& p, const Cursor& stmt, int n_lifts = 1);

// Moves an if out of its enclosing statement, n_lifts times. Out of a loop whose
// whole body it is: `for i: if c: A else: B` -> `if c: for i: A else: for i: B`,
// when c mentions neither the iterator nor a config field the body writes. Out
// of an if whose body (or else branch) it is alone: `if a: (if b: X else: Y)
// else: Z` -> `if b: (if a: X else: Z) else: (if a: Y else: Z)` (always safe:
// conditions have no effects).
Rewrite lift_if(const Proc& p, const Cursor& if_stmt, int n_lifts = 1);

// Replaces an if by its body (cond == true) or its else branch (cond == false).
// Refused unless the condition provably has that value wherever the if runs
// (preconditions, enclosing loop ranges and branch conditions).
Rewrite assert_if(const Proc& p, const Cursor& if_stmt, bool cond);

}  // namespace exo
