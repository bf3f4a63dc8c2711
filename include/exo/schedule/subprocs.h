#pragma once
// Sub-procedure primitives: replace code by a call (by unification), inline a
// call, swap a callee for an equivalent proc, turn a proc into an instruction,
// extract a block into a new proc (src/schedule/subprocs/).
// Each returns the new proc and the cursor forwarding; refusals are
// scheduling_error naming the primitive.

#include <string>

#include "exo/schedule/cursor.h"
#include "exo/loopir.h"

namespace exo {

// Replaces the selected statements (a Stmt or Block cursor, or a pattern; a block
// longer than subproc's body is cut to its length) by a call to `subproc`, whose
// arguments are solved so that subproc's body, instantiated, is exactly the
// selected code: loops align one to one with equal bounds, statements in order,
// buffer accesses unify (a window argument accessed as dst[i] against A[jo, 8*k + i]
// becomes A[jo, 8*k:8*k + 8]), control arguments are solved as affine expressions
// of the variables at the site. Then, at the site: subproc's preconditions must be
// provable (stride(x, d) of a dense buffer is computed), the memories of the
// matched buffers must be (kinds of) the argument memories, and windows must be in
// bounds. With check_memories false a buffer may still live elsewhere, to be moved
// with set_memory afterwards (exo-lang's replace): C generation refuses a call
// whose buffer is in another memory than its argument declares.
Rewrite replace(const Proc& p, const Cursor& block, const Proc& subproc, bool check_memories = true);

// Replaces every statement (block of subproc's body length) that unifies with
// subproc's body and passes the site checks, outermost first, left to right.
// Finding no match is not an error (as in the reference): p comes back unchanged.
Rewrite replace_all(const Proc& p, const Proc& subproc);

// Inlines a call: the callee's body with its arguments substituted (window
// arguments become index arithmetic on the underlying buffer, sizes their values,
// the callee's locals fresh names). The callee's preconditions are dropped.
Rewrite inline_call(const Proc& p, const Cursor& call);

// Replaces the callee of a call by `eqv_proc`, which must have the same signature
// and be equivalent to it (exo/equivalence.h).
Rewrite call_eqv(const Proc& p, const Cursor& call, const Proc& eqv_proc);

// The proc as an @instr with C template `c_instr` (and `c_global` at file scope).
Rewrite make_instr(const Proc& p, const std::string& c_instr, const std::string& c_global = "");

// The block (a Stmt or Block cursor) becomes a new proc `name`, and a call to it
// replaces the block. Its parameters are the names defined outside the block
// that it uses, plus those their shapes use, in order of definition (proc
// arguments first, then enclosing loop iterators as `index`, allocations and
// windows in order): buffers keep their type and memory and are passed whole.
// With `include_asserts`, the subproc asserts the preconditions, enclosing loop
// ranges and branch conditions that mention only its parameters. Refused when
// two parameters may share storage (a buffer and a window of it).
struct ExtractedSubproc {
  Rewrite rewrite;  // the proc with the call
  Proc subproc;
};
ExtractedSubproc extract_subproc(const Proc& p, const Cursor& block, const std::string& name,
                                 bool include_asserts = true);

}  // namespace exo
