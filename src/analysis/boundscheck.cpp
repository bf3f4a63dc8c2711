// check_proc: bounds and precondition checking of a typechecked procedure.
//
// The checker walks the body keeping the facts that hold at each point: loop
// ranges (lo <= i < hi, which makes every check in an empty loop vacuous), branch
// conditions and their negations, the proc's preconditions, size arguments being
// positive, and the strides of dense buffers. Each access, window, allocation and
// call is then a set of goals proved under those facts (analysis/solver.h).
//
// Rules, following the reference implementation: size arguments are positive
// (callers must prove it), allocation and tensor-argument extents are positive,
// loops run a non-negative number of times (hi - lo >= 0, proved before the
// loop's own range is assumed), accesses lie in [0, dim), windows in [0, dim]
// with lo <= hi, call arguments have exactly the callee's shapes (callee sizes
// replaced by the caller's arguments), and callee preconditions hold at each call
// site. Beyond the reference's bounds checks: no call passes overlapping storage
// to two parameters one of which the callee writes (analysis/call_aliasing.h),
// and the iterations of every par loop are race-free
// (analysis/iteration_conflicts.h).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "analysis/call_aliasing.h"
#include "analysis/iteration_conflicts.h"
#include "analysis/lower.h"
#include "analysis/solver.h"
#include "exo/analysis.h"
#include "exo/checked_int.h"
#include "exo/hardware.h"
#include "exo/ir_mutator.h"
#include "exo/printer.h"

namespace exo {

namespace {

using namespace analysis;

struct Fact {
  Formula f;
  std::string text;  // shown in diagnostics; empty for background facts
  // Loop ranges and branch conditions are printed only when a diagnostic shows
  // them (the checker passes many more than it reports).
  const ForNode* loop = nullptr;
  Expr cond;
  bool negated = false;

  Fact() = default;
  Fact(Formula f, std::string text, const ForNode* loop = nullptr, Expr cond = {}, bool negated = false)
      : f(std::move(f)), text(std::move(text)), loop(loop), cond(std::move(cond)), negated(negated) {}

  std::string shown() const {
    if (loop) return print_expr(loop->lo) + " <= " + loop->iter.name() + " < " + print_expr(loop->hi);
    if (cond) return negated ? "not (" + print_expr(cond) + ")" : print_expr(cond);
    return text;
  }
};

// The extents of a buffer as seen from the current point: source text for
// messages, lowered form for proofs.
struct Shape {
  std::vector<Expr> dims;
  std::vector<Affine> lowered;
};

std::string quoted(const Expr& e) { return "'" + print_expr(e) + "'"; }

// Extent of a window interval: `hi` when lo is 0, else `hi - lo`.
Expr interval_extent(const WAccess& w) {
  if (auto* c = w.lo.as<ConstNode>(); c && c->ival == 0) return w.hi;
  return binop(BinOpKind::Sub, w.hi, w.lo, w.hi->srcinfo);
}

std::vector<int> interval_dims(const WindowExprNode* w) {
  std::vector<int> dims;
  for (size_t k = 0; k < w->idx.size(); ++k)
    if (w->idx[k].is_interval) dims.push_back(static_cast<int>(k));
  return dims;
}

// Callee expressions seen from a call site: argument symbols replaced by the
// caller's argument expressions, strides of buffer arguments by the strides of
// the buffers (or window sources) passed.
class CallSubst : public IRMutator {
 public:
  std::map<Sym, Expr> values;
  std::map<Sym, std::pair<Sym, std::vector<int>>> buffers;

  Expr mutate(const Expr& e) override {
    if (auto* r = e.as<ReadNode>(); r && r->idx.empty()) {
      auto it = values.find(r->name);
      if (it != values.end()) return it->second;
    }
    if (auto* s = e.as<StrideExprNode>()) {
      auto it = buffers.find(s->name);
      if (it != buffers.end()) {
        const auto& [buf, dims] = it->second;
        int d = s->dim < static_cast<int>(dims.size()) ? dims[s->dim] : s->dim;
        return make_expr<StrideExprNode>(buf, d, s->type, s->srcinfo);
      }
    }
    return mutate_children(e);
  }
};

using ConfigFields = std::set<std::pair<const Config*, std::string>>;

class BoundsChecker {
 public:
  // A new definition leaves its par loops to the C backend, as exo-lang does
  // (rewrites still check the par loops they make).
  void skip_races() { check_races_ = false; }

  // Checks everything (a new proc), or only what a rewrite of the buffers
  // `touched` can break.
  explicit BoundsChecker(const Proc& p, const std::set<Sym>* touched = nullptr) : proc_(p) {
    if (touched) focus_ = *touched;
  }
  // Checks only the loops, calls and par loops of p that are not shared with
  // `before` (the IR shares unchanged nodes: a statement whose body, bounds or
  // arguments changed is a new node, and so is every loop and if around it):
  // their extents, argument aliasing and races. Unchanged statements are
  // skipped but for their configuration writes and declarations. Accesses are
  // checked by the rewrites that change them.
  BoundsChecker(const Proc& p, const Proc& before) : proc_(p), focus_(std::set<Sym>{}) {
    changed_only_ = true;
    for_each_stmt(before->body, [&](const Stmt& s) { known_stmts_.insert(s.get()); });
    std::function<void(const Block&)> walk = [&](const Block& b) {
      for (auto& s : b) {
        if (auto* f = s.as<ForNode>()) {
          context_.push_back(reinterpret_cast<uintptr_t>(f->lo.get()));
          context_.push_back(reinterpret_cast<uintptr_t>(f->hi.get()));
          known_extents_.insert(context_);
          walk(f->body);
          context_.resize(context_.size() - 2);
        } else if (auto* c = s.as<IfNode>()) {
          context_.push_back(reinterpret_cast<uintptr_t>(c->cond.get()));
          walk(c->body);
          context_.back() |= 1;  // else branch (nodes are at least 2-aligned)
          walk(c->orelse);
          context_.pop_back();
        }
      }
    };
    walk(before->body);
  }

  void run() {
    proc_writes_configs_ = !body_effects(proc_).fields_written.empty();
    for (auto& a : proc_->args) {
      if (a.type.is_tensor) continue;
      if (a.type.base == ScalarKind::Size) {
        size_args_.insert(a.name);
        facts_.push_back({f_gt(Affine::var(a.name), Affine(0)), ""});
      }
    }
    for (auto& a : proc_->args) {
      if (!a.type.is_tensor) continue;
      declare_buffer(a.name, a.type.shape, !a.type.is_window, a.srcinfo);
    }
    check_preconditions();
    for (auto& a : proc_->args) {
      if (!a.type.is_tensor || !in_focus(a.name)) continue;
      for (size_t d = 0; d < a.type.shape.size(); ++d) {
        const Expr& e = a.type.shape[d];
        require(f_gt(low_.affine(e), Affine(0)), ErrorKind::Bounds, a.srcinfo,
                "argument " + a.name.name() + ": extent " + quoted(e) + " of dimension " +
                    std::to_string(d) + " may not be positive",
                print_expr(e) + " > 0");
      }
    }
    check_block(proc_->body);
  }

 private:
  // Whether checks of `name` run (all do unless the check is focused).
  bool in_focus(const Sym& name) const { return !focus_ || focus_->count(name) > 0; }
  // Whether the checks of a statement that are not about buffers run: always for
  // a new proc, never when focused on buffers, for new statements after a rewrite.
  bool statement_checked(const Stmt& s) const {
    if (changed_only_) return !known_stmts_.count(s.get());
    return !focus_;
  }
  // A rebuilt loop with the bounds and enclosing loops and branches of a loop of
  // `before` (the spine above a rewritten statement) keeps its proved extent.
  bool extent_checked(const Stmt& s) const {
    if (changed_only_) return !known_stmts_.count(s.get()) && !known_extents_.count(context_);
    return !focus_;
  }
  // Focused on buffers: a call taking one of them.
  bool call_in_focus(const CallNode& c) const {
    if (!focus_ || changed_only_) return false;
    for (auto& arg : c.args) {
      if (auto* w = arg.as<WindowExprNode>(); w && in_focus(w->name)) return true;
      if (auto* r = arg.as<ReadNode>(); r && in_focus(r->name)) return true;
    }
    return false;
  }

  // -- facts ---------------------------------------------------------------

  static bool is_zero(const Expr& e) {
    auto* c = e.as<ConstNode>();
    return c && c->is_zero();
  }
  // Sizes, non-negative constants, and their sums, products, floor quotients by
  // positive constants and remainders by positive constants (`n % 32 / 16`, the
  // tails of divide_loop): non-negative by construction.
  bool obviously_nonneg(const Expr& e) const {
    if (auto* c = e.as<ConstNode>()) return c->is_int() && c->ival >= 0;
    if (auto* r = e.as<ReadNode>()) return r->idx.empty() && size_args_.count(r->name);
    auto* b = e.as<BinOpNode>();
    if (!b) return false;
    auto* k = b->rhs.as<ConstNode>();
    switch (b->op) {
      case BinOpKind::Add:
      case BinOpKind::Mul: return obviously_nonneg(b->lhs) && obviously_nonneg(b->rhs);
      case BinOpKind::Div: return k && k->is_int() && k->ival > 0 && obviously_nonneg(b->lhs);
      case BinOpKind::Mod: return k && k->is_int() && k->ival > 0;
      default: return false;
    }
  }

  // A non-negative constant plus non-negative multiples of size arguments (each
  // at least 1): non-negative without asking the prover, as most loop extents
  // are (`seq(0, K)`).
  bool sum_of_sizes(const Affine& e) const {
    if (e.constant < 0) return false;
    for (auto& [v, c] : e.terms)
      if (c < 0 || !size_args_.count(v)) return false;
    return true;
  }

  void declare_buffer(const Sym& name, const std::vector<Expr>& dims, bool dense, const SrcInfo& where) {
    Shape s;
    s.dims = dims;
    for (auto& d : dims) s.lowered.push_back(low_.affine(d));
    if (dense) check_element_count(name, s, where);
    // A dense buffer's strides follow from its trailing constant extents.
    if (dense && !dims.empty()) {
      long long stride = 1;
      for (int d = static_cast<int>(dims.size()) - 1; d >= 0; --d) {
        facts_.push_back({f_eq(Affine::var(low_.stride_var(name, d)), Affine(stride)), ""});
        if (!s.lowered[d].is_const()) break;
        auto next = checked_mul(stride, s.lowered[d].constant);
        if (!next) break;
        stride = *next;
      }
    }
    shapes_[name] = std::move(s);
  }

  // Element offsets and strides of a dense buffer are exact integers, so its
  // element count must be one: the product of its constant extents (a lower
  // bound of the count, the other extents being positive) must not overflow.
  void check_element_count(const Sym& name, const Shape& s, const SrcInfo& where) {
    int64_t count = 1;
    std::string factors;
    for (size_t d = 0; d < s.dims.size(); ++d) {
      if (!s.lowered[d].is_const() || s.lowered[d].constant <= 0) continue;
      factors += (factors.empty() ? "" : " * ") + std::to_string(s.lowered[d].constant);
      auto next = checked_mul(count, s.lowered[d].constant);
      if (!next)
        EXO_FAIL(ErrorKind::Bounds, where,
                 "buffer '" << name.name() << "' has too many elements: the product of its extents ("
                            << factors << ") overflows Exo's integer range +-(2^63 - 1)");
      count = *next;
    }
  }

  void check_preconditions() {
    std::vector<Formula> preds;
    for (auto& p : proc_->preds) preds.push_back(low_.formula(p));
    if (preds.empty()) return;
    if (focus_) {  // unchanged by the rewrite: already known satisfiable
      for (size_t k = 0; k < preds.size(); ++k) facts_.push_back({preds[k], print_expr(proc_->preds[k])});
      return;
    }
    auto with = [&](size_t from, size_t to) {
      std::vector<Formula> fs;
      for (auto& f : facts_) fs.push_back(f.f);
      fs.insert(fs.end(), preds.begin() + from, preds.begin() + to);
      auto defs = low_.definitions_for(fs);
      fs.insert(fs.end(), defs.begin(), defs.end());
      return fs;
    };
    if (satisfiable(with(0, preds.size())) == Answer::No) {
      // Locate the contradiction: the shortest contradictory prefix, then the
      // latest assertion from which that prefix's tail is still contradictory.
      size_t end = 1;
      while (end < preds.size() && satisfiable(with(0, end)) != Answer::No) ++end;
      size_t begin = end - 1;
      while (begin > 0 && satisfiable(with(begin, end)) != Answer::No) --begin;
      std::string list;
      for (size_t k = begin; k < end; ++k) list += (list.empty() ? "" : ", ") + quoted(proc_->preds[k]);
      EXO_FAIL(ErrorKind::Precondition, proc_->preds[begin]->srcinfo,
               "preconditions of " << proc_->name << " are contradictory: " << list
                                   << (end - begin == 1 ? " can never hold (the assertion is always unsatisfiable)"
                                                        : " cannot all hold (the assertions are always unsatisfiable)")
                                   << (proc_->args.empty() ? "" : " (sizes being positive)"));
    }
    for (size_t k = 0; k < preds.size(); ++k) facts_.push_back({preds[k], print_expr(proc_->preds[k])});
  }

  // Proves goal under the current facts or throws `what (could not prove ...)`.
  void require(const Formula& goal, ErrorKind kind, const SrcInfo& where, const std::string& what,
               const std::string& goal_text) {
    if (is_true(goal)) return;  // e.g. the extent of seq(0, 16)
    std::vector<Formula> fs;
    for (auto& f : facts_) fs.push_back(f.f);
    std::vector<Formula> with_goal = fs;
    with_goal.push_back(goal);
    auto defs = low_.definitions_for(with_goal);
    fs.insert(fs.end(), defs.begin(), defs.end());
    ProofResult r = prove(fs, goal);
    if (r.answer == Answer::Yes) return;

    // exo-lang's heading for every failure of this check, which its users match.
    std::ostringstream msg;
    msg << "Errors occurred during effect checking: " << what << " (could not prove " << goal_text;
    // Counterexample values only for variables the message mentions.
    std::set<Sym> shown;
    collect_vars(goal, shown);
    std::string under = relevant_facts(goal, shown);
    if (!under.empty()) msg << " under " << under;
    if (r.answer == Answer::No && !r.counterexample.empty()) {
      std::string values;
      for (auto& [v, x] : r.counterexample)
        if (shown.count(v)) values += (values.empty() ? "" : ", ") + v.name() + " = " + std::to_string(x);
      if (!values.empty()) msg << "; fails when " << values;
    } else if (r.answer == Answer::Unknown) {
      msg << "; the solver gave up";
    }
    msg << ")";
    EXO_FAIL(kind, where, msg.str());
  }

  // The displayed facts connected to the goal through shared variables.
  std::string relevant_facts(const Formula& goal, std::set<Sym>& shown) {
    std::set<Sym> vars;
    collect_vars(goal, vars);
    std::vector<bool> taken(facts_.size(), false);
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t i = 0; i < facts_.size(); ++i) {
        if (taken[i]) continue;
        std::set<Sym> fv;
        collect_vars(facts_[i].f, fv);
        bool touches = false;
        for (auto& v : fv) touches = touches || vars.count(v);
        if (!touches) continue;
        taken[i] = changed = true;
        vars.insert(fv.begin(), fv.end());
      }
    }
    std::string out;
    for (size_t i = 0; i < facts_.size(); ++i) {
      std::string text = taken[i] ? facts_[i].shown() : "";
      if (text.empty()) continue;
      collect_vars(facts_[i].f, shown);
      out += (out.empty() ? "" : ", ") + text;
    }
    return out;
  }

  // -- statements ----------------------------------------------------------

  void check_block(const Block& b) {
    for (auto& s : b) check_stmt(s);
  }

  void check_stmt(const Stmt& s) {
    if (changed_only_ && known_stmts_.count(s.get()) && s->kind != StmtKind::WindowStmt &&
        s->kind != StmtKind::Alloc) {
      invalidate_written({s});
      return;
    }
    switch (s->kind) {
      case StmtKind::Assign: {
        auto* n = s.as<AssignNode>();
        check_access(n->name, n->idx, s->srcinfo, "written");
        check_expr(n->rhs);
        return;
      }
      case StmtKind::Reduce: {
        auto* n = s.as<ReduceNode>();
        check_access(n->name, n->idx, s->srcinfo, "reduced");
        check_expr(n->rhs);
        return;
      }
      case StmtKind::WriteConfig: {
        auto* n = s.as<WriteConfigNode>();
        check_expr(n->rhs);
        assign_config(n->config.get(), n->field, n->rhs);
        return;
      }
      case StmtKind::Pass: return;
      case StmtKind::If: {
        auto* n = s.as<IfNode>();
        Formula c = low_.formula(n->cond);
        size_t mark = facts_.size();
        facts_.push_back({c, "", nullptr, n->cond});
        context_.push_back(reinterpret_cast<uintptr_t>(n->cond.get()));
        check_block(n->body);
        facts_.resize(mark);
        if (!n->orelse.empty()) {
          facts_.push_back({f_not(c), "", nullptr, n->cond, true});
          context_.back() |= 1;
          check_block(n->orelse);
          facts_.resize(mark);
        }
        context_.pop_back();
        invalidate_written(n->body);
        invalidate_written(n->orelse);
        return;
      }
      case StmtKind::For: {
        auto* n = s.as<ForNode>();
        Affine lo = low_.affine(n->lo), hi = low_.affine(n->hi);
        // The bounds are evaluated once, before the body runs: the extent is
        // proved from what holds before the loop.
        context_.push_back(reinterpret_cast<uintptr_t>(n->lo.get()));
        context_.push_back(reinterpret_cast<uintptr_t>(n->hi.get()));
        if (extent_checked(s) && !sum_of_sizes(hi - lo) && !(is_zero(n->lo) && obviously_nonneg(n->hi))) {
          std::string lo_t = print_expr(n->lo), hi_t = print_expr(n->hi);
          require(f_le(lo, hi), ErrorKind::Bounds, s->srcinfo,
                  "loop '" + n->iter.name() + "' over seq(" + lo_t + ", " + hi_t +
                      ") may run a negative number of times: expected expression " +
                      (is_zero(n->lo) ? hi_t : hi_t + " - " + lo_t) + " to always be non-negative",
                  lo_t + " <= " + hi_t);
        }
        if (n->mode == LoopMode::Par && statement_checked(s)) check_par_loop(*n, s->srcinfo);
        // Reads in later iterations see the body's own configuration writes.
        invalidate_written(n->body);
        Affine i = Affine::var(n->iter);
        size_t mark = facts_.size();
        facts_.push_back({f_and(f_le(lo, i), f_lt(i, hi)), "", n});
        ++loop_depth_;
        check_block(n->body);
        --loop_depth_;
        context_.resize(context_.size() - 2);
        facts_.resize(mark);
        invalidate_written(n->body);
        return;
      }
      case StmtKind::Alloc: {
        auto* n = s.as<AllocNode>();
        for (size_t d = 0; d < n->type.shape.size() && in_focus(n->name); ++d) {
          const Expr& e = n->type.shape[d];
          require(f_gt(low_.affine(e), Affine(0)), ErrorKind::Bounds, s->srcinfo,
                  "allocation of " + n->name.name() + ": extent " + quoted(e) + " of dimension " +
                      std::to_string(d) + " may not be positive",
                  print_expr(e) + " > 0");
        }
        declare_buffer(n->name, n->type.shape, true, s->srcinfo);
        return;
      }
      case StmtKind::Call: {
        // The callee's assertions first (as exo-lang reports them), then aliasing.
        bool check_aliasing = statement_checked(s) || call_in_focus(*s.as<CallNode>());
        check_call(s.as<CallNode>(), s->srcinfo);
        if (check_aliasing) check_call_aliasing(*s.as<CallNode>(), s->srcinfo);
        return;
      }
      case StmtKind::WindowStmt: {
        auto* n = s.as<WindowStmtNode>();
        auto* w = n->rhs.as<WindowExprNode>();
        if (!w) {
          check_expr(n->rhs);
          return;
        }
        check_window(w, n->rhs->srcinfo);
        if (focus_ && focus_->count(w->name)) focus_->insert(n->name);
        views_.declare(n->name, *w);
        std::vector<Expr> dims;
        for (auto& a : w->idx)
          if (a.is_interval) dims.push_back(interval_extent(a));
        declare_buffer(n->name, dims, false, s->srcinfo);
        low_.alias_window(n->name, w->name, interval_dims(w));
        return;
      }
    }
  }

  // `Cfg.field = value`: later reads see a new variable equal to the value.
  void assign_config(const Config* cfg, const std::string& field, const Expr& value) {
    if (value->type.is_indexable()) {
      Affine v = low_.affine(value);
      low_.invalidate_config(cfg, field);
      facts_.push_back({f_eq(Affine::var(low_.config_var(cfg, field)), v), ""});
    } else if (value->type.is_bool()) {
      Formula v = low_.formula(value);
      low_.invalidate_config(cfg, field);
      Formula x = f_boolvar(low_.config_var(cfg, field));
      facts_.push_back({f_or(f_and(x, v), f_and(f_not(x), f_not(v))), ""});
    } else {
      low_.invalidate_config(cfg, field);
    }
  }

  // The configuration writes a callee performs, seen from the call site: its
  // straight-line writes keep their values (with the callee's arguments
  // substituted), writes under loops or branches leave the field unknown.
  void apply_config_effects(const Block& body, CallSubst& subst, int depth) {
    for (auto& s : body) {
      if (auto* w = s.as<WriteConfigNode>()) {
        assign_config(w->config.get(), w->field, subst.mutate(w->rhs));
      } else if (auto* c = s.as<CallNode>(); c && c->proc && depth < 32 &&
                                              c->proc->args.size() == c->args.size()) {
        CallSubst inner;
        for (size_t k = 0; k < c->args.size(); ++k)
          if (!c->proc->args[k].type.is_numeric()) inner.values[c->proc->args[k].name] = subst.mutate(c->args[k]);
        apply_config_effects(c->proc->body, inner, depth + 1);
      } else if (s.as<IfNode>() || s.as<ForNode>() || s.as<CallNode>()) {
        invalidate_written({s});
      }
    }
  }

  void apply_callee_config_effects(const Proc& callee, CallSubst& subst) {
    if (callee_writes(callee.get(), 1).empty()) return;  // the common case: no configs
    apply_config_effects(callee->body, subst, 0);
  }

  void invalidate_written(const Block& b) {
    if (!proc_writes_configs_) return;  // the common case: nothing to forget
    ConfigFields fields;
    written_configs(b, fields, 0);
    for (auto& [c, f] : fields) low_.invalidate_config(c, f);
  }

  // Configuration fields a block may write, including through calls. Each
  // callee is walked once per check: the checker asks about every loop and
  // branch, and deep call trees (drivers calling kernels) made it quadratic.
  void written_configs(const Block& b, ConfigFields& out, int depth) {
    if (depth > 32) return;
    for_each_stmt(b, [&](const Stmt& s) {
      if (auto* w = s.as<WriteConfigNode>()) out.emplace(w->config.get(), w->field);
      if (auto* c = s.as<CallNode>(); c && c->proc) {
        const ConfigFields& f = callee_writes(c->proc.get(), depth + 1);
        out.insert(f.begin(), f.end());
      }
    });
  }

  const ConfigFields& callee_writes(const ProcNode* callee, int depth) {
    auto it = callee_writes_.find(callee);
    if (it != callee_writes_.end()) return it->second;
    ConfigFields f;
    written_configs(callee->body, f, depth);
    return callee_writes_.emplace(callee, std::move(f)).first->second;
  }

  // -- accesses ------------------------------------------------------------

  // Buffer reads inside a data expression.
  void check_expr(const Expr& e) {
    switch (e->kind) {
      case ExprKind::Read: {
        auto* r = e.as<ReadNode>();
        if (!r->idx.empty()) check_access(r->name, r->idx, e->srcinfo, "read");
        return;
      }
      case ExprKind::USub: check_expr(e.as<USubNode>()->arg); return;
      case ExprKind::BinOp:
        check_expr(e.as<BinOpNode>()->lhs);
        check_expr(e.as<BinOpNode>()->rhs);
        return;
      case ExprKind::ExternCall:
        for (auto& a : e.as<ExternCallNode>()->args) check_expr(a);
        return;
      case ExprKind::WindowExpr: check_window(e.as<WindowExprNode>(), e->srcinfo); return;
      default: return;
    }
  }

  const Shape* shape_of(const Sym& name) const {
    auto it = shapes_.find(name);
    return it == shapes_.end() ? nullptr : &it->second;
  }

  static std::string access_text(const Sym& name, const std::vector<Expr>& idx) {
    std::string s = name.name() + "[";
    for (size_t k = 0; k < idx.size(); ++k) s += (k ? ", " : "") + print_expr(idx[k]);
    return s + "]";
  }

  // `how`: "read", "written" or "reduced".
  void check_access(const Sym& name, const std::vector<Expr>& idx, const SrcInfo& where, const char* how) {
    if (!in_focus(name)) return;
    const Shape* shape = shape_of(name);
    if (!shape || shape->dims.size() != idx.size()) return;  // arity is the typechecker's job
    std::string acc = access_text(name, idx);
    for (size_t d = 0; d < idx.size(); ++d) {
      Affine i = low_.affine(idx[d]);
      std::string it = print_expr(idx[d]), dim = print_expr(shape->dims[d]);
      std::string what = name.name() + " is " + how + " out-of-bounds: " + acc + ": index '" + it +
                         "' of dimension " + std::to_string(d) + " may be out of bounds [0, " + dim + ")";
      require(f_ge0(i), ErrorKind::Bounds, where, what, "0 <= " + it);
      require(f_lt(i, shape->lowered[d]), ErrorKind::Bounds, where, what, it + " < " + dim);
    }
  }

  void check_window(const WindowExprNode* w, const SrcInfo& where) {
    if (!in_focus(w->name)) return;
    const Shape* shape = shape_of(w->name);
    if (!shape || shape->dims.size() != w->idx.size()) return;
    std::string win = w->name.name() + "[";
    for (size_t k = 0; k < w->idx.size(); ++k) {
      auto& a = w->idx[k];
      win += (k ? ", " : "") + print_expr(a.lo) + (a.is_interval ? ":" + print_expr(a.hi) : "");
    }
    win += "]";
    for (size_t d = 0; d < w->idx.size(); ++d) {
      auto& a = w->idx[d];
      std::string dim = print_expr(shape->dims[d]);
      Affine lo = low_.affine(a.lo);
      std::string lo_t = print_expr(a.lo);
      if (!a.is_interval) {
        std::string what = win + ": window point '" + lo_t + "' of dimension " + std::to_string(d) +
                           " may be out of bounds [0, " + dim + ")";
        require(f_ge0(lo), ErrorKind::Bounds, where, what, "0 <= " + lo_t);
        require(f_lt(lo, shape->lowered[d]), ErrorKind::Bounds, where, what, lo_t + " < " + dim);
        continue;
      }
      Affine hi = low_.affine(a.hi);
      std::string hi_t = print_expr(a.hi);
      std::string what = win + ": window interval '" + lo_t + ":" + hi_t + "' of dimension " +
                         std::to_string(d) + " may be out of bounds [0, " + dim + "]";
      require(f_ge0(lo), ErrorKind::Bounds, where, what, "0 <= " + lo_t);
      require(f_le(lo, hi), ErrorKind::Bounds, where, what, lo_t + " <= " + hi_t);
      require(f_le(hi, shape->lowered[d]), ErrorKind::Bounds, where, what, hi_t + " <= " + dim);
    }
  }

  // -- par loops -----------------------------------------------------------

  void check_par_loop(const ForNode& f, const SrcInfo& where) {
    if (check_races_) require_race_free(proc_, f, loop_depth_, where);
  }

  // -- calls ---------------------------------------------------------------

  const CalleeEffects& effects_of_callee(const Proc& callee) {
    auto it = callee_effects_.find(callee.get());
    if (it != callee_effects_.end()) return it->second;
    return callee_effects_.emplace(callee.get(), callee_effects(callee)).first->second;
  }

  // No two arguments share storage where the callee writes one of them.
  void check_call_aliasing(const CallNode& c, const SrcInfo& where) {
    const Proc& callee = c.proc;
    if (!callee || callee->args.size() != c.args.size()) return;
    const CalleeEffects& eff = effects_of_callee(callee);
    const std::string call = "call to " + callee->name;
    for (size_t k = 0; k < c.args.size(); ++k) {
      const FnArg& pk = callee->args[k];
      if (!pk.type.is_numeric()) continue;
      bool writes_k = eff.writes(pk.name);
      // A config field passed as a scalar argument the callee also accesses directly.
      if (auto* rc = c.args[k].as<ReadConfigNode>()) {
        std::pair<const Config*, std::string> field{rc->config.get(), rc->field};
        bool touched = eff.fields_read.count(field) || eff.fields_written.count(field);
        if (touched && (writes_k || eff.fields_written.count(field)))
          EXO_FAIL(ErrorKind::Bounds, where,
                   call << ": argument '" << pk.name.name() << "' = " << quoted(c.args[k]) << " is config field "
                        << rc->config->name() << "." << rc->field << ", which " << callee->name
                        << " also accesses directly, and one of the two is written (aliased storage)");
        continue;
      }
      View vk;
      if (!views_.of_arg(c.args[k], vk)) continue;
      for (size_t l = k + 1; l < c.args.size(); ++l) {
        const FnArg& pl = callee->args[l];
        if (!pl.type.is_numeric()) continue;
        bool writes_l = eff.writes(pl.name);
        View vl;
        if ((!writes_k && !writes_l) || !views_.of_arg(c.args[l], vl) || vl.base != vk.base) continue;
        const FnArg& written = writes_k ? pk : pl;
        require(views_disjoint(vk, vl, low_), ErrorKind::Bounds, where,
                call + ": arguments '" + pk.name.name() + "' = " + quoted(c.args[k]) + " and '" +
                    pl.name.name() + "' = " + quoted(c.args[l]) + " may share storage of '" + vk.base.name() +
                    "', and " + callee->name + " writes '" + written.name.name() +
                    "' (aliased arguments: the callee's result would depend on the order of its accesses)",
                "'" + view_text(vk) + "' and '" + view_text(vl) + "' are disjoint");
      }
    }
  }

  void check_call(const CallNode* c, const SrcInfo& where) {
    const Proc& callee = c->proc;
    if (!callee || callee->args.size() != c->args.size()) return;
    const std::string call = "call to " + callee->name;
    // Focused on other buffers: its checks are unchanged, only its configuration
    // writes still count.
    bool skip = focus_.has_value();
    for (auto& arg : c->args) {
      if (auto* w = arg.as<WindowExprNode>()) skip = skip && !in_focus(w->name);
      if (auto* r = arg.as<ReadNode>()) skip = skip && !in_focus(r->name);
    }
    CallSubst subst;
    for (size_t k = 0; k < c->args.size(); ++k) {
      const FnArg& sig = callee->args[k];
      const Expr& arg = c->args[k];
      if (auto* w = arg.as<WindowExprNode>()) {
        if (!skip) check_window(w, arg->srcinfo);
        subst.buffers[sig.name] = {w->name, interval_dims(w)};
      } else if (auto* r = arg.as<ReadNode>(); r && sig.type.is_tensor) {
        std::vector<int> dims;
        for (size_t d = 0; d < sig.type.shape.size(); ++d) dims.push_back(static_cast<int>(d));
        subst.buffers[sig.name] = {r->name, dims};
      } else if (sig.type.is_numeric()) {
        if (!skip) check_expr(arg);
      } else {
        subst.values[sig.name] = arg;
      }
    }
    if (skip) {
      apply_callee_config_effects(callee, subst);
      return;
    }

    for (size_t k = 0; k < c->args.size(); ++k) {
      const FnArg& sig = callee->args[k];
      const Expr& arg = c->args[k];
      if (sig.type.base == ScalarKind::Size && !sig.type.is_tensor) {
        require(f_gt(low_.affine(arg), Affine(0)), ErrorKind::Bounds, where,
                call + ": size argument '" + sig.name.name() + "' = " + quoted(arg) + " may not be positive",
                print_expr(arg) + " > 0");
      }
      if (!sig.type.is_tensor) continue;
      check_call_shape(call, sig, arg, subst, where);
    }

    for (auto& p : callee->preds) {
      Expr here = subst.mutate(p);
      require(low_.formula(here), ErrorKind::Precondition, where,
              call + ": Could not verify assertion " + print_expr(p) + " in " + callee->name + ": precondition " +
                  quoted(p) + " of " + callee->name + " may not hold",
              print_expr(here));
    }
    for (size_t k = 0; k < c->args.size(); ++k) {
      const FnArg& sig = callee->args[k];
      if (sig.type.is_tensor && !sig.type.is_window && c->args[k]->type.is_window)
        check_dense_window_arg(call, sig, c->args[k], subst, where);
    }
    apply_callee_config_effects(callee, subst);
  }

  // A window passed to a parameter that is not a window: the callee indexes
  // it as a dense buffer of its own shape (and C passes it the window's first
  // element), so the window's strides must be that layout's.
  void check_dense_window_arg(const std::string& call, const FnArg& sig, const Expr& arg, CallSubst& subst,
                              const SrcInfo& where) {
    size_t rank = sig.type.shape.size();
    for (size_t k = 0; k < rank; ++k) {
      Expr want = int_const(1);
      for (size_t l = rank; l-- > k + 1;) want = binop(BinOpKind::Mul, want, subst.mutate(sig.type.shape[l]));
      want = fold_constants(want);
      Expr have = subst.mutate(make_expr<StrideExprNode>(sig.name, static_cast<int>(k), Type::scalar(ScalarKind::Stride),
                                                         arg->srcinfo));
      std::string h = print_expr(have), w = print_expr(want);
      require(f_eq(low_.affine(have), low_.affine(want)), ErrorKind::Bounds, where,
              call + ": the window " + quoted(arg) + " passed to '" + sig.name.name() +
                  "', which is not a window parameter, must be laid out densely (stride " + std::to_string(k) +
                  " must be " + w + ")",
              h + " == " + w);
    }
  }

  void check_call_shape(const std::string& call, const FnArg& sig, const Expr& arg, CallSubst& subst,
                        const SrcInfo& where) {
    std::vector<Expr> have;
    if (auto* w = arg.as<WindowExprNode>()) {
      for (auto& a : w->idx)
        if (a.is_interval) have.push_back(interval_extent(a));
    } else if (auto* r = arg.as<ReadNode>()) {
      const Shape* s = shape_of(r->name);
      if (!s) return;
      have = s->dims;
    } else {
      return;
    }
    if (have.size() != sig.type.shape.size()) return;  // rank mismatch: a type error
    for (size_t d = 0; d < have.size(); ++d) {
      Expr want = subst.mutate(sig.type.shape[d]);
      std::string h = print_expr(have[d]), w = print_expr(want);
      require(f_eq(low_.affine(have[d]), low_.affine(want)), ErrorKind::Bounds, where,
              call + ": type-shape of calling argument may not equal the required type-shape: argument '" +
                  sig.name.name() + "' = " + quoted(arg) + " has extent '" + h + "' in dimension " +
                  std::to_string(d) + " but " + sig.name.name() + " expects '" + print_expr(sig.type.shape[d]) +
                  "' = '" + w + "'",
              h + " == " + w);
    }
  }

  Proc proc_;
  std::optional<std::set<Sym>> focus_;  // set: check_proc_touching
  bool changed_only_ = false;           // check_proc_changes
  bool check_races_ = true;             // false: check_proc_definition
  bool proc_writes_configs_ = true;     // the body (or a callee) writes a config field
  std::set<const StmtNode*> known_stmts_;  // statements of `before`
  // Bounds of the enclosing loops and conditions of the enclosing ifs (nodes by
  // address), outermost first, with the loop's own bounds last: of every loop of
  // `before`, and of the current point.
  std::set<std::vector<uintptr_t>> known_extents_;
  std::vector<uintptr_t> context_;
  std::map<const ProcNode*, CalleeEffects> callee_effects_;
  WindowAliases views_;
  size_t loop_depth_ = 0;
  std::set<Sym> size_args_;
  // Procs stay alive while the checked proc (which calls them) does.
  std::map<const ProcNode*, ConfigFields> callee_writes_;
  Lowering low_;
  std::vector<Fact> facts_;
  std::map<Sym, Shape> shapes_;
};

}  // namespace

namespace {

// Integers are exact: constant arithmetic whose value leaves int64 (in a shape,
// a bound or an index, written or computed by a rewrite) is refused before any
// proof, since the analysis, the interpreter and C would each see another value.
void check_exact_constants(const Proc& p) {
  Expr bad;
  auto look = [&](const Expr& e) {
    if (!bad && e) bad = find_int_overflow(e);
  };
  for (auto& a : p->args)
    for (auto& d : a.type.shape) look(d);
  for (auto& pr : p->preds) look(pr);
  if (!bad) bad = find_int_overflow(p->body);
  if (bad)
    EXO_FAIL(ErrorKind::Bounds, bad->srcinfo,
             "integer overflow: the value of '" << print_expr(bad) << "' is outside Exo's integer range +-(2^63 - 1)");
}

}  // namespace

void check_proc(const Proc& p) {
  if (!p) return;
  check_exact_constants(p);
  BoundsChecker(p).run();
}

void check_proc_definition(const Proc& p) {
  if (!p) return;
  check_exact_constants(p);
  BoundsChecker c(p);
  c.skip_races();
  c.run();
}

void check_proc_touching(const Proc& p, const std::set<Sym>& touched) {
  if (!p) return;
  check_exact_constants(p);
  BoundsChecker(p, &touched).run();
}

void check_proc_changes(const Proc& after, const Proc& before) {
  if (!after || !before) return;
  BoundsChecker(after, before).run();
}

}  // namespace exo
