#pragma once
// Values of narrow integer data (i8, ui8, ui16): C evaluates their arithmetic
// in int, so `a + b` of two ui16 values may reach 131070, and only a store
// into a ui16 location wraps it. A rewrite that adds such a store (binding a
// subexpression to a new ui16 variable) or removes one (inlining it) changes
// results unless the value provably fits the narrow type.
#include <string>

#include <vector>

#include "exo/loopir.h"
#include "exo/schedule/cursor.h"

namespace exo::rewrite_detail {

// "" when every value of `e` (reads taking any value of their type) fits
// `kind`, or when `kind` is not a narrow integer type; otherwise why not,
// e.g. "its value ranges over 0..131070 and ui16 holds 0..65535".
std::string narrow_int_overflow(const Expr& e, ScalarKind kind);

// Whether binding the narrow value `e` at each occurrence `occ` still gives
// each statement its result: the value is wrapped on its way only through
// +, -, * (wrapping commutes with them) into an assignment or reduction
// whose location is no wider than e's type. "" when fine (or `e` fits its
// type), else why not.
std::string narrow_int_bind_failure(const Proc& p, const std::vector<Cursor>& occ, const Expr& e);

}  // namespace exo::rewrite_detail
