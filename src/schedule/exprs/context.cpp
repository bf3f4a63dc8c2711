// Aliasing, text typed at a position, and forwarding for the expression and
// statement primitives.
#include "schedule/exprs/context.h"

#include "analysis/lower.h"
#include "analysis/solver.h"
#include "exo/frontend.h"
#include "exo/ir_mutator.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/loops/substitute.h"
#include "analysis/facts.h"
#include "schedule/cursors/visible_names.h"

namespace exo::exprs_detail {

using namespace analysis;

// ---------------------------------------------------------------------------
// Expressions and aliasing
// ---------------------------------------------------------------------------

void collect_buffer_uses(const Expr& e, std::vector<Expr>& out) {
  if (auto* r = e.as<ReadNode>(); r && r->type.is_numeric()) out.push_back(e);
  if (e.as<WindowExprNode>()) out.push_back(e);
  for (auto& k : expr_children(e)) collect_buffer_uses(k, out);
}

std::string stmt_text(const Stmt& s) {
  std::string t = print_stmt(s);
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  size_t nl = t.find('\n');
  return nl == std::string::npos ? t : t.substr(0, nl) + " ...";
}

const AssignNode* assignment_at(const char* prim, int argno, const char* argname, const Proc& p,
                                const Cursor& c) {
  Stmt s = c.is_stmt() ? resolve_stmt(p, c) : Stmt();
  auto* a = s ? s.as<AssignNode>() : nullptr;
  if (!a)
    argument_error(prim, argno, argname,
                   "expected an assignment, got " + (s ? stmt_text(s) : c.str()));
  return a;
}

// ---------------------------------------------------------------------------
// Text typed at a position
// ---------------------------------------------------------------------------

namespace {

// The names a proc's own code uses beyond its variables: the configs it reads
// or writes and the externs it calls, so text can mention them too.
void bind_proc_names(Scope& sc, const Proc& p) {
  for_each_expr(p->body, [&](const Expr& e) {
    if (auto* r = e.as<ReadConfigNode>()) sc.bind_config(r->config);
    if (auto* x = e.as<ExternCallNode>()) sc.bind_extern(x->fn->name(), x->fn);
  });
  for_each_stmt(p->body, [&](const Stmt& s) {
    if (auto* w = s.as<WriteConfigNode>()) sc.bind_config(w->config);
  });
}

}  // namespace

Expr parse_like_at(const char* prim, int argno, const char* argname, const Proc& p,
                   const StmtPath& path, const std::string& text, const Expr& like,
                   const Scope* scope) {
  Scope builtins = Scope::with_builtins();
  Scope names(scope ? scope : &builtins);
  bind_proc_names(names, p);
  std::vector<VisibleVar> vars = rewrite_detail::visible_vars(p, path);
  try {
    uast::UExprPtr ue = parse_expr_fragment(text);
    if (like->type.is_real_scalar()) return typecheck_expr_at(*ue, FragmentType::Data, vars, names, argname);
    if (like->type.is_bool()) return typecheck_expr_at(*ue, FragmentType::Bool, vars, names, argname);
    if (like->type.base == ScalarKind::Stride) {
      Expr e = typecheck_expr_at(*ue, FragmentType::Control, vars, names, argname);
      bool stridable = !e->type.is_tensor && (e->type.base == ScalarKind::Int || e->type.base == ScalarKind::Stride);
      if (!stridable) argument_error(prim, argno, argname, "expected a stride expression, got '" + text + "'");
      return e;
    }
    return typecheck_expr_at(*ue, FragmentType::Index, vars, names, argname);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::Scheduling || e.kind() == ErrorKind::Api) throw;
    argument_error(prim, argno, argname, e.message());
  }
}

Stmt parse_call_at(const char* prim, const Proc& p, const StmtPath& path, const Proc& instr,
                   const std::vector<std::string>& args, const Scope* scope) {
  Scope builtins = Scope::with_builtins();
  Scope with_instr(scope ? scope : &builtins);
  bind_proc_names(with_instr, p);
  // A name no user variable can have, so locals never shadow the callee.
  const std::string callee = "__exo_noop_callee";
  with_instr.bind(callee, instr);
  std::string text = callee + "(";
  for (size_t k = 0; k < args.size(); ++k) {
    try {
      parse_expr_fragment(args[k]);
    } catch (const Error& e) {
      argument_error(prim, 3, "args", "argument " + std::to_string(k) + ": " + e.message());
    }
    text += (k ? ", " : "") + args[k];
  }
  text += ")";
  uast::UBlock b = parse_stmt_fragment(text);
  EXO_ASSERT(b.size() == 1, "a call fragment parsed to " << b.size() << " statements");
  return typecheck_call_at(*b[0], rewrite_detail::visible_vars(p, path), with_instr);
}

// ---------------------------------------------------------------------------
// Forwarding
// ---------------------------------------------------------------------------

Forward forward_exprs(const StmtPath& stmt, ExprPathMap map) {
  return [stmt, map](const Cursor& c) -> Cursor {
    if (!c.is_expr() || !(c.path == stmt)) return c;
    Cursor out = c;
    if (!map(out.expr_path)) return Cursor::invalid();
    return out;
  };
}

ExprPathMap move_subtrees(std::vector<int> prefix,
                          std::vector<std::pair<std::vector<int>, std::vector<int>>> moves) {
  return [prefix, moves](std::vector<int>& path) {
    if (path.size() < prefix.size() || !std::equal(prefix.begin(), prefix.end(), path.begin()))
      return true;
    if (path.size() == prefix.size()) return true;
    std::vector<int> rel(path.begin() + prefix.size(), path.end());
    for (auto& [from, to] : moves) {
      if (rel.size() < from.size() || !std::equal(from.begin(), from.end(), rel.begin())) continue;
      std::vector<int> out = prefix;
      out.insert(out.end(), to.begin(), to.end());
      out.insert(out.end(), rel.begin() + from.size(), rel.end());
      path = out;
      return true;
    }
    return false;
  };
}

ExprPathMap rhs_becomes_operand(int rhs_index, int operand) {
  return [rhs_index, operand](std::vector<int>& path) {
    if (path.empty() || path[0] != rhs_index) return true;
    if (path.size() == 1 || path[1] != operand) return false;
    path.erase(path.begin() + 1);
    return true;
  };
}

}  // namespace exo::exprs_detail
