// Typechecking of expressions: names, literals, arithmetic with the quasi-affine
// rules for index values, element reads, windows, externs, stride and config reads.

#include <algorithm>
#include <cmath>
#include <sstream>

#include "exo/checked_int.h"
#include "exo/printer.h"
#include "frontend/typecheck_internal.h"

namespace exo::tc {

using uast::UExpr;
using uast::UExprKind;

namespace {

std::string num_str(const ConstNode& c) {
  if (c.type.base == ScalarKind::Bool) return c.ival != 0 ? "True" : "False";
  if (c.is_int()) return std::to_string(c.ival);
  return python_float_repr(c.fval);
}

std::string paren(const Expr& e, int outer_prec) {
  std::string s = expr_str(e);
  if (auto* b = e.as<BinOpNode>(); b && binop_precedence(b->op) < outer_prec) return "(" + s + ")";
  return s;
}

Type scalar(ScalarKind k) { return Type::scalar(k); }

// An integer used as a real value (R) must convert exactly: Exo integers are
// exact, and a silently rounded constant would change results.
double real_of_int(int64_t v, const SrcInfo& where) {
  auto d = static_cast<double>(v);
  if (!exact_int_of_double(d) || *exact_int_of_double(d) != v)
    EXO_FAIL(ErrorKind::Type, where, "the integer " << v << " used as a real value is not exactly representable "
                                                     "as a floating-point number (write it as a float literal)");
  return d;
}

// UAST from other front ends may be incomplete; fail cleanly instead of crashing.
const UExpr& need(const uast::UExprPtr& e, const SrcInfo& where) {
  if (!e) EXO_FAIL(ErrorKind::Type, where, "malformed expression: missing operand");
  return *e;
}

bool is_int_const(const Expr& e) {
  auto* c = e.as<ConstNode>();
  return c && c->type.base == ScalarKind::Int && !c->type.is_tensor;
}

// `hi - lo` for a window extent, folded when the bounds make it obvious so the
// window type reads `[f32][8]` rather than `[f32][8 - 0]`.
Expr extent(const Expr& lo, const Expr& hi, const SrcInfo& where) {
  auto* l = lo.as<ConstNode>();
  auto* h = hi.as<ConstNode>();
  if (l && h) {
    auto d = checked_sub(h->ival, l->ival);
    if (!d) EXO_FAIL(ErrorKind::Type, where, "integer overflow: the window extent " << h->ival << " - " << l->ival
                                                 << " is outside +-(2^63 - 1)");
    return make_expr<ConstNode>(*d, scalar(ScalarKind::Int), where);
  }
  if (l && l->ival == 0) return hi;
  ScalarKind k = (lo->type.base == ScalarKind::Int && hi->type.base == ScalarKind::Int)
                     ? ScalarKind::Int
                     : ScalarKind::Index;
  return make_expr<BinOpNode>(BinOpKind::Sub, hi, lo, scalar(k), where);
}

const char* role_noun(VarRole r) {
  switch (r) {
    case VarRole::ControlArg: return "control value";
    case VarRole::DataArg: return "argument";
    case VarRole::LoopIter: return "loop iterator";
    case VarRole::Alloc: return "variable";
    case VarRole::Window: return "window";
  }
  return "variable";
}

}  // namespace

std::string expr_str(const Expr& e) {
  if (!e) return "?";
  switch (e->kind) {
    case ExprKind::Read: {
      auto* r = e.as<ReadNode>();
      std::string s = r->name.name();
      if (!r->idx.empty()) {
        s += "[";
        for (size_t i = 0; i < r->idx.size(); ++i) s += (i ? ", " : "") + expr_str(r->idx[i]);
        s += "]";
      }
      return s;
    }
    case ExprKind::Const: {
      auto* c = e.as<ConstNode>();
      return num_str(*c);
    }
    case ExprKind::USub: return "-" + paren(e.as<USubNode>()->arg, 100);
    case ExprKind::BinOp: {
      auto* b = e.as<BinOpNode>();
      int p = binop_precedence(b->op);
      return paren(b->lhs, p) + " " + binop_symbol(b->op) + " " + paren(b->rhs, p + 1);
    }
    case ExprKind::ExternCall: {
      auto* c = e.as<ExternCallNode>();
      std::string s = c->fn->name() + "(";
      for (size_t i = 0; i < c->args.size(); ++i) s += (i ? ", " : "") + expr_str(c->args[i]);
      return s + ")";
    }
    case ExprKind::WindowExpr: {
      auto* w = e.as<WindowExprNode>();
      std::string s = w->name.name() + "[";
      for (size_t i = 0; i < w->idx.size(); ++i) {
        s += i ? ", " : "";
        s += w->idx[i].is_interval ? expr_str(w->idx[i].lo) + ":" + expr_str(w->idx[i].hi)
                                   : expr_str(w->idx[i].lo);
      }
      return s + "]";
    }
    case ExprKind::StrideExpr: {
      auto* s = e.as<StrideExprNode>();
      return "stride(" + s->name.name() + ", " + std::to_string(s->dim) + ")";
    }
    case ExprKind::ReadConfig: {
      auto* r = e.as<ReadConfigNode>();
      return r->config->name() + "." + r->field;
    }
  }
  return "?";
}

std::string type_str(const Type& t) {
  std::string base(scalar_kind_name(t.base));
  if (!t.is_tensor) return base;
  std::string s = t.is_window ? "[" + base + "]" : base;
  s += "[";
  for (size_t i = 0; i < t.shape.size(); ++i) s += (i ? ", " : "") + expr_str(t.shape[i]);
  return s + "]";
}

// ---------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------

const VarInfo* Checker::find(const std::string& name) const {
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
    if (auto f = it->find(name); f != it->end()) return &f->second;
  return nullptr;
}

const VarInfo& Checker::bind(const std::string& name, VarInfo v) {
  auto& slot = scopes_.back()[name];
  slot = std::move(v);
  return slot;
}

void Checker::fail_unbound(const std::string& name, const SrcInfo& where) const {
  auto entry = scope_.lookup(name);
  if (!entry && fragment_)
    EXO_FAIL(ErrorKind::ParseFragment, where,
             name << " not found in the current environment (no variable of that name is visible here)");
  if (!entry) EXO_FAIL(ErrorKind::Type, where, "name '" << name << "' is not defined");
  if (std::holds_alternative<Proc>(*entry))
    EXO_FAIL(ErrorKind::Type, where, "'" << name << "' is a procedure, not a buffer or value");
  if (std::holds_alternative<MemoryPtr>(*entry))
    EXO_FAIL(ErrorKind::Type, where, "'" << name << "' is a memory, not a buffer or value");
  if (std::holds_alternative<ConfigPtr>(*entry))
    EXO_FAIL(ErrorKind::Type, where,
             "'" << name << "' is a config; read one of its fields as '" << name << ".field'");
  if (std::holds_alternative<ExternPtr>(*entry))
    EXO_FAIL(ErrorKind::Type, where, "'" << name << "' is an extern function, not a buffer or value");
  EXO_FAIL(ErrorKind::Type, where, "'" << name << "' is a constant, not a buffer");
}

const VarInfo& Checker::lookup_buffer(const std::string& name, const SrcInfo& where) {
  if (auto* v = find(name)) return *v;
  fail_unbound(name, where);
}

ConfigPtr Checker::lookup_config(const std::string& name, const SrcInfo& where) {
  if (find(name))
    EXO_FAIL(ErrorKind::Type, where, "'" << name << "' is a local variable, not a config");
  auto entry = scope_.lookup(name);
  if (!entry) EXO_FAIL(ErrorKind::Type, where, "name '" << name << "' is not defined");
  if (auto* c = std::get_if<ConfigPtr>(&*entry); c && *c) return *c;
  EXO_FAIL(ErrorKind::Type, where, "'" << name << "' is not a config");
}

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

namespace {

// A tensor where a scalar is needed: say how many indices were missing.
[[noreturn]] void fail_not_scalar(const Expr& x, const uast::UExpr& e, const char* what,
                                  const VarInfo* src) {
  bool points_only = e.kind == UExprKind::Name ||
                     (e.kind == UExprKind::Index &&
                      std::none_of(e.idx.begin(), e.idx.end(), [](const uast::UIndex& i) { return i.is_slice; }));
  if (src && src->type.is_tensor && points_only) {
    size_t got = e.kind == UExprKind::Index ? e.idx.size() : 0;
    EXO_FAIL(ErrorKind::Type, e.srcinfo,
             "expected access of variable '" << e.name << "' (" << type_str(src->type) << ") with "
                                             << src->type.rank() << " indices, got " << got);
  }
  EXO_FAIL(ErrorKind::Type, e.srcinfo,
           "'" << expr_str(x) << "' of type " << type_str(x->type) << " cannot be used as " << what);
}

}  // namespace

Expr Checker::check_expr(const UExpr& e, Ctx ctx) {
  switch (e.kind) {
    case UExprKind::Name: return check_name(e, ctx);
    case UExprKind::Const: {
      switch (e.const_kind) {
        case UExpr::ConstKind::Bool: return make_expr<ConstNode>(e.ival, scalar(ScalarKind::Bool), e.srcinfo);
        case UExpr::ConstKind::Int:
          if (ctx == Ctx::Index) return make_expr<ConstNode>(e.ival, scalar(ScalarKind::Int), e.srcinfo);
          real_of_int(e.ival, e.srcinfo);  // refuses values a double cannot hold exactly
          return make_expr<ConstNode>(e.ival, scalar(ScalarKind::R), e.srcinfo);
        case UExpr::ConstKind::Float:
          if (!std::isfinite(e.fval)) EXO_FAIL(ErrorKind::Type, e.srcinfo, "a constant must be finite");
          return make_expr<ConstNode>(e.fval, scalar(ScalarKind::R), e.srcinfo);
      }
      EXO_FAIL(ErrorKind::Type, e.srcinfo, "malformed constant");
    }
    case UExprKind::USub: {
      if (e.args.size() != 1 || !e.args[0]) EXO_FAIL(ErrorKind::Type, e.srcinfo, "malformed negation");
      // `-x` of a whole tensor: the negation is what is wrong, as exo-lang says.
      if (const UExpr& u = *e.args[0]; u.kind == UExprKind::Name) {
        const VarInfo* v = find(u.name);
        if (v && v->type.is_tensor)
          EXO_FAIL(ErrorKind::Type, e.srcinfo, "cannot negate expression of type " << type_str(v->type));
      }
      Expr a = check_expr(*e.args[0], ctx);
      if (a->type.is_tensor) fail_not_scalar(a, *e.args[0], "an operand of '-'", src_of(*e.args[0]));
      if (!is_data_scalar(a->type) && !is_indexable(a->type))
        EXO_FAIL(ErrorKind::Type, e.srcinfo, "cannot negate expression of type " << type_str(a->type));
      if (auto* c = a.as<ConstNode>()) {
        if (!c->is_int() && c->from_int) return make_expr<ConstNode>(-static_cast<int64_t>(c->fval), c->type, e.srcinfo);
        if (!c->is_int()) return make_expr<ConstNode>(-c->fval, c->type, e.srcinfo);
        // In range by construction: the range is symmetric.
        return make_expr<ConstNode>(-c->ival, c->type, e.srcinfo);
      }
      return make_expr<USubNode>(a, a->type, e.srcinfo);
    }
    case UExprKind::Not: {
      // LoopIR has no negation node; `not b` is exactly `b == False`, which
      // prints back as valid Exo.
      if (e.args.size() != 1 || !e.args[0]) EXO_FAIL(ErrorKind::Type, e.srcinfo, "malformed 'not'");
      Expr a = check_bool(*e.args[0], "the operand of 'not'");
      return make_expr<BinOpNode>(BinOpKind::Eq, a, bool_const(false, e.srcinfo), scalar(ScalarKind::Bool),
                                  e.srcinfo);
    }
    case UExprKind::BinOp: return check_binop(e, ctx);
    case UExprKind::Index: return check_access(e, ctx);
    case UExprKind::Call: return check_call_expr(e, ctx);
    case UExprKind::Attr: return check_config_read(e);
    case UExprKind::Str:
      EXO_FAIL(ErrorKind::Type, e.srcinfo, "a string is not a valid Exo expression");
    case UExprKind::Hole:
      EXO_FAIL(ErrorKind::Type, e.srcinfo, "a pattern hole '_' is not a valid expression here");
  }
  EXO_FAIL(ErrorKind::Type, e.srcinfo, "unsupported expression");
}

const VarInfo* Checker::src_of(const UExpr& e) const {
  if (e.kind == UExprKind::Name || e.kind == UExprKind::Index) return find(e.name);
  return nullptr;
}

Expr Checker::check_name(const UExpr& e, Ctx ctx) {
  if (auto* v = find(e.name)) return make_expr<ReadNode>(v->sym, std::vector<Expr>{}, v->type, e.srcinfo);
  auto entry = scope_.lookup(e.name);
  if (entry) {
    if (auto* c = std::get_if<ConstValue>(&*entry)) {
      if (!c->invalid_reason.empty())
        EXO_FAIL(ErrorKind::Type, e.srcinfo, "cannot use '" << e.name << "' in Exo code: " << c->invalid_reason);
      switch (c->kind) {
        case ScalarKind::Bool: return make_expr<ConstNode>(c->ival, scalar(ScalarKind::Bool), e.srcinfo);
        case ScalarKind::Int:
          if (ctx == Ctx::Index) return make_expr<ConstNode>(c->ival, scalar(ScalarKind::Int), e.srcinfo);
          real_of_int(c->ival, e.srcinfo);
          return make_expr<ConstNode>(c->ival, scalar(ScalarKind::R), e.srcinfo);
        default:
          if (!std::isfinite(c->fval))
            EXO_FAIL(ErrorKind::Type, e.srcinfo,
                     "cannot use '" << e.name << "' in Exo code: its value " << c->fval
                                    << " is not finite (Exo constants must be finite)");
          return make_expr<ConstNode>(c->fval, scalar(ScalarKind::R), e.srcinfo);
      }
    }
  }
  fail_unbound(e.name, e.srcinfo);
}

Expr Checker::check_access(const UExpr& e, Ctx ctx) {
  if (Expr w = try_window(e)) return w;
  const VarInfo& v = lookup_buffer(e.name, e.srcinfo);
  if (!v.type.is_tensor) {
    EXO_FAIL(ErrorKind::Type, e.srcinfo,
             "cannot index " << role_noun(v.role) << " '" << e.name << "' of type " << type_str(v.type));
  }
  if (e.idx.size() != v.type.rank()) {
    EXO_FAIL(ErrorKind::Type, e.srcinfo,
             "expected access of variable '" << e.name << "' (" << type_str(v.type) << ") with "
                                             << v.type.rank() << " indices, got " << e.idx.size());
  }
  std::vector<Expr> idx;
  for (auto& i : e.idx) idx.push_back(check_index(need(i.pt, e.srcinfo), "an index"));
  return make_expr<ReadNode>(v.sym, std::move(idx), scalar(v.type.base), e.srcinfo);
}

Expr Checker::try_window(const UExpr& e) {
  if (e.kind != UExprKind::Index) return Expr();
  bool has_slice = std::any_of(e.idx.begin(), e.idx.end(), [](const uast::UIndex& i) { return i.is_slice; });
  const VarInfo& v = lookup_buffer(e.name, e.srcinfo);
  // Partial point indexing `x[i]` of a higher-rank buffer is sugar for `x[i, :]`.
  bool partial = v.type.is_tensor && !e.idx.empty() && e.idx.size() < v.type.rank();
  if (!has_slice && !partial) return Expr();
  if (!v.type.is_tensor)
    EXO_FAIL(ErrorKind::Type, e.srcinfo,
             "cannot take a window of " << role_noun(v.role) << " '" << e.name << "' of type "
                                        << type_str(v.type));
  if (has_slice && e.idx.size() != v.type.rank())
    EXO_FAIL(ErrorKind::Type, e.srcinfo,
             "expected " << v.type.rank() << " indices for window of '" << e.name << "' ("
                         << type_str(v.type) << "), got " << e.idx.size());
  std::vector<WAccess> idx;
  std::vector<Expr> shape;
  for (size_t d = 0; d < v.type.rank(); ++d) {
    WAccess a;
    if (d >= e.idx.size() || e.idx[d].is_slice) {
      const uast::UIndex* ui = d < e.idx.size() ? &e.idx[d] : nullptr;
      SrcInfo where = ui ? ui->srcinfo : e.srcinfo;
      if (!where.known()) where = e.srcinfo;
      a.is_interval = true;
      a.lo = ui && ui->lo ? check_index(*ui->lo, "a window bound") : int_const(0, where);
      a.hi = ui && ui->hi ? check_index(*ui->hi, "a window bound") : v.type.shape[d];
      shape.push_back(extent(a.lo, a.hi, where));
    } else {
      a.lo = check_index(need(e.idx[d].pt, e.srcinfo), "an index");
    }
    idx.push_back(std::move(a));
  }
  Type t = Type::tensor(v.type.base, std::move(shape), /*is_window=*/true);
  return make_expr<WindowExprNode>(v.sym, std::move(idx), std::move(t), e.srcinfo);
}

Expr Checker::check_buffer_arg(const UExpr& e) {
  if (e.kind == UExprKind::Index) {
    if (Expr w = try_window(e)) return w;
  }
  return check_expr(e, Ctx::Data);
}

Expr Checker::check_index(const UExpr& e, const char* what) {
  Expr x = check_expr(e, Ctx::Index);
  if (x->type.is_tensor) fail_not_scalar(x, e, what, src_of(e));
  if (!is_indexable(x->type))
    EXO_FAIL(ErrorKind::Type, e.srcinfo,
             (std::string(what) == "a loop bound" ? "expected loop bound to be indexable: " : "")
                 << "expected an index expression for " << what << ", got '" << expr_str(x) << "' of type "
                 << type_str(x->type));
  return x;
}

Expr Checker::check_bool(const UExpr& e, const char* what) {
  Expr x = check_expr(e, Ctx::Index);
  if (x->type.is_tensor) fail_not_scalar(x, e, what, src_of(e));
  if (!is_bool(x->type))
    EXO_FAIL(ErrorKind::Type, e.srcinfo,
             (std::string(what) == "an assertion" ? "Errors occurred during typechecking: " : "")
                 << "expected a bool expression for " << what << ", got '" << expr_str(x) << "' of type "
                 << type_str(x->type));
  return x;
}

Expr Checker::check_data(const UExpr& e, const char* what) {
  Expr x = check_expr(e, Ctx::Data);
  if (x->type.is_tensor) fail_not_scalar(x, e, what, src_of(e));
  if (!is_data_scalar(x->type))
    EXO_FAIL(ErrorKind::Type, e.srcinfo,
             (std::string(what).rfind("the right-hand side of", 0) == 0
                  ? "cannot assign/reduce a '" + type_str(x->type) + "' type value: "
                  : std::string())
                 << "expected a numeric data value for " << what << ", got '" << expr_str(x) << "' of type "
                 << type_str(x->type));
  return x;
}

Expr Checker::check_binop(const UExpr& e, Ctx ctx) {
  if (e.args.size() != 2 || !e.args[0] || !e.args[1])
    EXO_FAIL(ErrorKind::Type, e.srcinfo, "malformed binary operation");
  const UExpr& ul = *e.args[0];
  const UExpr& ur = *e.args[1];
  BinOpKind op = e.op;
  const char* sym = binop_symbol(op);
  // Comparisons and logic work on control values: their operands are not data
  // even inside a data expression (`(1 == 0) + x` compares integers).
  Ctx operand_ctx = binop_is_comparison(op) || binop_is_logical(op) ? Ctx::Index : ctx;
  Expr lhs = check_expr(ul, operand_ctx);
  Expr rhs = check_expr(ur, operand_ctx);
  std::string opnd = std::string("an operand of '") + sym + "'";
  if (lhs->type.is_tensor) fail_not_scalar(lhs, ul, opnd.c_str(), src_of(ul));
  if (rhs->type.is_tensor) fail_not_scalar(rhs, ur, opnd.c_str(), src_of(ur));
  const Type& lt = lhs->type;
  const Type& rt = rhs->type;
  auto make = [&](ScalarKind k) {
    Expr out = make_expr<BinOpNode>(op, lhs, rhs, scalar(k), e.srcinfo);
    // Integers are exact: arithmetic of constants whose value leaves int64, or
    // a term scaled beyond it, is refused here rather than wrapped later (by
    // folding, analysis or C).
    if (int_overflow_at(out)) {
      bool constant = exact_const_value(lhs) && exact_const_value(rhs);
      EXO_FAIL(ErrorKind::Type, ur.srcinfo,
               "integer overflow: " << (constant ? "the value of '" : "a coefficient or constant term of '")
                                    << expr_str(out) << "' is outside Exo's integer range +-(2^63 - 1)");
    }
    return out;
  };

  if (binop_is_logical(op)) {
    for (auto [x, u] : {std::pair{&lhs, &ul}, std::pair{&rhs, &ur}})
      if (!is_bool((*x)->type))
        EXO_FAIL(ErrorKind::Type, u->srcinfo,
                 "expected 'bool' argument to logical op '" << sym << "', got '" << expr_str(*x) << "' of type "
                                                            << type_str((*x)->type));
    return make(ScalarKind::Bool);
  }
  if (binop_is_comparison(op)) {
    if (op == BinOpKind::Eq && ((is_bool(lt) && is_bool(rt)) ||
                                (is_stridable(lt) && is_stridable(rt) &&
                                 !(lt.base == ScalarKind::Int && rt.base == ScalarKind::Int))))
      return make(ScalarKind::Bool);
    for (auto [x, u] : {std::pair{&lhs, &ul}, std::pair{&rhs, &ur}})
      if (!is_indexable((*x)->type))
        EXO_FAIL(ErrorKind::Type, u->srcinfo,
                 "expected 'index' or 'size' argument to comparison op '" << sym << "', got '" << expr_str(*x)
                                                                          << "' of type " << type_str((*x)->type));
    return make(ScalarKind::Bool);
  }

  // Arithmetic.
  if (is_data_scalar(lt) || is_data_scalar(rt)) {
    if (!is_data_scalar(lt) || !is_data_scalar(rt)) {
      bool bad_left = !is_data_scalar(lt);
      const Expr& bad = bad_left ? lhs : rhs;
      const Expr& good = bad_left ? rhs : lhs;
      EXO_FAIL(ErrorKind::Type, (bad_left ? ul : ur).srcinfo,
               "expected scalar type: cannot mix '" << expr_str(bad) << "' of type " << type_str(bad->type) << " with data value '"
                              << expr_str(good) << "' of type " << type_str(good->type) << " in '" << sym
                              << "'");
    }
    if (op == BinOpKind::Mod)
      EXO_FAIL(ErrorKind::Type, e.srcinfo,
               "cannot compute modulus of '" << type_str(lt) << "' values ('%' is for index expressions)");
    // R is the not-yet-chosen precision and combines with anything. Two
    // different precisions are refused when C is generated (check_precisions,
    // as exo-lang does); the value has the left one's.
    return make(lt.base == ScalarKind::R ? rt.base : lt.base);
  }
  for (auto [x, u] : {std::pair{&lhs, &ul}, std::pair{&rhs, &ur}}) {
    if (is_bool((*x)->type))
      EXO_FAIL(ErrorKind::Type, u->srcinfo, "cannot perform arithmetic on 'bool' values ('" << sym << "')");
    if ((*x)->type.base == ScalarKind::Stride)
      EXO_FAIL(ErrorKind::Type, u->srcinfo, "cannot do arithmetic '" << sym << "' on stride values");
    if (!is_indexable((*x)->type))
      EXO_FAIL(ErrorKind::Type, u->srcinfo,
               "cannot do arithmetic '" << sym << "' on values of type " << type_str((*x)->type));
  }
  switch (op) {
    case BinOpKind::Div:
    case BinOpKind::Mod: {
      if (!is_int_const(rhs))
        EXO_FAIL(ErrorKind::Type, ur.srcinfo,
                 "cannot divide or modulo by a non-constant value '"
                     << expr_str(rhs) << "' (index expressions must be quasi-affine)");
      if (rhs.as<ConstNode>()->ival <= 0)
        EXO_FAIL(ErrorKind::Type, ur.srcinfo, "cannot divide or modulo by zero or a negative value");
      return make(lt.base);
    }
    case BinOpKind::Mul:
      if (lt.base == ScalarKind::Int) return make(rt.base);
      if (rt.base == ScalarKind::Int) return make(lt.base);
      EXO_FAIL(ErrorKind::Type, e.srcinfo,
               "cannot multiply two non-constant indexing/sizing expressions '"
                   << expr_str(lhs) << "' and '" << expr_str(rhs) << "' (the result would not be affine)");
    default: {
      ScalarKind k = ScalarKind::Int;
      if (lt.base == ScalarKind::Index || rt.base == ScalarKind::Index) k = ScalarKind::Index;
      else if (lt.base == ScalarKind::Size || rt.base == ScalarKind::Size) k = ScalarKind::Size;
      return make(k);
    }
  }
}

Expr Checker::check_call_expr(const UExpr& e, Ctx ctx) {
  if (e.name == "stride" && !find("stride")) return check_stride(e);
  if (find(e.name))
    EXO_FAIL(ErrorKind::Type, e.srcinfo, "'" << e.name << "' is a local variable, not a function");
  auto entry = scope_.lookup(e.name);
  if (!entry) EXO_FAIL(ErrorKind::Type, e.srcinfo, "name '" << e.name << "' is not defined");
  if (std::holds_alternative<Proc>(*entry))
    EXO_FAIL(ErrorKind::Type, e.srcinfo,
             "cannot call procedure '" << e.name << "' inside an expression; call it as a statement");
  auto* ext = std::get_if<ExternPtr>(&*entry);
  if (!ext || !*ext) EXO_FAIL(ErrorKind::Type, e.srcinfo, "'" << e.name << "' is not a function");
  const ExternPtr& fn = *ext;
  if (!e.kwargs.empty())
    EXO_FAIL(ErrorKind::Type, e.srcinfo, "extern function '" << e.name << "' takes no keyword arguments");
  if (e.args.size() != fn->arity())
    EXO_FAIL(ErrorKind::Type, e.srcinfo,
             "extern function '" << e.name << "': expected " << fn->arity()
                                 // exo-lang's wording, matched by its tests: "2 argument", "4 arguments"
                                 << (fn->arity() > 2 ? " arguments, got " : " argument, got ")
                                 << e.args.size());
  std::vector<Expr> args;
  std::vector<ScalarKind> kinds;
  for (auto& a : e.args) {
    Expr x = check_expr(need(a, e.srcinfo), Ctx::Data);
    if (x->type.is_tensor) fail_not_scalar(x, *a, "an extern argument", src_of(*a));
    kinds.push_back(x->type.base);
    args.push_back(std::move(x));
  }
  ScalarKind res = fn->typecheck(kinds, e.srcinfo);
  // One precision for all data arguments (R, a literal's not-yet-chosen
  // precision, combines with any): the C call casts every argument to the
  // result's type, so `select(x_f64, y_f64, a_i8, b_i8)` would compare truncated
  // values where the interpreter compares exact ones (as the reference's
  // precision pass, which refuses mixed extern arguments).
  // Mixed precisions are refused when C is generated (check_precisions).
  ScalarKind common = ScalarKind::R;
  for (size_t k = 0; k < args.size() && common == ScalarKind::R; ++k)
    if (is_data_kind(kinds[k])) common = kinds[k];
  if (res == ScalarKind::R && common != ScalarKind::R) res = common;
  return make_expr<ExternCallNode>(fn, std::move(args), scalar(res), e.srcinfo);
}

Expr Checker::check_stride(const UExpr& e) {
  if (e.args.size() != 2 || !e.args[0] || !e.args[1] || e.args[0]->kind != UExprKind::Name || e.args[1]->kind != UExprKind::Const ||
      e.args[1]->const_kind != UExpr::ConstKind::Int)
    EXO_FAIL(ErrorKind::Type, e.srcinfo,
             "expected stride(buffer, dim) with a buffer name and an integer dimension");
  const UExpr& b = *e.args[0];
  const VarInfo& v = lookup_buffer(b.name, b.srcinfo);
  if (!v.type.is_tensor)
    EXO_FAIL(ErrorKind::Type, b.srcinfo,
             "expected '" << b.name << "' to be a tensor or window, got " << type_str(v.type));
  int64_t dim = e.args[1]->ival;
  if (dim < 0 || dim >= static_cast<long long>(v.type.rank()))
    EXO_FAIL(ErrorKind::Type, e.args[1]->srcinfo,
             "dimension " << dim << " is out of range for '" << b.name << "' (" << type_str(v.type)
                          << " has " << v.type.rank() << ")");
  return make_expr<StrideExprNode>(v.sym, static_cast<int>(dim), scalar(ScalarKind::Stride), e.srcinfo);
}

Expr Checker::check_config_read(const UExpr& e) {
  ConfigPtr cfg = lookup_config(e.name, e.srcinfo);
  const Config::Field* f = cfg->find(e.field);
  if (!f) EXO_FAIL(ErrorKind::Type, e.srcinfo, "config '" << cfg->name() << "' has no field '" << e.field << "'");
  return make_expr<ReadConfigNode>(cfg, e.field, scalar(f->type), e.srcinfo);
}

}  // namespace exo::tc
