#pragma once
// Equivalence classes of procedures, for call_eqv and Procedure.is_eq.
//
// Every parsed proc starts in a fresh class. Scheduling primitives copy the
// ProcNode and so keep its class: a proc and everything scheduled from it are
// equivalent (each rewrite preserves meaning). Edits that change the meaning or
// signature (partial_eval, transpose, set_precision, ...) give their result a new
// class. Edits that change only the final value of a config field (write_config
// whose value a caller may see) keep the class and record the field
// (ProcNode::eqv_config_changes): such procs are equivalent modulo those fields,
// and call_eqv checks that the caller never reads them before rewriting them. unsafe_assert_eq joins two classes without proof (a union-find).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "exo/loopir.h"

namespace exo {

// A class no proc belongs to yet (never 0).
uint64_t new_eqv_class();

// A copy of p in a class of its own.
Proc with_new_eqv_class(const Proc& p);

// Whether a and b are known equivalent: the same proc, or procs of one class.
bool equivalent(const Proc& a, const Proc& b);

// A copy of p, still in its class, that may also leave `field` of `config`
// different from the rest of the class when it returns.
Proc with_config_change(const Proc& p, const ConfigPtr& config, const std::string& field);

// The config fields in which a and b (of one class) may differ when they
// return: the union of what each records.
std::vector<std::pair<ConfigPtr, std::string>> config_changes_between(const Proc& a, const Proc& b);

// Joins the classes of a and b (the user's unchecked claim that they compute the
// same thing). A proc of class 0 cannot be joined: Error(Api).
void assert_equivalent(const Proc& a, const Proc& b);

}  // namespace exo
