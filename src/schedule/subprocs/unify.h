#pragma once
// Unification of a sub-procedure's body with a block of code (used by replace).
//
// The subproc's body is a pattern whose unknowns are its arguments. Unifying it
// with the selected block solves each argument as an expression over the
// variables at the call site, so that the body with the arguments substituted is
// the selected code: loops align one to one (iterators mapped, bounds equal),
// statements align in order, data expressions match node for node, and index
// expressions match as affine forms (an integer linear system over the unknowns:
// control arguments, window offsets and points; coefficients of the block's own
// loop iterators must agree exactly). No solver is involved: this is structural;
// equalities it cannot settle structurally come back as site conditions.

#include <map>
#include <string>
#include <vector>

#include "exo/loopir.h"

namespace exo::rewrite_detail {

// What the site knows about a buffer name: its type and memory, and for a window
// statement `w = A[...]` the buffer it aliases and which dimension of A each
// dimension of w is.
struct SiteBuffer {
  Type type;
  MemoryPtr mem;
  Sym base;                    // invalid unless an alias
  std::vector<int> base_dims;  // alias only
};
using SiteBuffers = std::map<Sym, SiteBuffer>;

// Every argument, allocation and window statement of p.
SiteBuffers site_buffers(const Proc& p);

// How a buffer argument of the subproc was bound: to `buf`, through a window whose
// coordinate d is a point (lo) or the interval [lo, hi).
struct BufferBinding {
  size_t arg = 0;  // index in subproc->args
  Sym buf;
  std::vector<WAccess> window;
};

struct Unification {
  std::string failure;             // empty on success: why the code does not match
  std::vector<Expr> args;          // the call's arguments, in subproc's order
  std::vector<BufferBinding> buffers;
  // Index equalities over the code's own variables that the match assumes
  // (`M == 5` where the subproc's loop runs to 5 and the code's to M), each
  // with the mismatch it stands for: the call site must prove them.
  std::vector<std::pair<Expr, std::string>> site_conditions;
  bool ok() const { return failure.empty(); }
};

// Unifies subproc's body with `target` (exactly as many statements).
Unification unify_block(const Proc& subproc, const Block& target, const SiteBuffers& site);

}  // namespace exo::rewrite_detail

namespace exo::rewrite_detail {
// stride(buf, dim) at the site: computed for dense buffers (row-major) and
// windows of them; a `stride(...)` expression for window arguments.
Expr site_stride(const SiteBuffers& site, const Sym& buf, int dim);
}  // namespace exo::rewrite_detail
