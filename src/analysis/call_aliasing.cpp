// Aliased call arguments: callee effects on parameters, argument views, and the
// disjointness condition of two views.
#include "analysis/call_aliasing.h"

#include <memory>
#include <mutex>

#include "exo/effects.h"
#include "exo/ir_mutator.h"
#include "exo/printer.h"

namespace exo::analysis {

namespace {

// One walk of a proc body: which of its parameters (through windows) and config
// fields it reads and writes, callees summarized by their own (memoized) walk.
class EffectWalk {
 public:
  EffectWalk(const Proc& p, CalleeEffects& out) : out_(out) {
    for (auto& a : p->args)
      if (a.type.is_numeric()) params_.insert(a.name);
  }

  void block(const Block& b) {
    for (auto& s : b) stmt(s);
  }

 private:
  Sym base(const Sym& s) const {
    auto it = alias_.find(s);
    return it == alias_.end() ? s : it->second;
  }
  void touch(const Sym& buf, bool write) {
    Sym b = base(buf);
    if (params_.count(b)) (write ? out_.written_params : out_.read_params).insert(b);
  }
  void field(const ConfigPtr& c, const std::string& f, bool write) {
    (write ? out_.fields_written : out_.fields_read).insert({c.get(), f});
    out_.configs[c.get()] = c;
  }
  void expr(const Expr& e) {
    if (!e) return;
    if (auto* r = e.as<ReadNode>(); r && (r->type.is_tensor || is_data_kind(r->type.base))) touch(r->name, false);
    if (auto* c = e.as<ReadConfigNode>()) field(c->config, c->field, false);
    children(e);
  }
  void children(const Expr& e) {
    struct Sub : IRVisitor {
      using IRVisitor::visit;
      EffectWalk* w;
      void visit(const Expr& x) override { w->expr(x); }
    } sub;
    sub.w = this;
    sub.IRVisitor::visit(e);
  }
  void stmt(const Stmt& s) {
    switch (s->kind) {
      case StmtKind::Assign:
      case StmtKind::Reduce: {
        const Sym& name = s->kind == StmtKind::Assign ? s.as<AssignNode>()->name : s.as<ReduceNode>()->name;
        if (s->kind == StmtKind::Reduce) touch(name, false);
        touch(name, true);
        const auto& idx = s->kind == StmtKind::Assign ? s.as<AssignNode>()->idx : s.as<ReduceNode>()->idx;
        for (auto& e : idx) expr(e);
        expr(s->kind == StmtKind::Assign ? s.as<AssignNode>()->rhs : s.as<ReduceNode>()->rhs);
        return;
      }
      case StmtKind::WriteConfig: {
        auto* w = s.as<WriteConfigNode>();
        field(w->config, w->field, true);
        expr(w->rhs);
        return;
      }
      case StmtKind::WindowStmt: {
        auto* w = s.as<WindowStmtNode>();
        if (auto* we = w->rhs.as<WindowExprNode>()) alias_[w->name] = base(we->name);
        children(w->rhs);  // the window's bounds
        return;
      }
      case StmtKind::If: {
        auto* n = s.as<IfNode>();
        expr(n->cond);
        block(n->body);
        block(n->orelse);
        return;
      }
      case StmtKind::For: {
        auto* n = s.as<ForNode>();
        expr(n->lo);
        expr(n->hi);
        block(n->body);
        return;
      }
      case StmtKind::Call: {
        auto* c = s.as<CallNode>();
        if (!c->proc) return;
        const CalleeEffects& inner = callee_effects(c->proc);
        for (size_t k = 0; k < c->args.size() && k < c->proc->args.size(); ++k) {
          const Expr& arg = c->args[k];
          const Sym& prm = c->proc->args[k].name;
          Sym buf;
          if (auto* w = arg.as<WindowExprNode>()) buf = w->name;
          else if (auto* r = arg.as<ReadNode>(); r && c->proc->args[k].type.is_numeric()) buf = r->name;
          if (!buf.valid()) {
            expr(arg);
            continue;
          }
          children(arg);  // window bounds, element indices
          if (inner.read_params.count(prm)) touch(buf, false);
          if (inner.written_params.count(prm)) touch(buf, true);
        }
        for (auto& f : inner.fields_read) field(inner.configs.at(f.first), f.second, false);
        for (auto& f : inner.fields_written) field(inner.configs.at(f.first), f.second, true);
        return;
      }
      default:  // pass, allocations: no data accesses
        return;
    }
  }

  CalleeEffects& out_;
  std::set<Sym> params_;
  std::map<Sym, Sym> alias_;
};

}  // namespace

CalleeEffects body_effects(const Proc& p) {
  CalleeEffects out;
  EffectWalk(p, out).block(p->body);
  return out;
}

const CalleeEffects& callee_effects(const Proc& callee) {
  // Procs are immutable: one walk per proc, kept (with the proc, so its address
  // is not reused) for every later call site, check and rewrite.
  static std::mutex mu;
  static std::map<const ProcNode*, std::pair<Proc, std::shared_ptr<CalleeEffects>>> memo;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = memo.find(callee.get());
    if (it != memo.end()) return *it->second.second;
  }
  auto eff = std::make_shared<CalleeEffects>();
  EffectWalk(callee, *eff).block(callee->body);
  std::lock_guard<std::mutex> lock(mu);
  return *memo.emplace(callee.get(), std::make_pair(callee, eff)).first->second.second;
}

void Views::declare(const Sym& window, const WindowExprNode& rhs) {
  views_[window] = compose(of(rhs.name), rhs.idx);
}

View Views::of(const Sym& name) const {
  auto it = views_.find(name);
  return it != views_.end() ? it->second : View{name, {}};
}

bool Views::of_arg(const Expr& arg, View& out) const {
  if (auto* w = arg.as<WindowExprNode>()) {
    out = compose(of(w->name), w->idx);
    return true;
  }
  if (auto* r = arg.as<ReadNode>()) {
    if (!r->type.is_tensor && !is_data_kind(r->type.base)) return false;  // a control value
    std::vector<WAccess> pts;
    for (auto& i : r->idx) pts.push_back(WAccess{false, i, Expr()});
    out = compose(of(r->name), pts);
    return true;
  }
  return false;
}

Formula views_disjoint(const View& a, const View& b, Lowering& low) {
  if (a.coords.empty() || b.coords.empty() || a.coords.size() != b.coords.size()) return f_false();
  auto range = [&](const WAccess& c) {
    Affine lo = low.affine(c.lo);
    return std::make_pair(lo, c.is_interval ? low.affine(c.hi) : lo + Affine(1));
  };
  std::vector<Formula> apart;
  for (size_t d = 0; d < a.coords.size(); ++d) {
    auto [alo, ahi] = range(a.coords[d]);
    auto [blo, bhi] = range(b.coords[d]);
    apart.push_back(f_or(f_le(ahi, blo), f_le(bhi, alo)));
  }
  return f_or(std::move(apart));
}

std::string view_text(const View& v) {
  if (v.coords.empty()) return v.base.name();
  std::string s = v.base.name() + "[";
  for (size_t k = 0; k < v.coords.size(); ++k) {
    const WAccess& c = v.coords[k];
    s += (k ? ", " : "") + print_expr(c.lo) + (c.is_interval ? ":" + print_expr(c.hi) : "");
  }
  return s + "]";
}

}  // namespace exo::analysis
