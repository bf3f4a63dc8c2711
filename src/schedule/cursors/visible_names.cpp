// The names in scope at a statement, for typing text the user gives there.
#include "schedule/cursors/visible_names.h"

namespace exo::rewrite_detail {
namespace {

// The memory of the buffer a window statement's source lives in.
MemoryPtr source_mem(const std::vector<VisibleVar>& vars, const Expr& rhs) {
  auto* w = rhs.as<WindowExprNode>();
  if (!w) return nullptr;
  const VisibleVar* v = find_visible(vars, w->name.name());
  return v ? v->mem : nullptr;
}

}  // namespace

const VisibleVar* find_visible(const std::vector<VisibleVar>& vars, const std::string& name) {
  for (auto it = vars.rbegin(); it != vars.rend(); ++it)
    if (it->sym.name() == name) return &*it;
  return nullptr;
}

std::vector<VisibleVar> visible_vars(const Proc& p, const StmtPath& path) {
  std::vector<VisibleVar> vars;
  for (auto& a : p->args) {
    VarKind kind = is_data_kind(a.type.base) ? VarKind::DataArg : VarKind::ControlArg;
    vars.push_back(VisibleVar{a.name, a.type, a.mem, kind});
  }
  const Block* b = &p->body;
  for (size_t k = 0; k < path.size() && b; ++k) {
    int i = path[k].index;
    for (int j = 0; j < i && j < static_cast<int>(b->size()); ++j) {
      const Stmt& s = (*b)[j];
      if (auto* a = s.as<AllocNode>()) vars.push_back(VisibleVar{a->name, a->type, a->mem, VarKind::Alloc});
      if (auto* w = s.as<WindowStmtNode>())
        vars.push_back(VisibleVar{w->name, w->rhs->type, source_mem(vars, w->rhs), VarKind::Window});
    }
    if (k + 1 == path.size() || i >= static_cast<int>(b->size())) break;
    const Stmt& s = (*b)[i];
    if (auto* f = s.as<ForNode>()) {
      vars.push_back(VisibleVar{f->iter, Type::scalar(ScalarKind::Index), nullptr, VarKind::LoopIter});
      b = &f->body;
    } else if (auto* f2 = s.as<IfNode>()) {
      b = path[k + 1].orelse ? &f2->orelse : &f2->body;
    } else {
      b = nullptr;
    }
  }
  return vars;
}

}  // namespace exo::rewrite_detail
