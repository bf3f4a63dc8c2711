#include "exo/ir_mutator.h"

#include "exo/checked_int.h"

namespace exo {

void IRVisitor::visit(const Expr& e) {
  switch (e->kind) {
#define EXO_X(n) \
  case ExprKind::n: visit(*static_cast<const n##Node*>(e.get())); return;
    EXO_EXPR_KINDS(EXO_X)
#undef EXO_X
  }
}

void IRVisitor::visit(const Stmt& s) {
  switch (s->kind) {
#define EXO_X(n) \
  case StmtKind::n: visit(*static_cast<const n##Node*>(s.get())); return;
    EXO_STMT_KINDS(EXO_X)
#undef EXO_X
  }
}

void IRVisitor::visit(const ReadNode& n) {
  for (auto& i : n.idx) visit(i);
}
void IRVisitor::visit(const ConstNode&) {}
void IRVisitor::visit(const USubNode& n) { visit(n.arg); }
void IRVisitor::visit(const BinOpNode& n) {
  visit(n.lhs);
  visit(n.rhs);
}
void IRVisitor::visit(const ExternCallNode& n) {
  for (auto& a : n.args) visit(a);
}
void IRVisitor::visit(const WindowExprNode& n) {
  for (auto& w : n.idx) {
    visit(w.lo);
    if (w.is_interval) visit(w.hi);
  }
}
void IRVisitor::visit(const StrideExprNode&) {}
void IRVisitor::visit(const ReadConfigNode&) {}

void IRVisitor::visit(const AssignNode& n) {
  for (auto& i : n.idx) visit(i);
  visit(n.rhs);
}
void IRVisitor::visit(const ReduceNode& n) {
  for (auto& i : n.idx) visit(i);
  visit(n.rhs);
}
void IRVisitor::visit(const WriteConfigNode& n) { visit(n.rhs); }
void IRVisitor::visit(const PassNode&) {}
void IRVisitor::visit(const IfNode& n) {
  visit(n.cond);
  visit_block(n.body);
  visit_block(n.orelse);
}
void IRVisitor::visit(const ForNode& n) {
  visit(n.lo);
  visit(n.hi);
  visit_block(n.body);
}
void IRVisitor::visit(const AllocNode& n) { visit_type(n.type); }
void IRVisitor::visit(const CallNode& n) {
  for (auto& a : n.args) visit(a);
}
void IRVisitor::visit(const WindowStmtNode& n) { visit(n.rhs); }

namespace {
template <class F>
bool map_exprs(const std::vector<Expr>& in, std::vector<Expr>& out, F&& f) {
  bool changed = false;
  out.reserve(in.size());
  for (auto& e : in) {
    out.push_back(f(e));
    changed |= !out.back().same_as(e);
  }
  return changed;
}
}  // namespace

Type IRMutator::mutate_type(const Type& t) {
  if (t.shape.empty()) return t;
  Type r = t;
  r.shape.clear();
  map_exprs(t.shape, r.shape, [&](const Expr& e) { return mutate(e); });
  return r;
}

Expr IRMutator::mutate(const Expr& e) { return mutate_children(e); }

Expr IRMutator::mutate_children(const Expr& e) {
  auto m = [&](const Expr& x) { return mutate(x); };
  switch (e->kind) {
    case ExprKind::Read: {
      auto* n = e.as<ReadNode>();
      if (n->idx.empty()) return e;
      std::vector<Expr> idx;
      if (!map_exprs(n->idx, idx, m)) return e;
      return make_expr<ReadNode>(n->name, std::move(idx), n->type, n->srcinfo);
    }
    case ExprKind::USub: {
      auto* n = e.as<USubNode>();
      Expr a = mutate(n->arg);
      if (a.same_as(n->arg)) return e;
      return make_expr<USubNode>(a, n->type, n->srcinfo);
    }
    case ExprKind::BinOp: {
      auto* n = e.as<BinOpNode>();
      Expr l = mutate(n->lhs), r = mutate(n->rhs);
      if (l.same_as(n->lhs) && r.same_as(n->rhs)) return e;
      return make_expr<BinOpNode>(n->op, l, r, n->type, n->srcinfo);
    }
    case ExprKind::ExternCall: {
      auto* n = e.as<ExternCallNode>();
      std::vector<Expr> args;
      if (!map_exprs(n->args, args, m)) return e;
      return make_expr<ExternCallNode>(n->fn, std::move(args), n->type, n->srcinfo);
    }
    case ExprKind::WindowExpr: {
      auto* n = e.as<WindowExprNode>();
      bool changed = false;
      std::vector<WAccess> idx;
      for (auto& w : n->idx) {
        WAccess r = w;
        r.lo = mutate(w.lo);
        changed |= !r.lo.same_as(w.lo);
        if (w.is_interval) {
          r.hi = mutate(w.hi);
          changed |= !r.hi.same_as(w.hi);
        }
        idx.push_back(std::move(r));
      }
      // The type's extents (hi - lo) mention the same variables as the bounds:
      // a substitution must reach them too.
      Type t = n->type;
      for (auto& d : t.shape) {
        Expr m2 = mutate(d);
        changed |= !m2.same_as(d);
        d = m2;
      }
      if (!changed) return e;
      return make_expr<WindowExprNode>(n->name, std::move(idx), std::move(t), n->srcinfo);
    }
    case ExprKind::Const:
    case ExprKind::StrideExpr:
    case ExprKind::ReadConfig:
      return e;
  }
  return e;
}

Block IRMutator::mutate_stmt(const Stmt& s) { return {mutate_children(s)}; }

Block IRMutator::mutate_block(const Block& b) {
  Block out;
  out.reserve(b.size());
  for (auto& s : b) {
    Block r = mutate_stmt(s);
    for (auto& x : r) out.push_back(std::move(x));
  }
  return out;
}

static bool same_block(const Block& a, const Block& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++)
    if (!a[i].same_as(b[i])) return false;
  return true;
}

Stmt IRMutator::mutate_children(const Stmt& s) {
  auto m = [&](const Expr& x) { return mutate(x); };
  switch (s->kind) {
    case StmtKind::Assign: {
      auto* n = s.as<AssignNode>();
      std::vector<Expr> idx;
      bool ch = map_exprs(n->idx, idx, m);
      Expr r = mutate(n->rhs);
      if (!ch && r.same_as(n->rhs)) return s;
      return make_stmt<AssignNode>(n->name, n->type, std::move(idx), r, n->srcinfo);
    }
    case StmtKind::Reduce: {
      auto* n = s.as<ReduceNode>();
      std::vector<Expr> idx;
      bool ch = map_exprs(n->idx, idx, m);
      Expr r = mutate(n->rhs);
      if (!ch && r.same_as(n->rhs)) return s;
      return make_stmt<ReduceNode>(n->name, n->type, std::move(idx), r, n->srcinfo);
    }
    case StmtKind::WriteConfig: {
      auto* n = s.as<WriteConfigNode>();
      Expr r = mutate(n->rhs);
      if (r.same_as(n->rhs)) return s;
      return make_stmt<WriteConfigNode>(n->config, n->field, r, n->srcinfo);
    }
    case StmtKind::Pass:
      return s;
    case StmtKind::If: {
      auto* n = s.as<IfNode>();
      Expr c = mutate(n->cond);
      Block b = mutate_block(n->body), o = mutate_block(n->orelse);
      if (c.same_as(n->cond) && same_block(b, n->body) && same_block(o, n->orelse)) return s;
      return make_stmt<IfNode>(c, std::move(b), std::move(o), n->srcinfo);
    }
    case StmtKind::For: {
      auto* n = s.as<ForNode>();
      Expr lo = mutate(n->lo), hi = mutate(n->hi);
      Block b = mutate_block(n->body);
      if (lo.same_as(n->lo) && hi.same_as(n->hi) && same_block(b, n->body)) return s;
      return make_stmt<ForNode>(n->iter, lo, hi, std::move(b), n->mode, n->srcinfo);
    }
    case StmtKind::Alloc: {
      auto* n = s.as<AllocNode>();
      Type t = mutate_type(n->type);
      bool ch = false;
      for (size_t i = 0; i < t.shape.size(); i++) ch |= !t.shape[i].same_as(n->type.shape[i]);
      if (!ch) return s;
      return make_stmt<AllocNode>(n->name, std::move(t), n->mem, n->srcinfo);
    }
    case StmtKind::Call: {
      auto* n = s.as<CallNode>();
      std::vector<Expr> args;
      if (!map_exprs(n->args, args, m)) return s;
      return make_stmt<CallNode>(n->proc, std::move(args), n->srcinfo);
    }
    case StmtKind::WindowStmt: {
      auto* n = s.as<WindowStmtNode>();
      Expr r = mutate(n->rhs);
      if (r.same_as(n->rhs)) return s;
      return make_stmt<WindowStmtNode>(n->name, r, n->srcinfo);
    }
  }
  return s;
}

namespace {
class LambdaVisitor : public IRVisitor {
 public:
  using IRVisitor::visit;
  std::function<void(const Expr&)> on_expr;
  std::function<void(const Stmt&)> on_stmt;
  void visit(const Expr& e) override {
    if (on_expr) on_expr(e);
    IRVisitor::visit(e);
  }
  void visit(const Stmt& s) override {
    if (on_stmt) on_stmt(s);
    IRVisitor::visit(s);
  }
};
}  // namespace

void for_each_expr(const Block& b, const std::function<void(const Expr&)>& f) {
  LambdaVisitor v;
  v.on_expr = f;
  v.visit_block(b);
}

namespace {

// One bottom-up pass: each node's exact value is computed once from its
// operands' (so long chains cost linear time), and the first node whose value
// overflows is kept.
class OverflowFinder : public IRVisitor {
 public:
  Expr found;
  void visit(const Expr& e) override {
    if (!found) scan(e);
  }
  using IRVisitor::visit;

 private:
  std::optional<int64_t> scan(const Expr& e) {
    bool is_int = !e->type.is_tensor && is_index_kind(e->type.base);
    switch (e->kind) {
      case ExprKind::Const:
        if (is_int) return e.as<ConstNode>()->ival;
        return std::nullopt;
      case ExprKind::USub: {
        auto v = scan(e.as<USubNode>()->arg);
        if (is_int && v) return checked_neg(*v);
        return std::nullopt;
      }
      case ExprKind::BinOp: {
        auto* b = e.as<BinOpNode>();
        auto l = scan(b->lhs), r = scan(b->rhs);
        if (!is_int || !l || !r) return std::nullopt;
        std::optional<int64_t> v;
        switch (b->op) {
          case BinOpKind::Add: v = checked_add(*l, *r); break;
          case BinOpKind::Sub: v = checked_sub(*l, *r); break;
          case BinOpKind::Mul: v = checked_mul(*l, *r); break;
          case BinOpKind::Div: return *r > 0 ? std::optional<int64_t>(floor_div(*l, *r)) : std::nullopt;
          case BinOpKind::Mod: return *r > 0 ? std::optional<int64_t>(floor_mod(*l, *r)) : std::nullopt;
          default: return std::nullopt;
        }
        if (!v && !found) found = e;
        return v;
      }
      case ExprKind::Read:
        for (auto& i : e.as<ReadNode>()->idx) scan(i);
        return std::nullopt;
      case ExprKind::ExternCall:
        for (auto& a : e.as<ExternCallNode>()->args) scan(a);
        return std::nullopt;
      case ExprKind::WindowExpr:
        for (auto& w : e.as<WindowExprNode>()->idx) {
          scan(w.lo);
          if (w.is_interval) scan(w.hi);
        }
        return std::nullopt;
      case ExprKind::StrideExpr:
      case ExprKind::ReadConfig:
        return std::nullopt;
    }
    return std::nullopt;
  }
};

}  // namespace

Expr find_int_overflow(const Expr& e) {
  OverflowFinder f;
  if (e) f.visit(e);
  return f.found;
}

Expr find_int_overflow(const Block& b) {
  OverflowFinder f;
  f.visit_block(b);
  return f.found;
}

void for_each_stmt(const Block& b, const std::function<void(const Stmt&)>& f) {
  LambdaVisitor v;
  v.on_stmt = f;
  v.visit_block(b);
}

}  // namespace exo
