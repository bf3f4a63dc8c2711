// Which variables the values stored in a buffer may depend on: the names read
// by the statements writing it (indices and values), the conditions and loop
// bounds around them, and, transitively, what those names depend on.
// autolift_alloc gives a lifted buffer one dimension per enclosing loop whose
// iterator is among them, as exo-lang does; the type checker refuses a config
// field whose written values may depend on a loop iterator. A config field
// takes part as a name of its own.
#include "exo/value_dependencies.h"

#include <functional>
#include <map>

#include "exo/hardware.h"
#include "exo/ir_mutator.h"

namespace exo {
namespace {

class Dependencies {
 public:
  // Without `control`, only the values read count, not the conditions and
  // loop bounds around a write.
  explicit Dependencies(bool control = true) : control_(control) {}

  void block(const Block& b, const std::set<Sym>& context) {
    for (auto& s : b) stmt(s, context);
  }

  std::set<Sym> closure(const Sym& buf) {
    std::set<Sym> out{buf};
    std::vector<Sym> todo{buf};
    while (!todo.empty()) {
      Sym x = todo.back();
      todo.pop_back();
      for (auto& y : depends_[x])
        if (out.insert(y).second) todo.push_back(y);
    }
    return out;
  }

  Sym base(const Sym& s) const {
    auto it = alias_.find(s);
    return it == alias_.end() ? s : it->second;
  }

  // The name standing for `config.field`.
  Sym field_sym(const ConfigPtr& c, const std::string& field) {
    auto key = std::make_pair(c.get(), field);
    auto it = fields_.find(key);
    if (it == fields_.end()) it = fields_.emplace(key, Sym(c->name() + "." + field)).first;
    return it->second;
  }

  void reads(const Expr& e, std::set<Sym>& out) {
    if (auto* r = e.as<ReadNode>()) out.insert(r->name);
    if (auto* rc = e.as<ReadConfigNode>()) out.insert(field_sym(rc->config, rc->field));
    if (auto* w = e.as<WindowExprNode>()) out.insert(w->name);
    if (auto* st = e.as<StrideExprNode>()) out.insert(st->name);
    for (auto& k : expr_children(e)) reads(k, out);
  }

  void written(const Sym& name, const std::set<Sym>& context, const std::vector<Expr>& read) {
    std::set<Sym>& d = depends_[base(name)];
    if (control_) d.insert(context.begin(), context.end());
    for (auto& e : read) {
      std::set<Sym> r;
      reads(e, r);
      for (auto& x : r) d.insert(base(x));
    }
  }

  void stmt(const Stmt& s, const std::set<Sym>& context) {
    if (auto* a = s.as<AssignNode>()) {
      std::vector<Expr> read = a->idx;
      read.push_back(a->rhs);
      written(a->name, context, read);
    } else if (auto* a = s.as<ReduceNode>()) {
      std::vector<Expr> read = a->idx;
      read.push_back(a->rhs);
      written(a->name, context, read);
    } else if (auto* w = s.as<WindowStmtNode>()) {
      if (auto* we = w->rhs.as<WindowExprNode>()) alias_[w->name] = base(we->name);
      written(w->name, {}, {w->rhs});
    } else if (auto* i = s.as<IfNode>()) {
      std::set<Sym> inner = context;
      reads(i->cond, inner);
      block(i->body, inner);
      block(i->orelse, inner);
    } else if (auto* f = s.as<ForNode>()) {
      std::set<Sym> inner = context;
      reads(f->lo, inner);
      reads(f->hi, inner);
      written(f->iter, {}, {f->lo, f->hi});
      block(f->body, inner);
    } else if (auto* w = s.as<WriteConfigNode>()) {
      written(field_sym(w->config, w->field), context, {w->rhs});
    } else if (auto* c = s.as<CallNode>()) {
      // A buffer passed to a call, and a config field the callee writes, may
      // be written from any argument and any config field the callee reads.
      ConfigUse none;
      const ConfigUse& use = c->proc ? callee_configs(c->proc.get()) : none;
      std::set<Sym> from = context;
      for (auto& [cfg, f] : use.reads) from.insert(field_sym(cfg, f));
      for (auto& arg : c->args) {
        Sym target;
        if (auto* r = arg.as<ReadNode>(); r && r->type.is_numeric()) target = r->name;
        if (auto* w = arg.as<WindowExprNode>()) target = w->name;
        if (target.valid()) written(target, from, c->args);
      }
      for (auto& [cfg, f] : use.writes) written(field_sym(cfg, f), from, c->args);
    }
  }

  using Fields = std::set<std::pair<ConfigPtr, std::string>>;
  struct ConfigUse {
    Fields reads, writes;
  };

  // The config fields a callee (and its callees) reads and writes; each proc
  // is summarized once (call graphs may share callees at every level).
  const ConfigUse& callee_configs(const ProcNode* callee) {
    auto it = callee_use_.find(callee);
    if (it != callee_use_.end()) return it->second;
    ConfigUse use;
    callee_use_.emplace(callee, ConfigUse{});  // a recursive call sees an empty summary
    for_each_expr(callee->body, [&](const Expr& e) {
      if (auto* rc = e.as<ReadConfigNode>()) use.reads.emplace(rc->config, rc->field);
    });
    for_each_stmt(callee->body, [&](const Stmt& s) {
      if (auto* w = s.as<WriteConfigNode>()) use.writes.emplace(w->config, w->field);
      if (auto* c = s.as<CallNode>(); c && c->proc) {
        const ConfigUse& inner = callee_configs(c->proc.get());
        use.reads.insert(inner.reads.begin(), inner.reads.end());
        use.writes.insert(inner.writes.begin(), inner.writes.end());
      }
    });
    return callee_use_[callee] = std::move(use);
  }

 private:
  std::map<Sym, std::set<Sym>> depends_;
  std::map<Sym, Sym> alias_;
  std::map<std::pair<const Config*, std::string>, Sym> fields_;
  std::map<const ProcNode*, ConfigUse> callee_use_;
  bool control_;
};

}  // namespace

std::set<Sym> value_dependencies(const Block& body, const Sym& buf) {
  Dependencies d;
  d.block(body, {});
  return d.closure(buf);
}

std::optional<ConfigLoopDependence> config_loop_dependence(const Block& body) {
  Dependencies d(/*control=*/false);
  d.block(body, {});
  std::optional<ConfigLoopDependence> found;
  // Each config-writing statement against the loops around it.
  auto check = [&](const Stmt& s, const std::string& field, const std::set<Sym>& read,
                   const std::set<Sym>& enclosing) {
    for (auto& r : read)
      for (auto& x : d.closure(d.base(r)))
        if (!found && enclosing.count(x)) found = ConfigLoopDependence{s, field, x};
  };
  std::function<void(const Block&, const std::set<Sym>&)> walk = [&](const Block& b, const std::set<Sym>& iters) {
    for (auto& s : b) {
      if (found) return;
      if (auto* f = s.as<ForNode>()) {
        std::set<Sym> inner = iters;
        inner.insert(f->iter);
        walk(f->body, inner);
      } else if (auto* i = s.as<IfNode>()) {
        walk(i->body, iters);
        walk(i->orelse, iters);
      } else if (auto* w = s.as<WriteConfigNode>(); w && !iters.empty()) {
        std::set<Sym> read;
        d.reads(w->rhs, read);
        check(s, w->config->name() + "." + w->field, read, iters);
      } else if (auto* c = s.as<CallNode>(); c && c->proc && !iters.empty()) {
        const auto& use = d.callee_configs(c->proc.get());
        if (use.writes.empty()) continue;
        std::set<Sym> read;
        for (auto& a : c->args) d.reads(a, read);
        for (auto& [cfg, f] : use.reads) read.insert(d.field_sym(cfg, f));
        auto& [cfg, f] = *use.writes.begin();
        check(s, cfg->name() + "." + f, read, iters);
      }
    }
  };
  walk(body, {});
  return found;
}

}  // namespace exo
