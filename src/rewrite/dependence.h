#pragma once
// Dependences between two parts of a loop body, for fission and fusion: both
// change the order of (second part, iteration i) and (first part, iteration j)
// for i < j, so those pairs must not touch a common location where one writes.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "exo/cursor.h"
#include "exo/effects.h"
#include "exo/loopir.h"

namespace exo::rewrite_detail {

struct Conflict {
  exo::Access earlier;  // of the second part, in some iteration
  exo::Access later;    // of the first part, in a later iteration
};

// The accesses of statements of p (by identity), each with all of p's loops and
// branch conditions enclosing it.
std::vector<exo::Access> accesses_of(const Proc& p, const Block& stmts);

// The first pair (a of `first`, b of `second`) that may conflict when a runs in
// a later iteration of the loop at nesting depth `depth` than b: at least one
// writes (reductions commute with reductions) and, under the preconditions and
// both accesses' loop ranges and branch conditions, they may touch one location.
// Loops at depth >= `depth` are separate for the two accesses; outer loops are
// shared. An access outside that loop (a bound evaluation) is compared with every
// iteration. Undecided pairs count as conflicts. With `reductions_commute` false,
// two reductions of one location conflict too (concurrent iterations would race).
std::optional<Conflict> later_iteration_conflict(const Proc& p,
                                                 const std::vector<exo::Access>& first,
                                                 const std::vector<exo::Access>& second,
                                                 size_t depth, bool reductions_commute = true);

// "write x[i + 1]", "read Cfg.field".
std::string access_text(const exo::Access& a);

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
