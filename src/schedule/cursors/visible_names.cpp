// The names in scope at a statement, for typing text the user gives there.
#include "schedule/cursors/visible_names.h"

#include "frontend/typecheck_internal.h"

namespace exo::rewrite_detail {
namespace {

// The memory of the buffer a window statement's source lives in.
MemoryPtr source_mem(const tc::Checker& c, const Expr& rhs) {
  auto* w = rhs.as<WindowExprNode>();
  if (!w) return nullptr;
  const tc::VarInfo* v = c.find(w->name.name());
  return v ? v->mem : nullptr;
}

}  // namespace

void bind_visible(tc::Checker& c, const Proc& p, const StmtPath& path) {
  for (auto& a : p->args) {
    tc::VarRole role = is_data_kind(a.type.base) ? tc::VarRole::DataArg : tc::VarRole::ControlArg;
    c.bind(a.name.name(), tc::VarInfo{a.name, a.type, a.mem, role});
  }
  const Block* b = &p->body;
  for (size_t k = 0; k < path.size() && b; ++k) {
    int i = path[k].index;
    for (int j = 0; j < i && j < static_cast<int>(b->size()); ++j) {
      const Stmt& s = (*b)[j];
      if (auto* a = s.as<AllocNode>())
        c.bind(a->name.name(), tc::VarInfo{a->name, a->type, a->mem, tc::VarRole::Alloc});
      if (auto* w = s.as<WindowStmtNode>())
        c.bind(w->name.name(),
               tc::VarInfo{w->name, w->rhs->type, source_mem(c, w->rhs), tc::VarRole::Window});
    }
    if (k + 1 == path.size() || i >= static_cast<int>(b->size())) break;
    const Stmt& s = (*b)[i];
    if (auto* f = s.as<ForNode>()) {
      c.bind(f->iter.name(),
             tc::VarInfo{f->iter, Type::scalar(ScalarKind::Index), nullptr, tc::VarRole::LoopIter});
      b = &f->body;
    } else if (auto* f2 = s.as<IfNode>()) {
      b = path[k + 1].orelse ? &f2->orelse : &f2->body;
    } else {
      b = nullptr;
    }
  }
}

}  // namespace exo::rewrite_detail
