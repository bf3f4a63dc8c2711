// Which variables the values stored in a buffer may depend on: the names read
// by the statements writing it (indices and values), the conditions and loop
// bounds around them, and, transitively, what those names depend on.
// autolift_alloc gives a lifted buffer one dimension per enclosing loop whose
// iterator is among them, as exo-lang does.
#include "exo/value_dependencies.h"

#include <map>

#include "exo/ir_mutator.h"

namespace exo {
namespace {

class Dependencies {
 public:
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

 private:
  Sym base(const Sym& s) const {
    auto it = alias_.find(s);
    return it == alias_.end() ? s : it->second;
  }

  static void reads(const Expr& e, std::set<Sym>& out) {
    if (auto* r = e.as<ReadNode>()) out.insert(r->name);
    if (auto* w = e.as<WindowExprNode>()) out.insert(w->name);
    if (auto* st = e.as<StrideExprNode>()) out.insert(st->name);
    for (auto& k : expr_children(e)) reads(k, out);
  }

  void written(const Sym& name, const std::set<Sym>& context, const std::vector<Expr>& read) {
    std::set<Sym>& d = depends_[base(name)];
    d.insert(context.begin(), context.end());
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
    } else if (auto* c = s.as<CallNode>()) {
      // A buffer passed to a call may be written from any argument.
      for (auto& arg : c->args) {
        Sym target;
        if (auto* r = arg.as<ReadNode>(); r && r->type.is_numeric()) target = r->name;
        if (auto* w = arg.as<WindowExprNode>()) target = w->name;
        if (target.valid()) written(target, context, c->args);
      }
    }
  }

  std::map<Sym, std::set<Sym>> depends_;
  std::map<Sym, Sym> alias_;
};

}  // namespace

std::set<Sym> value_dependencies(const Block& body, const Sym& buf) {
  Dependencies d;
  d.block(body, {});
  return d.closure(buf);
}

}  // namespace exo
