#pragma once
// Argument conversions and method shapes shared by the scheduling binding files.
#include <string>

#include "bindings.h"
#include "exo/schedule/match.h"

namespace exo::python {

// A plain name ("i", "i #1") means a loop; anything else is a statement pattern or a cursor.
inline Cursor loop_or_stmt(const ProcHandle& h, py::handle ref, const char* prim, int argno,
                           const char* argname) {
  bool name = py::isinstance<py::str>(ref) && is_plain_name(ref.cast<std::string>());
  return ref_to_cursor(h, ref, name ? RefKind::Loop : RefKind::Stmt, prim, argno, argname);
}

// Defines the method `prim(ref)` of a primitive whose only argument is a reference:
// `ref` (argument 1, `argname`) is resolved as `kind` and the proc is derived
// from `apply(proc, cursor)`.
template <class Apply>
void def_on_cursor(ProcClass& c, const char* prim, RefKind kind, const char* argname, Apply apply) {
  c.def(prim, [prim, kind, argname, apply](const ProcHandle& h, py::object ref) {
    return derive(h, apply(h.proc, ref_to_cursor(h, ref, kind, prim, 1, argname)));
  });
}

}  // namespace exo::python
