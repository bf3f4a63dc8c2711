// A read-only structural view of a proc for Python: LoopIR converted to nested
// dicts (`{"node": "For", "iter": "i", ...}`) that exo/qast.py wraps in node
// objects. Names are display names; types are printed as Exo source.

#include "bindings.h"

namespace exo::python {

namespace {

py::dict node(const char* kind, const SrcInfo& s) {
  py::dict d;
  d["node"] = kind;
  d["srcinfo"] = s;
  return d;
}

py::dict expr(const Expr& e);

py::list exprs(const std::vector<Expr>& es) {
  py::list out;
  for (auto& e : es) out.append(expr(e));
  return out;
}

py::dict expr(const Expr& e) {
  py::dict d = node(expr_kind_name(e->kind), e->srcinfo);
  d["type"] = print_type(e->type);
  if (auto* r = e.as<ReadNode>()) {
    d["name"] = r->name.name();
    d["idx"] = exprs(r->idx);
  } else if (auto* c = e.as<ConstNode>()) {
    if (e->type.base == ScalarKind::Bool) d["val"] = c->ival != 0;
    else if (c->is_int()) d["val"] = static_cast<long long>(c->ival);
    else d["val"] = c->fval;
  } else if (auto* u = e.as<USubNode>()) {
    d["arg"] = expr(u->arg);
  } else if (auto* b = e.as<BinOpNode>()) {
    d["op"] = binop_symbol(b->op);
    d["lhs"] = expr(b->lhs);
    d["rhs"] = expr(b->rhs);
  } else if (auto* x = e.as<ExternCallNode>()) {
    d["fn"] = x->fn->name();
    d["args"] = exprs(x->args);
  } else if (auto* w = e.as<WindowExprNode>()) {
    d["name"] = w->name.name();
    py::list idx;
    for (auto& a : w->idx) {
      py::dict i;
      if (a.is_interval) {
        i["lo"] = expr(a.lo);
        i["hi"] = expr(a.hi);
      } else {
        i["pt"] = expr(a.lo);
      }
      idx.append(i);
    }
    d["idx"] = idx;
  } else if (auto* s = e.as<StrideExprNode>()) {
    d["name"] = s->name.name();
    d["dim"] = s->dim;
  } else if (auto* rc = e.as<ReadConfigNode>()) {
    d["config"] = rc->config->name();
    d["field"] = rc->field;
  }
  return d;
}

py::list block(const Block& b);

py::dict stmt(const Stmt& s) {
  py::dict d = node(stmt_kind_name(s->kind), s->srcinfo);
  if (auto* a = s.as<AssignNode>()) {
    d["name"] = a->name.name();
    d["type"] = print_type(a->type);
    d["idx"] = exprs(a->idx);
    d["rhs"] = expr(a->rhs);
  } else if (auto* r = s.as<ReduceNode>()) {
    d["name"] = r->name.name();
    d["type"] = print_type(r->type);
    d["idx"] = exprs(r->idx);
    d["rhs"] = expr(r->rhs);
  } else if (auto* w = s.as<WriteConfigNode>()) {
    d["config"] = w->config->name();
    d["field"] = w->field;
    d["rhs"] = expr(w->rhs);
  } else if (auto* i = s.as<IfNode>()) {
    d["cond"] = expr(i->cond);
    d["body"] = block(i->body);
    d["orelse"] = block(i->orelse);
  } else if (auto* f = s.as<ForNode>()) {
    d["iter"] = f->iter.name();
    d["lo"] = expr(f->lo);
    d["hi"] = expr(f->hi);
    d["body"] = block(f->body);
    d["mode"] = f->mode == LoopMode::Par ? "par" : "seq";
  } else if (auto* al = s.as<AllocNode>()) {
    d["name"] = al->name.name();
    d["type"] = print_type(al->type);
    d["mem"] = al->mem ? py::cast(al->mem->name()) : py::none();
  } else if (auto* c = s.as<CallNode>()) {
    d["proc"] = c->proc->name;
    d["args"] = exprs(c->args);
  } else if (auto* ws = s.as<WindowStmtNode>()) {
    d["name"] = ws->name.name();
    d["rhs"] = expr(ws->rhs);
  }
  return d;
}

py::list block(const Block& b) {
  py::list out;
  for (auto& s : b) out.append(stmt(s));
  return out;
}

py::dict proc_ast(const ProcHandle& h) {
  const ProcNode& p = *h.proc;
  py::dict d = node("Proc", p.srcinfo);
  d["name"] = p.name;
  py::list args;
  for (auto& a : p.args) {
    py::dict ad = node("FnArg", a.srcinfo);
    ad["name"] = a.name.name();
    ad["type"] = print_type(a.type);
    ad["mem"] = a.mem ? py::cast(a.mem->name()) : py::none();
    args.append(ad);
  }
  d["args"] = args;
  d["preds"] = exprs(p.preds);
  d["body"] = block(p.body);
  d["instr"] = p.instr ? py::cast(p.instr->c_instr) : py::none();
  return d;
}

}  // namespace

void define_ast(py::module_& m) {
  m.def("proc_ast", &proc_ast, py::arg("proc"), "The proc as nested dicts (see exo/qast.py).");
}

}  // namespace exo::python
