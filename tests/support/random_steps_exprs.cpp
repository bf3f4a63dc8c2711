// Random steps: expression and statement-level primitives (exo/exprs.h) and
// config primitives (exo/config_primitives.h).
#include "exo/schedule/buffers.h"
#include "exo/schedule/configs.h"
#include "exo/schedule/exprs.h"
#include "exo/printer.h"
#include "support/random_steps_internal.h"

namespace exo::test::steps {
namespace {

std::vector<ExprAt> binops(const Proc& p, bool data, std::initializer_list<BinOpKind> ops) {
  std::vector<ExprAt> out;
  for (auto& x : data ? data_exprs(p, false) : all_exprs(p))
    if (auto* b = x.e.as<BinOpNode>())
      for (BinOpKind op : ops)
        if (b->op == op) out.push_back(x);
  return out;
}

// A statement of kind k (Assign/Reduce), preferring those whose right-hand
// side is an addition (split_write) or reads the written buffer (fold).
std::optional<Cursor> write_stmt(Rng& r, const Proc& p, bool assign_only) {
  std::vector<Cursor> cs = stmts_of(p, StmtKind::Assign);
  if (!assign_only)
    for (auto& c : stmts_of(p, StmtKind::Reduce)) cs.push_back(c);
  return any_of(r, cs);
}

std::string cfg_value(Rng& r) {
  static const char* values[] = {"2.0", "x[1]", "0.0", "y[0] * 2.0"};
  return values[pick(r, 4)];
}

// A text the expression at `e` may be rewritten to: usually an equal one
// (index arithmetic moved around, or the same text), sometimes a different one.
std::string rewritten(Rng& r, const Expr& e) {
  std::string s = print_expr(e);
  if (!e->type.is_real_scalar()) {
    switch (pick(r, 5)) {
      case 0: return "(" + s + ") + 0";
      case 1: return "0 + (" + s + ")";
      case 2: return "(" + s + ") * 1";
      case 3: return "(" + s + ") + 1";  // different
      default: return "(" + s + " + 2) - 2";
    }
  }
  switch (pick(r, 3)) {
    case 0: return s;
    case 1: return "(" + s + ") * 1.0";  // different operations: refused
    default: return s;
  }
}

}  // namespace

void add_expr_steps(std::vector<RandomStep>& t) {
  t.push_back({"commute_expr", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto es = binops(p, coin(r, 90), {BinOpKind::Add, BinOpKind::Mul});
    if (es.empty()) return std::nullopt;
    const ExprAt& x = one_of(r, es);
    cx.args = show(p, x.at);
    return commute_expr(p, std::vector<Cursor>{x.at});
  }});
  t.push_back({"left_reassociate_expr", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    std::vector<ExprAt> good, any = binops(p, true, {BinOpKind::Add, BinOpKind::Mul});
    for (auto& x : any) {
      auto* b = x.e.as<BinOpNode>();
      if (auto* rb = b->rhs.as<BinOpNode>(); rb && rb->op == b->op) good.push_back(x);
    }
    if (any.empty()) return std::nullopt;
    const ExprAt& x = one_of(r, !good.empty() && coin(r, 80) ? good : any);
    cx.args = show(p, x.at);
    return left_reassociate_expr(p, x.at);
  }});
  t.push_back({"rewrite_expr", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto es = all_exprs(p);
    std::vector<ExprAt> cands;
    for (auto& x : es)
      if (x.e->kind != ExprKind::WindowExpr) cands.push_back(x);
    if (cands.empty()) return std::nullopt;
    const ExprAt& x = one_of(r, cands);
    std::string text = rewritten(r, x.e);
    cx.args = show(p, x.at) + " -> " + text;
    return rewrite_expr(p, x.at, text, cx.lib.scope);
  }});
  t.push_back({"merge_writes", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    std::vector<std::pair<Cursor, Cursor>> same, any;  // same: one written element
    for (auto& c : all_stmts(p)) {
      Cursor n = next(p, c);
      if (!n.valid()) continue;
      Stmt a = resolve_stmt(p, c), b = resolve_stmt(p, n);
      auto is_write = [](const Stmt& s) {
        return s->kind == StmtKind::Assign || s->kind == StmtKind::Reduce;
      };
      if (!is_write(a) || !is_write(b)) continue;
      any.push_back({c, n});
      auto lhs = [](const Stmt& s) {
        std::string t = print_stmt(s);
        return t.substr(0, t.find_first_of("+="));
      };
      if (lhs(a) == lhs(b)) same.push_back({c, n});
    }
    auto& from = !same.empty() && coin(r, 85) ? same : any;
    if (from.empty()) return std::nullopt;
    auto [a, b] = one_of(r, from);
    cx.args = show(p, a) + ", " + show(p, b);
    return merge_writes(p, stmt_range(p, a, b));
  }});
  t.push_back({"split_write", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = write_stmt(r, p, false);
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return split_write(p, *c);
  }});
  t.push_back({"fold_into_reduce", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    std::vector<Cursor> good;  // `a = a + e`
    for (auto& c : stmts_of(p, StmtKind::Assign)) {
      auto* a = resolve_stmt(p, c).as<AssignNode>();
      auto* add = a->rhs.as<BinOpNode>();
      auto* lhs = add && add->op == BinOpKind::Add ? add->lhs.as<ReadNode>() : nullptr;
      if (lhs && lhs->name == a->name) good.push_back(c);
    }
    auto c = !good.empty() && coin(r, 80) ? any_of(r, good) : write_stmt(r, p, true);
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return fold_into_reduce(p, *c);
  }});
  t.push_back({"inline_assign", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = write_stmt(r, p, true);
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return inline_assign(p, *c);
  }});
  t.push_back({"lift_reduce_constant", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    // `x = 0.0` followed by a loop, mostly.
    std::vector<Cursor> good, any;
    for (auto& c : stmts_of(p, StmtKind::Assign)) {
      Cursor n = next(p, c);
      if (!n.valid()) continue;
      any.push_back(c);
      if (resolve_stmt(p, n)->kind == StmtKind::For) good.push_back(c);
    }
    auto c = any_of(r, !good.empty() && coin(r, 85) ? good : any);
    if (!c) return std::nullopt;
    Cursor block = stmt_range(p, *c, next(p, *c));
    cx.args = show(p, block);
    return lift_reduce_constant(p, block);
  }});
  t.push_back({"insert_noop_call", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto g = any_gap(r, p);
    if (!g) return std::nullopt;
    static const char* args[] = {"A[0, 0:8]", "A[n, 0:8]", "A[n + 4, 0:8]", "x[0:8]", "A[1, 1:9]"};
    std::string a = args[pick(r, 5)];
    cx.args = g->str() + ", " + a;
    return insert_noop_call(p, *g, cx.lib.noop, {a}, cx.lib.scope);
  }});
  // Configs
  t.push_back({"bind_config", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto es = data_exprs(p, true);
    if (es.empty()) return std::nullopt;
    const ExprAt& x = one_of(r, es);
    cx.args = show(p, x.at);
    return bind_config(p, x.at, cx.lib.cfg, "f");
  }});
  t.push_back({"configwrite_root", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    std::string v = cfg_value(r);
    cx.args = v;
    return configwrite_root(p, cx.lib.cfg, "f", v);
  }});
  t.push_back({"configwrite_after", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = any_of(r, all_stmts(p));
    if (!c) return std::nullopt;
    std::string v = cfg_value(r);
    cx.args = show(p, *c) + ", " + v;
    return configwrite_after(p, *c, cx.lib.cfg, "f", v);
  }});
  t.push_back({"write_config", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto g = any_gap(r, p);
    if (!g) return std::nullopt;
    std::string v = cfg_value(r);
    cx.args = g->str() + ", " + v;
    return write_config(p, *g, cx.lib.cfg, "f", v);
  }});
  t.push_back({"delete_config", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = any_of(r, stmts_of(p, StmtKind::WriteConfig));
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return delete_config(p, *c);
  }});
}

}  // namespace exo::test::steps
