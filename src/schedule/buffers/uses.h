#pragma once
// The uses of one allocation within its scope, and re-indexing them: shared by
// resize_dim, unroll_buffer, sink_alloc and delete_buffer.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "exo/schedule/cursor.h"
#include "exo/ir_mutator.h"
#include "exo/loopir.h"

namespace exo::buffers_detail {

// One mention of buffer x.
struct BufUse {
  enum Kind {
    Read,       // x[idx] read
    Write,      // x[idx] = ...
    Reduce,     // x[idx] += ...
    Window,     // x[coords] as a window (call argument or window statement)
    WholeCall,  // x passed whole to a call
    Stride,     // stride(x, d)
  } kind;
  std::vector<WAccess> coords;  // element accesses: points; windows: as written
  StmtPath path;                // the statement
  bool call_arg = false;        // a window passed directly to a call
  bool named = false;           // a window statement `y = x[...]`
  std::string text;             // for diagnostics
};

// Every mention of x in the statements at and after `from` in its block
// (nested statements included), in program order.
std::vector<BufUse> uses_from(const Proc& p, const StmtPath& from, const Sym& x);
// The same for the statements after the allocation at `alloc`.
std::vector<BufUse> uses_after(const Proc& p, const StmtPath& alloc, const Sym& x);

// Rewrites every access of x: `fn` gets the coordinates (points for element
// accesses) and returns the buffer and coordinates to use instead.
class RetargetAccesses : public IRMutator {
 public:
  using Fn = std::function<std::pair<Sym, std::vector<WAccess>>(const std::vector<WAccess>&)>;
  RetargetAccesses(Sym x, Fn fn) : x_(std::move(x)), fn_(std::move(fn)) {}
  Expr mutate(const Expr& e) override;
  Block mutate_stmt(const Stmt& s) override;

 private:
  Sym x_;
  Fn fn_;
};

// The enclosing loops (outermost first) and branch conditions of the statement
// at `path`, as exo::Access fields (see exo/effects.h).
struct PathContext {
  std::vector<Sym> iters;
  std::vector<Expr> lo, hi;
  std::vector<std::pair<Expr, bool>> conds;  // condition, holds (false in else branches)
  std::vector<size_t> loop_prefix;           // path length of each loop's statement
};
PathContext path_context(const Proc& p, const StmtPath& path);

// Re-checks bounds and callee preconditions of a rewritten proc; a failure is a
// scheduling error of `prim` (the rewrite would leave an unchecked program).
// With `touched`, for a rewrite that changed only the uses of those buffers.
void recheck(const char* prim, const Proc& before, const Cursor& where, const Proc& after,
             const std::set<Sym>* touched = nullptr);

}  // namespace exo::buffers_detail
