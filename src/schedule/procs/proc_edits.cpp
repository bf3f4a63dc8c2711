// Procedure-level edits: partial_eval, add_assertion, transpose, and the small
// statement finder the Python API uses to point at one statement.

#include "exo/schedule/procs.h"

#include <optional>

#include "exo/analysis.h"
#include "exo/checked_int.h"
#include "exo/equivalence.h"
#include "exo/frontend.h"
#include "exo/ir_mutator.h"
#include "exo/printer.h"

namespace exo {

namespace {

// Substitutes control variables by expressions (folding the constants that makes
// where asked), including inside the shapes carried by buffer and window types.
class Substitute : public IRMutator {
 public:
  // `fold`: fold the constant subexpressions the values make (to decide an
  // assertion). The body is left as written with the values in it, as exo-lang.
  Substitute(std::map<Sym, Expr> env, bool fold) : env_(std::move(env)), fold_(fold) {}

  Expr mutate(const Expr& e) override {
    if (auto* r = e.as<ReadNode>(); r && r->idx.empty()) {
      auto it = env_.find(r->name);
      if (it != env_.end()) return it->second;
    }
    Expr out = mutate_children(e);
    if (fold_) out = fold_constant_node(out);
    return with_type_mutated(out);
  }

 private:
  // Whole-buffer reads and windows carry a tensor type whose shape may mention
  // the substituted variables; the base IRMutator leaves expression types alone.
  Expr with_type_mutated(const Expr& e) {
    if (!e->type.is_tensor) return e;
    Type t = mutate_type(e->type);
    bool changed = false;
    for (size_t k = 0; k < t.shape.size(); ++k) changed |= !t.shape[k].same_as(e->type.shape[k]);
    if (!changed) return e;
    if (auto* r = e.as<ReadNode>()) return make_expr<ReadNode>(r->name, r->idx, t, r->srcinfo);
    if (auto* w = e.as<WindowExprNode>()) return make_expr<WindowExprNode>(w->name, w->idx, t, w->srcinfo);
    return e;
  }

  std::map<Sym, Expr> env_;
  bool fold_;
};

const FnArg* find_arg(const Proc& p, const std::string& name) {
  for (auto& a : p->args)
    if (a.name.name() == name) return &a;
  return nullptr;
}

std::string arg_names(const Proc& p) {
  std::string out;
  for (auto& a : p->args) out += (out.empty() ? "" : ", ") + a.name.name();
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// partial_eval
// ---------------------------------------------------------------------------

Proc partial_eval(const Proc& p, const std::map<std::string, long long>& values) {
  // Step 1. Check the arguments.
  std::map<Sym, Expr> env;
  for (auto& [name, v] : values) {
    const FnArg* a = find_arg(p, name);
    if (!a)
      EXO_FAIL(ErrorKind::Api, p->srcinfo,
               "partial_eval: '" << p->name << "' has no argument '" << name << "' (arguments: "
                                 << arg_names(p) << ")");
    const Type& t = a->type;
    if (t.is_tensor || is_data_kind(t.base) || t.base == ScalarKind::Stride)
      EXO_FAIL(ErrorKind::Scheduling, a->srcinfo,
               "partial_eval: cannot partially evaluate argument '"
                   << name << "' of type " << print_type(t)
                   << ": only size, index, int and bool arguments can be bound to constants");
    if (t.base == ScalarKind::Bool) {
      if (v != 0 && v != 1)
        EXO_FAIL(ErrorKind::Api, a->srcinfo,
                 "partial_eval: argument '" << name << "' is a bool, got " << v);
      env[a->name] = bool_const(v != 0, a->srcinfo);
      continue;
    }
    if (t.base == ScalarKind::Size && v <= 0)
      EXO_FAIL(ErrorKind::Api, a->srcinfo,
               "partial_eval: argument '" << name << "' is a size and must be positive, got " << v);
    env[a->name] = int_const(v, a->srcinfo);
  }
  if (env.empty()) return p;

  // Step 2. Substitute everywhere and drop the bound arguments.
  Substitute sub(env, /*fold=*/false), folding(env, /*fold=*/true);
  auto out = std::make_shared<ProcNode>(*p);
  out->args.clear();
  for (auto& a : p->args) {
    if (env.count(a.name)) continue;
    FnArg b = a;
    b.type = sub.mutate_type(a.type);
    out->args.push_back(std::move(b));
  }
  out->preds.clear();
  for (auto& pr : p->preds) {
    Expr e = folding.mutate(pr);
    if (auto* c = e.as<ConstNode>(); c && e->type.base == ScalarKind::Bool) {
      if (c->ival != 0) continue;  // discharged by the values
      EXO_FAIL(ErrorKind::Precondition, pr->srcinfo,
               "partial_eval: the values given violate the assertion '" << print_expr(pr) << "' of '"
                                                                        << p->name << "'");
    }
    out->preds.push_back(sub.mutate(pr));
  }
  out->body = sub.mutate_block(p->body);
  // Fewer arguments: no longer interchangeable with the original (call_eqv).
  { out->eqv_class = new_eqv_class(); out->eqv_config_changes.clear(); }

  // Step 3. Re-check: bounds may have become provable or refutable.
  Proc result = out;
  check_proc(result);
  return result;
}

Proc partial_eval(const Proc& p, const std::vector<long long>& values) {
  if (values.size() > p->args.size())
    EXO_FAIL(ErrorKind::Api, p->srcinfo,
             "partial_eval: expected no more than " << p->args.size() << " arguments, but got "
                                                    << values.size());
  std::map<std::string, long long> named;
  for (size_t k = 0; k < values.size(); ++k) named[p->args[k].name.name()] = values[k];
  return partial_eval(p, named);
}

// ---------------------------------------------------------------------------
// add_assertion
// ---------------------------------------------------------------------------

Proc add_assertion(const Proc& p, const Expr& assertion) {
  if (!assertion || assertion->type.is_tensor || assertion->type.base != ScalarKind::Bool)
    EXO_FAIL(ErrorKind::Api, p->srcinfo, "add_assertion: expected a boolean expression");
  auto out = std::make_shared<ProcNode>(*p);
  out->preds.push_back(assertion);
  // A stronger precondition is a different contract (as in the reference).
  { out->eqv_class = new_eqv_class(); out->eqv_config_changes.clear(); }
  Proc result = out;
  check_proc(result);  // contradictory preconditions are refused here
  return result;
}

Proc add_assertion(const Proc& p, const std::string& assertion, const Scope* scope) {
  Scope builtins = Scope::with_builtins();
  auto ue = parse_expr_fragment(assertion);
  Expr e = typecheck_expr_fragment(*ue, p, scope ? *scope : builtins, /*as_bool=*/true);
  return add_assertion(p, e);
}

}  // namespace exo

// ---------------------------------------------------------------------------
// transpose
// ---------------------------------------------------------------------------

namespace exo {

namespace {

class Transposer : public IRMutator {
 public:
  Transposer(Sym buf, std::string primitive) : buf_(std::move(buf)), prim_(std::move(primitive)) {}

  Expr mutate(const Expr& e) override {
    if (auto* r = e.as<ReadNode>(); r && r->name == buf_) {
      if (r->idx.size() != 2) refuse(e->srcinfo, "it is passed whole to a call");
      auto idx = swapped(r->idx);
      return make_expr<ReadNode>(r->name, std::move(idx), r->type, r->srcinfo);
    }
    if (auto* w = e.as<WindowExprNode>(); w && w->name == buf_)
      refuse(e->srcinfo, "it is windowed by '" + print_expr(e) + "'");
    if (auto* s = e.as<StrideExprNode>(); s && s->name == buf_)
      return make_expr<StrideExprNode>(s->name, 1 - s->dim, s->type, s->srcinfo);
    return mutate_children(e);
  }

  Block mutate_stmt(const Stmt& s) override {
    if (auto* a = s.as<AssignNode>(); a && a->name == buf_)
      return {make_stmt<AssignNode>(a->name, a->type, swapped(a->idx), mutate(a->rhs), a->srcinfo)};
    if (auto* r = s.as<ReduceNode>(); r && r->name == buf_)
      return {make_stmt<ReduceNode>(r->name, r->type, swapped(r->idx), mutate(r->rhs), r->srcinfo)};
    return IRMutator::mutate_stmt(s);
  }

 private:
  std::vector<Expr> swapped(const std::vector<Expr>& idx) {
    std::vector<Expr> out;
    for (auto& i : idx) out.push_back(mutate(i));
    std::swap(out[0], out[1]);
    return out;
  }
  [[noreturn]] void refuse(const SrcInfo& where, const std::string& why) {
    EXO_FAIL(ErrorKind::Scheduling, where,
             prim_ << ": cannot transpose '" << buf_.name() << "' because " << why
                   << ": the dimension order there is fixed");
  }

  Sym buf_;
  std::string prim_;
};

}  // namespace

Proc transpose(const Proc& p, const std::string& arg) {
  // Step 1. Check the argument.
  const FnArg* a = find_arg(p, arg);
  if (!a)
    EXO_FAIL(ErrorKind::Api, p->srcinfo,
             "transpose: '" << p->name << "' has no argument '" << arg << "' (arguments: " << arg_names(p)
                            << ")");
  if (!a->type.is_tensor || a->type.rank() != 2)
    EXO_FAIL(ErrorKind::Api, a->srcinfo,
             "transpose: expected a 2-D tensor argument, but '" << arg << "' has type "
                                                                << print_type(a->type));

  // Step 2. Swap the shape and every access.
  Transposer t(a->name, "transpose");
  auto out = std::make_shared<ProcNode>(*p);
  for (auto& b : out->args)
    if (b.name == a->name) std::swap(b.type.shape[0], b.type.shape[1]);
  out->preds.clear();
  for (auto& pr : p->preds) out->preds.push_back(t.mutate(pr));
  out->body = t.mutate_block(p->body);
  // The argument's layout changed: callers must not swap it in for the original.
  { out->eqv_class = new_eqv_class(); out->eqv_config_changes.clear(); }

  // Step 3. Re-check (the bounds are the same facts, swapped).
  Proc result = out;
  check_proc(result);
  return result;
}

}  // namespace exo
