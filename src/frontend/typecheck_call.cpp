// Typechecking of procedure call statements: arity and, per parameter kind, what
// an argument may be (control expression, scalar data location, whole buffer or
// window). Shapes and bounds of buffer arguments are checked later by analysis.

#include "frontend/typecheck_internal.h"

namespace exo::tc {

using uast::UExpr;
using uast::UExprKind;

namespace {

std::string arg_prefix(size_t i, const Proc& f) {
  return "argument " + std::to_string(i + 1) + " of '" + f->name + "'";
}

}  // namespace

Stmt Checker::check_call_stmt(const uast::UStmt& s) {
  if (!s.rhs || s.rhs->kind != UExprKind::Call)
    EXO_FAIL(ErrorKind::Type, s.srcinfo, "expected a procedure call");
  const UExpr& call = *s.rhs;
  SrcInfo where = call.srcinfo.known() ? call.srcinfo : s.srcinfo;
  if (find(call.name))
    EXO_FAIL(ErrorKind::Type, where, "'" << call.name << "' is a local variable, not a procedure");
  auto entry = scope_.lookup(call.name);
  if (!entry) EXO_FAIL(ErrorKind::Type, where, "name '" << call.name << "' is not defined");
  if (std::holds_alternative<ExternPtr>(*entry))
    EXO_FAIL(ErrorKind::Type, where,
             "extern function '" << call.name << "' returns a value; it cannot be called as a statement");
  auto* pp = std::get_if<Proc>(&*entry);
  if (!pp || !*pp) EXO_FAIL(ErrorKind::Type, where, "'" << call.name << "' is not a procedure");
  const Proc& f = *pp;
  if (!call.kwargs.empty())
    EXO_FAIL(ErrorKind::Type, where, "procedure calls take no keyword arguments");
  if (call.args.size() != f->args.size())
    EXO_FAIL(ErrorKind::Type, where,
             "'" << f->name << "' expects " << f->args.size() << " argument" << (f->args.size() == 1 ? "" : "s")
                 << ", got " << call.args.size());

  std::vector<Expr> args;
  for (size_t i = 0; i < call.args.size(); ++i) {
    if (!call.args[i]) EXO_FAIL(ErrorKind::Type, where, "missing argument");
    const UExpr& ua = *call.args[i];
    const FnArg& p = f->args[i];
    const Type& pt = p.type;
    std::string pre = arg_prefix(i, f);
    std::string pdesc = "parameter '" + p.name.name() + "' (" + type_str(pt) + ")";

    if (!pt.is_tensor && !is_data_kind(pt.base)) {
      // Control parameter: an index/size, bool or stride expression.
      Expr x = check_expr(ua, Ctx::Index);
      bool ok = false;
      const char* want = "size or index type expression";
      if (pt.base == ScalarKind::Bool) {
        ok = is_bool(x->type);
        want = "a bool expression";
      } else if (pt.base == ScalarKind::Stride) {
        ok = is_stridable(x->type);
        want = "a stride expression";
      } else {
        ok = is_indexable(x->type);
      }
      if (!ok)
        EXO_FAIL(ErrorKind::Type, ua.srcinfo,
                 pre << ": expected " << want << " for " << pdesc << ", got '" << expr_str(x) << "' of type "
                     << type_str(x->type));
      args.push_back(std::move(x));
      continue;
    }

    if (!pt.is_tensor) {
      // Data scalar parameter: passed by reference, so it must name a location.
      Expr x = check_buffer_arg(ua);
      bool location = (x.as<ReadNode>() && !x->type.is_tensor) || x.as<ReadConfigNode>();
      if (!is_data_kind(x->type.base))
        EXO_FAIL(ErrorKind::Type, ua.srcinfo,
                 pre << ": expected a numeric type expression (a scalar variable or buffer element of " << type_str(pt)
                     << ") for " << pdesc << ", but got type " << type_str(x->type) << " ('" << expr_str(x) << "')");
      if (!location)
        EXO_FAIL(ErrorKind::Type, ua.srcinfo,
                 pre << ": expected scalar arguments to be simply variable names for now: " << pdesc
                     << " needs a scalar variable or buffer element of " << type_str(pt) << ", got '" << expr_str(x)
                     << "'");
      args.push_back(std::move(x));
      continue;
    }

    // Tensor or window parameter: a whole buffer or a window expression.
    Expr x = check_buffer_arg(ua);
    const char* want = pt.is_window ? "a window or tensor" : "a tensor";
    if (!x->type.is_tensor || !is_data_kind(x->type.base))
      EXO_FAIL(ErrorKind::Type, ua.srcinfo,
               pre << ": expected " << want << " of " << scalar_kind_name(pt.base) << " for " << pdesc
                   << ", got '" << expr_str(x) << "' of type " << type_str(x->type));
    if (x->type.rank() != pt.rank())
      EXO_FAIL(ErrorKind::Type, ua.srcinfo,
               pre << ": expected argument of type " << want << " of " << pt.rank() << " dimension"
                   << (pt.rank() == 1 ? "" : "s") << " for " << pdesc << ", got '" << expr_str(x) << "' of type "
                   << type_str(x->type));
    // A window may go to a parameter that is not a window when it is laid out
    // as that parameter (the bounds check proves its strides dense).
    args.push_back(std::move(x));
  }
  return make_stmt<CallNode>(f, std::move(args), s.srcinfo);
}

}  // namespace exo::tc
