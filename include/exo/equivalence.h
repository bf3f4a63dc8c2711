#pragma once
// Equivalence classes of procedures, for call_eqv and Procedure.is_eq.
//
// Every parsed proc starts in a fresh class. Scheduling primitives copy the
// ProcNode and so keep its class: a proc and everything scheduled from it are
// equivalent (each rewrite preserves meaning). Edits that change the meaning or
// signature (partial_eval, transpose, set_precision, ...) give their result a new
// class. unsafe_assert_eq joins two classes without proof (a union-find).

#include <cstdint>

#include "exo/loopir.h"

namespace exo {

// A class no proc belongs to yet (never 0).
uint64_t new_eqv_class();

// A copy of p in a class of its own.
Proc with_new_eqv_class(const Proc& p);

// Whether a and b are known equivalent: the same proc, or procs of one class.
bool equivalent(const Proc& a, const Proc& b);

// Joins the classes of a and b (the user's unchecked claim that they compute the
// same thing). A proc of class 0 cannot be joined: Error(Api).
void assert_equivalent(const Proc& a, const Proc& b);

}  // namespace exo
