// Cursors from Python: lineage of scheduled procs, forwarding, and the
// conversion of primitives' reference arguments (strings or cursors).

#include <pybind11/stl.h>

#include "bindings.h"
#include "exo/match.h"
#include "exo/printer.h"
#include "exo/scheduling.h"

namespace exo::python {

ProcHandle derive(const ProcHandle& from, const Rewrite& r) {
  return ProcHandle{r.proc, std::make_shared<const ProcHandle>(from), r.forward};
}

ProcHandle derive(const ProcHandle& from, const Proc& p) {
  return ProcHandle{p, std::make_shared<const ProcHandle>(from), identity_forward()};
}

Cursor forward_cursor(const ProcHandle& to, const CursorHandle& c) {
  // Walk from `to` back to c's proc, collecting the forwardings on the way.
  std::vector<const Forward*> steps;
  const ProcHandle* at = &to;
  while (at && at->proc.get() != c.owner.proc.get()) {
    steps.push_back(&at->from_parent);
    at = at->parent.get();
  }
  if (!at)
    throw Error(ErrorKind::Api, SrcInfo{},
                "cannot forward a cursor of procedure '" + c.owner.proc->name + "' to procedure '" + to.proc->name +
                    "': it was not scheduled from that procedure");
  Cursor cur = c.cursor;
  for (auto it = steps.rbegin(); it != steps.rend() && cur.valid(); ++it) cur = (**it)(cur);
  if (!cur.valid())
    throw Error(ErrorKind::Scheduling, SrcInfo{},
                "the cursor " + c.cursor.str() + " of procedure '" + c.owner.proc->name +
                    "' no longer points at anything in '" + to.proc->name + "': a rewrite removed it");
  return cur;
}

namespace {

const char* kind_word(RefKind k) {
  switch (k) {
    case RefKind::Stmt: return "a statement";
    case RefKind::Loop: return "a loop";
    case RefKind::Alloc: return "an allocation";
    case RefKind::Expr: return "an expression";
    case RefKind::Block: return "a block of statements";
    case RefKind::Any: return "a statement or expression";
  }
  return "a reference";
}

bool fits(const Proc& p, const Cursor& c, RefKind k) {
  switch (k) {
    case RefKind::Stmt: return c.is_stmt();
    case RefKind::Loop: return c.is_stmt() && resolve_stmt(p, c)->kind == StmtKind::For;
    case RefKind::Alloc: return c.is_stmt() && resolve_stmt(p, c)->kind == StmtKind::Alloc;
    case RefKind::Expr: return c.is_expr();
    case RefKind::Block: return c.is_stmt() || c.is_block();
    case RefKind::Any: return c.valid();
  }
  return false;
}

}  // namespace

Cursor ref_to_cursor(const ProcHandle& h, py::handle ref, RefKind kind, const std::string& prim, int argno,
                     const std::string& argname) {
  py::object obj = py::reinterpret_borrow<py::object>(ref);
  if (!py::isinstance<CursorHandle>(obj) && py::hasattr(obj, "_impl")) obj = obj.attr("_impl");
  Cursor c;
  if (py::isinstance<py::str>(obj)) {
    std::string text = obj.cast<std::string>();
    switch (kind) {
      case RefKind::Loop: c = find_loop(h.proc, text); break;
      case RefKind::Alloc: c = find_alloc(h.proc, text); break;
      case RefKind::Stmt: c = find_stmt(h.proc, text); break;
      default: c = find_cursor(h.proc, text); break;
    }
  } else if (py::isinstance<CursorHandle>(obj)) {
    c = forward_cursor(h, obj.cast<const CursorHandle&>());
  } else {
    argument_error(prim, argno, argname, std::string("expected ") + kind_word(kind) + " (a pattern string or a cursor)");
  }
  if (!fits(h.proc, c, kind))
    argument_error(prim, argno, argname, std::string("expected ") + kind_word(kind) + ", got " + c.str());
  return c;
}

void define_cursors(py::module_& m) {
  py::class_<CursorHandle>(m, "CursorHandle", "A position in a procedure (see exo/cursor.h).")
      .def("kind", [](const CursorHandle& c) {
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
      .def("__eq__", [](const CursorHandle& a, const CursorHandle& b) {
        return a.owner.proc.get() == b.owner.proc.get() && a.cursor == b.cursor;
      })
      .def("parent", [](const CursorHandle& c) { return CursorHandle{c.owner, parent(c.cursor)}; })
      .def("next", [](const CursorHandle& c, int d) { return CursorHandle{c.owner, next(c.owner.proc, c.cursor, d)}; },
           py::arg("dist") = 1)
      .def("prev", [](const CursorHandle& c, int d) { return CursorHandle{c.owner, prev(c.owner.proc, c.cursor, d)}; },
           py::arg("dist") = 1)
      .def("before", [](const CursorHandle& c) { return CursorHandle{c.owner, before(c.cursor)}; })
      .def("after", [](const CursorHandle& c) { return CursorHandle{c.owner, after(c.cursor)}; })
      .def("body", [](const CursorHandle& c) { return CursorHandle{c.owner, body(c.owner.proc, c.cursor)}; })
      .def("orelse", [](const CursorHandle& c) { return CursorHandle{c.owner, orelse(c.owner.proc, c.cursor)}; })
      .def("as_block", [](const CursorHandle& c) { return CursorHandle{c.owner, as_block(c.cursor)}; })
      .def("expand",
           [](const CursorHandle& c, int lo, int hi) { return CursorHandle{c.owner, expand(c.owner.proc, c.cursor, lo, hi)}; },
           py::arg("lo") = -1, py::arg("hi") = -1);

  m.def("find", [](const ProcHandle& h, const std::string& pattern, bool many) {
    std::vector<CursorHandle> out;
    if (many) {
      for (auto& c : match_pattern(h.proc, pattern)) out.push_back(CursorHandle{h, c});
    } else {
      out.push_back(CursorHandle{h, find_cursor(h.proc, pattern)});
    }
    return out;
  });
  m.def("find_loop", [](const ProcHandle& h, const std::string& ref, bool many) {
    std::vector<CursorHandle> out;
    if (!many) {
      out.push_back(CursorHandle{h, find_loop(h.proc, ref)});
      return out;
    }
    std::string pat = is_plain_name(ref) ? "for " + ref + " in _: _" : ref;
    for (auto& c : match_pattern(h.proc, pat))
      if (c.is_stmt() && resolve_stmt(h.proc, c)->kind == StmtKind::For) out.push_back(CursorHandle{h, c});
    return out;
  });
  m.def("find_alloc", [](const ProcHandle& h, const std::string& ref) { return CursorHandle{h, find_alloc(h.proc, ref)}; });
  m.def("forward", [](const ProcHandle& h, const CursorHandle& c) { return CursorHandle{h, forward_cursor(h, c)}; });
}

}  // namespace exo::python
