// Expressions, address arithmetic and windows in generated C.

#include <cmath>

#include "backend/c_codegen.h"
#include "exo/checked_int.h"

namespace exo::backend {

namespace {

// C precedences as exo-lang's backend assigns them (higher binds tighter).
int c_prec(BinOpKind op) {
  switch (op) {
    case BinOpKind::Or: return 10;
    case BinOpKind::And: return 20;
    case BinOpKind::Eq: return 30;
    case BinOpKind::Lt: case BinOpKind::Gt: case BinOpKind::Le: case BinOpKind::Ge: return 40;
    case BinOpKind::Add: case BinOpKind::Sub: return 50;
    case BinOpKind::Mul: case BinOpKind::Div: case BinOpKind::Mod: return 60;
  }
  return 0;
}
constexpr int kUnaryPrec = 70;

const char* c_op(BinOpKind op) {
  switch (op) {
    case BinOpKind::And: return "&&";
    case BinOpKind::Or: return "||";
    default: return binop_symbol(op);
  }
}

// Exact integer steps for the backend's constant folding and interval bounds:
// nullopt on overflow (a bound is then unknown).
using OptInt = std::optional<int64_t>;
OptInt add(OptInt a, OptInt b) { return a && b ? checked_add(*a, *b) : std::nullopt; }
OptInt sub(OptInt a, OptInt b) { return a && b ? checked_sub(*a, *b) : std::nullopt; }
OptInt mul(OptInt a, OptInt b) { return a && b ? checked_mul(*a, *b) : std::nullopt; }
OptInt neg(OptInt a) { return a ? checked_neg(*a) : std::nullopt; }

// Folded address arithmetic must stay exact: the checks before code generation
// refuse sizes whose products overflow, so this is a last line of defence.
int64_t fold_or_fail(OptInt v, int64_t a, const char* op, int64_t b) {
  if (!v)
    EXO_FAIL(ErrorKind::Bounds, SrcInfo(),
             "integer overflow in generated address arithmetic: " << a << " " << op << " " << b
                                                                  << " is outside +-(2^63 - 1)");
  return *v;
}

CirPtr mk_const(int64_t v) {
  auto c = std::make_shared<Cir>();
  c->kind = Cir::Const;
  c->val = v;
  c->nonneg = v >= 0;
  return c;
}
CirPtr mk_var(std::string text, bool nonneg) {
  auto c = std::make_shared<Cir>();
  c->kind = Cir::Var;
  c->text = std::move(text);
  c->nonneg = nonneg;
  return c;
}
CirPtr mk_bin(BinOpKind op, CirPtr l, CirPtr r, bool nonneg) {
  auto c = std::make_shared<Cir>();
  c->kind = Cir::Bin;
  c->op = op;
  c->lhs = std::move(l);
  c->rhs = std::move(r);
  c->nonneg = nonneg;
  return c;
}

// Constant folding and unit elimination, so `(i) * (1) + 0` prints as `i`.
CirPtr simplify(const CirPtr& e) {
  if (e->kind == Cir::Var || e->kind == Cir::Const) return e;
  if (e->kind == Cir::Neg) {
    CirPtr a = simplify(e->lhs);
    if (a->kind == Cir::Neg) return a->lhs;
    if (a->kind == Cir::Const) return mk_const(-a->val);  // the range is symmetric
    auto c = std::make_shared<Cir>(*e);
    c->lhs = a;
    return c;
  }
  CirPtr l = simplify(e->lhs), r = simplify(e->rhs);
  BinOpKind op = e->op;
  bool lc = l->kind == Cir::Const, rc = r->kind == Cir::Const;
  if (lc && rc) {
    switch (op) {
      case BinOpKind::Add: return mk_const(fold_or_fail(checked_add(l->val, r->val), l->val, "+", r->val));
      case BinOpKind::Sub: return mk_const(fold_or_fail(checked_sub(l->val, r->val), l->val, "-", r->val));
      case BinOpKind::Mul: return mk_const(fold_or_fail(checked_mul(l->val, r->val), l->val, "*", r->val));
      case BinOpKind::Div: if (r->val > 0) return mk_const(floor_div(l->val, r->val)); break;
      case BinOpKind::Mod: if (r->val > 0) return mk_const(floor_mod(l->val, r->val)); break;
      default: break;
    }
  }
  if (lc && l->val == 0) {
    if (op == BinOpKind::Add) return r;
    if (op == BinOpKind::Mul || op == BinOpKind::Div || op == BinOpKind::Mod) return mk_const(0);
  }
  if (rc && r->val == 0) {
    if (op == BinOpKind::Add || op == BinOpKind::Sub) return l;
    if (op == BinOpKind::Mul) return mk_const(0);
  }
  if (lc && l->val == 1 && op == BinOpKind::Mul) return r;
  if (rc && r->val == 1 && (op == BinOpKind::Mul || op == BinOpKind::Div)) return l;
  if (rc && r->val == 1 && op == BinOpKind::Mod) return mk_const(0);
  return mk_bin(op, l, r, e->nonneg);
}

}  // namespace

void ProcCompiler::note_int_const(int64_t v) {
  if (v > INT32_MAX || v < -INT32_MAX) unit_.helpers.insert(kWideIndex);
}

std::string ProcCompiler::call_helper(const std::string& helper, const std::string& a,
                                      const std::string& b) {
  unit_.helpers.insert(helper);
  return helper + "(" + a + ", " + b + ")";
}

// ---- bounds of control expressions ----------------------------------------
// A small interval analysis: enough to print plain `/` and `%` for the usual
// non-negative loop arithmetic; anything unknown falls back to the floor helpers.

std::optional<int64_t> ProcCompiler::lower(const Expr& e) const {
  if (auto c = e.as<ConstNode>()) return c->ival;
  if (auto r = e.as<ReadNode>()) {
    if (!r->idx.empty()) return std::nullopt;
    return var(r->name).lo;
  }
  if (e.as<StrideExprNode>()) return 0;
  if (auto u = e.as<USubNode>()) return neg(upper(u->arg));
  if (auto b = e.as<BinOpNode>()) {
    auto ll = lower(b->lhs), rl = lower(b->rhs);
    auto c = b->rhs.as<ConstNode>();
    switch (b->op) {
      case BinOpKind::Add: return add(ll, rl);
      case BinOpKind::Sub: return sub(ll, upper(b->rhs));
      case BinOpKind::Mul:
        if (ll && rl && *ll >= 0 && *rl >= 0) return mul(ll, rl);
        return std::nullopt;
      case BinOpKind::Div:
        if (ll && rl && *rl > 0 && *ll >= 0) return 0;
        if (ll && c && c->ival > 0) return floor_div(*ll, c->ival);
        return std::nullopt;
      case BinOpKind::Mod:
        if (c && c->ival > 0) return 0;
        if (ll && rl && *ll >= 0 && *rl > 0) return 0;
        return std::nullopt;
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<int64_t> ProcCompiler::upper(const Expr& e) const {
  if (auto c = e.as<ConstNode>()) return c->ival;
  if (auto r = e.as<ReadNode>()) {
    if (!r->idx.empty()) return std::nullopt;
    return var(r->name).hi;
  }
  if (auto u = e.as<USubNode>()) return neg(lower(u->arg));
  if (auto b = e.as<BinOpNode>()) {
    auto lh = upper(b->lhs), rh = upper(b->rhs);
    auto c = b->rhs.as<ConstNode>();
    switch (b->op) {
      case BinOpKind::Add: return add(lh, rh);
      case BinOpKind::Sub: return sub(lh, lower(b->rhs));
      case BinOpKind::Mul: {
        auto ll = lower(b->lhs), rl = lower(b->rhs);
        if (lh && rh && ll && rl && *ll >= 0 && *rl >= 0) return mul(lh, rh);
        return std::nullopt;
      }
      case BinOpKind::Div:
        if (c && c->ival > 0 && lh) return floor_div(*lh, c->ival);
        return std::nullopt;
      case BinOpKind::Mod:
        if (c && c->ival > 0) return c->ival - 1;
        return std::nullopt;
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

bool ProcCompiler::nonneg(const Expr& e) const {
  auto l = lower(e);
  return l && *l >= 0;
}

// ---- address arithmetic ----------------------------------------------------

CirPtr ProcCompiler::lift(const Expr& e) {
  if (auto c = e.as<ConstNode>()) return mk_const(c->ival);
  if (auto r = e.as<ReadNode>(); r && r->idx.empty()) return mk_var(var(r->name).cname, nonneg(e));
  if (auto b = e.as<BinOpNode>();
      b && (b->op == BinOpKind::Add || b->op == BinOpKind::Sub || b->op == BinOpKind::Mul ||
            b->op == BinOpKind::Div || b->op == BinOpKind::Mod))
    return mk_bin(b->op, lift(b->lhs), lift(b->rhs), nonneg(e));
  if (auto u = e.as<USubNode>()) {
    auto c = std::make_shared<Cir>();
    c->kind = Cir::Neg;
    c->lhs = lift(u->arg);
    c->nonneg = nonneg(e);
    return c;
  }
  // Anything else (stride reads, config reads): printed as an opaque atom.
  std::string s = comp_e(e, kUnaryPrec + 1);
  return mk_var(s, nonneg(e));
}

std::string ProcCompiler::comp_cir(const CirPtr& e, int prec) {
  switch (e->kind) {
    case Cir::Var: return e->text;
    case Cir::Const: {
      note_int_const(e->val);
      std::string s = std::to_string(e->val);
      return (e->val < 0 && prec >= kUnaryPrec) ? "(" + s + ")" : s;
    }
    case Cir::Neg: {
      std::string a = comp_cir(e->lhs, kUnaryPrec);
      if (!a.empty() && a[0] == '-') a = "(" + a + ")";
      return "-" + a;
    }
    case Cir::Bin: break;
  }
  int lp = c_prec(e->op);
  if (e->op == BinOpKind::Div || e->op == BinOpKind::Mod) {
    bool lhs_nonneg = e->lhs->nonneg;
    if (!lhs_nonneg) {
      return call_helper(e->op == BinOpKind::Div ? "exo_floor_div" : "exo_floor_mod",
                         comp_cir(e->lhs, 0), comp_cir(e->rhs, 0));
    }
    std::string l = comp_cir(e->lhs, lp), r = comp_cir(e->rhs, lp + 1);
    if (e->op == BinOpKind::Div) return "(" + l + " / " + r + ")";
    std::string s = l + " % " + r;
    return lp < prec ? "(" + s + ")" : s;
  }
  // A right operand of the same precedence keeps its parentheses, so the text
  // shows the tree: `(i + 1) * n + (j + 2)` is row offset plus column.
  std::string l = comp_cir(e->lhs, lp), r = comp_cir(e->rhs, lp + 1);
  std::string s = l + " " + c_op(e->op) + " " + r;
  return lp < prec ? "(" + s + ")" : s;
}

std::vector<CirPtr> ProcCompiler::strides_of(const Sym& name) {
  const VarInfo& v = var(name);
  std::vector<CirPtr> out;
  size_t rank = v.type.rank();
  if (v.type.is_window) {
    for (size_t d = 0; d < rank; ++d) {
      auto it = known_strides_.find({name.id(), static_cast<int>(d)});
      if (it != known_strides_.end()) out.push_back(mk_const(it->second));
      else out.push_back(mk_var(v.cname + ".strides[" + std::to_string(d) + "]", true));
    }
    return out;
  }
  // Row-major: stride(d) = shape[d+1] * ... * shape[rank-1].
  out.assign(rank, nullptr);
  if (rank == 0) return out;
  out[rank - 1] = mk_const(1);
  CirPtr acc = lift(v.type.shape[rank - 1]);
  for (size_t d = rank - 1; d-- > 0;) {
    out[d] = acc;
    acc = mk_bin(BinOpKind::Mul, lift(v.type.shape[d]), acc, true);
  }
  return out;
}

std::vector<std::string> ProcCompiler::shape_strs(const std::vector<Expr>& shape) {
  std::vector<std::string> out;
  for (auto& s : shape) out.push_back(comp_cir(simplify(lift(s)), 100));
  return out;
}

std::string ProcCompiler::access_str(const Sym& name, const std::vector<Expr>& idx) {
  const VarInfo& v = var(name);
  auto strides = strides_of(name);
  EXO_ASSERT(strides.size() == idx.size(), "access to " << name.name() << " with wrong rank");
  CirPtr acc;
  for (size_t k = 0; k < idx.size(); ++k) {
    CirPtr term = mk_bin(BinOpKind::Mul, lift(idx[k]), strides[k], true);
    acc = acc ? mk_bin(BinOpKind::Add, acc, term, true) : term;
  }
  std::string off = acc ? comp_cir(simplify(acc), 0) : "0";
  return v.cname + (v.type.is_window ? ".data[" : "[") + off + "]";
}

std::string ProcCompiler::window_type_name(ScalarKind base, size_t rank, bool is_const) {
  WinStruct w = window_struct(base, rank, is_const);
  unit_.win_structs.emplace(w.name, w.definition);
  return w.name;
}

// The data lvalue (from the memory's window hook) and the kept strides of
// `name[idx]`.
std::pair<std::string, std::string> ProcCompiler::window_fields(const Sym& name,
                                                                const std::vector<WAccess>& idx,
                                                                const SrcInfo& where) {
  const VarInfo& v = var(name);
  std::vector<std::string> idxs, strides;
  for (auto& w : idx) idxs.push_back(comp_cir(simplify(lift(w.lo)), 0));
  for (auto& s : strides_of(name)) strides.push_back(comp_cir(simplify(s), 0));
  EXO_ASSERT(idxs.size() == strides.size(), "window of " << name.name() << " with wrong rank");
  std::string ctype = v.type.base == ScalarKind::R ? "float" : std::string(c_type_name(v.type.base));
  std::string base = v.type.is_window ? v.cname + ".data" : v.cname;
  std::string data = v.mem->window(ctype, base, idxs, strides, where);
  std::string kept;
  for (size_t k = 0; k < idx.size(); ++k) {
    if (!idx[k].is_interval) continue;
    if (!kept.empty()) kept += ", ";
    kept += strides[k];
  }
  return {data, kept};
}

// A window struct literal for a window expression, or for a whole buffer read
// passed where a window is expected.
std::string ProcCompiler::window_literal(const Expr& e, bool is_const, std::string* data_out) {
  Sym name;
  std::vector<WAccess> idx;
  size_t rank = 0;
  ScalarKind base;
  if (auto w = e.as<WindowExprNode>()) {
    name = w->name;
    idx = w->idx;
    rank = e->type.rank();
    base = e->type.base;
  } else {
    auto r = e.as<ReadNode>();
    EXO_ASSERT(r && r->idx.empty(), "window argument must be a buffer or window expression");
    name = r->name;
    const VarInfo& v = var(name);
    for (size_t d = 0; d < v.type.rank(); ++d) idx.push_back(WAccess{true, int_const(0), v.type.shape[d]});
    rank = v.type.rank();
    base = v.type.base;
  }
  auto [data, strides] = window_fields(name, idx, e->srcinfo);
  if (data_out) *data_out = data;
  return "(struct " + window_type_name(base, rank, is_const) + "){ &" + data + ", { " + strides + " } }";
}

// ---- expressions -----------------------------------------------------------

std::string ProcCompiler::comp_const(const ConstNode& c, ScalarKind want) {
  ScalarKind k = c.type.base;
  if (k == ScalarKind::Bool) return c.ival != 0 ? "true" : "false";
  if (c.is_int()) {
    note_int_const(c.ival);
    return std::to_string(c.ival);
  }
  if (k == ScalarKind::R) k = is_data_kind(want) && want != ScalarKind::R ? want : ScalarKind::F32;
  if (k == ScalarKind::F64) return py_float_repr(c.fval);
  if (k == ScalarKind::F32) {
    // The constant means its value rounded to float (as the interpreter computes);
    // one that has no finite float value is refused rather than emitted as inf.
    auto f = static_cast<float>(c.fval);
    if (!std::isfinite(f))
      EXO_FAIL(ErrorKind::Type, c.srcinfo,
               "the constant " << py_float_repr(c.fval) << " is out of range for f32 (it overflows to infinity)");
    return c_float_literal(f);
  }
  // An integer data type holds the constant exactly or the program means
  // something C and the interpreter would each round or wrap their own way.
  double lo = 0, hi = 0;
  switch (k) {
    case ScalarKind::I8: lo = -128, hi = 127; break;
    case ScalarKind::UI8: hi = 255; break;
    case ScalarKind::UI16: hi = 65535; break;
    case ScalarKind::I32: lo = -2147483648.0, hi = 2147483647.0; break;
    default: lo = -1e15, hi = 1e15; break;
  }
  if (c.fval != std::floor(c.fval) || c.fval < lo || c.fval > hi)
    EXO_FAIL(ErrorKind::Type, c.srcinfo,
             "the constant " << py_float_repr(c.fval) << " is not a value of " << scalar_kind_name(k)
                             << " (an integer in [" << static_cast<long long>(lo) << ", "
                             << static_cast<long long>(hi) << "])");
  // Written as exo-lang writes it: `((int8_t) 3.0)` for the literal 3.0, `((int8_t) 3)` for 3.
  std::string lit = c.from_int ? std::to_string(static_cast<long long>(c.fval)) : py_float_repr(c.fval);
  return "((" + std::string(c_type_name(k)) + ") " + lit + ")";
}

std::string ProcCompiler::comp_binop(const BinOpNode& b, int prec, ScalarKind want) {
  int lp = c_prec(b.op);
  bool control = !is_data_kind(b.type.base) && !binop_is_comparison(b.op) && !binop_is_logical(b.op);
  // Operand precision: generic-real constants take the type of the other side.
  ScalarKind opnd = want;
  if (binop_is_comparison(b.op)) {
    ScalarKind lk = b.lhs->type.base, rk = b.rhs->type.base;
    opnd = lk != ScalarKind::R && is_data_kind(lk) ? lk : (rk != ScalarKind::R && is_data_kind(rk) ? rk : ScalarKind::F32);
  } else if (is_data_kind(b.type.base) && b.type.base != ScalarKind::R) {
    opnd = b.type.base;
  }
  if (control && (b.op == BinOpKind::Div || b.op == BinOpKind::Mod)) {
    std::string l = comp_e(b.lhs, 0, opnd), r = comp_e(b.rhs, 0, opnd);
    if (!nonneg(b.lhs))
      return call_helper(b.op == BinOpKind::Div ? "exo_floor_div" : "exo_floor_mod", l, r);
    if (b.op == BinOpKind::Div) return "((" + l + ") / (" + r + "))";
    std::string s = comp_e(b.lhs, lp, opnd) + " % " + comp_e(b.rhs, lp + 1, opnd);
    return lp < prec ? "(" + s + ")" : s;
  }
  // Comparisons of comparisons and `&&` inside `||` get parentheses C does not
  // need but gcc's -Wparentheses asks for.
  int lhs_prec = lp, rhs_prec = lp + 1;
  if (binop_is_comparison(b.op)) lhs_prec = rhs_prec = c_prec(BinOpKind::Lt) + 1;
  if (b.op == BinOpKind::Or) lhs_prec = rhs_prec = c_prec(BinOpKind::And) + 1;
  std::string s = comp_e(b.lhs, lhs_prec, opnd) + " " + c_op(b.op) + " " + comp_e(b.rhs, rhs_prec, opnd);
  return lp < prec ? "(" + s + ")" : s;
}

std::string ProcCompiler::comp_e(const Expr& e, int prec, ScalarKind want) {
  return ExprCases::dispatch(e, prec, want);
}

std::string ProcCompiler::visit(const ReadNode& r, const Expr& e, int, ScalarKind) {
  const VarInfo& v = var(r.name);
  if (!v.type.is_tensor && !is_data_kind(v.type.base)) return v.cname;  // control or bool
  if (v.mem && !v.mem->can_read())
    EXO_FAIL(ErrorKind::MemGen, e->srcinfo,
             "cannot read from buffer '" << r.name.name() << "' in memory '" << v.mem->name() << "'");
  if (v.scalar_ref) return "*" + v.cname;
  if (!v.type.is_tensor) return v.cname;
  if (r.idx.empty()) return v.cname;
  return access_str(r.name, r.idx);
}

std::string ProcCompiler::visit(const WindowExprNode& w, const Expr& e, int, ScalarKind) {
  return window_literal(e, !is_written(w.name));
}

std::string ProcCompiler::visit(const ConstNode& c, const Expr&, int, ScalarKind want) {
  return comp_const(c, want);
}

std::string ProcCompiler::visit(const BinOpNode& b, const Expr&, int prec, ScalarKind want) {
  return comp_binop(b, prec, want);
}

std::string ProcCompiler::visit(const USubNode& u, const Expr&, int, ScalarKind want) {
  std::string a = comp_e(u.arg, kUnaryPrec, want);
  if (!a.empty() && a[0] == '-') a = "(" + a + ")";
  return "-" + a;
}

std::string ProcCompiler::visit(const ExternCallNode& x, const Expr&, int, ScalarKind want) {
  ScalarKind k = x.type.base;
  if (k == ScalarKind::R) k = is_data_kind(want) && want != ScalarKind::R ? want : ScalarKind::F32;
  std::string prim(c_type_name(k));
  std::vector<std::string> args;
  for (auto& a : x.args) args.push_back(comp_e(a, 0, k));
  unit_.externs.emplace(x.fn->name() + prim, std::make_pair(x.fn, prim));
  return x.fn->compile(args, prim);
}

std::string ProcCompiler::visit(const StrideExprNode& st, const Expr&, int, ScalarKind) {
  auto strides = strides_of(st.name);
  EXO_ASSERT(st.dim >= 0 && static_cast<size_t>(st.dim) < strides.size(), "stride dimension out of range");
  return comp_cir(simplify(strides[st.dim]), 0);
}

std::string ProcCompiler::visit(const ReadConfigNode& rc, const Expr& e, int, ScalarKind) {
  if (!rc.config->readwrite())
    EXO_FAIL(ErrorKind::Type, e->srcinfo, "cannot read from config '" << rc.config->name() << "'");
  return "ctxt->" + rc.config->name() + "." + rc.field;
}

}  // namespace exo::backend
