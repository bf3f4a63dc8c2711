#include "support/par_order.h"

#include <map>
#include <memory>

#include "exo/ir_mutator.h"

namespace exo::test {

namespace {

class ReverseParLoops : public IRMutator {
 public:
  bool changed = false;

  Expr mutate(const Expr& e) override {
    if (auto* r = e.as<ReadNode>(); r && r->idx.empty()) {
      auto it = reversed_.find(r->name);
      if (it != reversed_.end()) return it->second;
    }
    return mutate_children(e);
  }

  Block mutate_stmt(const Stmt& s) override {
    auto* f = s.as<ForNode>();
    if (!f || f->mode != LoopMode::Par) return IRMutator::mutate_stmt(s);
    changed = true;
    Expr lo = mutate(f->lo), hi = mutate(f->hi);
    Expr last = binop(BinOpKind::Sub, binop(BinOpKind::Add, lo, hi), int_const(1));
    reversed_[f->iter] = binop(BinOpKind::Sub, last, read_var(f->iter, ScalarKind::Index));
    Block body = mutate_block(f->body);
    reversed_.erase(f->iter);
    return {make_stmt<ForNode>(f->iter, lo, hi, std::move(body), LoopMode::Seq, f->srcinfo)};
  }

 private:
  std::map<Sym, Expr> reversed_;
};

}  // namespace

Proc with_par_loops_reversed(const Proc& p) {
  ReverseParLoops m;
  Block body = m.mutate_block(p->body);
  if (!m.changed) return nullptr;
  auto q = std::make_shared<ProcNode>(*p);
  q->body = std::move(body);
  return q;
}

}  // namespace exo::test
