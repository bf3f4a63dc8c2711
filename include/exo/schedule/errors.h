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
// Wrong arguments raise Error(Api) with the reference's uniform wording:
// "argument 2, 'quot' to divide_loop: expected a positive integer". The kinds of
// arguments (a positive factor, a valid new name, one of the tail strings) are
// checked once, by the primitive records of the front end
// (python/src/sched_records.h); the primitives check only what depends on the
// proc (a dimension of this buffer, a gap of this block).

#include <string>

#include "exo/loopir.h"
#include "exo/schedule/cursor.h"

namespace exo {

// Throws Error(Scheduling). `where` may be Invalid (then nothing is marked).
[[noreturn]] void scheduling_error(const std::string& primitive, const Proc& current,
                                   const Cursor& where, const std::string& reason);

// The message body scheduling_error uses (for callers that add more context).
std::string format_scheduling_error(const std::string& primitive, const Proc& current,
                                    const Cursor& where, const std::string& reason);

// Source position of the statement/expression under a cursor (unknown if none).
SrcInfo cursor_srcinfo(const Proc& p, const Cursor& c);

// "argument <argno>, '<name>' to <primitive>: <msg>", as Error(Api).
[[noreturn]] void argument_error(const std::string& primitive, int argno, const std::string& name,
                                 const std::string& msg);

}  // namespace exo
