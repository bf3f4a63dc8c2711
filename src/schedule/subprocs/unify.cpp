// Unification of a subproc body with a block: a structural match plus a small
// integer solver for the unknown arguments (see unify.h).
#include "schedule/subprocs/unify.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>

#include "exo/checked_int.h"
#include "exo/hardware.h"
#include "exo/ir_functor.h"
#include "exo/ir_mutator.h"
#include "exo/printer.h"
#include "schedule/loops/substitute.h"

namespace exo::rewrite_detail {
namespace {

// A refusal inside the unifier; caught once at the top.
struct Mismatch {
  std::string why;
};

std::string q(const std::string& s) { return "'" + s + "'"; }

// x + k * v, exactly; an overflow refuses the match (it cannot be decided).
long long mul_add(long long x, long long k, long long v) {
  auto kv = checked_mul(k, v);
  auto r = kv ? checked_add(x, *kv) : std::nullopt;
  if (!r) throw Mismatch{"integer overflow while matching index expressions (beyond +-(2^63 - 1))"};
  return *r;
}
std::string first_line(const Stmt& s) {
  // A loop's or branch's header alone (printing the statement prints its body).
  if (auto* f = s.as<ForNode>())
    return "for " + f->iter.name() + " in " + (f->mode == LoopMode::Par ? "par" : "seq") + "(" +
           print_expr(f->lo) + ", " + print_expr(f->hi) + ")";
  if (auto* c = s.as<IfNode>()) return "if " + print_expr(c->cond);
  std::string t = print_stmt(s);
  auto nl = t.find('\n');
  if (nl != std::string::npos) t = t.substr(0, nl);
  while (!t.empty() && t.back() == ':') t.pop_back();
  return t;
}

// A structural key with symbol identities, naming atoms of affine forms.
class KeyWriter : public ExprFunctor<void()> {
 public:
  explicit KeyWriter(std::string& out) : out_(out) {}
  void operator()(const Expr& e) { dispatch(e); }

 protected:
  void visit(const ReadNode& r, const Expr&) override {
    out_ += "v" + std::to_string(r.name.id());
    if (r.idx.empty()) return;
    out_ += "[";
    for (auto& i : r.idx) dispatch(i), out_ += ",";
    out_ += "]";
  }
  void visit(const ConstNode& c, const Expr&) override {
    out_ += c.is_int() ? "c" + std::to_string(c.ival) : "f" + python_float_repr(c.fval);
  }
  void visit(const USubNode& u, const Expr&) override {
    out_ += "-(";
    dispatch(u.arg);
    out_ += ")";
  }
  void visit(const BinOpNode& b, const Expr&) override {
    out_ += "(";
    dispatch(b.lhs);
    out_ += binop_symbol(b.op);
    dispatch(b.rhs);
    out_ += ")";
  }
  void visit(const StrideExprNode& s, const Expr&) override {
    out_ += "s" + std::to_string(s.name.id()) + "." + std::to_string(s.dim);
  }
  void visit(const ReadConfigNode& c, const Expr&) override {
    out_ += "g" + std::to_string(reinterpret_cast<uintptr_t>(c.config.get())) + "." + c.field;
  }
  // Extern calls and windows never occur in index expressions.
  void visit_default(const Expr& e) override { out_ += "?" + std::to_string(reinterpret_cast<uintptr_t>(e.get())); }

 private:
  std::string& out_;
};

void key_into(const Expr& e, std::string& out) {
  KeyWriter writer(out);
  writer(e);
}

// An affine form over site terms (variables and opaque atoms), by key.
struct Lin {
  std::map<std::string, long long> terms;
  long long c = 0;

  void add(const Lin& o, long long k) {
    for (auto& [t, v] : o.terms) {
      long long& x = terms[t];
      x = mul_add(x, k, v);
      if (x == 0) terms.erase(t);
    }
    c = mul_add(c, k, o.c);
  }
  bool zero() const { return terms.empty() && c == 0; }
  bool divisible(long long a) const {
    if (c % a) return false;
    for (auto& [t, v] : terms)
      if (v % a) return false;
    return true;
  }
  Lin divided(long long a) const {
    Lin r;
    r.c = c / a;
    for (auto& [t, v] : terms) r.terms[t] = v / a;
    return r;
  }
};

// The subproc side: known terms (target iterators the pattern's loops map to,
// constants) plus coefficients of unknowns.
struct PLin {
  Lin known;
  std::map<int, long long> unk;
  void add(const PLin& o, long long k) {
    known.add(o.known, k);
    for (auto& [u, v] : o.unk) {
      long long& x = unk[u];
      x = mul_add(x, k, v);
      if (x == 0) unk.erase(u);
    }
  }
};

struct Pending {
  std::map<int, long long> open;
  Lin rest;
  std::string why;
};

// The subproc's statements and expressions are matched by one hook per node
// kind (the visit overrides), given the code's node of the same position.
using StmtCases = StmtFunctor<void(const Stmt& target)>;
using ExprCases = ExprFunctor<void(const Expr& target)>;

class Unifier : private StmtCases, private ExprCases {
  // Both bases' hooks stay visible beside the overrides below.
  using StmtCases::visit;
  using StmtCases::visit_default;
  using ExprCases::visit;
  using ExprCases::visit_default;

 public:
  Unifier(const Proc& sub, const SiteBuffers& site) : sub_(sub), site_(site) {
    for (size_t k = 0; k < sub->args.size(); ++k) {
      const FnArg& a = sub->args[k];
      arg_index_[a.name] = k;
      if (!a.type.is_tensor && !is_data_kind(a.type.base)) control_unk_[a.name] = new_unknown(a.name.name());
    }
    buffers_.resize(sub->args.size());
    scalars_.resize(sub->args.size());
    bools_.resize(sub->args.size());
  }

  Unification run(const Block& target) {
    Unification u;
    try {
      stmts(sub_->body, target);
      solve_pending();
      solve_strides();
      build_args(u);
      for (auto& [rest, why] : site_conditions_)
        u.site_conditions.push_back({binop(BinOpKind::Eq, lin_expr(rest), int_const(0)), why});
    } catch (const Mismatch& m) {
      u.failure = m.why;
      u.args.clear();
      u.buffers.clear();
    }
    return u;
  }

 private:
  // ---- unknowns and the solver ----
  int new_unknown(const std::string& name) {
    unk_val_.emplace_back();
    unk_name_.push_back(name);
    return static_cast<int>(unk_val_.size()) - 1;
  }

  const std::string& term(const Expr& e) {
    std::string k;
    key_into(e, k);
    auto [it, fresh] = term_expr_.emplace(k, e);
    if (fresh) {
      term_order_[k] = term_order_.size();
      if (mentions_bound(e)) varying_.insert(k);
    }
    return it->first;
  }

  bool mentions_bound(const Expr& e) const {
    if (auto* r = e.as<ReadNode>())
      if (r->idx.empty() && bound_.count(r->name)) return true;
    for (auto& k : expr_children(e))
      if (mentions_bound(k)) return true;
    return false;
  }

  Lin tlin(const Expr& e) {
    Lin l;
    if (auto* c = e.as<ConstNode>(); c && c->is_int()) {
      l.c = c->ival;
      return l;
    }
    if (auto* u = e.as<USubNode>()) {
      l.add(tlin(u->arg), -1);
      return l;
    }
    if (auto* b = e.as<BinOpNode>()) {
      long long k;
      switch (b->op) {
        case BinOpKind::Add: l = tlin(b->lhs); l.add(tlin(b->rhs), 1); return l;
        case BinOpKind::Sub: l = tlin(b->lhs); l.add(tlin(b->rhs), -1); return l;
        case BinOpKind::Mul:
          if (const_value(b->lhs, k)) { l.add(tlin(b->rhs), k); return l; }
          if (const_value(b->rhs, k)) { l.add(tlin(b->lhs), k); return l; }
          break;
        default: break;
      }
    }
    l.terms[term(e)] = 1;  // a variable, or an opaque atom (division, modulo, ...)
    return l;
  }

  PLin plin(const Expr& e) {
    PLin l;
    if (auto* c = e.as<ConstNode>(); c && c->is_int()) {
      l.known.c = c->ival;
      return l;
    }
    if (auto* r = e.as<ReadNode>(); r && r->idx.empty()) {
      if (auto it = iter_map_.find(r->name); it != iter_map_.end()) {
        l.known.terms[term(it->second)] = 1;
        return l;
      }
      if (auto it = control_unk_.find(r->name); it != control_unk_.end()) {
        l.unk[it->second] = 1;
        return l;
      }
    }
    if (auto* u = e.as<USubNode>()) {
      l.add(plin(u->arg), -1);
      return l;
    }
    if (auto* b = e.as<BinOpNode>()) {
      long long k;
      switch (b->op) {
        case BinOpKind::Add: l = plin(b->lhs); l.add(plin(b->rhs), 1); return l;
        case BinOpKind::Sub: l = plin(b->lhs); l.add(plin(b->rhs), -1); return l;
        case BinOpKind::Mul:
          if (const_value(b->lhs, k)) { l.add(plin(b->rhs), k); return l; }
          if (const_value(b->rhs, k)) { l.add(plin(b->lhs), k); return l; }
          break;
        default: break;
      }
    }
    throw Mismatch{"the subproc's index expression " + q(print_expr(e)) + " is not affine in its arguments"};
  }

  // p (subproc side) == t (site side). Coefficients of the replaced loops'
  // iterators must agree; the rest determines the unknowns.
  void equate(const PLin& p, const Lin& t, const std::string& why) {
    Lin rest = t;
    rest.add(p.known, -1);
    std::map<int, long long> open;
    for (auto& [u, a] : p.unk) {
      if (unk_val_[u]) rest.add(*unk_val_[u], -a);
      else open[u] = a;
    }
    for (auto& [k, v] : rest.terms)
      if (varying_.count(k)) throw Mismatch{why};
    settle(open, rest, why);
  }

  // sum(open[u] * u) == rest, with rest free of the replaced iterators.
  void settle(const std::map<int, long long>& open, const Lin& rest, const std::string& why) {
    if (open.empty()) {
      if (rest.zero()) return;
      // Equal only where the code's values make it so (the code's `M` where the
      // subproc has 5): a condition for the call site to prove.
      if (rest.terms.empty()) throw Mismatch{why};
      site_conditions_.push_back({rest, why});
      return;
    }
    if (open.size() > 1) {
      pending_.push_back(Pending{open, rest, why});
      return;
    }
    auto [u, a] = *open.begin();
    if (!rest.divisible(a)) throw Mismatch{why};
    unk_val_[u] = rest.divided(a);
  }

  void solve_pending() {
    bool progress = true;
    while (progress && !pending_.empty()) {
      progress = false;
      std::vector<Pending> still;
      for (auto& pe : pending_) {
        Lin rest = pe.rest;
        std::map<int, long long> open;
        for (auto& [u, a] : pe.open) {
          if (unk_val_[u]) rest.add(*unk_val_[u], -a);
          else open[u] = a;
        }
        if (open.size() > 1) {
          still.push_back(Pending{open, rest, pe.why});
          continue;
        }
        progress = true;
        settle(open, rest, pe.why);
      }
      pending_ = std::move(still);
    }
    if (!pending_.empty()) throw Mismatch{pending_.front().why + " (the arguments are under-determined)"};
  }

  // A stride argument appears only in preconditions `stride(x, d) == s`: its value
  // is the stride of what x is bound to.
  void solve_strides() {
    for (auto& pr : sub_->preds) {
      auto* b = pr.as<BinOpNode>();
      if (!b || b->op != BinOpKind::Eq) continue;
      auto* st = b->lhs.as<StrideExprNode>();
      auto* rd = b->rhs.as<ReadNode>();
      if (!st) st = b->rhs.as<StrideExprNode>(), rd = b->lhs.as<ReadNode>();
      if (!st || !rd) continue;
      auto it = control_unk_.find(rd->name);
      auto at = arg_index_.find(st->name);
      if (it == control_unk_.end() || at == arg_index_.end() || unk_val_[it->second]) continue;
      const auto& bb = buffers_[at->second];
      if (!bb || st->dim >= static_cast<int>(bb->interval_dims.size())) continue;
      unk_val_[it->second] = tlin(site_stride(site_, bb->buf, bb->interval_dims[st->dim]));
    }
  }

  // ---- statements ----
  void stmts(const Block& pb, const Block& tb) {
    if (pb.size() != tb.size())
      throw Mismatch{"the subproc's block has " + std::to_string(pb.size()) + " statement(s), the code has " +
                     std::to_string(tb.size())};
    for (size_t k = 0; k < pb.size(); ++k) stmt(pb[k], tb[k]);
  }

  // Matches one subproc statement (the dispatched node) against the code's.
  void stmt(const Stmt& ps, const Stmt& ts) {
    if (ps->kind != ts->kind) throw Mismatch{differ(ps, ts)};
    StmtCases::dispatch(ps, ts);
  }

  // Printed only on a mismatch: printing a loop prints its whole body.
  std::string differ(const Stmt& ps, const Stmt& ts) const {
    return "statement " + q(first_line(ts)) + " does not match " + q(first_line(ps)) + " of " + sub_->name;
  }

  void visit(const AssignNode& p, const Stmt&, const Stmt& ts) override {
    auto* t = ts.as<AssignNode>();
    update(p.name, p.idx, p.rhs, t->name, t->idx, t->rhs, t->type);
  }
  void visit(const ReduceNode& p, const Stmt&, const Stmt& ts) override {
    auto* t = ts.as<ReduceNode>();
    update(p.name, p.idx, p.rhs, t->name, t->idx, t->rhs, t->type);
  }
  void update(const Sym& pn, const std::vector<Expr>& pi, const Expr& prhs, const Sym& tn,
              const std::vector<Expr>& ti, const Expr& trhs, const Type& tt) {
    access(pn, pi, tn, ti, tt.base);
    data(prhs, trhs);
  }
  void visit(const ForNode& pf, const Stmt&, const Stmt& ts) override {
    auto* tf = ts.as<ForNode>();
    equate(plin(pf.lo), tlin(tf->lo),
           "loop " + q(tf->iter.name()) + " starts at " + q(print_expr(tf->lo)) + ", but loop " +
               q(pf.iter.name()) + " of " + sub_->name + " at " + q(print_expr(pf.lo)));
    equate(plin(pf.hi), tlin(tf->hi),
           "loop " + q(tf->iter.name()) + " ends at " + q(print_expr(tf->hi)) + ", but loop " +
               q(pf.iter.name()) + " of " + sub_->name + " at " + q(print_expr(pf.hi)));
    iter_map_[pf.iter] = read_var(tf->iter, ScalarKind::Index, tf->srcinfo);
    bound_.insert(tf->iter);
    stmts(pf.body, tf->body);
  }
  void visit(const IfNode& pi, const Stmt&, const Stmt& ts) override {
    auto* ti = ts.as<IfNode>();
    cond(pi.cond, ti->cond);
    stmts(pi.body, ti->body);
    stmts(pi.orelse, ti->orelse);
  }
  void visit(const PassNode&, const Stmt&, const Stmt&) override {}
  void visit(const AllocNode& pa, const Stmt& ps, const Stmt& ts) override {
    auto* ta = ts.as<AllocNode>();
    if (pa.type.base != ta->type.base || pa.type.rank() != ta->type.rank() || pa.mem->name() != ta->mem->name())
      throw Mismatch{differ(ps, ts)};
    for (size_t d = 0; d < pa.type.rank(); ++d)
      equate(plin(pa.type.shape[d]), tlin(ta->type.shape[d]), differ(ps, ts));
    locals_[pa.name] = ta->name;
    target_locals_.insert(ta->name);
  }
  void visit(const WriteConfigNode& pw, const Stmt& ps, const Stmt& ts) override {
    auto* tw = ts.as<WriteConfigNode>();
    if (pw.config != tw->config || pw.field != tw->field) throw Mismatch{differ(ps, ts)};
    data(pw.rhs, tw->rhs);
  }
  void visit(const CallNode& pc, const Stmt& ps, const Stmt& ts) override {
    auto* tc = ts.as<CallNode>();
    if (pc.proc != tc->proc) throw Mismatch{differ(ps, ts)};
    for (size_t k = 0; k < pc.args.size(); ++k) {
      const Expr& pa = pc.args[k];
      if (pa->type.is_tensor) throw Mismatch{"calls passing buffers inside " + sub_->name + " are not supported"};
      if (is_data_kind(pa->type.base)) data(pa, tc->args[k]);
      else index_expr(pa, tc->args[k], differ(ps, ts));
    }
  }
  void visit(const WindowStmtNode&, const Stmt&, const Stmt&) override {
    throw Mismatch{"window statements inside " + sub_->name + " are not supported"};
  }

  void index_expr(const Expr& pe, const Expr& te, const std::string& why) { equate(plin(pe), tlin(te), why); }

  void cond(const Expr& pe, const Expr& te) {
    if (bool_argument(pe, te)) return;
    std::string why = "condition " + q(print_expr(te)) + " does not match " + q(print_expr(pe)) + " of " + sub_->name;
    auto* pb = pe.as<BinOpNode>();
    auto* tb = te.as<BinOpNode>();
    if (pb && tb && pb->op == tb->op && binop_is_logical(pb->op)) {
      cond(pb->lhs, tb->lhs);
      cond(pb->rhs, tb->rhs);
      return;
    }
    // Comparisons of bools (`Cfg.act == True`) match operand by operand.
    if (pb && tb && pb->op == tb->op && binop_is_comparison(pb->op) && pb->lhs->type.is_bool()) {
      cond(pb->lhs, tb->lhs);
      cond(pb->rhs, tb->rhs);
      return;
    }
    if (pe.as<ReadConfigNode>()) {
      data(pe, te);
      return;
    }
    // Orderings of integers match as differences: each is `0 < hi - lo + k`
    // (k = 1 for <= and >=), so `i + m < n` is `i < bound` with bound = n - m
    // and `i + m <= n` is it with bound = n - m + 1.
    auto ordering = [](const BinOpNode* b, Expr& lo, Expr& hi) -> int {
      switch (b->op) {
        case BinOpKind::Lt: lo = b->lhs, hi = b->rhs; return 0;
        case BinOpKind::Le: lo = b->lhs, hi = b->rhs; return 1;
        case BinOpKind::Gt: lo = b->rhs, hi = b->lhs; return 0;
        case BinOpKind::Ge: lo = b->rhs, hi = b->lhs; return 1;
        default: return -1;
      }
    };
    if (pb && tb && !pb->lhs->type.is_numeric() && !tb->lhs->type.is_numeric()) {
      Expr plo, phi, tlo, thi;
      int pk = ordering(pb, plo, phi), tk = ordering(tb, tlo, thi);
      if (pk >= 0 && tk >= 0) {
        PLin pd = plin(phi);
        pd.add(plin(plo), -1);
        pd.known.c += pk;
        Lin td = tlin(thi);
        td.add(tlin(tlo), -1);
        td.c += tk;
        equate(pd, td, why);
        return;
      }
    }
    if (pb && tb && pb->op == tb->op && binop_is_comparison(pb->op) && !pb->lhs->type.is_numeric()) {
      index_expr(pb->lhs, tb->lhs, why);
      index_expr(pb->rhs, tb->rhs, why);
      return;
    }
    auto* pc = pe.as<ConstNode>();
    auto* tc = te.as<ConstNode>();
    if (pc && tc && same_const_value(*pc, *tc)) return;
    if (pb && tb && pb->op == tb->op) {
      data(pb->lhs, tb->lhs);
      data(pb->rhs, tb->rhs);
      return;
    }
    throw Mismatch{why};
  }

  // ---- data expressions ----
  // Matches one subproc expression (the dispatched node) against the code's.
  void data(const Expr& pe, const Expr& te) { ExprCases::dispatch(pe, te); }

  std::string differ(const Expr& pe, const Expr& te) const {
    return "expression " + q(print_expr(te)) + " does not match " + q(print_expr(pe)) + " of " + sub_->name;
  }

  // A bool argument of the subproc stands for any bool expression of the code
  // that does not vary inside the replaced code (`True`, `flag`, `n > 4`).
  bool bool_argument(const Expr& pe, const Expr& te) {
    auto* pr = pe.as<ReadNode>();
    if (!pr || !pr->idx.empty()) return false;
    auto at = arg_index_.find(pr->name);
    if (at == arg_index_.end()) return false;
    const FnArg& a = sub_->args[at->second];
    if (a.type.is_tensor || a.type.base != ScalarKind::Bool) return false;
    if (!te->type.is_bool() || mentions_bound(te))
      throw Mismatch{"expression " + q(print_expr(te)) + " cannot be passed as the bool " + q(pr->name.name()) +
                     " of " + sub_->name + (te->type.is_bool() ? " (it varies inside the replaced code)" : "")};
    auto& bound = bools_[at->second];
    if (!bound) {
      bound = te;
      return true;
    }
    std::string k1, k2;
    key_into(*bound, k1);
    key_into(te, k2);
    if (k1 != k2)
      throw Mismatch{q(pr->name.name()) + " stands for both " + q(print_expr(*bound)) + " and " + q(print_expr(te))};
    return true;
  }

  void visit(const ReadNode& pr, const Expr& pe, const Expr& te) override {
    if (bool_argument(pe, te)) return;
    if (!pr.type.is_numeric() && !pr.type.is_bool()) {
      index_expr(pe, te, differ(pe, te));
      return;
    }
    auto* tr = te.as<ReadNode>();
    if (!tr) throw Mismatch{differ(pe, te)};
    access(pr.name, pr.idx, tr->name, tr->idx, tr->type.base);
  }
  void visit(const ConstNode& pc, const Expr& pe, const Expr& te) override {
    auto* tc = te.as<ConstNode>();
    if (!tc || !same_const_value(*tc, pc)) throw Mismatch{differ(pe, te)};
  }
  void visit(const USubNode& pu, const Expr& pe, const Expr& te) override {
    auto* tu = te.as<USubNode>();
    if (!tu) throw Mismatch{differ(pe, te)};
    data(pu.arg, tu->arg);
  }
  void visit(const BinOpNode& pb, const Expr& pe, const Expr& te) override {
    auto* tb = te.as<BinOpNode>();
    if (!tb || tb->op != pb.op) throw Mismatch{differ(pe, te)};
    data(pb.lhs, tb->lhs);
    data(pb.rhs, tb->rhs);
  }
  void visit(const ExternCallNode& pc, const Expr& pe, const Expr& te) override {
    auto* tc = te.as<ExternCallNode>();
    if (!tc || tc->fn->name() != pc.fn->name() || tc->args.size() != pc.args.size()) throw Mismatch{differ(pe, te)};
    for (size_t k = 0; k < pc.args.size(); ++k) data(pc.args[k], tc->args[k]);
  }
  void visit(const ReadConfigNode& pc, const Expr& pe, const Expr& te) override {
    auto* tc = te.as<ReadConfigNode>();
    if (!tc || tc->config != pc.config || tc->field != pc.field) throw Mismatch{differ(pe, te)};
  }
  // Windows and strides never match as data.
  void visit_default(const Expr& pe, const Expr& te) override { throw Mismatch{differ(pe, te)}; }

  // ---- buffer accesses ----
  struct BufBind {
    Sym buf;
    std::vector<bool> interval;      // per dimension of buf
    std::vector<int> interval_dims;  // dims of buf that are the subproc argument's dims, in order
    std::vector<int> unk;            // per dimension of buf: its point or window offset
  };

  void access(const Sym& pn, const std::vector<Expr>& pidx, const Sym& tn, const std::vector<Expr>& tidx,
              ScalarKind tbase) {
    std::string tacc = tn.name();
    if (!tidx.empty()) {
      tacc += "[";
      for (size_t d = 0; d < tidx.size(); ++d) tacc += (d ? ", " : "") + print_expr(tidx[d]);
      tacc += "]";
    }
    if (auto it = locals_.find(pn); it != locals_.end()) {
      if (it->second != tn || pidx.size() != tidx.size())
        throw Mismatch{"access " + q(tacc) + " does not match the subproc's local " + q(pn.name())};
      for (size_t d = 0; d < pidx.size(); ++d)
        index_expr(pidx[d], tidx[d],
                   "index " + q(print_expr(tidx[d])) + " of " + tn.name() + " does not match " +
                       q(print_expr(pidx[d])) + " of " + pn.name());
      return;
    }
    auto at = arg_index_.find(pn);
    if (at == arg_index_.end()) throw Mismatch{"unexpected name " + q(pn.name()) + " in " + sub_->name};
    if (target_locals_.count(tn))
      throw Mismatch{q(tn.name()) + " is allocated inside the replaced code; it cannot be passed as " +
                     q(pn.name())};
    const FnArg& a = sub_->args[at->second];
    // R is the default precision, f32 (as when type-checking a call): R data
    // fits an f32 argument; an R argument takes data of any precision.
    bool r_as_f32 = tbase == ScalarKind::R && a.type.base == ScalarKind::F32;
    if (a.type.base != ScalarKind::R && a.type.base != tbase && !r_as_f32)
      throw Mismatch{q(tacc) + " is " + std::string(scalar_kind_name(tbase)) + " but argument " + q(pn.name()) +
                     " of " + sub_->name + " is " + std::string(scalar_kind_name(a.type.base))};
    for (auto& e : tidx)
      if (!a.type.is_tensor && mentions_bound(e))
        throw Mismatch{"access " + q(tacc) + " varies inside the replaced code, but " + q(pn.name()) +
                       " is a scalar"};
    if (!a.type.is_tensor) {
      Expr te = make_expr<ReadNode>(tn, tidx, Type::scalar(tbase), SrcInfo{});
      auto& bound = scalars_[at->second];
      if (!bound) {
        bound = te;
        return;
      }
      std::string k1, k2;
      key_into(*bound, k1);
      key_into(te, k2);
      if (k1 != k2)
        throw Mismatch{q(pn.name()) + " stands for both " + q(print_expr(*bound)) + " and " + q(tacc)};
      return;
    }
    auto sit = site_.find(tn);
    if (sit == site_.end()) throw Mismatch{"unknown buffer " + q(tn.name())};
    size_t R = tidx.size(), r = a.type.rank();
    auto& bb = buffers_[at->second];
    if (!bb) {
      if (R < r)
        throw Mismatch{q(tacc) + " has " + std::to_string(R) + " dimension(s), fewer than " + q(pn.name()) +
                       " of " + sub_->name};
      BufBind nb;
      nb.buf = tn;
      nb.interval.assign(R, false);
      size_t chosen = 0;
      for (size_t d = 0; d < R; ++d)
        if (mentions_bound(tidx[d])) nb.interval[d] = true, ++chosen;
      if (chosen > r)
        throw Mismatch{q(tacc) + " varies in " + std::to_string(chosen) + " dimensions inside the replaced code, but " +
                       q(pn.name()) + " has " + std::to_string(r)};
      // Dimensions the code does not vary become window dimensions from the last.
      for (size_t d = R; d-- > 0 && chosen < r;)
        if (!nb.interval[d]) nb.interval[d] = true, ++chosen;
      for (size_t d = 0; d < R; ++d) {
        if (nb.interval[d]) nb.interval_dims.push_back(static_cast<int>(d));
        nb.unk.push_back(new_unknown(pn.name() + (nb.interval[d] ? " offset " : " point ") + std::to_string(d)));
      }
      bb = nb;
    }
    if (bb->buf != tn)
      throw Mismatch{q(pn.name()) + " of " + sub_->name + " stands for both " + q(bb->buf.name()) + " and " +
                     q(tn.name())};
    if (R != bb->interval.size() || pidx.size() != r)
      throw Mismatch{"access " + q(tacc) + " does not match the shape of " + q(pn.name())};
    size_t k = 0;
    for (size_t d = 0; d < R; ++d) {
      PLin p;
      p.unk[bb->unk[d]] = 1;
      std::string why;
      if (bb->interval[d]) {
        p.add(plin(pidx[k]), 1);
        why = "index " + q(print_expr(tidx[d])) + " of " + tn.name() + " does not match " + q(print_expr(pidx[k])) +
              " of " + pn.name();
        ++k;
      } else {
        why = "index " + q(print_expr(tidx[d])) + " of " + tn.name() + " varies inside the replaced code, but " +
              q(pn.name()) + " has no dimension for it";
      }
      equate(p, tlin(tidx[d]), why);
    }
  }

  // ---- results ----
  Expr lin_expr(const Lin& l) {
    std::vector<std::pair<size_t, std::pair<std::string, long long>>> ts;
    for (auto& [k, v] : l.terms) ts.push_back({term_order_[k], {k, v}});
    std::sort(ts.begin(), ts.end());
    Expr out;
    for (auto& [ord, kv] : ts) {
      auto [k, v] = kv;
      Expr t = term_expr_.at(k);
      long long mag = v < 0 ? -v : v;
      if (mag != 1) t = binop(BinOpKind::Mul, int_const(mag), t);
      if (!out) out = v < 0 ? make_expr<USubNode>(t, t->type, SrcInfo{}) : t;
      else out = binop(v < 0 ? BinOpKind::Sub : BinOpKind::Add, out, t);
    }
    if (!out) return int_const(l.c);
    // The constant term stays even when 0 (`4 * i + 0`), as exo-lang prints solved arguments.
    if (l.c >= 0) out = binop(BinOpKind::Add, out, int_const(l.c));
    if (l.c < 0) out = binop(BinOpKind::Sub, out, int_const(-l.c));
    return out;
  }

  // Whether the subproc reads `x` anywhere: body, preconditions, argument shapes.
  bool sub_mentions(const Sym& x) const {
    bool found = false;
    auto check = [&](const Expr& e) {
      if (auto* r = e.as<ReadNode>(); r && r->name == x) found = true;
      if (auto* st = e.as<StrideExprNode>(); st && st->name == x) found = true;
    };
    for_each_expr(sub_->body, check);  // every sub-expression, allocation shapes included
    std::function<void(const Expr&)> deep = [&](const Expr& e) {
      check(e);
      for (auto& k : expr_children(e)) deep(k);
    };
    for (auto& pr : sub_->preds) deep(pr);
    for (auto& a : sub_->args)
      for (auto& e : a.type.shape) deep(e);
    return found;
  }

  Lin value(int u) {
    if (!unk_val_[u]) throw Mismatch{"cannot determine " + q(unk_name_[u]) + " of " + sub_->name + " from the code"};
    return *unk_val_[u];
  }

  // A subproc index expression (shape) with the solved arguments substituted.
  Lin instantiate_index(const Expr& e) {
    PLin p = plin(e);
    Lin out = p.known;
    for (auto& [u, a] : p.unk) out.add(value(u), a);
    return out;
  }

  void build_args(Unification& u) {
    for (size_t k = 0; k < sub_->args.size(); ++k) {
      const FnArg& a = sub_->args[k];
      if (bools_[k]) {
        u.args.push_back(*bools_[k]);
        continue;
      }
      if (!a.type.is_tensor && !is_data_kind(a.type.base)) {
        int unk = control_unk_.at(a.name);
        if (!unk_val_[unk] && !sub_mentions(a.name)) {
          // Used nowhere in the subproc: any value of its type will do.
          u.args.push_back(a.type.base == ScalarKind::Bool   ? bool_const(false)
                           : a.type.base == ScalarKind::Size ? int_const(1)
                                                             : int_const(0));
          continue;
        }
        u.args.push_back(lin_expr(value(unk)));
        continue;
      }
      if (!a.type.is_tensor) {
        if (!scalars_[k]) throw Mismatch{"cannot determine argument " + q(a.name.name()) + ": the code never uses it"};
        u.args.push_back(*scalars_[k]);
        continue;
      }
      const auto& bb = buffers_[k];
      if (!bb) throw Mismatch{"cannot determine argument " + q(a.name.name()) + ": the code never uses it"};
      BufferBinding b{k, bb->buf, {}};
      std::vector<Expr> shape;
      size_t j = 0;
      for (size_t d = 0; d < bb->interval.size(); ++d) {
        WAccess w;
        Lin lo = value(bb->unk[d]);
        w.lo = lin_expr(lo);
        if (bb->interval[d]) {
          Lin ext = instantiate_index(a.type.shape[j++]);
          Lin hi = lo;
          hi.add(ext, 1);
          w.is_interval = true;
          w.hi = lin_expr(hi);
          shape.push_back(lin_expr(ext));
        }
        b.window.push_back(w);
      }
      const Type& bt = site_.at(bb->buf).type;
      if (a.type.is_window) {
        Type wt = Type::tensor(bt.base, shape, true);
        u.args.push_back(make_expr<WindowExprNode>(bb->buf, b.window, wt, SrcInfo{}));
      } else {
        // A tensor (not window) argument takes a whole buffer.
        for (auto& w : b.window) {
          long long lo;
          if (!w.is_interval || !const_value(w.lo, lo) || lo != 0)
            throw Mismatch{"argument " + q(a.name.name()) + " is a tensor, not a window: the code must use all of " +
                           q(bb->buf.name())};
        }
        u.args.push_back(make_expr<ReadNode>(bb->buf, std::vector<Expr>{}, bt, SrcInfo{}));
      }
      u.buffers.push_back(std::move(b));
    }
  }

  const Proc& sub_;
  const SiteBuffers& site_;
  std::map<Sym, size_t> arg_index_;
  std::map<Sym, int> control_unk_;
  std::vector<std::optional<Lin>> unk_val_;
  std::vector<std::string> unk_name_;
  std::vector<Pending> pending_;
  std::vector<std::pair<Lin, std::string>> site_conditions_;
  std::map<std::string, Expr> term_expr_;
  std::map<std::string, size_t> term_order_;
  std::set<std::string> varying_;  // terms that mention a replaced loop's iterator
  std::set<Sym> bound_;            // iterators of the replaced loops
  std::map<Sym, Expr> iter_map_;   // subproc iterator -> site iterator
  std::map<Sym, Sym> locals_;      // subproc allocation -> site allocation
  std::set<Sym> target_locals_;
  std::vector<std::optional<BufBind>> buffers_;
  std::vector<std::optional<Expr>> scalars_;
  std::vector<std::optional<Expr>> bools_;  // bool arguments, by argument index
};

}  // namespace

SiteBuffers site_buffers(const Proc& p) {
  SiteBuffers out;
  for (auto& a : p->args)
    if (a.type.is_tensor || is_data_kind(a.type.base)) out[a.name] = SiteBuffer{a.type, a.mem, Sym(), {}};
  for_each_stmt(p->body, [&](const Stmt& s) {
    if (auto* a = s.as<AllocNode>()) out[a->name] = SiteBuffer{a->type, a->mem, Sym(), {}};
    if (auto* w = s.as<WindowStmtNode>()) {
      auto* we = w->rhs.as<WindowExprNode>();
      if (!we) return;
      SiteBuffer b{we->type, nullptr, we->name, {}};
      if (auto it = out.find(we->name); it != out.end()) b.mem = it->second.mem;
      for (size_t d = 0; d < we->idx.size(); ++d)
        if (we->idx[d].is_interval) b.base_dims.push_back(static_cast<int>(d));
      out[w->name] = b;
    }
  });
  return out;
}

Expr site_stride(const SiteBuffers& site, const Sym& buf, int dim) {
  auto it = site.find(buf);
  if (it != site.end() && it->second.base.valid() && dim < static_cast<int>(it->second.base_dims.size()))
    return site_stride(site, it->second.base, it->second.base_dims[dim]);
  if (it == site.end() || it->second.type.is_window || !it->second.type.is_tensor)
    return make_expr<StrideExprNode>(buf, dim, Type::scalar(ScalarKind::Stride), SrcInfo{});
  // A dense buffer is row-major: the product of the later extents.
  const Type& t = it->second.type;
  Expr s;
  for (size_t k = dim + 1; k < t.rank(); ++k) s = s ? binop(BinOpKind::Mul, s, t.shape[k]) : t.shape[k];
  return s ? s : int_const(1);
}

Unification unify_block(const Proc& subproc, const Block& target, const SiteBuffers& site) {
  return Unifier(subproc, site).run(target);
}

}  // namespace exo::rewrite_detail
