// merge_writes, split_write, fold_into_reduce, lift_reduce_constant: edits of
// assignments and reductions to one location.
#include <set>

#include <optional>

#include "exo/analysis.h"
#include "exo/schedule/exprs.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/buffers/accesses.h"
#include "schedule/exprs/context.h"
#include "schedule/loops/substitute.h"

namespace exo {
namespace {

using exprs_detail::access_text;
using analysis::Context;
using exprs_detail::forward_exprs;
using exprs_detail::move_subtrees;
using exprs_detail::stmt_text;

// The parts every write statement has.
struct Write {
  bool reduce = false;
  Sym name;
  Type type;
  std::vector<Expr> idx;
  Expr rhs;
  SrcInfo srcinfo;
};

bool as_write(const Stmt& s, Write& w) {
  if (auto* a = s.as<AssignNode>()) {
    w = Write{false, a->name, a->type, a->idx, a->rhs, a->srcinfo};
    return true;
  }
  if (auto* r = s.as<ReduceNode>()) {
    w = Write{true, r->name, r->type, r->idx, r->rhs, r->srcinfo};
    return true;
  }
  return false;
}

Stmt make_write(const Write& w) {
  if (w.reduce) return make_stmt<ReduceNode>(w.name, w.type, w.idx, w.rhs, w.srcinfo);
  return make_stmt<AssignNode>(w.name, w.type, w.idx, w.rhs, w.srcinfo);
}

// The first read in e of the storage of `buf` that may be the element at `idx`
// (a null Expr when there is none). A read through a window of it counts
// whatever its indices.
Expr may_read_element(const Expr& e, const Sym& buf, const std::vector<Expr>* idx,
                      const WindowAliases& windows, Context* ctx) {
  std::vector<Expr> uses;
  exprs_detail::collect_buffer_uses(e, uses);
  Sym base = windows.storage_of(buf);
  for (auto& u : uses) {
    Sym n = u.as<ReadNode>() ? u.as<ReadNode>()->name : u.as<WindowExprNode>()->name;
    if (windows.storage_of(n) != base) continue;
    if (idx && ctx && n == buf && u.as<ReadNode>() && ctx->differ(u.as<ReadNode>()->idx, *idx))
      continue;
    return u;
  }
  return Expr();
}

std::vector<Stmt> block_of_two(const char* prim, const Proc& p, const Cursor& c) {
  std::vector<Stmt> ss = (c.is_block() || c.is_stmt()) ? resolve_stmts(p, c) : std::vector<Stmt>{};
  if (ss.size() != 2)
    argument_error(
        prim, 1, "block_cursor",
        "expected a block of 2 statements, got " +
            (ss.empty() ? c.str()
                        : std::to_string(ss.size()) + " statement" + (ss.size() == 1 ? "" : "s")));
  return ss;
}

}  // namespace

// ---------------------------------------------------------------------------

Rewrite merge_writes(const Proc& p, const Cursor& c) {
  const char* prim = "merge_writes";
  // Step 1: two writes of one buffer with data right-hand sides.
  std::vector<Stmt> ss = block_of_two(prim, p, c);
  Write w1, w2;
  if (!as_write(ss[0], w1) || !as_write(ss[1], w2))
    argument_error(prim, 1, "block_cursor",
                   std::string("expected two consecutive assign/reduce statements, got ") +
                       stmt_kind_name(ss[0]->kind) + " and " + stmt_kind_name(ss[1]->kind) +
                       " instead");
  if (w1.name != w2.name || w1.type.base != w2.type.base)
    argument_error(
        prim, 1, "block_cursor",
        "expected the two statements' left hand sides to have the same name & type, got '" +
            w1.name.name() + "' and '" + w2.name.name() + "'");
  if (!w1.rhs->type.is_numeric() || !w2.rhs->type.is_numeric())
    argument_error(prim, 1, "block_cursor",
                   "expected the two statements' right hand sides to have numeric types");
  // Step 2: the same element, and the second value not depending on it. The two
  // statements are adjacent and write no config field, so one context serves.
  StmtPath first = c.path, second = c.path;
  second.back().index += 1;
  Cursor at = Cursor::block(first, 2);
  Context ctx(p, second);
  if (!ctx.equal(w1.idx, w2.idx))
    scheduling_error(prim, p, at,
                     "expected the left hand side's indices to be the same: cannot prove " +
                         access_text(w1.name, w1.idx) + " and " + access_text(w2.name, w2.idx) +
                         " are one element");
  WindowAliases windows(p->body);
  if (Expr r = may_read_element(w2.rhs, w1.name, nullptr, windows, nullptr))
    scheduling_error(prim, p, at,
                     "expected the right hand side of the second statement to not depend on the "
                     "left hand side of the "
                     "first statement: it reads '" +
                         print_expr(r) + "'");
  // Step 3: drop the first; a second reduction takes the first's kind and the
  // sum of both right-hand sides (cursors into its rhs move under the `+`).
  Rewrite del = splice_rewrite(p, first, 1, {});
  if (!w2.reduce) return del;
  Write merged = w1;
  merged.rhs = make_expr<BinOpNode>(BinOpKind::Add, w1.rhs, w2.rhs, w1.rhs->type, w1.rhs->srcinfo);
  merged.srcinfo = w2.srcinfo;
  int n = static_cast<int>(w2.idx.size());
  Forward f = forward_exprs(first, [n](std::vector<int>& path) {
    if (!path.empty() && path[0] == n) path.insert(path.begin() + 1, 1);
    return true;
  });
  return Rewrite{replace_stmt(del.proc, first, make_write(merged)), compose(del.forward, f)};
}

// ---------------------------------------------------------------------------

Rewrite split_write(const Proc& p, const Cursor& c) {
  const char* prim = "split_write";
  Stmt s = c.is_stmt() ? resolve_stmt(p, c) : Stmt();
  Write w;
  if (!s || !as_write(s, w))
    argument_error(prim, 1, "stmt",
                   "expected an assignment or reduction, got " + (s ? stmt_text(s) : c.str()));
  auto* add = w.rhs.as<BinOpNode>();
  if (!add || add->op != BinOpKind::Add)
    scheduling_error(
        prim, p, c,
        "Expected the rhs of the statement to be an addition. Got '" + print_expr(w.rhs) + "'");
  // The second term is evaluated after the first write: it must not read it.
  Context ctx(p, c.path);
  WindowAliases windows(p->body);
  if (Expr r = may_read_element(add->rhs, w.name, &w.idx, windows, &ctx))
    scheduling_error(prim, p, c,
                     "the second term '" + print_expr(add->rhs) + "' reads '" + print_expr(r) +
                         "', which may be the element written by the first part (" +
                         access_text(w.name, w.idx) + ")");
  Write first = w, second = w;
  first.rhs = add->lhs;
  second.reduce = true;
  second.rhs = add->rhs;
  return splice_rewrite(p, c.path, 1, {make_write(first), make_write(second)});
}

// ---------------------------------------------------------------------------

Rewrite fold_into_reduce(const Proc& p, const Cursor& c) {
  const char* prim = "fold_into_reduce";
  const AssignNode* a = exprs_detail::assignment_at(prim, 1, "assign", p, c);
  auto* add = a->rhs.as<BinOpNode>();
  if (!add || add->op != BinOpKind::Add)
    scheduling_error(
        prim, p, c,
        "The rhs of the assignment must be an add. Got '" + print_expr(a->rhs) + "'");
  auto* rd = add->lhs.as<ReadNode>();
  Context ctx(p, c.path);
  if (!rd || rd->name != a->name || !ctx.equal(rd->idx, a->idx))
    scheduling_error(prim, p, c,
                     "the lhs of the addition, '" + print_expr(add->lhs) +
                         "', is not a read of the element assigned (" +
                         access_text(a->name, a->idx) +
                         "): The lhs of the addition is not a read to the lhs of the assignment.");
  // `x = x + e` is `x += e`: same value, same evaluation order.
  Stmt red = make_stmt<ReduceNode>(a->name, a->type, a->idx, add->rhs, a->srcinfo);
  int n = static_cast<int>(a->idx.size());
  Forward f = forward_exprs(c.path, exprs_detail::rhs_becomes_operand(n, 1));
  return Rewrite{replace_stmt(p, c.path, red), f};
}

// ---------------------------------------------------------------------------

namespace {

// Names bound inside a statement (loop iterators, allocations, windows).
void bound_inside(const Block& b, std::set<Sym>& out) {
  for_each_stmt(b, [&](const Stmt& s) {
    if (auto* f = s.as<ForNode>()) out.insert(f->iter);
    if (auto* a = s.as<AllocNode>()) out.insert(a->name);
    if (auto* w = s.as<WindowStmtNode>()) out.insert(w->name);
  });
}

// The first variable of xs that e reads (pre-order), if any.
std::optional<Sym> first_mentioned(const Expr& e, const std::set<Sym>& xs) {
  if (auto* r = e.as<ReadNode>(); r && xs.count(r->name)) return r->name;
  for (auto& k : expr_children(e))
    if (auto s = first_mentioned(k, xs)) return s;
  return std::nullopt;
}

bool mentions_any(const Expr& e, const std::set<Sym>& xs) { return first_mentioned(e, xs).has_value(); }

struct ScaledReduce {
  StmtPath path;
  const ReduceNode* red;
  Expr factor;  // c in `x += c * e`
};

}  // namespace

Rewrite lift_reduce_constant(const Proc& p, const Cursor& c) {
  const char* prim = "lift_reduce_constant";
  // Step 1: `x = 0` followed by a loop.
  std::vector<Stmt> ss = block_of_two(prim, p, c);
  auto* init = ss[0].as<AssignNode>();
  auto* loop = ss[1].as<ForNode>();
  if (!init || !loop)
    argument_error(prim, 1, "block_cursor",
                   "expected an assignment followed by a loop, got " + stmt_text(ss[0]) + " and " +
                       stmt_text(ss[1]));
  Cursor at = Cursor::block(c.path, 2);
  StmtPath loop_path = c.path;
  loop_path.back().index += 1;
  auto* zero = init->rhs.as<ConstNode>();
  if (!zero || !zero->is_zero())
    scheduling_error(
        prim, p, at,
        "the assignment must set the initial value 0 (x = c * x scales it too), got '" +
            print_expr(init->rhs) + "'");
  for (auto& e : init->idx)
    if (analysis::reads_config(e))
      scheduling_error(
          prim, p, at,
          "the indices of " + access_text(init->name, init->idx) + " read a config field");
  // Step 2: the loop only reduces into x, always as `x += c * e` with one c.
  WindowAliases windows(p->body);
  Sym base = windows.storage_of(init->name);
  EffectSummary eff = effects_of(ss[1], windows);
  std::string x = "'" + access_text(init->name, init->idx) + "'";
  if (eff.reads.count(base))
    scheduling_error(
        prim, p, at,
        "cannot lift constant because the buffer is read in the loop body (" + x + ")");
  if (eff.writes.count(base))
    scheduling_error(
        prim, p, at,
        "cannot lift constant because " + x + "'s buffer is assigned in the loop body");
  std::vector<ScaledReduce> sites;
  StmtPath inner = loop_path;
  inner.push_back(PathStep{false, 0});
  std::string bad;
  buffers_detail::walk_paths(loop->body, inner, [&](const Stmt& s, const StmtPath& path) {
    auto* r = s.as<ReduceNode>();
    if (!r || windows.storage_of(r->name) != base || !bad.empty()) return;
    auto* mul = r->rhs.as<BinOpNode>();
    bool factor_ok =
        mul && mul->op == BinOpKind::Mul &&
        (mul->lhs.as<ConstNode>() || (mul->lhs.as<ReadNode>() && mul->lhs->type.is_real_scalar()));
    if (r->name != init->name || !factor_ok) {
      bad = "'" + stmt_text(s) + "' is not of the form " + x + " += c * e";
      return;
    }
    Context ctx(p, path);
    if (!ctx.equal(r->idx, init->idx)) {
      bad = "'" + stmt_text(s) + "' may reduce an element other than " + x;
      return;
    }
    sites.push_back(ScaledReduce{path, r, mul->lhs});
  });
  if (!bad.empty())
    scheduling_error(prim, p, at,
                     "cannot lift constant because there are other operations on the same buffer that may "
                     "interfere: " + bad);
  if (sites.empty())
    scheduling_error(prim, p, at,
                     "cannot lift constant because did not find a reduce in the loop body of the form " + x + " += c * e");
  if (eff.reduces[base].size() != sites.size())
    scheduling_error(prim, p, at,
                     "cannot lift constant: a call in the loop body reduces into " + x);
  // Step 3: one factor, whose value the loop does not change.
  Expr factor = sites[0].factor;
  if (auto* rd = factor.as<ReadNode>()) {
    std::set<Sym> local;
    local.insert(loop->iter);
    bound_inside(loop->body, local);
    if (local.count(rd->name) || mentions_any(factor, local) || analysis::reads_config(factor))
      scheduling_error(
          prim, p, at,
          "cannot lift constant because " + print_expr(factor) + " depends on the variable " +
              (first_mentioned(factor, local) ? first_mentioned(factor, local)->name() : std::string("a config field")) +
              " which is defined within the loop");
    Sym fb = windows.storage_of(rd->name);
    if (eff.writes.count(fb) || eff.reduces.count(fb))
      scheduling_error(
          prim, p, at,
          "cannot lift constant because it is a buffer that is written in the loop body: '" + print_expr(factor) + "'");
  }
  for (size_t k = 1; k < sites.size(); ++k) {
    Context ctx(p, sites[k].path);
    if (!ctx.equal(factor, sites[k].factor))
      scheduling_error(prim, p, at,
                       "cannot lift constant because the reduces to buffer " + base.name() + " in the loop body have different constants: '" +
                           print_expr(factor) + "' and '" + print_expr(sites[k].factor) + "'");
  }
  // Step 4: drop the factor from each reduction, scale x once after the loop.
  Proc q = p;
  Forward fwd = identity_forward();
  for (auto& s : sites) {
    auto* mul = s.red->rhs.as<BinOpNode>();
    Stmt red =
        make_stmt<ReduceNode>(s.red->name, s.red->type, s.red->idx, mul->rhs, s.red->srcinfo);
    q = replace_stmt(q, s.path, red);
    int n = static_cast<int>(s.red->idx.size());
    fwd = compose(fwd, forward_exprs(s.path, exprs_detail::rhs_becomes_operand(n, 1)));
  }
  Type elem = Type::scalar(init->type.base);
  Expr cur = make_expr<ReadNode>(init->name, init->idx, elem, init->srcinfo);
  Expr scaled = make_expr<BinOpNode>(BinOpKind::Mul, factor, cur, elem, init->srcinfo);
  StmtPath after = loop_path;
  after.back().index += 1;
  Rewrite ins = splice_rewrite(
      q, after, 0,
      {make_stmt<AssignNode>(init->name, init->type, init->idx, scaled, init->srcinfo)});
  // The factor is now read after the loop too: re-check its bounds there.
  try {
    check_proc(ins.proc);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Bounds && e.kind() != ErrorKind::Precondition) throw;
    scheduling_error(prim, p, at,
                     "reading the factor after the loop is not provably safe: " + e.message());
  }
  return Rewrite{ins.proc, compose(fwd, ins.forward)};
}

}  // namespace exo
