// parallelize_loop, shift_loop, join_loops, mult_loops, insert_pass,
// eliminate_dead_code, specialize, add_unsafe_guard.
// Each reads: Step 1 locate, Step 2 check, Step 3 build, Step 4 replace + forward.
#include "exo/schedule/loop_ranges.h"

#include <cassert>
#include <map>
#include <set>

#include "analysis/facts.h"
#include "exo/frontend.h"
#include "exo/names.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/buffers/accesses.h"
#include "schedule/loops/dependence.h"
#include "schedule/loops/substitute.h"
#include "schedule/checks/rewrite_checks.h"

namespace exo {
namespace {

using buffers_detail::add_index;
using buffers_detail::simplify_index;
using buffers_detail::sub_index;
using rewrite_detail::config_clash;
using rewrite_detail::const_value;
using rewrite_detail::expect_loop;
using analysis::provable_at;
using analysis::refutable_at;

Expr idx_read(const Sym& s) { return read_var(s, ScalarKind::Index); }

std::string q(const Expr& e) { return "'" + print_expr(e) + "'"; }

// A copy of `b` whose locally bound names (loops, allocations, windows) are fresh.
Block fresh_copy(const Block& b) {
  rewrite_detail::Subst s;
  s.freshen = true;
  return s.mutate_block(b);
}

// Structural equality of two blocks up to the renaming `m` (names of b -> names of
// a), extended with the names each binds.
class SameUpToRenaming {
 public:
  explicit SameUpToRenaming(std::map<Sym, Sym> m) : m_(std::move(m)) {}

  bool blocks(const Block& a, const Block& b) {
    if (a.size() != b.size()) return false;
    for (size_t k = 0; k < a.size(); ++k)
      if (!stmt(a[k], b[k])) return false;
    return true;
  }

 private:
  std::map<Sym, Sym> m_;

  bool name(const Sym& a, const Sym& b) const {
    auto it = m_.find(b);
    return it == m_.end() ? a == b : it->second == a;
  }
  bool exprs(const std::vector<Expr>& a, const std::vector<Expr>& b) {
    if (a.size() != b.size()) return false;
    for (size_t k = 0; k < a.size(); ++k)
      if (!expr(a[k], b[k])) return false;
    return true;
  }
  bool type(const Type& a, const Type& b) {
    return a.base == b.base && a.is_tensor == b.is_tensor && a.is_window == b.is_window &&
           exprs(a.shape, b.shape);
  }
  bool expr(const Expr& a, const Expr& b) {
    if (!a || !b) return !a && !b;
    if (a->type.base != b->type.base) return false;
    if (!same_expr_node(a, b,
                                        [this](const Sym& x, const Sym& y) { return name(x, y); }))
      return false;
    return exprs(expr_children(a), expr_children(b));
  }
  bool stmt(const Stmt& a, const Stmt& b) {
    if (a->kind != b->kind) return false;
    switch (a->kind) {
      case StmtKind::Assign:
        if (!name(a.as<AssignNode>()->name, b.as<AssignNode>()->name)) return false;
        break;
      case StmtKind::Reduce:
        if (!name(a.as<ReduceNode>()->name, b.as<ReduceNode>()->name)) return false;
        break;
      case StmtKind::WriteConfig: {
        auto *x = a.as<WriteConfigNode>(), *y = b.as<WriteConfigNode>();
        if (x->config != y->config || x->field != y->field) return false;
        break;
      }
      case StmtKind::Pass:
        return true;
      case StmtKind::If: {
        auto *x = a.as<IfNode>(), *y = b.as<IfNode>();
        return expr(x->cond, y->cond) && blocks(x->body, y->body) && blocks(x->orelse, y->orelse);
      }
      case StmtKind::For: {
        auto *x = a.as<ForNode>(), *y = b.as<ForNode>();
        if (x->mode != y->mode || !expr(x->lo, y->lo) || !expr(x->hi, y->hi)) return false;
        m_[y->iter] = x->iter;
        return blocks(x->body, y->body);
      }
      case StmtKind::Alloc: {
        auto *x = a.as<AllocNode>(), *y = b.as<AllocNode>();
        if (x->mem != y->mem || !type(x->type, y->type)) return false;
        m_[y->name] = x->name;
        return true;
      }
      case StmtKind::Call:
        if (a.as<CallNode>()->proc != b.as<CallNode>()->proc) return false;
        break;
      case StmtKind::WindowStmt: {
        auto *x = a.as<WindowStmtNode>(), *y = b.as<WindowStmtNode>();
        if (!expr(x->rhs, y->rhs)) return false;
        m_[y->name] = x->name;
        return true;
      }
    }
    return exprs(stmt_exprs(a), stmt_exprs(b));
  }
};

// A name the statement or block declares that statements after it use.
std::string declared_and_used_after(const Proc& p, const Cursor& block) {
  return rewrite_detail::declared_and_used_after(p, block.path, block.is_block() ? block.count : 1);
}

}  // namespace

// ---------------------------------------------------------------------------

Rewrite parallelize_loop(const Proc& p, const Cursor& c) {
  const char* prim = "parallelize_loop";
  // Step 1. Locate.
  auto* f = expect_loop(prim, p, c);
  // Step 2. Check: iterations are independent (the one check of every par loop).
  size_t depth = rewrite_detail::loop_depth(p, c.path);
  if (auto cf = analysis::parallel_iteration_conflict(p, *f, depth))
    scheduling_error(prim, p, c,
                     "cannot parallelize loop '" + f->iter.name() + "': " + analysis::race_text(*cf));
  // Step 3/4. Only the loop mode changes; every position stays.
  Stmt s = make_stmt<ForNode>(f->iter, f->lo, f->hi, f->body, LoopMode::Par, f->srcinfo);
  return Rewrite{replace_stmt(p, c.path, s), identity_forward()};
}

Rewrite shift_loop(const Proc& p, const Cursor& c, const std::string& new_lo) {
  expect_loop("shift_loop", p, c);
  return shift_loop(p, c,
                    buffers_detail::parse_index_at("shift_loop", 2, "new_lo", p, c.path, new_lo));
}

Rewrite shift_loop(const Proc& p, const Cursor& c, const Expr& new_lo) {
  const char* prim = "shift_loop";
  auto* f = expect_loop(prim, p, c);
  SrcInfo si = f->srcinfo;
  // Step 2. Check.
  if (!provable_at(p, c.path, binop(BinOpKind::Ge, new_lo, int_const(0, si), si)))
    scheduling_error(prim, p, c, "Expected 0 <= `new_lo`: " + q(new_lo) + " >= 0 is not provable");
  // The body re-evaluates `lo - new_lo` in every iteration.
  std::string clash = config_clash({f->lo, new_lo}, f->body);
  if (!clash.empty())
    scheduling_error(
        prim, p, c,
        "the body writes config field '" + clash + "', which the lower bound or new_lo reads");
  // Step 3. Build: i -> i + (lo - new_lo).
  Expr shifted = add_index(idx_read(f->iter), sub_index(f->lo, new_lo));
  rewrite_detail::Subst s;
  s.exprs[f->iter] = shifted;
  Block body = s.mutate_block(f->body);
  Expr hi = add_index(new_lo, sub_index(f->hi, f->lo));
  Stmt loop = make_stmt<ForNode>(f->iter, new_lo, hi, body, f->mode, si);
  // Step 4. Same shape: cursors stay.
  return rewrite_detail::keeping_definition_rules(prim, p, c, Rewrite{replace_stmt(p, c.path, loop), identity_forward()});
}

Rewrite join_loops(const Proc& p, const Cursor& c1, const Cursor& c2) {
  const char* prim = "join_loops";
  // Step 1. Locate.
  auto* f1 = expect_loop(prim, p, c1);
  auto* f2 = expect_loop(prim, p, c2);
  if (!(next(p, c1) == c2))
    scheduling_error(prim, p, c2, "expected the second loop to be directly after the first");
  // Step 2. Check.
  if (f1->mode != f2->mode)
    scheduling_error(prim, p, Cursor::block(c1.path, 2),
                     "expected both loops to be seq or both par");
  std::string clash = config_clash({f2->lo, f2->hi}, f1->body);
  if (!clash.empty())
    scheduling_error(prim, p, Cursor::block(c1.path, 2),
                     "the first loop writes config field '" + clash +
                         "', which the bounds of the second loop read");
  SrcInfo si = f1->srcinfo;
  if (!provable_at(p, c1.path, binop(BinOpKind::Eq, f1->hi, f2->lo, si)))
    scheduling_error(prim, p, Cursor::block(c1.path, 2),
                     "expected the first loop upper bound " + print_expr(f1->hi) +
                         " to be the same as the second loop lower bound " + print_expr(f2->lo));
  if (!provable_at(p, c1.path, binop(BinOpKind::Le, f1->lo, f1->hi, si)) ||
      !provable_at(p, c1.path, binop(BinOpKind::Le, f2->lo, f2->hi, si)))
    scheduling_error(prim, p, Cursor::block(c1.path, 2),
                     "expected " + q(f1->lo) + " <= " + q(f1->hi) + " <= " + q(f2->hi) +
                         " to be provable: otherwise the joined loop runs other iterations");
  if (!SameUpToRenaming(std::map<Sym, Sym>{{f2->iter, f1->iter}}).blocks(f1->body, f2->body))
    scheduling_error(prim, p, Cursor::block(c1.path, 2),
                     "expected the two loops to have identical bodies");
  // Step 3/4. loop1 takes loop2's upper bound; loop2 goes.
  Stmt joined = make_stmt<ForNode>(f1->iter, f1->lo, f2->hi, f1->body, f1->mode, si);
  Proc q1 = replace_stmt(p, c1.path, joined);
  if (f1->mode == LoopMode::Par) {
    // Each par loop was race-free on its own; iterations of the two may still
    // conflict once they run concurrently.
    Proc seq1 = replace_stmt(
        p, c1.path, make_stmt<ForNode>(f1->iter, f1->lo, f2->hi, f1->body, LoopMode::Seq, si));
    try {
      parallelize_loop(seq1, c1);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::Scheduling) throw;
      scheduling_error(prim, p, Cursor::block(c1.path, 2),
                       "iterations of the two par loops may touch the same location, so the "
                       "joined par loop would race");
    }
  }
  Rewrite del = splice_rewrite(q1, c2.path, 1, {});
  return rewrite_detail::keeping_definition_rules(prim, p, Cursor::block(c1.path, 2), Rewrite{del.proc, del.forward});
}

Rewrite mult_loops(const Proc& p, const Cursor& c, const std::string& new_iter) {
  const char* prim = "mult_loops";
  assert(is_valid_new_name(new_iter));  // arguments are checked by the primitive records
  // Step 1. Locate.
  auto* f = expect_loop(prim, p, c);
  auto* g = f->body.size() == 1 ? f->body[0].as<ForNode>() : nullptr;
  if (!g)
    scheduling_error(prim, p, c, "expected loop directly inside of '" + f->iter.name() + "' loop");
  // Step 2. Check.
  long long cval, lo1, lo2;
  if (!const_value(g->hi, cval) || cval <= 0)
    scheduling_error(prim, p, c,
                     "expected the inner loop to have a constant bound (a positive one), got " + q(g->hi));
  if (!const_value(f->lo, lo1) || !const_value(g->lo, lo2) || lo1 != 0 || lo2 != 0)
    scheduling_error(
        prim, p, c,
        "expected the inner and outer loops to have a constant lower bound of 0, got " + q(f->lo) +
            " and " + q(g->lo));
  // Step 3. Build: k runs over (i, j) in the same order, i = k / c, j = k % c.
  SrcInfo si = f->srcinfo;
  Sym k(new_iter);
  Expr C = int_const(cval, g->hi->srcinfo);
  rewrite_detail::Subst s;
  s.exprs[f->iter] = binop(BinOpKind::Div, idx_read(k), C, si);
  s.exprs[g->iter] = binop(BinOpKind::Mod, idx_read(k), C, si);
  Block body = s.mutate_block(g->body);
  LoopMode mode =
      f->mode == LoopMode::Par && g->mode == LoopMode::Par ? LoopMode::Par : LoopMode::Seq;
  Stmt loop = make_stmt<ForNode>(k, f->lo, binop(BinOpKind::Mul, f->hi, C, si), body, mode, si);
  // Step 4. The inner loop disappears: paths into its body lose one level.
  StmtPath inner = c.path;
  inner.push_back(PathStep{false, 0});
  return rewrite_detail::keeping_definition_rules(
      prim, p, c,
      Rewrite{replace_stmt(p, c.path, loop), forward_unwrap(inner, false, static_cast<int>(g->body.size()))});
}

Rewrite insert_pass(const Proc& p, const Cursor& gap) {
  const char* prim = "insert_pass";
  const Block* b = gap.is_gap() ? resolve_parent_block(p, gap.path) : nullptr;
  if (!b || gap.index() < 0 || gap.index() > static_cast<int>(b->size()))
    scheduling_error(prim, p, Cursor::invalid(),
                     "expected a gap cursor of this procedure, got " + gap.str());
  SrcInfo si = p->srcinfo;
  Cursor owner = parent(gap);
  if (owner.valid()) si = resolve_stmt(p, owner)->srcinfo;
  return splice_rewrite(p, gap.path, 0, {make_stmt<PassNode>(si)});
}

Rewrite eliminate_dead_code(const Proc& p, const Cursor& c) {
  const char* prim = "eliminate_dead_code";
  Stmt s = c.is_stmt() ? resolve_stmt(p, c) : Stmt();
  if (!s || (s->kind != StmtKind::If && s->kind != StmtKind::For))
    scheduling_error(prim, p, c, "expected an if or a for statement");
  // Removes the statement; a block left empty keeps a `pass`.
  auto remove = [&]() {
    if (resolve_parent_block(p, c.path)->size() == 1)
      return Rewrite{splice_block(p, c.path, 1, {make_stmt<PassNode>(s->srcinfo)}),
                     forward_splice(c.path, 1, 1)};
    return splice_rewrite(p, c.path, 1, {});
  };
  if (auto* f = s.as<ForNode>()) {
    if (!refutable_at(p, c.path, binop(BinOpKind::Lt, f->lo, f->hi, f->srcinfo)))
      scheduling_error(prim, p, c,
                       "Loop condition isn't always False: loop '" + f->iter.name() +
                           "' may run (" + q(f->hi) + " <= " + q(f->lo) +
                           " is not provable where it runs)");
    return remove();
  }
  auto* i = s.as<IfNode>();
  bool taken;
  if (provable_at(p, c.path, i->cond))
    taken = true;
  else if (refutable_at(p, c.path, i->cond))
    taken = false;
  else
    scheduling_error(prim, p, c,
                     "If condition isn't always True or always False: " + q(i->cond) +
                         " may hold or not where the if runs");
  const Block& kept = taken ? i->body : i->orelse;
  if (kept.empty()) return remove();
  return Rewrite{splice_block(p, c.path, 1, kept),
                 forward_unwrap(c.path, !taken, static_cast<int>(kept.size()))};
}

Rewrite specialize(const Proc& p, const Cursor& block, const std::vector<std::string>& conds) {
  const char* prim = "specialize";
  if (!block.is_stmt() && !block.is_block())
    scheduling_error(prim, p, block, "expected a statement or a block");
  std::vector<Expr> es;
  for (auto& t : conds) {
    try {
      es.push_back(buffers_detail::parse_bool_at(prim, 2, "conds", p, block.path, t));
    } catch (const Error& e) {
      // Text that parses and names known variables but is not a condition on
      // control values (e.g. compares data) is refused as the reference does.
      if (e.kind() != ErrorKind::Api || e.message().find("is not defined") != std::string::npos)
        throw;
      try {
        parse_expr_fragment(t);
      } catch (const Error&) {
        throw e;
      }
      std::string why = e.message();
      if (size_t k = why.find("specialize: "); k != std::string::npos) why = why.substr(k + 12);
      scheduling_error(prim, p, block, "Invalid specialization condition '" + t + "': " + why);
    }
  }
  return specialize(p, block, es);
}

Rewrite specialize(const Proc& p, const Cursor& block, const std::vector<Expr>& conds) {
  const char* prim = "specialize";
  // Step 1. Locate.
  if (!block.is_stmt() && !block.is_block())
    scheduling_error(prim, p, block, "expected a statement or a block");
  assert(!conds.empty());  // arguments are checked by the primitive records
  std::vector<Stmt> stmts = resolve_stmts(p, block);
  // Step 2. Check: names declared in the block stay visible after it.
  std::string hidden = declared_and_used_after(p, block);
  if (!hidden.empty())
    scheduling_error(prim, p, block,
                     "Block contains allocations '" + hidden +
                         "' which are used outside the block (the copies would hide them)");
  // Step 3. Build the chain from the default copy up.
  Block chain = fresh_copy(stmts);
  for (auto it = conds.rbegin(); it != conds.rend(); ++it)
    chain = {make_stmt<IfNode>(*it, fresh_copy(stmts), chain, stmts[0]->srcinfo)};
  // Step 4. Replace; positions inside the block do not survive (it is copied).
  return splice_rewrite(p, block.path, static_cast<int>(stmts.size()), chain);
}

Rewrite add_unsafe_guard(const Proc& p, const Cursor& block, const std::string& cond) {
  const char* prim = "add_unsafe_guard";
  if (!block.is_stmt() && !block.is_block())
    scheduling_error(prim, p, block, "expected a statement or a block");
  return add_unsafe_guard(p, block,
                          buffers_detail::parse_bool_at(prim, 2, "var_expr", p, block.path, cond));
}

Rewrite add_unsafe_guard(const Proc& p, const Cursor& block, const Expr& cond) {
  const char* prim = "add_unsafe_guard";
  if (!block.is_stmt() && !block.is_block())
    scheduling_error(prim, p, block, "expected a statement or a block");
  std::vector<Stmt> stmts = resolve_stmts(p, block);
  std::string hidden = declared_and_used_after(p, block);
  if (!hidden.empty())
    scheduling_error(prim, p, block, "the block declares '" + hidden + "', which is used after it");
  // No safety check, by design (see the header): the block is simply guarded.
  int n = static_cast<int>(stmts.size());
  Stmt guard =
      make_stmt<IfNode>(cond, Block(stmts.begin(), stmts.end()), Block{}, stmts[0]->srcinfo);
  return Rewrite{splice_block(p, block.path, n, {guard}), forward_wrap(block.path, n)};
}

}  // namespace exo
