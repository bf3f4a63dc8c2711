#pragma once
// Helpers shared by the loop and statement primitives.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "exo/schedule/cursor.h"
#include "exo/ir_mutator.h"
#include "exo/loopir.h"

namespace exo::rewrite_detail {

// Substitutes index variables by expressions and renames variables; with
// `freshen`, every variable bound inside (loop iterators, allocations, windows)
// gets a new Sym, so copies of a block can sit side by side.
class Subst : public IRMutator {
 public:
  std::map<Sym, Expr> exprs;
  std::map<Sym, Sym> renames;
  bool freshen = false;

  Expr mutate(const Expr& e) override;
  Block mutate_stmt(const Stmt& s) override;

 private:
  Sym rn(const Sym& s) const {
    auto it = renames.find(s);
    return it == renames.end() ? s : it->second;
  }
};

// Copy of `b` with `iter` replaced by `value` and inner bindings renamed apart.
Block instantiate(const Block& b, const Sym& iter, const Expr& value);

// Whether `goal` (a boolean control expression) holds wherever the statement at
// `path` runs: under the proc's preconditions, positive sizes, the enclosing loop
// ranges and branch conditions.
bool provable_at(const Proc& p, const StmtPath& path, const Expr& goal);
// Whether `goal` is false wherever the statement at `path` runs (same context).
bool refutable_at(const Proc& p, const StmtPath& path, const Expr& goal);

// The loop (If) a cursor points at; a scheduling_error of `prim` otherwise.
const ForNode* expect_loop(const char* prim, const Proc& p, const Cursor& c);
const IfNode* expect_if(const char* prim, const Proc& p, const Cursor& c);

// The constant value of a control expression built from constants, if any.
bool const_value(const Expr& e, long long& out);

// ---------------------------------------------------------------------------
// Name-level effects (which buffers and config fields a statement reads, writes
// and reduces, with the indices used), shared by the commuting, interchange and
// idempotence checks.
// ---------------------------------------------------------------------------

struct Access {
  std::vector<Expr> idx;  // empty: the whole buffer (or a scalar)
  bool whole = false;
  // The index mentions a loop variable bound inside the statement: then two
  // accesses range over independent iterations and only constants separate them.
  bool local = false;
};

struct Effects {
  std::map<Sym, std::vector<Access>> reads, writes, reduces;
  std::set<std::pair<const Config*, std::string>> cfg_reads, cfg_writes;
  std::set<Sym> bound;  // allocations and windows the statement declares at its top level
  std::set<Sym> used;   // every name mentioned
};

class EffectCollector : public IRVisitor {
 public:
  EffectCollector(Effects& out, const std::map<Sym, Sym>& alias) : out_(out), alias_(alias) {}

  void visit(const Expr& e) override {
    if (auto* r = e.as<ReadNode>()) {
      out_.used.insert(r->name);
      if (r->type.is_numeric()) out_.reads[base(r->name)].push_back(access(r->name, r->idx));
    } else if (auto* w = e.as<WindowExprNode>()) {
      out_.used.insert(w->name);
      out_.reads[base(w->name)].push_back(Access{{}, true});
    } else if (auto* s = e.as<StrideExprNode>()) {
      out_.used.insert(s->name);
    } else if (auto* c = e.as<ReadConfigNode>()) {
      out_.cfg_reads.insert({c->config.get(), c->field});
    }
    IRVisitor::visit(e);
  }

  void visit(const Stmt& s) override {
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

 private:
  Access access(const Sym& name, const std::vector<Expr>& idx) const {
    // Indices through a window are relative to the window: compare whole buffers.
    Access a{idx, idx.empty() || alias_.count(name) > 0, false};
    for (auto& e : idx) a.local = a.local || mentions_local(e);
    return a;
  }
  bool mentions_local(const Expr& e) const {
    if (auto* r = e.as<ReadNode>())
      if (r->idx.empty() && local_iters_.count(r->name)) return true;
    for (auto& k : expr_children(e))
      if (mentions_local(k)) return true;
    return false;
  }
  std::set<Sym> local_iters_;

  Sym base(const Sym& s) const {
    Sym cur = s;
    for (auto it = alias_.find(cur); it != alias_.end(); it = alias_.find(cur)) cur = it->second;
    return cur;
  }

  // A call acts on its buffer arguments as its callee acts on the parameters.
  void call(const CallNode& c) {
    if (!c.proc) return;
    Effects callee;
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
      Access whole{{}, true};
      if (callee.reads.count(param)) out_.reads[base(buf)].push_back(whole);
      if (callee.writes.count(param)) out_.writes[base(buf)].push_back(whole);
      if (callee.reduces.count(param)) out_.reduces[base(buf)].push_back(whole);
    }
  }

 public:
  static void collect_aliases(const Block& b, std::map<Sym, Sym>& alias) {
    for_each_stmt(b, [&](const Stmt& s) {
      if (auto* w = s.as<WindowStmtNode>())
        if (auto* e = w->rhs.as<WindowExprNode>()) alias[w->name] = e->name;
    });
  }

 private:
  Effects& out_;
  const std::map<Sym, Sym>& alias_;
};

inline Effects effects_of(const Stmt& s, const std::map<Sym, Sym>& alias) {
  Effects e;
  EffectCollector c(e, alias);
  c.visit(s);
  if (auto* a = s.as<AllocNode>()) e.bound.insert(a->name);
  if (auto* w = s.as<WindowStmtNode>()) e.bound.insert(w->name);
  return e;
}

}  // namespace exo::rewrite_detail
