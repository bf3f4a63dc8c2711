#pragma once
// Errors and argument checks shared by all scheduling primitives.
//
// A refused rewrite raises Error(Scheduling) whose message names the primitive,
// says why, and shows the current proc with the offending statement marked:
//
//   divide_loop: cannot divide loop 'i' by 8 perfectly: 'n % 8 == 0' is not provable
//     at kernels.py:12:8
//   def foo(n: size, x: f32[n] @ DRAM):
//   >   for i in seq(0, n):  # <-- here
//           x[i] = 0.0
//
// Wrong arguments (a negative factor, an unknown name) raise Error(Api) with the
// reference's uniform wording: "argument 2, 'quot' to divide_loop: expected a
// positive integer".

#include <string>

#include "exo/cursor.h"
#include "exo/loopir.h"

namespace exo {

// Throws Error(Scheduling). `where` may be Invalid (then nothing is marked).
[[noreturn]] void scheduling_error(const std::string& primitive, const Proc& current, const Cursor& where,
                                   const std::string& reason);

// The message body scheduling_error uses (for callers that add more context).
std::string format_scheduling_error(const std::string& primitive, const Proc& current, const Cursor& where,
                                    const std::string& reason);

// Source position of the statement/expression under a cursor (unknown if none).
SrcInfo cursor_srcinfo(const Proc& p, const Cursor& c);

// "argument <argno>, '<name>' to <primitive>: <msg>", as Error(Api).
[[noreturn]] void argument_error(const std::string& primitive, int argno, const std::string& name,
                                 const std::string& msg);

// Checks used by primitives' argument processing; each returns its value.
long long check_positive_int(const std::string& primitive, int argno, const std::string& name, long long v);
long long check_nonneg_int(const std::string& primitive, int argno, const std::string& name, long long v);
// One of `allowed` (e.g. tail in {"guard", "cut", "cut_and_guard"}).
std::string check_one_of(const std::string& primitive, int argno, const std::string& name, const std::string& v,
                         const std::vector<std::string>& allowed);
// A valid new identifier (not empty, [A-Za-z_][A-Za-z0-9_]*, not a Python keyword).
std::string check_identifier(const std::string& primitive, int argno, const std::string& name,
                             const std::string& v);

}  // namespace exo

namespace exo {

// ---------------------------------------------------------------------------
// Loop and statement primitives (src/rewrite/loops*.cpp). Each takes the proc and
// references resolved with the matcher (exo/match.h), checks its safety
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
Rewrite reorder_stmts(const Proc& p, const std::string& first, const std::string& second);
Rewrite reorder_stmts(const Proc& p, const Cursor& first, const Cursor& second);

// Replaces a loop with constant bounds by one copy of its body per iteration
// (variables bound in the body are renamed apart in each copy).
Rewrite unroll_loop(const Proc& p, const std::string& loop);

// `for i in seq(0, hi)` -> `for io: for ii in seq(0, c)` with i = c*io + ii.
// tail: "guard" (an if in the inner loop), "cut" (a separate tail loop of hi % c
// iterations), "cut_and_guard" (the tail loop under `if hi % c > 0`). perfect:
// no tail, allowed only when hi % c == 0 is provable.
Rewrite split_loop(const Proc& p, const std::string& loop, long long c, const std::string& outer,
                   const std::string& inner, const std::string& tail = "guard", bool perfect = false);

// Interchanges a loop and the single loop that is its body. `loops` is "i j" or
// a reference to the outer loop. Refused when the inner bounds depend on the
// outer iterator, or when two iterations whose order the interchange swaps may
// touch a common element with at least one write (reductions commute; buffers
// allocated in the body are private to an iteration), or a config is written.
Rewrite reorder_loops(const Proc& p, const std::string& loops);

// Replaces a loop by one run of its body, when the body does not use the
// iterator and is idempotent (no reduction, nothing both read and written among
// the buffers and config fields declared outside it). The body is wrapped in
// `if lo < hi:` unless the loop provably runs at least once.
Rewrite remove_loop(const Proc& p, const std::string& loop);

}  // namespace exo
