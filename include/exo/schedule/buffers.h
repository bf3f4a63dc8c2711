#pragma once
// Buffer primitives ("Scheduling II"): staging a window into a new buffer,
// binding expressions, and changing where and how allocations live. Each checks
// its safety condition and returns the new proc plus cursor forwarding; refusals
// are scheduling_error naming the primitive, the code and the reason.
#include <optional>
#include <string>
#include <vector>

#include "exo/schedule/cursor.h"
#include "exo/loopir.h"

namespace exo {

// The statements of `block` (a Stmt or Block cursor) access the window
// `win_expr` of a buffer (`A[i, 0:8]`, `C[8*io:8*io+8, 0:16]`; bounds are index
// expressions over names visible at the block) only through a new buffer
// `new_name : T[extents] @ DRAM`: allocated before the block, loaded from the
// window, and stored back if the block writes it (a read-only block is not; a
// block that writes is loaded too, since the store copies the whole window back).
// The window is loaded before the block and stored back after it; with `accum`
// (the block must only reduce into the window) it is zero-initialised instead and
// added back (`A[..] += new[..]`), which needs no load. Refused when the window is not provably inside the
// buffer, when some access of the block is not provably inside the window, or
// when the block reaches the buffer's storage through another name.
Rewrite stage_mem(const Proc& p, const Cursor& block, const std::string& win_expr, const std::string& new_name,
                  bool accum = false);
// The Block cursor from statement `first` to statement `last` (same block, in order).
Cursor stmt_range(const Proc& p, const Cursor& first, const Cursor& last);

// Binds the expression at `exprs` (equal data expressions; the first decides
// where) to a new scalar `new_name`, assigned just before the first occurrence's
// statement; every listed occurrence reads the new scalar. With `cse`, equal
// occurrences in the following statements of that block are replaced too, up to
// the first statement that writes something the expression reads. Refused when
// an occurrence may see a value written after the binding.
Rewrite bind_expr(const Proc& p, const std::vector<Cursor>& exprs, const std::string& new_name, bool cse = false);
// `pattern` selects all its matches (an expression pattern such as "A[i, k] * 2.0").
Rewrite bind_expr(const Proc& p, const std::string& pattern, const std::string& new_name, bool cse = false);

// Adds a leading dimension of extent `alloc_dim` to the allocation; every access
// x[idx] becomes x[indexing, idx]. Both are index expressions over names visible
// at the allocation. Refused unless alloc_dim > 0 and 0 <= indexing < alloc_dim
// are provable wherever x is used.
Rewrite expand_dim(const Proc& p, const Cursor& alloc, const std::string& alloc_dim, const std::string& indexing);

// Permutes the allocation's dimensions: new dimension k is old dimension perm[k]
// (x : T[N, M, K] with [2, 0, 1] becomes T[K, N, M]); accesses follow. Refused
// when perm is not a permutation, and when x is windowed or passed whole (the
// window's or callee's dimension order would change).
Rewrite rearrange_dim(const Proc& p, const Cursor& alloc, const std::vector<int>& perm);

// Moves the allocation out of `n_lifts` enclosing loops/ifs, placing it just
// before the statement it leaves. With `keep_dims`, lifting out of a loop with a
// constant trip count c adds a leading dimension c indexed by `iter - lo`, so each
// iteration keeps its own copy. Refused when the sizes depend on the loop's
// iterator, when there is no enclosing statement, and out of a `par` loop without
// keep_dims (iterations would share one buffer).
Rewrite lift_alloc(const Proc& p, const Cursor& alloc, int n_lifts = 1, bool keep_dims = false);

// exo-lang's autolift_alloc: lifts out of `n_lifts` enclosing statements at once.
// With `keep_dims`, each lifted loop whose iterator the buffer's values depend on
// adds a dimension indexed by the iterator, of extent its upper bound (`hi + 1`
// when symbolic, as exo-lang sizes it) or `size`; new dimensions go first
// (`col`: last). Refused when an extent is not provably positive, an iterator may
// be negative, `size` is below a loop's bound, or as lift_alloc.
Rewrite autolift_alloc(const Proc& p, const Cursor& alloc, int n_lifts, bool col, std::optional<long long> size,
                       bool keep_dims);

// Removes buf2's allocation and renames its uses to buf1. Requires the same
// type, shape and memory, buf2 allocated later within buf1's scope, and buf1 dead
// once buf2 is allocated (no access of buf1 at or after that point, counting
// repetitions of enclosing loops); otherwise "buffer still live".
Rewrite data_reuse(const Proc& p, const Cursor& buf1, const Cursor& buf2);

// Removes a window statement `y = x[i, lo:hi]`; each use of y becomes an access
// (or window) of x with the offsets added; y passed whole becomes the window.
Rewrite inline_window(const Proc& p, const Cursor& win_stmt);

}  // namespace exo
