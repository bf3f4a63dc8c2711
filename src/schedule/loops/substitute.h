#pragma once
// Helpers shared by the loop and statement primitives.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "exo/schedule/cursor.h"
#include "exo/effects.h"  // effects_of
#include "exo/ir_mutator.h"
#include "exo/loopir.h"

namespace exo::rewrite_detail {

// Substitutes index variables by expressions and renames variables; with
// `freshen`, every variable bound inside (loop iterators, allocations, windows)
// gets a new Sym, so copies of a block can sit side by side.
class Subst : public IRMutator {
 public:
  std::map<Sym, Expr> exprs;
  std::map<Sym, Sym> renames;
  bool freshen = false;

  Expr mutate(const Expr& e) override;
  Block mutate_stmt(const Stmt& s) override;

 private:
  Sym rn(const Sym& s) const {
    auto it = renames.find(s);
    return it == renames.end() ? s : it->second;
  }
};

// Copy of `b` with `iter` replaced by `value` and inner bindings renamed apart.
Block instantiate(const Block& b, const Sym& iter, const Expr& value);

// The loop (If) a cursor points at; a scheduling_error of `prim` otherwise.
const ForNode* expect_loop(const char* prim, const Proc& p, const Cursor& c);
const IfNode* expect_if(const char* prim, const Proc& p, const Cursor& c);

// The constant value of a control expression built from constants, if any.
bool const_value(const Expr& e, long long& out);

}  // namespace exo::rewrite_detail
