// Effects of a block: every read, write and reduce with its symbolic location,
// loop ranges and path conditions. Windows and calls are looked through, so each
// access names the buffer that owns the storage.

#include "exo/effects.h"

#include <map>
#include <set>
#include <sstream>

#include "analysis/effects_formula.h"
#include "analysis/call_aliasing.h"
#include "analysis/views.h"
#include "exo/hardware.h"
#include "exo/ir_mutator.h"
#include "exo/printer.h"

namespace exo {

namespace {

using analysis::apply_view;
using analysis::compose;
using analysis::View;

class Subst : public IRMutator {
 public:
  explicit Subst(const std::map<Sym, Expr>& env) : env_(env) {}
  Expr mutate(const Expr& e) override {
    if (auto* r = e.as<ReadNode>(); r && r->idx.empty()) {
      auto it = env_.find(r->name);
      if (it != env_.end()) return it->second;
    }
    return mutate_children(e);
  }

 private:
  const std::map<Sym, Expr>& env_;
};

class Collector {
 public:
  // When `target` is set, only accesses performed inside it are kept. With
  // `summarize_calls`, a call is not expanded into its callee's accesses: it
  // reads or writes the whole storage it is passed (see stmt_footprint).
  explicit Collector(const StmtNode* target = nullptr, bool summarize_calls = false,
                     const WindowAliases& outer = WindowAliases())
      : target_(target), summarize_calls_(summarize_calls), aliases_(outer) {}

  // Only which storage is accessed and how (no indices, loops or conditions):
  // what a callee does to its parameters, asked at every check of a schedule.
  void storage_only() { storage_only_ = true; }

  void block(const Block& b) {
    for (auto& s : b) stmt(s);
  }
  void expression(const Expr& e) { expr(e); }

  std::vector<Access> out;

 private:
  bool recording() const { return !target_ || inside_ > 0; }

  View view_of(const Sym& name) const { return aliases_.of(name); }

  void record(EffectKind kind, const Sym& name, const std::vector<Expr>& idx) {
    if (!recording()) return;
    View v = view_of(name);
    Access a;
    a.kind = kind;
    a.buffer = v.base;
    if (!storage_only_) {
      a.idx = apply_view(v, idx);
      a.loops = loops_;
      a.conds = conds_;
      a.stmt = top_;
    }
    out.push_back(std::move(a));
  }

  void record_config(EffectKind kind, const ConfigPtr& c, const std::string& field) {
    if (!recording()) return;
    Access a;
    a.kind = kind;
    a.config = c;
    a.field = field;
    if (!storage_only_) {
      a.loops = loops_;
      a.conds = conds_;
      a.stmt = top_;
    }
    out.push_back(std::move(a));
  }

  void expr(const Expr& e) {
    if (!e) return;
    switch (e->kind) {
      case ExprKind::Read: {
        auto* r = e.as<ReadNode>();
        for (auto& i : r->idx) expr(i);
        // Control values are not storage; whole buffers are handled by calls.
        if (e->type.is_tensor || !is_data_kind(e->type.base)) return;
        record(EffectKind::Read, r->name, r->idx);
        return;
      }
      case ExprKind::ReadConfig: {
        auto* r = e.as<ReadConfigNode>();
        record_config(EffectKind::Read, r->config, r->field);
        return;
      }
      default: {
        // Sub-expressions (operands, extern arguments, window bounds).
        struct Sub : IRVisitor {
          using IRVisitor::visit;
          Collector* c;
          void visit(const Expr& x) override { c->expr(x); }
        } sub;
        sub.c = this;
        sub.IRVisitor::visit(e);
        return;
      }
    }
  }

  void stmt(const Stmt& s) {
    bool is_target = target_ && s.get() == target_;
    if (is_target) ++inside_;
    Stmt saved_top = top_;
    if (depth_ == 0) top_ = s;  // accesses are attributed to the block's own statements
    ++depth_;
    stmt_body(s);
    --depth_;
    top_ = saved_top;
    if (is_target) --inside_;
  }

  void stmt_body(const Stmt& s) {
    switch (s->kind) {
      case StmtKind::Assign: {
        auto* n = s.as<AssignNode>();
        for (auto& i : n->idx) expr(i);
        expr(n->rhs);
        record(EffectKind::Write, n->name, n->idx);
        return;
      }
      case StmtKind::Reduce: {
        auto* n = s.as<ReduceNode>();
        for (auto& i : n->idx) expr(i);
        expr(n->rhs);
        record(EffectKind::Reduce, n->name, n->idx);
        return;
      }
      case StmtKind::WriteConfig: {
        auto* n = s.as<WriteConfigNode>();
        expr(n->rhs);
        record_config(EffectKind::Write, n->config, n->field);
        return;
      }
      case StmtKind::Pass:
      case StmtKind::Alloc: return;
      case StmtKind::If: {
        auto* n = s.as<IfNode>();
        expr(n->cond);
        conds_.push_back(EffectCond{n->cond, true});
        block(n->body);
        conds_.back().holds = false;
        block(n->orelse);
        conds_.pop_back();
        return;
      }
      case StmtKind::For: {
        auto* n = s.as<ForNode>();
        expr(n->lo);
        expr(n->hi);
        loops_.push_back(EffectLoop{n->iter, n->lo, n->hi});
        block(n->body);
        loops_.pop_back();
        return;
      }
      case StmtKind::WindowStmt: {
        auto* n = s.as<WindowStmtNode>();
        if (auto* w = n->rhs.as<WindowExprNode>()) {
          for (auto& c : w->idx) {
            expr(c.lo);
            if (c.is_interval) expr(c.hi);
          }
          aliases_.declare(n->name, *w);
        }
        return;
      }
      case StmtKind::Call: return call(*s.as<CallNode>());
    }
  }

  // A call performs its callee's accesses, with the callee's control arguments
  // replaced by the caller's values and its buffers by the caller's views.
  void call(const CallNode& c) {
    for (auto& a : c.args) expr_indices_only(a);
    if (!recording()) return;
    if (summarize_calls_) return summarize(c);
    std::map<Sym, Expr> env;
    std::map<Sym, View> views;
    const auto& params = c.proc->args;
    for (size_t k = 0; k < params.size() && k < c.args.size(); ++k) {
      const FnArg& prm = params[k];
      const Expr& arg = c.args[k];
      View v;
      if (!prm.type.is_tensor && !is_data_kind(prm.type.base)) {
        env[prm.name] = arg;
      } else if (aliases_.of_arg(arg, v)) {
        views[prm.name] = v;
      }
    }
    Collector inner;
    inner.block(c.proc->body);
    rename_callee_iters(inner.out, env);
    Subst sub(env);
    for (auto& a : inner.out) {
      Access m = a;
      if (!a.is_config()) {
        auto it = views.find(a.buffer);
        if (it == views.end()) continue;  // the callee's own allocation
        std::vector<Expr> idx;
        for (auto& i : a.idx) idx.push_back(sub.mutate(i));
        m.buffer = it->second.base;
        m.idx = apply_view(it->second, idx);
      }
      m.loops = loops_;
      for (auto& l : a.loops) {
        Sym iter = l.iter;
        if (auto it = env.find(l.iter); it != env.end()) iter = it->second.as<ReadNode>()->name;
        m.loops.push_back(EffectLoop{iter, sub.mutate(l.lo), sub.mutate(l.hi)});
      }
      m.conds = conds_;
      for (auto& cd : a.conds) m.conds.push_back(EffectCond{sub.mutate(cd.cond), cd.holds});
      m.stmt = top_;
      out.push_back(std::move(m));
    }
  }

  // The callee's loop variables are distinct Syms, but may share a name with a
  // caller loop (`i` in both): give those a fresh name so the text stays unambiguous.
  void rename_callee_iters(const std::vector<Access>& accesses, std::map<Sym, Expr>& env) const {
    std::set<std::string> taken;
    for (auto& l : loops_) taken.insert(l.iter.name());
    for (auto& a : accesses)
      for (auto& l : a.loops) {
        if (env.count(l.iter) || !taken.count(l.iter.name())) continue;
        std::string name;
        for (int k = 1; taken.count(name = l.iter.name() + "_" + std::to_string(k)); ++k) {
        }
        taken.insert(name);
        env[l.iter] = read_var(Sym(name), ScalarKind::Index);
      }
  }

  // Call arguments: only the index expressions inside are evaluated by the caller.
  void expr_indices_only(const Expr& a) {
    if (auto* r = a.as<ReadNode>()) {
      for (auto& i : r->idx) expr(i);
      return;
    }
    if (auto* w = a.as<WindowExprNode>()) {
      for (auto& c : w->idx) {
        expr(c.lo);
        if (c.is_interval) expr(c.hi);
      }
      return;
    }
    expr(a);
  }

  // Every element of each window (or buffer, or element) passed to a parameter
  // the callee reads or writes, as one access with a fresh variable ranging
  // over each interval dimension; and the callee's config accesses.
  void summarize(const CallNode& c) {
    const analysis::CalleeEffects& eff = analysis::callee_effects(c.proc);  // kept per proc
    const auto& params = c.proc->args;
    std::map<Sym, Expr> env;
    for (size_t k = 0; k < params.size() && k < c.args.size(); ++k)
      if (!params[k].type.is_tensor && !is_data_kind(params[k].type.base)) env[params[k].name] = c.args[k];
    Subst sub(env);
    for (size_t k = 0; k < params.size() && k < c.args.size(); ++k) {
      const FnArg& prm = params[k];
      if (!prm.type.is_numeric()) continue;
      if (!eff.reads(prm.name) && !eff.writes(prm.name)) continue;
      View v;
      if (!aliases_.of_arg(c.args[k], v)) continue;  // a value: its config reads are recorded below
      const Expr& arg = c.args[k];
      // A parameter only reduced into stays a reduction (reductions commute); one
      // also assigned is a write, which covers its reads.
      EffectKind kind = eff.assigned_params.count(prm.name) ? EffectKind::Write
                        : eff.reduced_params.count(prm.name) ? EffectKind::Reduce
                                                             : EffectKind::Read;
      record_footprint(kind, prm, arg, v, sub);
      if (kind == EffectKind::Reduce && eff.read_params.count(prm.name))
        record_footprint(EffectKind::Read, prm, arg, v, sub);
    }
    for (auto* fields : {&eff.fields_read, &eff.fields_written})
      for (auto& [cfg, field] : *fields)
        record_config(fields == &eff.fields_written ? EffectKind::Write : EffectKind::Read, eff.configs.at(cfg),
                      field);
  }

  // One access to every element of the window v passed to parameter prm.
  void record_footprint(EffectKind kind, const FnArg& prm, const Expr& arg, const View& v, Subst& sub) {
    Access a;
    a.kind = kind;
    a.buffer = v.base;
    if (storage_only_) return out.push_back(std::move(a));
    a.loops = loops_;
    a.conds = conds_;
    a.stmt = top_;
    auto fresh = [&](const Expr& extent, size_t d) {
      Sym t(prm.name.name() + "_" + std::to_string(d));
      a.loops.push_back(EffectLoop{t, int_const(0, arg->srcinfo), extent});
      return read_var(t, ScalarKind::Index);
    };
    if (v.coords.empty()) {  // the whole buffer: the parameter's extents
      for (size_t d = 0; d < prm.type.shape.size(); ++d) a.idx.push_back(fresh(sub.mutate(prm.type.shape[d]), d));
    } else {
      for (size_t d = 0; d < v.coords.size(); ++d) {
        const WAccess& co = v.coords[d];
        if (!co.is_interval) {
          a.idx.push_back(co.lo);
        } else {
          Expr extent = binop(BinOpKind::Sub, co.hi, co.lo, co.hi->srcinfo);
          a.idx.push_back(analysis::add_skipping_zero(co.lo, fresh(extent, d)));
        }
      }
    }
    out.push_back(std::move(a));
  }

  const StmtNode* target_;
  bool summarize_calls_ = false;
  bool storage_only_ = false;
  int inside_ = 0;
  int depth_ = 0;
  Stmt top_;
  std::vector<EffectLoop> loops_;
  std::vector<EffectCond> conds_;
  WindowAliases aliases_;
};

std::string access_line(const Access& a) {
  std::ostringstream os;
  os << effect_kind_name(a.kind) << " " << a.location_name();
  if (!a.idx.empty()) {
    os << "[";
    for (size_t k = 0; k < a.idx.size(); ++k) os << (k ? ", " : "") << print_expr(a.idx[k]);
    os << "]";
  }
  for (size_t k = 0; k < a.loops.size(); ++k) {
    const auto& l = a.loops[k];
    os << (k ? ", " : " for ") << print_expr(l.lo) << " <= " << l.iter.name() << " < " << print_expr(l.hi);
  }
  for (size_t k = 0; k < a.conds.size(); ++k) {
    const auto& c = a.conds[k];
    os << (k ? " and " : " if ");
    if (c.holds)
      os << print_expr(c.cond);
    else
      os << "not (" << print_expr(c.cond) << ")";
  }
  return os.str();
}

}  // namespace

const char* effect_kind_name(EffectKind k) {
  switch (k) {
    case EffectKind::Read: return "read";
    case EffectKind::Write: return "write";
    case EffectKind::Reduce: return "reduce";
  }
  return "?";
}

std::string Access::location_name() const {
  if (config) return config->name() + "." + field;
  return buffer.name();
}

std::vector<Access> block_effects(const Block& b) {
  Collector c;
  c.block(b);
  return std::move(c.out);
}

std::vector<Access> proc_effects(const Proc& p) { return block_effects(p->body); }

std::vector<Access> stmt_effects(const Proc& p, const Stmt& target) {
  Collector c(target.get());
  c.block(p->body);
  return std::move(c.out);
}

std::vector<Access> stmt_footprint(const Proc& p, const Stmt& target) {
  Collector c(target.get(), true);
  c.block(p->body);
  return std::move(c.out);
}

std::vector<Access> block_footprint(const Block& b, const WindowAliases& windows) {
  Collector c(nullptr, true, windows);
  c.block(b);
  return std::move(c.out);
}

std::vector<Access> block_storage_accesses(const Block& b) {
  Collector c(nullptr, true);
  c.storage_only();
  c.block(b);
  return std::move(c.out);
}

EffectSummary summarize_effects(const std::vector<Access>& accesses) {
  EffectSummary out;
  for (const Access& a : accesses) {
    if (a.is_config()) {
      (a.kind == EffectKind::Read ? out.cfg_reads : out.cfg_writes).insert({a.config.get(), a.field});
      continue;
    }
    NameAccess n{a.idx, a.loops};
    auto& by_name = a.kind == EffectKind::Read ? out.reads : a.kind == EffectKind::Write ? out.writes : out.reduces;
    by_name[a.buffer].push_back(std::move(n));
  }
  return out;
}

EffectSummary effects_of(const Block& b, const WindowAliases& windows) {
  return summarize_effects(block_footprint(b, windows));
}

EffectSummary effects_of(const Stmt& s, const WindowAliases& windows) { return effects_of(Block{s}, windows); }

EffectSummary effects_of(const Expr& e, const WindowAliases& windows) {
  Collector c(nullptr, true, windows);
  c.expression(e);
  return summarize_effects(c.out);
}

std::string effects_text(const std::vector<Access>& accesses) {
  // Group by location, in order of first appearance (deterministic output).
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Access*>> groups;
  for (auto& a : accesses) {
    std::string key = a.is_config() ? a.location_name() : a.location_name() + "#" + std::to_string(a.buffer.id());
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(&a);
  }
  std::ostringstream os;
  for (auto& key : order) {
    os << groups[key].front()->location_name() << ":\n";
    for (auto* a : groups[key]) os << "    " << access_line(*a) << "\n";
  }
  return os.str();
}

std::string access_domain_text(const Access& a) {
  analysis::Lowering low;
  return analysis::formula_text(analysis::access_domain(a, low));
}

namespace analysis {

Formula access_domain(const Access& a, Lowering& low) {
  std::vector<Formula> parts;
  for (auto& l : a.loops) {
    Affine i = Affine::var(l.iter);
    parts.push_back(f_ge(i, low.affine(l.lo)));
    parts.push_back(f_lt(i, low.affine(l.hi)));
  }
  for (auto& c : a.conds) {
    Formula f = low.formula(c.cond);
    parts.push_back(c.holds ? f : f_not(f));
  }
  return f_and(std::move(parts));
}

std::vector<Affine> access_location(const Access& a, Lowering& low) {
  std::vector<Affine> out;
  for (auto& i : a.idx) out.push_back(low.affine(i));
  return out;
}

Formula same_location(const Access& a, const Access& b, Lowering& low) {
  if (a.is_config() != b.is_config()) return f_false();
  if (a.is_config()) return a.config == b.config && a.field == b.field ? f_true() : f_false();
  if (a.buffer != b.buffer || a.idx.size() != b.idx.size()) return f_false();
  auto la = access_location(a, low), lb = access_location(b, low);
  std::vector<Formula> eqs;
  for (size_t k = 0; k < la.size(); ++k) eqs.push_back(f_eq(la[k], lb[k]));
  return f_and(std::move(eqs));
}

}  // namespace analysis

}  // namespace exo
