#pragma once
// Procedure-level edits: each is a pure function `Proc -> Proc` that checks its
// arguments, rewrites, and re-checks the result (bounds and preconditions).
// Failures are exo::Error naming the argument at fault.

#include <map>
#include <string>
#include <vector>

#include "exo/schedule/cursor.h"
#include "exo/loopir.h"
#include "exo/scope.h"

namespace exo {

// Binds control arguments (size, index, int, bool) to constants: they leave the
// signature and every use (shapes, preconditions, body) becomes the constant, with
// the constant arithmetic this produces folded (`4 * 2` prints as `8`). Booleans
// are given as 0/1. Refuses data and stride arguments (Scheduling), unknown names,
// and values of the wrong kind, e.g. a non-positive size (Api). The result is
// re-checked, so a value contradicting the preconditions is a Precondition error.
Proc partial_eval(const Proc& p, const std::map<std::string, long long>& values);
// Positional form: values for the leading arguments, in order.
Proc partial_eval(const Proc& p, const std::vector<long long>& values);

// Appends `assertion` (a boolean over the proc's control arguments, in Exo
// syntax) to the preconditions. Names other than the arguments (configs, constants)
// are resolved through `scope` (the builtins when null). A contradiction with the
// existing preconditions is a Precondition error.
Proc add_assertion(const Proc& p, const std::string& assertion, const Scope* scope = nullptr);
// The same with an already typechecked predicate.
Proc add_assertion(const Proc& p, const Expr& assertion);

// Swaps the two dimensions of the 2-D tensor argument `arg`: its shape, every
// access, and `stride(arg, d)`. Refuses (Scheduling) when the buffer is windowed
// or passed whole to a call, whose meaning depends on the dimension order.
Proc transpose(const Proc& p, const std::string& arg);


// ---------------------------------------------------------------------------
// Cleanup primitives (src/schedule/cleanup/, buffers/set_attrs.cpp). Each returns the
// new proc and the cursor forwarding.
// ---------------------------------------------------------------------------

// Simplifies index, size and boolean arithmetic (never data arithmetic, whose
// rounding depends on the order of operations) and removes dead code, using the
// facts known at each statement: preconditions, positive sizes, enclosing loop
// ranges and branch conditions (conditions on config fields are not used).
//  - affine index expressions collect like terms and print as the reference
//    does: the constant first, then terms by increasing coefficient
//    (`i + 1 - 1` -> `i`, `2 * i + 3 * i` -> `5 * i`, `i + 3` -> `3 + i`);
//  - `e / c` and `e % c` drop the parts that provably do not matter
//    (`(8 * io + ii) / 8` -> `io` when 0 <= ii < 8), `(x / a) / b` -> `x / (a*b)`,
//    `x % c + c * (x / c)` -> `x`; constants fold (`4 * 2` -> `8`, `n > 0 and True`
//    -> `n > 0`); inside `if X == c:` the expression X reads as c;
//  - an `if` whose condition folds to a constant is replaced by the branch
//    taken; a loop with constant bounds that never runs, or whose body
//    simplified away, is removed; preconditions that became `True` are dropped.
//    That is exo-lang's rule (eliminate_dead_code decides one statement with the
//    range analysis). With `remove_proved_dead_code`, every `if` the analysis
//    decides (preconditions, positive sizes, loop ranges, enclosing conditions)
//    and every loop it proves empty go too.
// Statement cursors follow their statement (into the branch that replaced its
// `if`); cursors to removed code become Invalid.
Rewrite simplify(const Proc& p, bool remove_proved_dead_code = false);

// The buffer (tensor or data scalar) an attribute primitive changes: an argument
// given by name, or an allocation given by a reference ("x", "x #1", "x : _")
// resolved with find_alloc. `name` is tried as an argument first.
struct BufferRef {
  int arg = -1;      // index into p->args, or -1
  Cursor alloc;      // the Alloc statement when arg < 0
};
BufferRef find_buffer(const std::string& primitive, const Proc& p, const std::string& name);

// The buffer's element type becomes `type` (f16 f32 f64 i8 ui8 ui16 i32, or R):
// its declaration and every read, write, reduction and window of it. This changes
// the numeric meaning of the program on purpose (rounding, range); expressions
// combining it keep their written form and C performs the usual conversions.
// Refused when it is not a data buffer, or when it (or a window of it) is passed
// to a call whose parameter has a different precision.
Rewrite set_precision(const Proc& p, const BufferRef& buf, ScalarKind type);

// A tensor argument becomes a window argument `[f32][n]` (is_window) or a dense
// tensor again; the C calling convention changes to the window struct (or the
// plain pointer). Refused for allocations (as the reference: only arguments are
// windows), for scalars, and, when making it a window, for buffers passed whole to
// a call whose parameter is not a window. The result is re-checked.
Rewrite set_window(const Proc& p, const BufferRef& buf, bool is_window);

// The memory of an allocation or data argument becomes `mem`. The memory's hooks
// run when C is generated: a memory that refuses the buffer (shape, writes) is an
// Error(MemGen) then, pointing at the allocation or access.
Rewrite set_memory(const Proc& p, const BufferRef& buf, const MemoryPtr& mem);

}  // namespace exo
