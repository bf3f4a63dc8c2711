// Typechecking of procedures, argument types, statements and configs, and the
// public entry points typecheck_proc / typecheck_config.

#include <set>

#include "exo/frontend.h"
#include "exo/equivalence.h"
#include "exo/value_dependencies.h"
#include "frontend/typecheck_internal.h"

namespace exo {
namespace tc {

using uast::UExpr;
using uast::UExprKind;
using uast::UStmt;
using uast::UStmtKind;

namespace {

const UExpr& need(const uast::UExprPtr& e, const SrcInfo& where, const char* what) {
  if (!e) EXO_FAIL(ErrorKind::Type, where, "missing " << what);
  return *e;
}

// Whether `e` reads any of `syms` (directly).
const Sym* reads_any(const Expr& e, const std::vector<Sym>& syms) {
  if (!e) return nullptr;
  auto hit = [&](const Sym& s) -> const Sym* {
    for (auto& x : syms)
      if (x == s) return &x;
    return nullptr;
  };
  switch (e->kind) {
    case ExprKind::Read: {
      auto* r = e.as<ReadNode>();
      if (auto* h = hit(r->name)) return h;
      for (auto& i : r->idx)
        if (auto* h = reads_any(i, syms)) return h;
      return nullptr;
    }
    case ExprKind::USub: return reads_any(e.as<USubNode>()->arg, syms);
    case ExprKind::BinOp: {
      auto* b = e.as<BinOpNode>();
      if (auto* h = reads_any(b->lhs, syms)) return h;
      return reads_any(b->rhs, syms);
    }
    case ExprKind::ExternCall:
      for (auto& a : e.as<ExternCallNode>()->args)
        if (auto* h = reads_any(a, syms)) return h;
      return nullptr;
    case ExprKind::WindowExpr:
      for (auto& w : e.as<WindowExprNode>()->idx) {
        if (auto* h = reads_any(w.lo, syms)) return h;
        if (auto* h = reads_any(w.hi, syms)) return h;
      }
      return nullptr;
    default: return nullptr;
  }
}

const char* assign_target_noun(VarRole r) {
  switch (r) {
    case VarRole::LoopIter: return "loop iterator";
    case VarRole::ControlArg: return "control value";
    default: return "variable";
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// Types and memories
// ---------------------------------------------------------------------------

Type Checker::check_type(const uast::UType& t, bool is_arg) {
  auto k = scalar_kind_from_name(t.base);
  if (!k) EXO_FAIL(ErrorKind::Type, t.srcinfo, "unknown type '" << t.base << "'");
  if (!t.is_tensor) {
    if (t.is_window) EXO_FAIL(ErrorKind::Type, t.srcinfo, "a window type needs a shape");
    return Type::scalar(*k);
  }
  if (!is_data_kind(*k))
    EXO_FAIL(ErrorKind::Type, t.srcinfo,
             "tensor elements must be a data type (R, f16, f32, f64, i8, ui8, ui16, i32), got '" << t.base
                                                                                                 << "'");
  if (t.is_window && !is_arg)
    EXO_FAIL(ErrorKind::Type, t.srcinfo, "window types are only allowed for procedure arguments");
  if (t.shape.empty()) EXO_FAIL(ErrorKind::Type, t.srcinfo, "a tensor type needs at least one dimension");
  std::vector<Expr> shape;
  for (auto& d : t.shape) shape.push_back(check_index(need(d, t.srcinfo, "dimension"), "a dimension size"));
  return Type::tensor(*k, std::move(shape), t.is_window);
}

MemoryPtr Checker::check_mem(const uast::UType& t, const Type& ty) {
  bool data = is_data_kind(ty.base);
  SrcInfo where = t.mem_srcinfo.known() ? t.mem_srcinfo : t.srcinfo;
  if (t.mem.empty()) return data ? dram() : nullptr;
  if (!data)
    EXO_FAIL(ErrorKind::Type, where,
             "only data buffers can be placed in a memory; '" << type_str(ty) << "' is a control type");
  if (find(t.mem))
    EXO_FAIL(ErrorKind::Type, where, "'" << t.mem << "' is a local variable, not a memory");
  auto entry = scope_.lookup(t.mem);
  if (!entry) EXO_FAIL(ErrorKind::Type, where, "memory '" << t.mem << "' is not defined");
  auto* m = std::get_if<MemoryPtr>(&*entry);
  if (!m || !*m) EXO_FAIL(ErrorKind::Type, where, "'" << t.mem << "' is not a memory");
  return *m;
}

// ---------------------------------------------------------------------------
// Procedures
// ---------------------------------------------------------------------------

Proc Checker::check_proc(const uast::UProc& p) {
  auto out = std::make_shared<ProcNode>();
  out->name = p.name;
  out->srcinfo = p.srcinfo;
  if (p.name.empty()) EXO_FAIL(ErrorKind::Type, p.srcinfo, "procedures must be named");
  std::set<std::string> seen;
  for (auto& a : p.args) {
    SrcInfo where = a.srcinfo.known() ? a.srcinfo : a.type.srcinfo;
    if (!seen.insert(a.name).second)
      EXO_FAIL(ErrorKind::Type, where, "duplicate argument '" << a.name << "' in procedure '" << p.name << "'");
    Type ty = check_type(a.type, /*is_arg=*/true);
    MemoryPtr mem = check_mem(a.type, ty);
    VarRole role = is_data_kind(ty.base) ? VarRole::DataArg : VarRole::ControlArg;
    const VarInfo& v = bind(a.name, VarInfo{Sym(a.name), ty, mem, role});
    out->args.push_back(FnArg{v.sym, ty, mem, a.srcinfo});
  }
  for (auto& pr : p.preds) out->preds.push_back(check_bool(need(pr, p.srcinfo, "assertion"), "an assertion"));
  push_scope();
  out->body = check_block(p.body);
  pop_scope();
  // The direct case is refused at the write; this finds a loop iterator that
  // reaches a config value written inside its loop through variables.
  if (auto d = config_loop_dependence(out->body))
    EXO_FAIL(ErrorKind::Type, d->write->srcinfo,
             "the value written to config field '" << d->field << "' may depend on the loop iterator '"
                                                   << d->iter.name()
                                                   << "' through the variables it is computed from "
                                                      "(expected writes to configuration "
                                                   << d->field << " does not depend on loop iterations)");
  if (p.decorator == uast::ProcDecorator::Instr) out->instr = InstrInfo{p.c_instr, p.c_global};
  out->eqv_class = new_eqv_class();
  return out;
}

// ---------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------

Block Checker::check_block(const uast::UBlock& b) {
  Block out;
  for (auto& s : b) {
    if (!s) EXO_FAIL(ErrorKind::Type, SrcInfo(), "missing statement");
    check_stmt(*s, out);
  }
  return out;
}

void Checker::check_stmt(const UStmt& s, Block& out) {
  switch (s.kind) {
    case UStmtKind::Assign:
    case UStmtKind::Reduce: return check_assign(s, out);
    case UStmtKind::Alloc: return check_alloc(s, out);
    case UStmtKind::Pass: out.push_back(make_stmt<PassNode>(s.srcinfo)); return;
    case UStmtKind::If: {
      Expr cond = check_bool(need(s.rhs, s.srcinfo, "condition"), "an if condition");
      push_scope();
      Block body = check_block(s.body);
      pop_scope();
      push_scope();
      Block orelse = check_block(s.orelse);
      pop_scope();
      out.push_back(make_stmt<IfNode>(cond, std::move(body), std::move(orelse), s.srcinfo));
      return;
    }
    case UStmtKind::For: return check_for(s, out);
    case UStmtKind::Call: out.push_back(check_call_stmt(s)); return;
    case UStmtKind::Assert:
      EXO_FAIL(ErrorKind::Type, s.srcinfo, "assert statements are only allowed at the start of a procedure");
    case UStmtKind::Hole:
      EXO_FAIL(ErrorKind::Type, s.srcinfo, "a pattern hole '_' is not a valid statement here");
  }
  EXO_FAIL(ErrorKind::Type, s.srcinfo, "unsupported statement");
}

void Checker::check_for(const UStmt& s, Block& out) {
  LoopMode mode;
  if (s.loop_mode == "seq") mode = LoopMode::Seq;
  else if (s.loop_mode == "par") mode = LoopMode::Par;
  else
    EXO_FAIL(ErrorKind::Type, s.srcinfo,
             "expected a loop of the form 'for " << s.name << " in seq(lo, hi)' or 'par(lo, hi)'");
  Expr lo = check_index(need(s.lo, s.srcinfo, "loop bound"), "a loop bound");
  Expr hi = check_index(need(s.hi, s.srcinfo, "loop bound"), "a loop bound");
  push_scope();
  const VarInfo& v = bind(s.name, VarInfo{Sym(s.name), Type::scalar(ScalarKind::Index), nullptr, VarRole::LoopIter});
  Sym iter = v.sym;
  loop_iters_.push_back(iter);
  Block body = check_block(s.body);
  loop_iters_.pop_back();
  pop_scope();
  out.push_back(make_stmt<ForNode>(iter, lo, hi, std::move(body), mode, s.srcinfo));
}

void Checker::check_alloc(const UStmt& s, Block& out) {
  Type ty = check_type(s.type, /*is_arg=*/false);
  if (!is_data_kind(ty.base))
    EXO_FAIL(ErrorKind::Type, s.type.srcinfo.known() ? s.type.srcinfo : s.srcinfo,
             "cannot allocate '" << s.name << "' of control type " << type_str(ty)
                                 << "; buffers hold data types (R, f16, f32, f64, i8, ui8, ui16, i32)");
  MemoryPtr mem = check_mem(s.type, ty);
  const VarInfo& v = bind(s.name, VarInfo{Sym(s.name), ty, mem, VarRole::Alloc});
  out.push_back(make_stmt<AllocNode>(v.sym, ty, mem, s.srcinfo));
}

void Checker::check_assign(const UStmt& s, Block& out) {
  const UExpr& lhs = need(s.lhs, s.srcinfo, "assignment target");
  const UExpr& rhs = need(s.rhs, s.srcinfo, "assigned value");
  bool reduce = s.kind == UStmtKind::Reduce;
  const char* opsym = reduce ? "+=" : "=";

  if (lhs.kind == UExprKind::Attr) {
    if (reduce)
      EXO_FAIL(ErrorKind::Type, s.srcinfo, "cannot reduce '+=' into config field '" << lhs.name << "." << lhs.field << "'");
    return check_write_config(s, out);
  }
  if (lhs.kind != UExprKind::Name && lhs.kind != UExprKind::Index)
    EXO_FAIL(ErrorKind::Type, lhs.srcinfo, "cannot assign to this expression");

  // `y = x[i, 0:8]` with a fresh name `y` names a window. An existing name is an
  // ordinary assignment (as in the reference), which then rejects the window value.
  if (!reduce && lhs.kind == UExprKind::Name && rhs.kind == UExprKind::Index && !find(lhs.name)) {
    if (Expr w = try_window(rhs)) {
      const VarInfo* src = find(rhs.name);
      const VarInfo& v = bind(lhs.name, VarInfo{Sym(lhs.name), w->type, src ? src->mem : nullptr, VarRole::Window});
      out.push_back(make_stmt<WindowStmtNode>(v.sym, w, s.srcinfo));
      return;
    }
  }

  const VarInfo* v = find(lhs.name);
  if (!v) {
    if (scope_.lookup(lhs.name)) fail_unbound(lhs.name, lhs.srcinfo);
    EXO_FAIL(ErrorKind::Type, lhs.srcinfo,
             "unable to disambiguate assignment to undefined variable '"
                 << lhs.name << "' (declare it first, e.g. '" << lhs.name << ": f32')");
  }
  if (v->role == VarRole::LoopIter || v->role == VarRole::ControlArg || !is_data_kind(v->type.base))
    EXO_FAIL(ErrorKind::Type, lhs.srcinfo,
             "cannot assign/reduce to " << assign_target_noun(v->role) << " '" << lhs.name << "' (" << type_str(v->type)
                                 << "); only data buffers can be written");
  // The value is checked before the target's indices, as exo-lang does (its
  // tests expect the value's error when both are wrong).
  std::string what = std::string("the right-hand side of '") + opsym + "'";
  Expr r = check_data(rhs, what.c_str());
  std::vector<Expr> idx;
  if (lhs.kind == UExprKind::Index) {
    for (auto& i : lhs.idx)
      if (i.is_slice)
        EXO_FAIL(ErrorKind::Type, i.srcinfo.known() ? i.srcinfo : lhs.srcinfo,
                 "cannot assign to a window of '" << lhs.name << "'; index every dimension with a point");
    if (!v->type.is_tensor)
      EXO_FAIL(ErrorKind::Type, lhs.srcinfo,
               "cannot index scalar '" << lhs.name << "' of type " << type_str(v->type));
  }
  size_t got = lhs.kind == UExprKind::Index ? lhs.idx.size() : 0;
  if (got != v->type.rank())
    EXO_FAIL(ErrorKind::Type, lhs.srcinfo,
             "expected lvalue access of variable '" << lhs.name << "' (" << type_str(v->type) << ") with "
                                                     << v->type.rank() << " indices, got " << got);
  Sym name = v->sym;
  Type elem = Type::scalar(v->type.base);
  for (auto& i : lhs.idx) idx.push_back(check_index(need(i.pt, lhs.srcinfo, "index"), "an index"));
  if (reduce)
    out.push_back(make_stmt<ReduceNode>(name, elem, std::move(idx), r, s.srcinfo));
  else
    out.push_back(make_stmt<AssignNode>(name, elem, std::move(idx), r, s.srcinfo));
}

void Checker::check_write_config(const UStmt& s, Block& out) {
  const UExpr& lhs = *s.lhs;
  const UExpr& rhs = need(s.rhs, s.srcinfo, "assigned value");
  ConfigPtr cfg = lookup_config(lhs.name, lhs.srcinfo);
  const Config::Field* f = cfg->find(lhs.field);
  if (!f) EXO_FAIL(ErrorKind::Type, lhs.srcinfo, "config '" << cfg->name() << "' has no field '" << lhs.field << "'");
  if (!cfg->readwrite())
    EXO_FAIL(ErrorKind::Type, lhs.srcinfo,
             "config '" << cfg->name() << "' is read-only (readwrite=False); cannot write '" << lhs.field << "'");
  std::string what = "config field '" + cfg->name() + "." + lhs.field + "' (" +
                     std::string(scalar_kind_name(f->type)) + ")";
  Expr r;
  if (is_data_kind(f->type)) {
    r = check_data(rhs, what.c_str());
  } else if (f->type == ScalarKind::Bool) {
    r = check_bool(rhs, what.c_str());
  } else if (f->type == ScalarKind::Stride) {
    r = check_expr(rhs, Ctx::Index);
    if (!is_stridable(r->type))
      EXO_FAIL(ErrorKind::Type, rhs.srcinfo,
               "expected a stride expression for " << what << ", got '" << expr_str(r) << "' of type "
                                                   << type_str(r->type));
  } else {
    r = check_index(rhs, what.c_str());
  }
  // A config is one global value: a write that varies per iteration could not be
  // hoisted or reasoned about, so the value may not depend on loop iterators.
  if (const Sym* it = reads_any(r, loop_iters_))
    EXO_FAIL(ErrorKind::Type, rhs.srcinfo,
             "the value written to config field '" << cfg->name() << "." << lhs.field
                                                   << "' must not depend on the loop iterator '" << it->name()
                                                   << "' (expected a value that does not depend on loop iterations)");
  out.push_back(make_stmt<WriteConfigNode>(cfg, lhs.field, r, s.srcinfo));
}

}  // namespace tc

// ---------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------

Proc typecheck_proc(const uast::UProc& p, const Scope& scope) {
  tc::Checker c(scope);
  return c.check_proc(p);
}

ConfigPtr typecheck_config(const uast::UConfig& c) {
  if (c.name.empty()) EXO_FAIL(ErrorKind::Type, c.srcinfo, "configs must be named");
  std::vector<Config::Field> fields;
  std::set<std::string> seen;
  for (auto& f : c.fields) {
    if (!seen.insert(f.name).second)
      EXO_FAIL(ErrorKind::Type, f.srcinfo, "duplicate field '" << f.name << "' in config '" << c.name << "'");
    auto k = scalar_kind_from_name(f.type);
    if (!k)
      EXO_FAIL(ErrorKind::Type, f.srcinfo,
               "field '" << f.name << "' of config '" << c.name << "' has unknown type '" << f.type
                         << "'; expected a scalar type such as f32, index, size or bool");
    fields.push_back(Config::Field{f.name, *k, f.srcinfo});
  }
  return std::make_shared<Config>(c.name, std::move(fields), c.readwrite, c.srcinfo);
}

}  // namespace exo
