#pragma once
// Dependences between two parts of a loop body, for fission and fusion: both
// change the order of (second part, iteration i) and (first part, iteration j)
// for i < j, so those pairs must not touch a common location where one writes.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analysis/iteration_conflicts.h"
#include "exo/schedule/cursor.h"
#include "exo/effects.h"
#include "exo/loopir.h"

namespace exo::rewrite_detail {

// The cross-iteration checks live in the analysis layer (one check for
// fission, fusion and parallel loops).
using analysis::accesses_of;
using analysis::access_text;
using analysis::Conflict;
using analysis::later_iteration_conflict;

// How many loops enclose the statement at `path`.
size_t loop_depth(const Proc& p, const StmtPath& path);

// Every name a block mentions (buffers, windows, variables).
std::set<Sym> names_used(const Block& b);
// The allocations and window statements at the top level of a block.
std::vector<Sym> declared_names(const Block& b);
// The allocations anywhere in a block: buffers private to one run of it.
std::set<Sym> allocations_in(const Block& b);
// A name the statements [first, first+count) declare at their top level that
// later statements of the same block use ("" when none): copying them or
// wrapping them in a new scope would hide it.
std::string declared_and_used_after(const Proc& p, const StmtPath& first, int count);
// Config fields read by an expression / written by a block.
std::set<std::pair<const Config*, std::string>> config_reads(const Expr& e);
std::set<std::pair<const Config*, std::string>> config_writes(const Block& b);
// A config field (its name) that `body` writes and one of `es` reads, "" when
// none: the body would change it between evaluations a rewrite moves across it.
std::string config_clash(const std::vector<Expr>& es, const Block& body);

}  // namespace exo::rewrite_detail
