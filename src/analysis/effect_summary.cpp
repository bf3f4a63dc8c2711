// Per-name effect summaries (exo/effects.h): which buffers and config fields a
// statement reads, writes and reduces, with the indices used.
#include "exo/effects.h"

namespace exo {

void EffectCollector::visit(const Expr& e) {
  if (auto* r = e.as<ReadNode>()) {
    out_.used.insert(r->name);
    if (r->type.is_numeric()) out_.reads[base(r->name)].push_back(access(r->name, r->idx));
  } else if (auto* w = e.as<WindowExprNode>()) {
    out_.used.insert(w->name);
    out_.reads[base(w->name)].push_back(NameAccess{{}, true});
  } else if (auto* s = e.as<StrideExprNode>()) {
    out_.used.insert(s->name);
  } else if (auto* c = e.as<ReadConfigNode>()) {
    out_.cfg_reads.insert({c->config.get(), c->field});
  }
  IRVisitor::visit(e);
}

void EffectCollector::visit(const Stmt& s) {
  switch (s->kind) {
    case StmtKind::Assign: {
      auto* a = s.as<AssignNode>();
      out_.used.insert(a->name);
      out_.writes[base(a->name)].push_back(access(a->name, a->idx));
      break;
    }
    case StmtKind::Reduce: {
      auto* a = s.as<ReduceNode>();
      out_.used.insert(a->name);
      out_.reduces[base(a->name)].push_back(access(a->name, a->idx));
      break;
    }
    case StmtKind::WriteConfig: {
      auto* w = s.as<WriteConfigNode>();
      out_.cfg_writes.insert({w->config.get(), w->field});
      break;
    }
    case StmtKind::Alloc:
      out_.used.insert(s.as<AllocNode>()->name);
      break;
    case StmtKind::WindowStmt:
      out_.used.insert(s.as<WindowStmtNode>()->name);
      break;
    case StmtKind::Call:
      call(*s.as<CallNode>());
      break;
    case StmtKind::For:
      local_iters_.insert(s.as<ForNode>()->iter);
      break;
    default:
      break;
  }
  IRVisitor::visit(s);
}

NameAccess EffectCollector::access(const Sym& name, const std::vector<Expr>& idx) const {
  // Indices through a window are relative to the window: compare whole buffers.
  NameAccess a{idx, idx.empty() || alias_.count(name) > 0, false};
  for (auto& e : idx) a.local = a.local || mentions_local(e);
  return a;
}

bool EffectCollector::mentions_local(const Expr& e) const {
  struct Finder : IRVisitor {
    using IRVisitor::visit;
    const std::set<Sym>& iters;
    bool found = false;
    explicit Finder(const std::set<Sym>& it) : iters(it) {}
    void visit(const Expr& x) override {
      if (found) return;
      if (auto* r = x.as<ReadNode>(); r && r->idx.empty() && iters.count(r->name)) {
        found = true;
        return;
      }
      IRVisitor::visit(x);
    }
  } finder(local_iters_);
  finder.visit(e);
  return finder.found;
}

Sym EffectCollector::base(const Sym& s) const {
  Sym cur = s;
  for (auto it = alias_.find(cur); it != alias_.end(); it = alias_.find(cur)) cur = it->second;
  return cur;
}

void EffectCollector::call(const CallNode& c) {
  if (!c.proc) return;
  EffectSummary callee;
  std::map<Sym, Sym> callee_alias;
  collect_aliases(c.proc->body, callee_alias);
  EffectCollector sub(callee, callee_alias);
  sub.visit_block(c.proc->body);
  out_.cfg_reads.insert(callee.cfg_reads.begin(), callee.cfg_reads.end());
  out_.cfg_writes.insert(callee.cfg_writes.begin(), callee.cfg_writes.end());
  for (size_t k = 0; k < c.args.size() && k < c.proc->args.size(); ++k) {
    const Sym& param = c.proc->args[k].name;
    Sym buf;
    if (auto* r = c.args[k].as<ReadNode>()) {
      if (!r->type.is_numeric()) continue;
      buf = r->name;
    } else if (auto* w = c.args[k].as<WindowExprNode>()) {
      buf = w->name;
    } else {
      continue;
    }
    NameAccess whole{{}, true};
    if (callee.reads.count(param)) out_.reads[base(buf)].push_back(whole);
    if (callee.writes.count(param)) out_.writes[base(buf)].push_back(whole);
    if (callee.reduces.count(param)) out_.reduces[base(buf)].push_back(whole);
  }
}

void EffectCollector::collect_aliases(const Block& b, std::map<Sym, Sym>& alias) {
  for_each_stmt(b, [&](const Stmt& s) {
    if (auto* w = s.as<WindowStmtNode>())
      if (auto* e = w->rhs.as<WindowExprNode>()) alias[w->name] = e->name;
  });
}

EffectSummary effects_of(const Stmt& s, const std::map<Sym, Sym>& alias) {
  EffectSummary e;
  EffectCollector c(e, alias);
  c.visit(s);
  if (auto* a = s.as<AllocNode>()) e.bound.insert(a->name);
  if (auto* w = s.as<WindowStmtNode>()) e.bound.insert(w->name);
  return e;
}

}  // namespace exo
