#pragma once
// Shared by the random_steps*.cpp files: random choices, places in a proc, and
// how a step writes down its arguments.
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "support/random_steps.h"

namespace exo::test::steps {

using Rng = std::mt19937;
using Opt = std::optional<Rewrite>;

inline int pick(Rng& r, int n) { return std::uniform_int_distribution<int>(0, n - 1)(r); }
inline bool coin(Rng& r, int percent) { return pick(r, 100) < percent; }
template <class T>
const T& one_of(Rng& r, const std::vector<T>& v) {
  return v[pick(r, static_cast<int>(v.size()))];
}
// A new name (st0, b1, ...); reset_step_names() restarts the numbering.
std::string fresh(const std::string& base);

// Statements, in program order.
std::vector<Cursor> stmts_of(const Proc& p, StmtKind k);
std::vector<Cursor> all_stmts(const Proc& p);
std::optional<Cursor> any_of(Rng& r, const std::vector<Cursor>& cs);
// A statement that has a next sibling, and that sibling (both of kind k unless `any`).
std::optional<std::pair<Cursor, Cursor>> adjacent(Rng& r, const Proc& p,
                                                  StmtKind k = StmtKind::Pass, bool any = true);
// A gap: before or after a random statement.
std::optional<Cursor> any_gap(Rng& r, const Proc& p);
// The loops enclosing a statement, outermost first.
std::vector<const ForNode*> enclosing_loops(const Proc& p, const StmtPath& path);

struct ExprAt {
  Cursor at;
  Expr e;
};
void collect(const StmtPath& s, std::vector<int> ep, const Expr& e, std::vector<ExprAt>& out);
// Data-valued expressions on the right of assignments and reductions.
std::vector<ExprAt> data_exprs(const Proc& p, bool reads_only);
// Every expression of every statement (indices, bounds, conditions, arguments).
std::vector<ExprAt> all_exprs(const Proc& p);

extern const char* const kBuffers[3];  // x, y, A
std::string whole(const std::string& buf);
// A window around one access of a statement (see random_steps.cpp).
std::optional<std::string> window_around(Rng& r, const Proc& p, const Cursor& s, bool written_only);

// "body[1].body[0] `for i in seq(0, n):`": a cursor and the code it points at.
std::string show(const Proc& p, const Cursor& c);

// The step families (random_steps*.cpp), in table order.
void add_loop_steps(std::vector<RandomStep>& table);
void add_buffer_steps(std::vector<RandomStep>& table);
void add_expr_steps(std::vector<RandomStep>& table);
void add_subproc_steps(std::vector<RandomStep>& table);

}  // namespace exo::test::steps
