// Substitution with renaming, and "provable here" queries for the primitives.
#include "schedule/loops/substitute.h"

#include <optional>

#include "analysis/lower.h"
#include "analysis/solver.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "analysis/facts.h"

namespace exo::rewrite_detail {

Expr Subst::mutate(const Expr& e) {
  if (auto* r = e.as<ReadNode>()) {
    if (r->idx.empty()) {
      auto it = exprs.find(r->name);
      if (it != exprs.end()) return it->second;
    }
    Expr m = mutate_children(e);
    if (!renames.count(r->name)) return m;
    return make_expr<ReadNode>(rn(r->name), m.as<ReadNode>()->idx, r->type, r->srcinfo);
  }
  if (auto* w = e.as<WindowExprNode>()) {
    Expr m = mutate_children(e);
    if (!renames.count(w->name)) return m;
    return make_expr<WindowExprNode>(rn(w->name), m.as<WindowExprNode>()->idx, w->type, w->srcinfo);
  }
  if (auto* s = e.as<StrideExprNode>()) {
    if (!renames.count(s->name)) return e;
    return make_expr<StrideExprNode>(rn(s->name), s->dim, s->type, s->srcinfo);
  }
  return mutate_children(e);
}

Block Subst::mutate_stmt(const Stmt& s) {
  if (freshen) {
    if (auto* f = s.as<ForNode>()) renames[f->iter] = f->iter.copy();
    if (auto* a = s.as<AllocNode>()) renames[a->name] = a->name.copy();
    if (auto* w = s.as<WindowStmtNode>()) renames[w->name] = w->name.copy();
  }
  Stmt m = mutate_children(s);
  switch (m->kind) {
    case StmtKind::Assign: {
      auto* a = m.as<AssignNode>();
      if (!renames.count(a->name)) return {m};
      return {make_stmt<AssignNode>(rn(a->name), a->type, a->idx, a->rhs, a->srcinfo)};
    }
    case StmtKind::Reduce: {
      auto* a = m.as<ReduceNode>();
      if (!renames.count(a->name)) return {m};
      return {make_stmt<ReduceNode>(rn(a->name), a->type, a->idx, a->rhs, a->srcinfo)};
    }
    case StmtKind::For: {
      auto* f = m.as<ForNode>();
      if (!renames.count(f->iter)) return {m};
      return {make_stmt<ForNode>(rn(f->iter), f->lo, f->hi, f->body, f->mode, f->srcinfo)};
    }
    case StmtKind::Alloc: {
      auto* a = m.as<AllocNode>();
      if (!renames.count(a->name)) return {m};
      return {make_stmt<AllocNode>(rn(a->name), a->type, a->mem, a->srcinfo)};
    }
    case StmtKind::WindowStmt: {
      auto* w = m.as<WindowStmtNode>();
      if (!renames.count(w->name)) return {m};
      return {make_stmt<WindowStmtNode>(rn(w->name), w->rhs, w->srcinfo)};
    }
    default:
      return {m};
  }
}

Block instantiate(const Block& b, const Sym& iter, const Expr& value) {
  Subst s;
  s.exprs[iter] = value;
  s.freshen = true;
  return s.mutate_block(b);
}

bool const_value(const Expr& e, long long& out) {
  auto v = exact_const_value(e);
  if (!v) return false;
  out = *v;
  return true;
}


const ForNode* expect_loop(const char* prim, const Proc& p, const Cursor& c) {
  Stmt s = c.is_stmt() ? resolve_stmt(p, c) : Stmt();
  auto* f = s ? s.as<ForNode>() : nullptr;
  if (!f)
    scheduling_error(
        prim, p, c,
        "expected a loop, got " +
            (s ? std::string("a statement of kind ") + stmt_kind_name(s->kind) : c.str()));
  return f;
}

const IfNode* expect_if(const char* prim, const Proc& p, const Cursor& c) {
  Stmt s = c.is_stmt() ? resolve_stmt(p, c) : Stmt();
  auto* f = s ? s.as<IfNode>() : nullptr;
  if (!f)
    scheduling_error(
        prim, p, c,
        "expected an if statement, got " +
            (s ? std::string("a statement of kind ") + stmt_kind_name(s->kind) : c.str()));
  return f;
}

}  // namespace exo::rewrite_detail
