// The precision check run before C generation (as exo-lang's precision pass):
// arithmetic between two data precisions, a call passing data of another
// precision than its parameter's, an extern call mixing precisions. The
// frontend types such code (so it can be interpreted and scheduled) and C
// generation refuses it, since C would convert values silently.
#include "exo/precision_check.h"

#include "exo/error.h"
#include "exo/hardware.h"
#include "exo/ir_mutator.h"
#include "exo/printer.h"

namespace exo {
namespace {

// R is the default precision (f32) or, as a literal's type, not yet chosen.
ScalarKind effective(ScalarKind k) { return k == ScalarKind::R ? ScalarKind::F32 : k; }

bool is_arithmetic(BinOpKind op) {
  return op == BinOpKind::Add || op == BinOpKind::Sub || op == BinOpKind::Mul || op == BinOpKind::Div ||
         op == BinOpKind::Mod;
}

std::string at(const SrcInfo& s) { return s.str(); }

class PrecisionCheck : public IRVisitor {
 public:
  std::vector<std::string> errors;
  using IRVisitor::visit;

  void visit(const Expr& e) override {
    if (auto* b = e.as<BinOpNode>()) {
      ScalarKind l = b->lhs->type.base, r = b->rhs->type.base;
      if (is_arithmetic(b->op) && is_data_kind(l) && is_data_kind(r) && l != ScalarKind::R &&
          r != ScalarKind::R && l != r)
        errors.push_back(at(b->srcinfo) + ": '" + print_expr(e) + "' computes between " +
                         std::string(scalar_kind_name(l)) + " and " + std::string(scalar_kind_name(r)));
    }
    IRVisitor::visit(e);
  }

  void visit(const ExternCallNode& e) override {
    IRVisitor::visit(e);
    ScalarKind common = ScalarKind::R;
    for (auto& a : e.args) {
      ScalarKind k = a->type.base;
      if (!is_data_kind(k) || k == ScalarKind::R) continue;
      if (common != ScalarKind::R && k != common) {
        errors.push_back(at(a->srcinfo) + ": extern function '" + e.fn->name() +
                         "': all extern arguments must have a same type (one precision): '" + print_expr(a) + "' is " +
                         std::string(scalar_kind_name(k)) + ", an earlier one is " +
                         std::string(scalar_kind_name(common)));
        return;
      }
      common = k;
    }
  }

  void visit(const CallNode& c) override {
    IRVisitor::visit(c);
    const Proc& f = c.proc;
    for (size_t i = 0; i < c.args.size() && i < f->args.size(); ++i) {
      const Type& want = f->args[i].type;
      const Type& have = c.args[i]->type;
      if (!is_data_kind(want.base) || !is_data_kind(have.base)) continue;
      if (want.base == ScalarKind::R && f->instr) continue;  // an instruction's template takes any
      if (effective(have.base) != effective(want.base))
        errors.push_back(at(c.args[i]->srcinfo) + ": argument " + std::to_string(i + 1) + " of '" + f->name +
                         "' is " + std::string(scalar_kind_name(have.base)) + ", its parameter '" +
                         f->args[i].name.name() + "' " + std::string(scalar_kind_name(want.base)));
    }
  }
};

}  // namespace

std::vector<std::string> precision_errors(const Proc& p) {
  PrecisionCheck check;
  check.visit_block(p->body);
  return check.errors;
}

void check_precisions(const Proc& p) {
  auto errors = precision_errors(p);
  if (errors.empty()) return;
  std::string text;
  for (auto& e : errors) text += "\n  " + e;
  EXO_FAIL(ErrorKind::Type, p->srcinfo,
           "Errors occurred during precision checking of '" << p->name << "':" << text);
}

}  // namespace exo
