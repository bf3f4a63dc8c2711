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

#include <vector>

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

// Checks used by primitives' argument processing; each returns its value.
long long check_positive_int(const std::string& primitive, int argno, const std::string& name,
                             long long v);
long long check_nonneg_int(const std::string& primitive, int argno, const std::string& name,
                           long long v);
// One of `allowed` (e.g. tail in {"guard", "cut", "cut_and_guard"}).
std::string check_one_of(const std::string& primitive, int argno, const std::string& name,
                         const std::string& v, const std::vector<std::string>& allowed);
// A valid new identifier (not empty, [A-Za-z_][A-Za-z0-9_]*, not a Python keyword).
std::string check_identifier(const std::string& primitive, int argno, const std::string& name,
                             const std::string& v);

}  // namespace exo
