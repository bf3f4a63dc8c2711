#pragma once
// Helpers shared by the buffer primitives (stage_mem, alloc_shape, buffer_reuse).
#include <functional>
#include <string>
#include <vector>

#include "exo/schedule/cursor.h"
#include "exo/loopir.h"

namespace exo::buffers_detail {

// Calls f on every statement of b (pre-order) with its path; `prefix` is the path
// of the statement owning b plus the step entering b (its index is overwritten).
void walk_paths(const Block& b, const StmtPath& prefix, const std::function<void(const Stmt&, const StmtPath&)>& f);

// An index expression typed against the names visible at `path` (arguments,
// enclosing loop iterators, allocations and windows declared before it).
// Parse/type errors become argument errors of `prim`.
Expr parse_index_at(const char* prim, int argno, const char* argname, const Proc& p, const StmtPath& path,
                    const std::string& text);
// The same for a boolean control expression (a guard condition).
Expr parse_bool_at(const char* prim, int argno, const char* argname, const Proc& p, const StmtPath& path,
                   const std::string& text);

// `A[i, 0:8]` (or `A`, the whole buffer) typed at `path`: the buffer and one
// coordinate per dimension (omitted slice bounds filled in from the shape).
struct ParsedWindow {
  Sym buf;
  Type type;  // the buffer's type
  std::vector<WAccess> coords;
};
ParsedWindow parse_window_at(const char* prim, int argno, const char* argname, const Proc& p, const StmtPath& path,
                             const std::string& text);

// Affine normalization of an index expression: `8*io + 8 - 8*io` -> `8`. Non-affine
// parts are kept (constants folded).
Expr simplify_index(const Expr& e);
Expr add_index(const Expr& a, const Expr& b);  // simplified a + b
Expr sub_index(const Expr& a, const Expr& b);  // simplified a - b
Expr all_of(const std::vector<Expr>& es);      // conjunction (True when empty)

// "A[i, k + 1]" for diagnostics.
std::string access_text(const Sym& buf, const std::vector<Expr>& idx);

// The allocation under `c`, or a scheduling error.
const AllocNode* locate_alloc(const char* prim, const Proc& p, const Cursor& c);


// Forwarding of an insertion of `before` statements ahead of statements
// [first, first+count) and `after` statements behind them: cursors into the range
// shift with it, the rest move as in a splice.
Forward forward_wrap_around(const StmtPath& first, int count, int before, int after);

}  // namespace exo::buffers_detail
