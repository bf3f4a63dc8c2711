#pragma once
// Primitives that change the shape of an allocation without moving data:
// every access is re-indexed so each element keeps its identity.
#include <string>

#include "exo/schedule/cursor.h"
#include "exo/loopir.h"

namespace exo {

// Dimension `dim` (extent n) of the allocation `alloc` becomes two dimensions
// [n / quotient, quotient]; an access x[.., e, ..] becomes x[.., e / quotient,
// e % quotient, ..]. Refused unless n % quotient == 0 is provable, and when a
// window of x takes an interval of that dimension or x is passed whole to a call
// (their meaning depends on the old shape).
Rewrite divide_dim(const Proc& p, const Cursor& alloc, int dim, long long quotient);

// Dimensions `hi` and `lo` (the second of constant extent c, anywhere) of `alloc`
// merge into dimension `hi`, of extent c * n; x[.., a, .., b, ..] becomes
// x[.., c * a + b, ..]. Refused on windows taking an interval of a dimension from
// hi to lo and on whole-buffer calls.
Rewrite mult_dim(const Proc& p, const Cursor& alloc, int hi, int lo);
// Adjacent dimensions `dim` and `dim + 1`.
Rewrite mult_dim(const Proc& p, const Cursor& alloc, int dim);

}  // namespace exo
