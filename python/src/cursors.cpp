// Cursors from Python: the conversion of primitives' reference arguments
// (strings or cursors) to the core's references, resolved and forwarded by
// exo::ScheduledProc (exo/schedule/procedure.h), and inspection of the node
// under a cursor (what exo.API_cursors exposes: names, children, literals).
//
// Three handle types reach Python:
//  - CursorHandle: a position (statement, block, gap, expression) in a proc;
//  - ArgHandle: one argument of a proc;
//  - ExprValue: an expression that has no position of its own (the shape of an
//    allocation or argument): it can be inspected but not navigated.

#include <pybind11/stl.h>

#include "bindings.h"
#include "exo/frontend.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"

namespace exo::python {

ProcHandle derive(const ProcHandle& from, const Rewrite& r) { return ProcHandle(from.sched.derive(r)); }

ProcHandle derive(const ProcHandle& from, const Proc& p) { return ProcHandle(from.sched.derive(p)); }

Cursor forward_cursor(const ProcHandle& to, const CursorHandle& c) { return to.sched.forward(c.cursor, c.owner.sched); }

Cursor ref_to_cursor(const ProcHandle& h, py::handle ref, RefKind kind, const std::string& prim, int argno,
                     const std::string& argname) {
  py::object obj = py::reinterpret_borrow<py::object>(ref);
  // A gap follows the statement it was made from (exo-lang's gaps are anchored):
  // `s.after()` of an earlier version is the gap after wherever s went.
  if (py::hasattr(obj, "_type") && py::hasattr(obj, "anchor") && py::hasattr(obj, "_impl")) {
    py::object anchor = obj.attr("anchor")();
    if (py::hasattr(anchor, "_impl") && py::isinstance<CursorHandle>(anchor.attr("_impl"))) {
      auto& a = anchor.attr("_impl").cast<const CursorHandle&>();
      if (a.cursor.is_stmt()) {
        Cursor s = h.sched.forward_or_invalid(a.cursor, a.owner.sched);
        if (s.is_stmt()) {
          bool after = obj.attr("_type").attr("name").cast<std::string>() == "After";
          StmtPath at = s.path;
          if (after) at.back().index += 1;
          return h.sched.resolve(OwnedCursor{h.sched, Cursor::gap(at)}, kind, RefArg{prim, argno, argname});
        }
      }
    }
  }
  if (!py::isinstance<CursorHandle>(obj) && py::hasattr(obj, "_impl")) obj = obj.attr("_impl");
  RefArg arg{prim, argno, argname};
  if (py::isinstance<py::str>(obj)) return h.sched.resolve(obj.cast<std::string>(), kind, arg);
  if (py::isinstance<CursorHandle>(obj)) {
    auto& c = obj.cast<const CursorHandle&>();
    return h.sched.resolve(OwnedCursor{c.owner.sched, c.cursor}, kind, arg);
  }
  argument_error(prim, argno, argname, std::string("expected ") + ref_kind_word(kind) + " (a pattern string or a cursor)");
}

namespace {

// ---------------------------------------------------------------------------
// Inspection of nodes (shared by positioned and detached expressions)
// ---------------------------------------------------------------------------

// An expression with no position (shape of an allocation or argument).
struct ExprValue {
  ProcHandle owner;
  Expr e;
};

// One argument of a proc.
// exo-lang's `cursor._impl._node`, read-only: prints as the node; `.type` is
// the node's type (an assignment's: its element type).
struct NodeView {
  std::string text, type;
};

struct ArgHandle {
  ProcHandle owner;
  int index = 0;
  const FnArg& arg() const { return owner.proc->args[index]; }
};

[[noreturn]] void not_applicable(const std::string& what, const std::string& kind) {
  throw Error(ErrorKind::Api, SrcInfo{}, what + " is not defined for a cursor to " + kind);
}

// "For", "Assign", ... for statements; "Read", "Const", ... for expressions.
std::string node_kind(const Proc& p, const Cursor& c) {
  switch (c.kind) {
    case CursorKind::Invalid: return "invalid";
    case CursorKind::Block: return "block";
    case CursorKind::Gap: return "gap";
    case CursorKind::Stmt: {
      Stmt s = resolve_stmt(p, c);
      return s ? stmt_kind_name(s->kind) : "invalid";
    }
    case CursorKind::Expr: {
      Expr e = resolve_expr(p, c);
      return e ? expr_kind_name(e->kind) : "invalid";
    }
  }
  return "invalid";
}

std::string expr_name(const Expr& e) {
  if (auto* r = e.as<ReadNode>()) return r->name.name();
  if (auto* w = e.as<WindowExprNode>()) return w->name.name();
  if (auto* s = e.as<StrideExprNode>()) return s->name.name();
  if (auto* x = e.as<ExternCallNode>()) return x->fn->name();
  not_applicable("name()", expr_kind_name(e->kind));
}

std::string stmt_name(const Stmt& s) {
  if (auto* f = s.as<ForNode>()) return f->iter.name();
  if (auto* a = s.as<AssignNode>()) return a->name.name();
  if (auto* r = s.as<ReduceNode>()) return r->name.name();
  if (auto* a = s.as<AllocNode>()) return a->name.name();
  if (auto* w = s.as<WindowStmtNode>()) return w->name.name();
  not_applicable("name()", stmt_kind_name(s->kind));
}

// A literal as the Python value exo-lang gives: bool, int (control) or float (data).
py::object literal_value(const Expr& e) {
  auto* c = e.as<ConstNode>();
  if (!c) not_applicable("value()", expr_kind_name(e->kind));
  if (e->type.is_bool()) return py::bool_(c->ival != 0);
  if (c->is_int()) return py::int_(static_cast<long long>(c->ival));
  return py::float_(c->fval);
}

std::string binop_op(const Expr& e) {
  auto* b = e.as<BinOpNode>();
  if (!b) not_applicable("op()", expr_kind_name(e->kind));
  return binop_symbol(b->op);
}

// Per window coordinate: true for an interval lo:hi, false for a point.
std::vector<bool> window_intervals(const Expr& e) {
  auto* w = e.as<WindowExprNode>();
  if (!w) not_applicable("idx() of a window", expr_kind_name(e->kind));
  std::vector<bool> out;
  for (auto& a : w->idx) out.push_back(a.is_interval);
  return out;
}

std::string type_name(const Type& t) { return std::string(scalar_kind_name(t.base)); }

py::object mem_of(const MemoryPtr& m) { return m ? py::cast(MemoryHandle{m}) : py::none(); }

// The memory of an argument, as exo-lang's ArgCursor.mem(): a buffer's or data
// scalar's own; DRAM for bool and stride arguments (exo-lang gives every argument
// one); a size, index or int argument has none, and asking is an error (an
// assertion in exo-lang).
py::object arg_mem(const ArgHandle& a) {
  const FnArg& arg = a.arg();
  if (arg.mem) return mem_of(arg.mem);
  ScalarKind k = arg.type.base;
  if (k == ScalarKind::Int || k == ScalarKind::Index || k == ScalarKind::Size)
    throw_api_assertion(arg.srcinfo, "mem() is not defined for the " + std::string(scalar_kind_name(k)) +
                                         " argument '" + arg.name.name() + "' of '" + a.owner.proc->name +
                                         "': only buffers and scalars have a memory");
  return mem_of(dram());
}

std::vector<ExprValue> shape_values(const ProcHandle& owner, const Type& t) {
  std::vector<ExprValue> out;
  for (auto& e : t.shape) out.push_back(ExprValue{owner, e});
  return out;
}

// ---------------------------------------------------------------------------
// Positioned cursors
// ---------------------------------------------------------------------------

Stmt stmt_of(const CursorHandle& c, const char* what) {
  Stmt s = c.cursor.is_stmt() ? resolve_stmt(c.owner.proc, c.cursor) : Stmt();
  if (!s) not_applicable(what, node_kind(c.owner.proc, c.cursor));
  return s;
}

Expr expr_of(const CursorHandle& c, const char* what) {
  Expr e = resolve_expr(c.owner.proc, c.cursor);
  if (!e) not_applicable(what, node_kind(c.owner.proc, c.cursor));
  return e;
}

// Child expressions of a statement (exo/cursor.h's numbering) or expression.
std::vector<CursorHandle> child_exprs(const CursorHandle& c) {
  std::vector<CursorHandle> out;
  const Proc& p = c.owner.proc;
  size_t n = 0;
  if (c.cursor.is_stmt()) {
    n = stmt_exprs(stmt_of(c, "exprs()")).size();
  } else if (c.cursor.is_expr()) {
    n = expr_children(expr_of(c, "exprs()")).size();
  } else {
    not_applicable("exprs()", node_kind(p, c.cursor));
  }
  for (size_t i = 0; i < n; ++i) {
    std::vector<int> ep = c.cursor.expr_path;
    ep.push_back(static_cast<int>(i));
    out.push_back(CursorHandle{c.owner, Cursor::expr(c.cursor.path, std::move(ep))});
  }
  return out;
}

std::string cursor_name(const CursorHandle& c) {
  if (c.cursor.is_expr()) return expr_name(expr_of(c, "name()"));
  return stmt_name(stmt_of(c, "name()"));
}

// Scalar type: of an expression, the element written by an Assign/Reduce, or an Alloc.
std::string cursor_type(const CursorHandle& c) {
  if (c.cursor.is_expr()) return type_name(expr_of(c, "type()")->type);
  Stmt s = stmt_of(c, "type()");
  if (auto* a = s.as<AssignNode>()) return type_name(a->type);
  if (auto* r = s.as<ReduceNode>()) return type_name(r->type);
  if (auto* a = s.as<AllocNode>()) return type_name(a->type);
  not_applicable("type()", stmt_kind_name(s->kind));
}

const AllocNode* alloc_of(const CursorHandle& c, const char* what) {
  Stmt s = stmt_of(c, what);
  auto* a = s.as<AllocNode>();
  if (!a) not_applicable(what, stmt_kind_name(s->kind));
  return a;
}

std::vector<CursorHandle> handles(const ProcHandle& h, const std::vector<Cursor>& cs) {
  std::vector<CursorHandle> out;
  for (auto& c : cs) out.push_back(CursorHandle{h, c});
  return out;
}

// The statement `i` of a Block cursor (negative i counts from the end).
CursorHandle block_item(const CursorHandle& c, int i) {
  if (!c.cursor.is_block()) not_applicable("indexing", node_kind(c.owner.proc, c.cursor));
  if (i < 0) i += c.cursor.count;
  if (i < 0 || i >= c.cursor.count) throw py::index_error("block cursor index out of range");
  StmtPath p = c.cursor.path;
  p.back().index += i;
  return CursorHandle{c.owner, Cursor::stmt(std::move(p))};
}

// Statements [lo, hi) of a Block cursor as a Block (Invalid when empty).
CursorHandle block_slice(const CursorHandle& c, int lo, int hi) {
  if (!c.cursor.is_block()) not_applicable("slicing", node_kind(c.owner.proc, c.cursor));
  lo = std::clamp(lo, 0, c.cursor.count);
  hi = std::clamp(hi, lo, c.cursor.count);
  if (hi == lo) return CursorHandle{c.owner, Cursor::invalid()};
  StmtPath p = c.cursor.path;
  p.back().index += lo;
  return CursorHandle{c.owner, Cursor::block(std::move(p), hi - lo)};
}

// The statement a gap is anchored to: the one after it, or (with `after`, or at
// the end of its block) the one before it.
CursorHandle gap_anchor(const CursorHandle& c, bool after) {
  if (!c.cursor.is_gap()) not_applicable("anchor()", node_kind(c.owner.proc, c.cursor));
  const Block* b = resolve_parent_block(c.owner.proc, c.cursor.path);
  StmtPath p = c.cursor.path;
  if (b && (after || p.back().index >= static_cast<int>(b->size()))) p.back().index -= 1;
  Cursor s = Cursor::stmt(std::move(p));
  return CursorHandle{c.owner, is_valid_in(c.owner.proc, s) ? s : Cursor::invalid()};
}

int block_len(const CursorHandle& c) {
  if (!c.cursor.is_block()) not_applicable("len()", node_kind(c.owner.proc, c.cursor));
  return c.cursor.count;
}

void define_inspection(py::class_<CursorHandle>& cls) {
  cls.def("node_kind", [](const CursorHandle& c) { return node_kind(c.owner.proc, c.cursor); },
          "\"For\", \"Assign\", ... (statements), \"Read\", \"Const\", ... (expressions), "
          "\"block\", \"gap\" or \"invalid\".")
      .def("exprs", &child_exprs, "Child expression cursors (exo/cursor.h's numbering).")
      .def("name", &cursor_name)
      .def("type_name", &cursor_type, "Scalar type name: \"f32\", \"index\", ...")
      .def("value", [](const CursorHandle& c) { return literal_value(expr_of(c, "value()")); })
      .def("op", [](const CursorHandle& c) { return binop_op(expr_of(c, "op()")); })
      .def("window_intervals", [](const CursorHandle& c) { return window_intervals(expr_of(c, "idx()")); })
      .def("stride_dim", [](const CursorHandle& c) {
        auto* s = expr_of(c, "dim()").as<StrideExprNode>();
        if (!s) not_applicable("dim()", node_kind(c.owner.proc, c.cursor));
        return s->dim;
      })
      .def("config", [](const CursorHandle& c) -> ConfigHandle {
        if (c.cursor.is_expr()) {
          auto* r = expr_of(c, "config()").as<ReadConfigNode>();
          if (r) return ConfigHandle{r->config};
        } else if (auto* w = stmt_of(c, "config()").as<WriteConfigNode>()) {
          return ConfigHandle{w->config};
        }
        not_applicable("config()", node_kind(c.owner.proc, c.cursor));
      })
      .def("field", [](const CursorHandle& c) -> std::string {
        if (c.cursor.is_expr()) {
          auto* r = expr_of(c, "field()").as<ReadConfigNode>();
          if (r) return r->field;
        } else if (auto* w = stmt_of(c, "field()").as<WriteConfigNode>()) {
          return w->field;
        }
        not_applicable("field()", node_kind(c.owner.proc, c.cursor));
      })
      .def("subproc", [](const CursorHandle& c) {
        Stmt s = stmt_of(c, "subproc()");
        auto* call = s.as<CallNode>();
        if (!call) not_applicable("subproc()", stmt_kind_name(s->kind));
        return ProcHandle(call->proc);
      })
      .def("alloc_mem", [](const CursorHandle& c) { return mem_of(alloc_of(c, "mem()")->mem); })
      .def("alloc_is_tensor", [](const CursorHandle& c) { return alloc_of(c, "is_tensor()")->type.is_tensor; })
      .def("alloc_shape", [](const CursorHandle& c) { return shape_values(c.owner, alloc_of(c, "shape()")->type); })
      .def("loop_mode", [](const CursorHandle& c) {
        auto* f = stmt_of(c, "loop_mode()").as<ForNode>();
        if (!f) not_applicable("loop_mode()", node_kind(c.owner.proc, c.cursor));
        return f->mode == LoopMode::Par ? "par" : "seq";
      })
      .def("block_len", &block_len)
      .def("block_item", [](const CursorHandle& c, py::object i) { return block_item(c, clamped_int(i, "index")); })
      .def("block_slice", [](const CursorHandle& c, py::object lo, py::object hi) {
        return block_slice(c, clamped_int(lo, "slice start"), clamped_int(hi, "slice stop"));
      })
      .def("gap_anchor", &gap_anchor, py::arg("after") = false)
      .def("is_ancestor_of", [](const CursorHandle& a, const CursorHandle& b) {
        // Reflexive, as exo-lang's: a statement is its own ancestor.
        return a.owner.proc.get() == b.owner.proc.get() && a.cursor.is_stmt() &&
               (a.cursor == b.cursor || cursor_within(a.cursor, b.cursor));
      })
      .def("find", [](const CursorHandle& c, const std::string& pattern) {
        if (!c.cursor.is_stmt() && !c.cursor.is_block() && !c.cursor.is_expr())
          not_applicable("find()", node_kind(c.owner.proc, c.cursor));
        return handles(c.owner, c.owner.sched.find_all(pattern, c.cursor));
      });
}

template <class T>
void define_detached_expr(py::class_<T>& cls) {
  cls.def("node_kind", [](const ExprValue& v) { return std::string(expr_kind_name(v.e->kind)); })
      .def_property_readonly("_node", [](const ExprValue& v) { return NodeView{print_expr(v.e), print_type(v.e->type)}; })
      .def("kind", [](const ExprValue&) { return "expr"; })
      .def("proc", [](const ExprValue& v) { return v.owner; })
      .def("path", [](const ExprValue& v) { return "detached " + print_expr(v.e); })
      .def("text", [](const ExprValue& v) { return print_expr(v.e); })
      .def("shown", [](const ExprValue& v) { return print_expr(v.e); })
      .def("exprs", [](const ExprValue& v) {
        std::vector<ExprValue> out;
        for (auto& k : expr_children(v.e)) out.push_back(ExprValue{v.owner, k});
        return out;
      })
      .def("name", [](const ExprValue& v) { return expr_name(v.e); })
      .def("type_name", [](const ExprValue& v) { return type_name(v.e->type); })
      .def("value", [](const ExprValue& v) { return literal_value(v.e); })
      .def("op", [](const ExprValue& v) { return binop_op(v.e); })
      .def("window_intervals", [](const ExprValue& v) { return window_intervals(v.e); })
      .def("__eq__", [](const ExprValue& a, const ExprValue& b) { return a.e.same_as(b.e); })
      .def("__hash__", [](const ExprValue& v) { return reinterpret_cast<uintptr_t>(v.e.get()); });
}

}  // namespace

void define_cursors(py::module_& m) {
  py::class_<CursorHandle> cls(m, "CursorHandle", "A position in a procedure (see exo/cursor.h).");
  cls.def("kind", [](const CursorHandle& c) {
        switch (c.cursor.kind) {
          case CursorKind::Stmt: return "stmt";
          case CursorKind::Block: return "block";
          case CursorKind::Gap: return "gap";
          case CursorKind::Expr: return "expr";
          default: return "invalid";
        }
      })
      .def("proc", [](const CursorHandle& c) { return c.owner; })
      .def("path", [](const CursorHandle& c) { return c.cursor.str(); })
      .def("is_valid", [](const CursorHandle& c) { return is_valid_in(c.owner.proc, c.cursor); })
      .def("stmt_kind", [](const CursorHandle& c) -> std::string {
        Stmt s = resolve_stmt(c.owner.proc, c.cursor);
        return s ? std::string(stmt_kind_name(s->kind)) : "";
      })
      .def("text", [](const CursorHandle& c) -> std::string {
        const Proc& p = c.owner.proc;
        if (c.cursor.is_expr()) return print_expr(resolve_expr(p, c.cursor));
        std::string out;
        for (auto& s : resolve_stmts(p, c.cursor)) out += print_stmt(s);
        return out;
      })
      // exo-lang's internal views its users reach for: `_impl._node` prints the
      // node, `_impl.get_root()` the whole procedure (read-only text here).
      .def_property_readonly("_node", [](const CursorHandle& c) {
        const Proc& p = c.owner.proc;
        if (c.cursor.is_expr()) {
          Expr e = resolve_expr(p, c.cursor);
          return NodeView{print_expr(e), print_type(e->type)};
        }
        std::string out, type;
        for (auto& s : resolve_stmts(p, c.cursor)) {
          out += print_stmt(s);
          if (auto* a = s.as<AssignNode>()) type = print_type(a->type);
          if (auto* r = s.as<ReduceNode>()) type = print_type(r->type);
          if (auto* a = s.as<AllocNode>()) type = print_type(a->type);
        }
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return NodeView{out, type};
      })
      .def("get_root", [](const CursorHandle& c) {
        std::string out = print_proc(c.owner.proc);
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return out;
      })
      .def("shown", [](const CursorHandle& c) -> std::string {
        // str(cursor), as exo-lang prints it: the whole proc, this position shown.
        const Cursor& k = c.cursor;
        if (k.is_expr()) return print_expr(resolve_expr(c.owner.proc, k));
        return print_proc_showing(c.owner.proc, k.path, k.is_gap() ? 0 : k.is_block() ? k.count : 1);
      })
      .def("marked", [](const CursorHandle& c) {
        // The whole proc with this position marked (statements, blocks, gaps).
        const Cursor& k = c.cursor;
        if (k.is_expr()) return print_proc_marked(c.owner.proc, k.path, 1, print_expr(resolve_expr(c.owner.proc, k)));
        return print_proc_marked(c.owner.proc, k.path, k.is_gap() ? 0 : k.is_block() ? k.count : 1);
      })
      .def("__eq__", [](const CursorHandle& a, const CursorHandle& b) {
        return a.owner.proc.get() == b.owner.proc.get() && a.cursor == b.cursor;
      })
      .def("__hash__", [](const CursorHandle& c) {
        return py::hash(py::make_tuple(reinterpret_cast<uintptr_t>(c.owner.proc.get()), c.cursor.str()));
      })
      .def("parent", [](const CursorHandle& c) { return CursorHandle{c.owner, parent(c.cursor)}; })
      .def("next",
           [](const CursorHandle& c, py::object d) {
             return CursorHandle{c.owner, next(c.owner.proc, c.cursor, clamped_int(d, "next(dist)"))};
           },
           py::arg("dist") = 1)
      .def("prev",
           [](const CursorHandle& c, py::object d) {
             return CursorHandle{c.owner, prev(c.owner.proc, c.cursor, clamped_int(d, "prev(dist)"))};
           },
           py::arg("dist") = 1)
      .def("before", [](const CursorHandle& c) { return CursorHandle{c.owner, before(c.cursor)}; })
      .def("after", [](const CursorHandle& c) { return CursorHandle{c.owner, after(c.cursor)}; })
      .def("body", [](const CursorHandle& c) { return CursorHandle{c.owner, body(c.owner.proc, c.cursor)}; })
      .def("orelse", [](const CursorHandle& c) { return CursorHandle{c.owner, orelse(c.owner.proc, c.cursor)}; })
      .def("as_block", [](const CursorHandle& c) { return CursorHandle{c.owner, as_block(c.cursor)}; })
      .def("expand",
           [](const CursorHandle& c, py::object lo, py::object hi) {
             return CursorHandle{c.owner, expand(c.owner.proc, c.cursor, clamped_int(lo, "expand(delta_lo)"),
                                                 clamped_int(hi, "expand(delta_hi)"))};
           },
           py::arg("lo") = -1, py::arg("hi") = -1);
  define_inspection(cls);

  py::class_<ExprValue> ev(m, "ExprValue", "An expression without a position (a shape extent).");
  define_detached_expr(ev);

  py::class_<NodeView>(m, "NodeView", "The text and type of a node (exo-lang's _impl._node, read-only).")
      .def("__str__", [](const NodeView& n) { return n.text; })
      .def("__repr__", [](const NodeView& n) { return n.text; })
      .def("__eq__", [](const NodeView& n, const std::string& s) { return n.text == s; })
      .def_property_readonly("type", [](const NodeView& n) { return n.type; });
  py::class_<ArgHandle>(m, "ArgHandle", "An argument of a procedure.")
      .def("proc", [](const ArgHandle& a) { return a.owner; })
      .def("index", [](const ArgHandle& a) { return a.index; })
      .def("name", [](const ArgHandle& a) { return a.arg().name.name(); })
      .def("type_name", [](const ArgHandle& a) { return type_name(a.arg().type); })
      .def("type_str", [](const ArgHandle& a) { return print_type(a.arg().type); })
      .def("is_tensor", [](const ArgHandle& a) { return a.arg().type.is_tensor; })
      .def("is_window", [](const ArgHandle& a) { return a.arg().type.is_window; })
      .def("shape", [](const ArgHandle& a) { return shape_values(a.owner, a.arg().type); })
      .def("mem", [](const ArgHandle& a) { return arg_mem(a); })
      .def("__eq__", [](const ArgHandle& a, const ArgHandle& b) {
        return a.owner.proc.get() == b.owner.proc.get() && a.index == b.index;
      })
      .def("__hash__", [](const ArgHandle& a) {
        return py::hash(py::make_tuple(reinterpret_cast<uintptr_t>(a.owner.proc.get()), a.index));
      });

  m.def("proc_args", [](const ProcHandle& h) {
    std::vector<ArgHandle> out;
    for (size_t i = 0; i < h.proc->args.size(); ++i) out.push_back(ArgHandle{h, static_cast<int>(i)});
    return out;
  });
  m.def("proc_body", [](const ProcHandle& h) {
    return CursorHandle{h, Cursor::block(StmtPath{PathStep{false, 0}}, static_cast<int>(h.proc->body.size()))};
  });
  m.def("find", [](const ProcHandle& h, const std::string& pattern, bool many) {
    if (many) return handles(h, h.sched.find_all(pattern));
    return handles(h, {find_cursor(h.proc, pattern)});
  });
  m.def("find_loop", [](const ProcHandle& h, const std::string& ref, bool many) {
    if (!many) return handles(h, {find_loop(h.proc, ref)});
    std::vector<CursorHandle> out;
    for (auto& c : h.sched.find_all(loop_pattern(ref)))
      if (c.is_stmt() && resolve_stmt(h.proc, c)->kind == StmtKind::For) out.push_back(CursorHandle{h, c});
    return out;
  });
  // Reference syntax (exo/match.h), for the Python layer's choice between forms.
  m.def("is_plain_name", &is_plain_name, py::arg("ref"), "Whether ref is a name (\"i\", \"i #1\"), not a pattern.");
  m.def(
      "parse_loop_nest_ref",
      [](const std::string& ref) -> py::object {
        auto nest = parse_loop_nest_ref(ref);
        if (!nest) return py::none();
        return py::make_tuple(nest->outer, nest->inner, nest->occurrence);
      },
      py::arg("ref"), "(outer, inner, occurrence) of a loop nest shorthand \"i j #N\", or None.");
  m.def("find_alloc", [](const ProcHandle& h, const std::string& ref) { return CursorHandle{h, find_alloc(h.proc, ref)}; });
  // The argument named `name`, if any (-1 otherwise): find_alloc_or_arg's fallback.
  m.def("find_arg", [](const ProcHandle& h, const std::string& name) -> py::object {
    for (size_t i = 0; i < h.proc->args.size(); ++i)
      if (h.proc->args[i].name.name() == name) return py::cast(ArgHandle{h, static_cast<int>(i)});
    return py::none();
  });
  m.def("forward", [](const ProcHandle& h, const CursorHandle& c) { return CursorHandle{h, forward_cursor(h, c)}; });
  m.def("forward_or_invalid", [](const ProcHandle& h, const CursorHandle& c) {
    return CursorHandle{h, h.sched.forward_or_invalid(c.cursor, c.owner.sched)};
  }, "Like forward, but a destroyed position gives an invalid cursor instead of an error.");
}

}  // namespace exo::python
