// Names and config fields used and declared by blocks, for fission and fusion.
#include "schedule/loops/dependence.h"

#include <map>

#include "exo/schedule/cursor.h"
#include "exo/ir_mutator.h"
#include "exo/printer.h"
#include "schedule/loops/substitute.h"

namespace exo::rewrite_detail {

size_t loop_depth(const Proc& p, const StmtPath& path) {
  size_t n = 0;
  for (size_t k = 1; k < path.size(); ++k)
    if (resolve_stmt(p, StmtPath(path.begin(), path.begin() + k))->kind == StmtKind::For) ++n;
  return n;
}

std::set<Sym> names_used(const Block& b) {
  std::set<Sym> out;
  for_each_expr(b, [&](const Expr& e) {
    if (auto* r = e.as<ReadNode>()) out.insert(r->name);
    if (auto* w = e.as<WindowExprNode>()) out.insert(w->name);
    if (auto* s = e.as<StrideExprNode>()) out.insert(s->name);
  });
  for_each_stmt(b, [&](const Stmt& s) {
    if (auto* a = s.as<AssignNode>()) out.insert(a->name);
    if (auto* r = s.as<ReduceNode>()) out.insert(r->name);
  });
  return out;
}

std::vector<Sym> declared_names(const Block& b) {
  std::vector<Sym> out;
  for (auto& s : b) {
    if (auto* a = s.as<AllocNode>()) out.push_back(a->name);
    if (auto* w = s.as<WindowStmtNode>()) out.push_back(w->name);
  }
  return out;
}

std::set<Sym> allocations_in(const Block& b) {
  std::set<Sym> out;
  for_each_stmt(b, [&](const Stmt& s) {
    if (auto* a = s.as<AllocNode>()) out.insert(a->name);
  });
  return out;
}

std::string declared_and_used_after(const Proc& p, const StmtPath& first, int count) {
  const Block* parent = resolve_parent_block(p, first);
  int i = first.back().index;
  Block inside(parent->begin() + i, parent->begin() + i + count);
  Block rest(parent->begin() + i + count, parent->end());
  std::set<Sym> used = names_used(rest);
  for (auto& d : declared_names(inside))
    if (used.count(d)) return d.name();
  return "";
}

std::set<std::pair<const Config*, std::string>> config_reads(const Expr& e) {
  std::set<std::pair<const Config*, std::string>> out;
  std::function<void(const Expr&)> scan = [&](const Expr& x) {
    if (auto* r = x.as<ReadConfigNode>()) out.insert({r->config.get(), r->field});
    for (auto& k : expr_children(x)) scan(k);
  };
  scan(e);
  return out;
}

std::set<std::pair<const Config*, std::string>> config_writes(const Block& b) {
  std::set<std::pair<const Config*, std::string>> out;
  for (auto& a : block_effects(b))
    if (a.is_config() && a.kind == EffectKind::Write) out.insert({a.config.get(), a.field});
  return out;
}

std::string config_clash(const std::vector<Expr>& es, const Block& body) {
  auto writes = config_writes(body);
  for (auto& e : es)
    for (auto& c : config_reads(e))
      if (writes.count(c)) return c.second;
  return "";
}

}  // namespace exo::rewrite_detail
