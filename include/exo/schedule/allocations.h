#pragma once
// Allocation primitives: shrinking a dimension (or folding it into a circular
// buffer), splitting a constant dimension into separate buffers, moving an
// allocation into the loop or if after it, deleting an unused allocation
// (src/schedule/buffers/). Each checks its safety condition
// and returns the new proc plus cursor forwarding; refusals are scheduling_error
// naming the primitive, the code and the reason.
#include <string>

#include "exo/schedule/cursor.h"
#include "exo/loopir.h"

namespace exo {

// Dimension `dim` of the allocation becomes `size` (an index expression over
// names visible at the allocation); an access x[.., e, ..] becomes
// x[.., e - offset, ..]. Refused unless size > 0 is provable and every access
// (windows too) provably stays inside [offset, offset + size), and when x is
// passed whole to a call or its strides are read.
//
// With `fold`, the dimension becomes a circular buffer of constant extent `size`
// (offset is ignored): x[.., e, ..] becomes x[.., e % size, ..]. Safe when the
// accesses slide forward: every access is less than `size` below each access
// made before it since the allocation (the reads of one statement count as
// simultaneous, before its write), so no element still live shares its slot with
// a later one. Refused on windows of the dimension other than single points
// passed to a call, on window statements of x, and on accesses inside a par loop
// (its iterations may run at once).
Rewrite resize_dim(const Proc& p, const Cursor& alloc, int dim, const std::string& size,
                   const std::string& offset, bool fold = false);

// The allocation `x : T[.., c, ..]` (constant extent c in dimension `dim`)
// becomes separate buffers x_0, x_1, ... of the remaining dimensions (scalars if
// none), one per index used; x[.., k, ..] becomes x_k[.., ..]. Refused unless
// every access and window gives that dimension a constant point in [0, c), and
// when x is passed whole to a call or its strides are read.
Rewrite unroll_buffer(const Proc& p, const Cursor& alloc, int dim);

// Moves the allocation into the loop or if that immediately follows it (into
// both branches of an if with an else). Refused when x is used after that
// statement, and, for a loop, when an iteration may read a value of x written by
// an earlier iteration: every read must follow, in the same iteration, a
// statement of the loop body that overwrites the element read (an assignment,
// or a loop nest assigning a box that contains it). Windows of x and calls
// taking x inside the loop are refused.
Rewrite sink_alloc(const Proc& p, const Cursor& alloc);

// Removes an allocation that nothing after it uses (no read, write, window,
// stride or call mentions it); otherwise refused.
Rewrite delete_buffer(const Proc& p, const Cursor& alloc);

}  // namespace exo
