// simplify: index arithmetic normalized and folded under the facts known at
// each statement (preconditions, positive sizes, enclosing loop ranges and
// branch conditions); branches whose condition folds to a constant removed (or,
// on request, every branch and loop those facts decide).
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "analysis/lower.h"
#include "analysis/solver.h"
#include "exo/ir_mutator.h"
#include "exo/printer.h"
#include "exo/schedule/procs.h"
#include "schedule/exprs/context.h"
#include "analysis/facts.h"
#include "schedule/cleanup/simplify_index.h"

namespace exo {
namespace {

using analysis::Formula;
using analysis::reads_config;
using simplify_detail::IndexSimplifier;

// Path keys for the old -> new statement map behind the cursor forwarding.
using PathKey = std::vector<std::pair<bool, int>>;
PathKey key_of(const StmtPath& p) {
  PathKey k;
  for (auto& s : p) k.push_back({s.orelse, s.index});
  return k;
}

class Simplifier {
 public:
  Simplifier(const Proc& p, bool decide_all)
      : p_(p), decide_all_(decide_all), idx_([this](const Expr& e, long long bound) { return in_range(e, bound); }) {
    for (auto& a : p->args)
      if (!a.type.is_tensor && a.type.base == ScalarKind::Size)
        ctx_.push_back(analysis::f_ge(analysis::Affine::var(a.name), analysis::Affine(1)));
    // A precondition on a config field holds only until the field is written.
    for (auto& pr : p->preds)
      if (!reads_config(pr)) ctx_.push_back(L_.formula(pr));
  }

  Rewrite run() {
    auto out = std::make_shared<ProcNode>(*p_);
    // Argument types stay as written: they are the proc's interface, and
    // exo-lang's simplify leaves them alone too.
    out->preds.clear();
    for (auto& pr : p_->preds) {
      Expr e = idx_.simplify(pr);
      if (auto* c = e.as<ConstNode>(); c && !c->is_zero()) continue;  // a true assertion says nothing
      out->preds.push_back(e);
    }
    // `assert X == c` holds in the whole body: X reads only arguments, which
    // never change.
    for (auto& pr : out->preds) add_fact(pr);
    Block body;
    simplify_block(p_->body, {}, false, {}, false, body);
    if (body.empty()) body.push_back(make_stmt<PassNode>(p_->srcinfo));
    out->body = std::move(body);
    Proc q = out;
    return Rewrite{q, make_forward(p_, q)};
  }

 private:
  // ---- facts ----
  bool provable(const Formula& goal) { return analysis::implies(ctx_, goal, L_); }
  // The facts in force change only here, so answers about them are kept per
  // `epoch_` (the index simplifier asks the same range question many times
  // while it tries the factors of a divisor).
  void push_fact(Formula f) {
    ctx_.push_back(std::move(f));
    ++epoch_;
  }
  void pop_fact() {
    ctx_.pop_back();
    ++epoch_;
  }
  bool in_range(const Expr& e, long long bound) {
    analysis::Affine a = L_.affine(e);
    if (in_box(a, bound)) return true;
    if (a.overflow) return false;
    RangeKey key{epoch_, bound, a.constant, {}};
    for (auto& [x, c] : a.terms) key.terms.emplace_back(x.id(), c);
    auto hit = range_memo_.find(key);
    if (hit != range_memo_.end()) return hit->second;
    bool yes = provable(analysis::f_and(analysis::f_ge(a, analysis::Affine(0)), analysis::f_lt(a, analysis::Affine(bound))));
    range_memo_.emplace(std::move(key), yes);
    return yes;
  }
  // 0 <= a < bound from the constant ranges of the enclosing loops alone (most
  // index expressions of unrolled kernels), without building a query: those
  // ranges are among the facts `provable` uses, so a yes here is a yes there.
  bool in_box(const analysis::Affine& a, long long bound) const {
    if (a.overflow) return false;
    __int128 lo = a.constant, hi = a.constant;
    for (auto& [x, c] : a.terms) {
      auto it = box_.find(x);
      if (it == box_.end()) return false;
      __int128 l = (__int128)c * it->second.first, h = (__int128)c * it->second.second;
      lo += l < h ? l : h;
      hi += l < h ? h : l;
    }
    return lo >= 0 && hi < bound;
  }
  // +1: true, -1: false, 0: unknown. As in the reference, only a condition
  // that folds to a constant is decided (`X == c` facts of enclosing branches
  // included), unless every condition the analysis decides is asked for.
  int decide(const Expr& cond) {
    if (auto* c = cond.as<ConstNode>()) return !c->is_zero() ? 1 : -1;
    if (!decide_all_ || reads_config(cond)) return 0;
    Formula f = L_.formula(cond);
    if (provable(f)) return 1;
    if (provable(analysis::f_not(f))) return -1;
    return 0;
  }

  Type simplify_type(const Type& t) {
    if (!t.is_tensor) return t;
    Type out = t;
    for (auto& d : out.shape) d = idx_.simplify(d);
    return out;
  }

  std::vector<Expr> simplify_all(const std::vector<Expr>& es, bool& changed) {
    std::vector<Expr> out;
    for (auto& e : es) {
      out.push_back(idx_.simplify(e));
      changed |= !out.back().same_as(e);
    }
    return out;
  }

  // Simplifies `b` (the block at old path `old_parent` + orelse flag) and appends
  // the result to `out`, the block at new path `new_parent` + orelse flag.
  void simplify_block(const Block& b, const StmtPath& old_parent, bool old_orelse, const StmtPath& new_parent,
                      bool new_orelse, Block& out) {
    for (size_t k = 0; k < b.size(); ++k) {
      StmtPath old_path = old_parent;
      old_path.push_back(PathStep{old_orelse, static_cast<int>(k)});
      StmtPath new_path = new_parent;
      new_path.push_back(PathStep{new_orelse, static_cast<int>(out.size())});
      simplify_stmt(b[k], old_path, new_path, out);
    }
  }

  void keep(const Stmt& s, const StmtPath& old_path, const StmtPath& new_path, Block& out) {
    map_[key_of(old_path)] = new_path;
    out.push_back(s);
  }

  // A branch known to be taken: its statements take the If's place in `out`.
  void inline_branch(const Block& branch, const StmtPath& old_path, bool orelse, const StmtPath& new_path,
                     Block& out) {
    StmtPath new_parent(new_path.begin(), new_path.end() - 1);
    simplify_block(branch, old_path, orelse, new_parent, new_path.back().orelse, out);
  }

  void simplify_stmt(const Stmt& s, const StmtPath& old_path, const StmtPath& new_path, Block& out) {
    switch (s->kind) {
      case StmtKind::If: {
        auto* i = s.as<IfNode>();
        Expr cond = idx_.simplify(i->cond);
        int known = decide(cond);
        if (known != 0) {
          inline_branch(known > 0 ? i->body : i->orelse, old_path, known < 0, new_path, out);
          return;
        }
        bool usable = !reads_config(cond);
        Formula f = usable ? L_.formula(cond) : analysis::f_true();
        Block body, orelse;
        {
          auto saved_facts = idx_.facts;
          add_fact(cond);
          push_fact(f);
          simplify_block(i->body, old_path, false, new_path, false, body);
          pop_fact();
          idx_.facts = saved_facts;
        }
        push_fact(analysis::f_not(f));
        simplify_block(i->orelse, old_path, true, new_path, true, orelse);
        pop_fact();
        if (body.empty() && orelse.empty()) return;  // nothing left to choose between
        if (body.empty()) body.push_back(make_stmt<PassNode>(s->srcinfo));
        bool same = cond.same_as(i->cond) && same_block(body, i->body) && same_block(orelse, i->orelse);
        keep(same ? s : make_stmt<IfNode>(cond, body, orelse, s->srcinfo), old_path, new_path, out);
        return;
      }
      case StmtKind::For: {
        auto* f = s.as<ForNode>();
        Expr lo = idx_.simplify(f->lo), hi = idx_.simplify(f->hi);
        // Bounds reading config fields may change meaning inside the body.
        bool usable = !reads_config(lo) && !reads_config(hi);
        analysis::Affine it = analysis::Affine::var(f->iter);
        analysis::Affine alo = usable ? L_.affine(lo) : it, ahi = usable ? L_.affine(hi) : it + analysis::Affine(1);
        bool never_runs = decide_all_ ? provable(analysis::f_le(ahi, alo))
                                      : alo.is_const() && ahi.is_const() && ahi.constant <= alo.constant;
        if (usable && never_runs) return;
        push_fact(analysis::f_ge(it, alo));
        push_fact(analysis::f_lt(it, ahi));
        bool boxed = usable && alo.is_const() && ahi.is_const();
        auto outer = box_.find(f->iter);  // (an iterator rebound by a nested loop)
        std::optional<std::pair<long long, long long>> outer_range;
        if (outer != box_.end()) outer_range = outer->second;
        if (boxed) box_[f->iter] = {alo.constant, ahi.constant - 1};
        else box_.erase(f->iter);
        Block body;
        simplify_block(f->body, old_path, false, new_path, false, body);
        if (outer_range) box_[f->iter] = *outer_range;
        else box_.erase(f->iter);
        pop_fact();
        pop_fact();
        // A loop whose body simplified away goes too; one written with only `pass`
        // stays (exo-lang's rule; delete_pass removes it).
        if (body.empty()) return;
        bool same = lo.same_as(f->lo) && hi.same_as(f->hi) && same_block(body, f->body);
        keep(same ? s : make_stmt<ForNode>(f->iter, lo, hi, body, f->mode, s->srcinfo), old_path, new_path, out);
        return;
      }
      case StmtKind::Alloc: {
        auto* a = s.as<AllocNode>();
        Type t = simplify_type(a->type);
        bool same = true;
        for (size_t d = 0; d < t.shape.size(); ++d) same &= t.shape[d].same_as(a->type.shape[d]);
        keep(same ? s : make_stmt<AllocNode>(a->name, t, a->mem, s->srcinfo), old_path, new_path, out);
        return;
      }
      default: {
        bool changed = false;
        std::vector<Expr> es = simplify_all(stmt_exprs(s), changed);
        keep(changed ? with_stmt_exprs(s, es) : s, old_path, new_path, out);
        return;
      }
    }
  }

  // `X == c` inside the branch: X reads as c (and X % M as X when X / M == 0).
  void add_fact(const Expr& cond) {
    auto* b = cond.as<BinOpNode>();
    if (!b || b->op != BinOpKind::Eq || reads_config(cond)) return;
    Expr x = b->lhs, c = b->rhs;
    if (x.as<ConstNode>()) std::swap(x, c);
    auto* cc = c.as<ConstNode>();
    if (!cc || x.as<ConstNode>() || x->type.is_numeric() || x->type.base == ScalarKind::Bool) return;
    idx_.facts.add(x, c);
    if (auto* d = x.as<BinOpNode>(); d && d->op == BinOpKind::Div && cc->is_zero())
      idx_.facts.add(binop(BinOpKind::Mod, d->lhs, d->rhs), d->lhs);
  }

  static bool same_block(const Block& a, const Block& b) {
    if (a.size() != b.size()) return false;
    for (size_t k = 0; k < a.size(); ++k)
      if (!a[k].same_as(b[k])) return false;
    return true;
  }

  // Cursors follow their statement; expression cursors survive when the
  // expression they point at is unchanged; a destroyed position is Invalid.
  Forward make_forward(const Proc& before, const Proc& after) {
    auto map = std::make_shared<std::map<PathKey, StmtPath>>(std::move(map_));
    auto stmt_of = [map](const StmtPath& p, StmtPath& out) {
      auto it = map->find(key_of(p));
      if (it == map->end()) return false;
      out = it->second;
      return true;
    };
    return [=](const Cursor& c) -> Cursor {
      StmtPath np;
      switch (c.kind) {
        case CursorKind::Stmt: return stmt_of(c.path, np) ? Cursor::stmt(np) : Cursor::invalid();
        case CursorKind::Expr: {
          if (!stmt_of(c.path, np)) return Cursor::invalid();
          Cursor n = Cursor::expr(np, c.expr_path);
          Expr a = resolve_expr(before, c), b = resolve_expr(after, n);
          return a && b && a.same_as(b) ? n : Cursor::invalid();
        }
        case CursorKind::Block: {
          StmtPath last = c.path, nl;
          last.back().index += c.count - 1;
          if (!stmt_of(c.path, np) || !stmt_of(last, nl) || np.size() != nl.size()) return Cursor::invalid();
          int n = nl.back().index - np.back().index + 1;
          return n >= 1 ? Cursor::block(np, n) : Cursor::invalid();
        }
        case CursorKind::Gap: {
          if (stmt_of(c.path, np)) return Cursor::gap(np);
          if (c.path.back().index == 0) return Cursor::invalid();
          StmtPath prev = c.path;
          prev.back().index -= 1;
          if (!stmt_of(prev, np)) return Cursor::invalid();
          np.back().index += 1;
          return Cursor::gap(np);
        }
        default: return c;
      }
    };
  }

  Proc p_;
  bool decide_all_;
  analysis::Lowering L_;
  struct RangeKey {
    uint64_t epoch;
    long long bound, constant;
    std::vector<std::pair<uint64_t, long long>> terms;
    bool operator<(const RangeKey& o) const {
      return std::tie(epoch, bound, constant, terms) < std::tie(o.epoch, o.bound, o.constant, o.terms);
    }
  };
  std::vector<Formula> ctx_;
  uint64_t epoch_ = 0;
  std::map<RangeKey, bool> range_memo_;
  std::map<Sym, std::pair<long long, long long>> box_;  // loop iterator -> [lo, hi], constant bounds
  IndexSimplifier idx_;
  std::map<PathKey, StmtPath> map_;
};

}  // namespace

Rewrite simplify(const Proc& p, bool remove_proved_dead_code) {
  Simplifier s(p, remove_proved_dead_code);
  return s.run();
}

}  // namespace exo
