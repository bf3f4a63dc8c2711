// The one place a scheduling primitive's arguments are converted and checked.
//
// Each ArgKind (sched_records.h) turns a Python value into the core's typed
// value or refuses it with exo-lang's wording, "argument N, 'name' to op:
// expected ...", as exo.ApiTypeError (also a TypeError: a value of the wrong
// type, or an integer out of the core's range) or exo.ApiError (also a
// ValueError: the right type but not an allowed value). Integers are taken
// exactly or refused, never truncated.
#include <pybind11/stl.h>

#include <climits>
#include <cmath>
#include <sstream>

#include <optional>

#include "exo/schedule/match.h"
#include "exo/names.h"
#include "exo/types.h"
#include "sched_records.h"

namespace exo::python {

namespace {

struct Ctx {
  const Surface& surface;
  int argno;
  const Param& p;

  std::string prefix() const {
    return "argument " + std::to_string(argno) + ", '" + p.name + "' to " + surface.name + ": ";
  }
  [[noreturn]] void type_error(const std::string& msg) const { throw_api_type_error(prefix() + msg); }
  [[noreturn]] void value_error(const std::string& msg) const {
    throw Error(ErrorKind::Api, SrcInfo{}, prefix() + msg);
  }
};

std::string shown(py::handle v) {
  std::string s = py::repr(v).cast<std::string>();
  if (s.size() > 40)
    s = s.substr(0, 18) + "..." + s.substr(s.size() - 18) + " (" + std::to_string(s.size()) + " digits)";
  return s;
}

bool is_str(py::handle v) { return py::isinstance<py::str>(v); }
bool is_int(py::handle v) { return !PyBool_Check(v.ptr()) && PyIndex_Check(v.ptr()); }
bool is_seq(py::handle v) { return py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v); }

// An integer in [lo, hi] (any type with __index__ but bool), `what` naming it.
long long integer(const Ctx& c, py::handle v, long long lo, long long hi, const std::string& what) {
  if (!is_int(v)) c.type_error("expected " + what + ", got " + shown(v));
  py::object i = py::reinterpret_steal<py::object>(PyNumber_Index(v.ptr()));
  if (!i) {
    PyErr_Clear();
    c.type_error("expected " + what + ", got " + shown(v));
  }
  int overflow = 0;
  long long x = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
  if (overflow || x < lo || x > hi)
    c.type_error("expected " + what + " in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                 shown(v));
  return x;
}

std::string name(const Ctx& c, py::handle v) {
  if (!is_str(v)) c.type_error("expected a valid name");
  std::string s = v.cast<std::string>();
  if (!is_valid_new_name(s)) c.type_error("expected a valid name, got '" + s + "'");
  return s;
}

// Exo text for an expression: numbers and bools become literals (exact: an
// integer must fit in 64 bits, a float must be finite).
std::string expr_text(const Ctx& c, py::handle v) {
  if (PyBool_Check(v.ptr())) return v.ptr() == Py_True ? "True" : "False";
  if (is_int(v))
    return std::to_string(integer(c, v, -LLONG_MAX - 1, LLONG_MAX, "an integer (or an Exo expression string)"));
  if (PyFloat_Check(v.ptr())) {
    double d = v.cast<double>();
    if (!std::isfinite(d)) c.type_error("expected a finite number, got " + shown(v));
    return py::repr(py::float_(d)).cast<std::string>();
  }
  if (!is_str(v)) c.type_error("expected an Exo expression string");
  return v.cast<std::string>();
}

std::string strict_text(const Ctx& c, py::handle v) {
  if (PyBool_Check(v.ptr()) || PyFloat_Check(v.ptr())) c.type_error("expected a string");
  return expr_text(c, v);
}

// The object behind a Python wrapper (its `_handle`), if it is a T.
template <class T>
const T* handle_of(py::handle v) {
  if (!py::hasattr(v, "_handle")) return nullptr;
  py::object h = v.attr("_handle");
  return py::isinstance<T>(h) ? &h.cast<const T&>() : nullptr;
}

Cursor ref(const ProcHandle& h, const Ctx& c, py::handle v, RefKind k) {
  return ref_to_cursor(h, v, k, c.surface.name, c.argno, c.p.name);
}

bool plain_name(py::handle v) { return is_str(v) && is_plain_name(v.cast<std::string>()); }

std::string join(const std::vector<std::string>& xs) {
  std::string out;
  for (auto& x : xs) out += (out.empty() ? "" : ", ") + x;
  return out;
}

// exo-lang's FormattedExprStr (an object with `_expr_str` and `_expr_holes`):
// the text with its `_` holes filled by the expressions the hole cursors point
// at, typed at the statement of the first cursor argument before it. A plain
// string with a hole is refused: only a FormattedExprStr fills holes.
std::optional<std::string> formatted_text(const ProcHandle& h, const Ctx& c, py::handle v,
                                          const std::vector<Arg>& before) {
  if (is_str(v)) {
    std::string text = v.cast<std::string>();
    if (has_expr_hole(text))
      throw Error(ErrorKind::ParseFragment, SrcInfo(),
                  "String cannot contain holes: '" + text + "' (use FormattedExprStr to fill them with cursors)");
    return std::nullopt;
  }
  if (!py::hasattr(v, "_expr_str") || !py::hasattr(v, "_expr_holes")) return std::nullopt;
  std::vector<Cursor> holes;
  for (auto item : v.attr("_expr_holes")) holes.push_back(ref(h, c, item, RefKind::Expr));
  StmtPath at;
  for (auto& b : before)
    if (b.cursor.valid()) {
      at = b.cursor.path;
      break;
    }
  return fill_expr_holes(h.proc, v.attr("_expr_str").cast<std::string>(), holes, at);
}

}  // namespace

Arg convert_arg(const ProcHandle& h, const Surface& surface, int argno, const Param& p, py::handle v,
                const std::vector<Arg>& before) {
  Ctx c{surface, argno, p};
  Arg a;
  a.obj = py::reinterpret_borrow<py::object>(v);
  if (p.dflt == "None" && v.is_none()) return a;
  a.none = false;
  switch (p.kind) {
    case ArgKind::ExprText:
    case ArgKind::IntOrText:
    case ArgKind::StrictText:
    case ArgKind::IndexText:
      if (auto text = formatted_text(h, c, v, before)) {
        a.s = *text;
        return a;
      }
      break;
    default: break;
  }
  switch (p.kind) {
    case ArgKind::Stmt: a.cursor = ref(h, c, v, RefKind::Stmt); break;
    case ArgKind::Loop: a.cursor = ref(h, c, v, RefKind::Loop); break;
    case ArgKind::Alloc: a.cursor = ref(h, c, v, RefKind::Alloc); break;
    case ArgKind::Expr: a.cursor = ref(h, c, v, RefKind::Expr); break;
    case ArgKind::Block: a.cursor = ref(h, c, v, RefKind::Block); break;
    case ArgKind::AnyRef: a.cursor = ref(h, c, v, RefKind::Any); break;
    case ArgKind::LoopOrStmt: a.cursor = ref(h, c, v, plain_name(v) ? RefKind::Loop : RefKind::Stmt); break;
    case ArgKind::Call: {
      // exo-lang's shorthands: a proc means a call to it, "foo #2" the third call to foo.
      py::object pattern = py::reinterpret_borrow<py::object>(v);
      if (auto* ph = handle_of<ProcHandle>(v)) {
        pattern = py::str(ph->proc->name + "(_)");
      } else if (is_str(v)) {
        if (auto n = parse_name_ref(v.cast<std::string>()))
          pattern = py::str(n->name + "(_)" + n->selector);
      }
      a.cursor = ref(h, c, pattern, RefKind::Stmt);
      Stmt s = resolve_stmt(h.proc, a.cursor);
      if (!s || !s.as<CallNode>()) c.type_error("expected a CallCursor");
      break;
    }
    case ArgKind::Scope: {
      if (!is_str(v) && !py::hasattr(v, "_impl") && !py::isinstance<CursorHandle>(v))
        c.type_error("expected a ForCursor or IfCursor");
      a.cursor = ref(h, c, v, plain_name(v) ? RefKind::Loop : RefKind::Stmt);
      Stmt s = resolve_stmt(h.proc, a.cursor);
      if (!s || (!s.as<ForNode>() && !s.as<IfNode>())) c.type_error("expected a ForCursor or IfCursor");
      break;
    }
    case ArgKind::Gap:
    case ArgKind::GapBetween: {
      if (is_str(v)) c.type_error("expected a GapCursor");
      a.cursor = ref(h, c, v, RefKind::Any);
      if (!a.cursor.is_gap()) c.type_error("expected a GapCursor");
      if (p.kind == ArgKind::GapBetween) {
        const Block* b = resolve_parent_block(h.proc, a.cursor.path);
        int i = a.cursor.index();
        if (!b || i <= 0 || i >= static_cast<int>(b->size()))
          c.value_error("expected cursor to point to a gap between statements, not at an edge");
        a.cursor.path.back().index -= 1;
        a.cursor = Cursor::stmt(a.cursor.path);
      }
      break;
    }
    case ArgKind::StmtPair: {
      if (!is_str(v) && !py::hasattr(v, "_impl") && !py::isinstance<CursorHandle>(v))
        c.type_error("expected a BlockCursor or a pattern matching several statements");
      Cursor b = ref(h, c, v, RefKind::Any);
      if (!b.is_block()) c.type_error("expected a BlockCursor or a pattern matching several statements");
      if (b.count != 2)
        c.value_error("expected a block of size 2, but got a block of size " + std::to_string(b.count));
      a.cursors = {Cursor::stmt(b.path), next(h.proc, Cursor::stmt(b.path))};
      break;
    }
    case ArgKind::ExprRefs: {
      if (is_str(v)) {
        a.s = v.cast<std::string>();
        break;
      }
      py::object items = py::reinterpret_borrow<py::object>(v);
      // A sequence of cursors (a list, a tuple, an ExprListCursor: a cursor object with no position).
      bool positioned = py::isinstance<CursorHandle>(v) || (py::hasattr(v, "_impl") && !v.attr("_impl").is_none());
      if (!is_seq(v) && !positioned && py::hasattr(v, "__iter__")) items = py::list(items);
      if (is_seq(items)) {
        for (auto item : items) a.cursors.push_back(ref(h, c, item, RefKind::Expr));
        if (a.cursors.empty()) c.value_error("expected at least one expression");
      } else {
        a.cursors.push_back(ref(h, c, v, RefKind::Expr));
      }
      break;
    }
    case ArgKind::LoopNest: {
      if (is_str(v)) {
        if (auto nest = parse_loop_nest_ref(v.cast<std::string>())) {
          std::string pattern = "for " + nest->outer + " in _:\n    for " + nest->inner + " in _: _";
          if (nest->occurrence >= 0) pattern += " #" + std::to_string(nest->occurrence);
          a.cursor = find_loop(h.proc, pattern);
          break;
        }
      }
      a.cursor = ref(h, c, v, RefKind::Loop);
      break;
    }
    case ArgKind::BufferRef: {
      // An argument: its name, or an ArgCursor (whose handle names it).
      py::object named = py::reinterpret_borrow<py::object>(v);
      if (py::hasattr(v, "_impl") && py::type::of(v.attr("_impl")).attr("__name__").cast<std::string>() == "ArgHandle")
        named = v.attr("_impl").attr("name")();
      if (is_str(named)) {
        std::string n = named.cast<std::string>();
        for (size_t k = 0; k < h.proc->args.size(); ++k)
          if (h.proc->args[k].name.name() == n) {
            a.buf = BufferRef{static_cast<int>(k), Cursor::invalid()};
            return a;
          }
      }
      a.buf = BufferRef{-1, ref(h, c, v, RefKind::Alloc)};
      break;
    }
    case ArgKind::LoopsShape:
      if (!is_str(v) && !py::hasattr(v, "_impl") && !py::isinstance<CursorHandle>(v))
        c.type_error("expected a ForCursor, pattern match string, or 'outer_loop inner_loop' shorthand");
      break;
    case ArgKind::PosInt: a.i = integer(c, v, 1, LLONG_MAX, "a positive integer"); break;
    case ArgKind::NonNegInt: a.i = integer(c, v, 0, LLONG_MAX, "a non-negative integer"); break;
    case ArgKind::Count: a.i = integer(c, v, 1, INT_MAX, "a positive integer"); break;
    case ArgKind::Dim: a.i = integer(c, v, 0, INT_MAX, "a dimension index"); break;
    case ArgKind::DimList:
      if (!is_seq(v)) c.type_error("expected a list of dimension indices");
      for (auto d : v) a.ints.push_back(static_cast<int>(integer(c, d, 0, INT_MAX, "a dimension index")));
      break;
    case ArgKind::Ident: a.s = name(c, v); break;
    case ArgKind::IdentPair:
      if (!is_seq(v) || py::len(v) != 2) c.type_error("expected a list of length 2");
      for (auto n : v) a.strs.push_back(name(c, n));
      if (a.strs[0] == a.strs[1]) c.type_error("expected two different names");
      break;
    case ArgKind::Bool:
      if (!PyBool_Check(v.ptr())) c.type_error("expected a bool");
      a.b = v.ptr() == Py_True;
      break;
    case ArgKind::OneOf: {
      std::string s = is_str(v) ? v.cast<std::string>() : "";
      if (std::find(p.choices.begin(), p.choices.end(), s) == p.choices.end() || !is_str(v))
        c.value_error("expected one of the following values: " + join(p.choices));
      a.s = s;
      break;
    }
    case ArgKind::Precision: {
      // A string ("f32") or an ExoType member (its value is the spelling).
      bool exo_type = py::hasattr(v, "value") && py::type::of(v).attr("__name__").cast<std::string>() == "ExoType";
      if (!is_str(v) && !exo_type)
        c.type_error("expected an instance of <enum 'ExoType'> or <class 'str'> specifying the precision, got " +
                     shown(v));
      std::string s = exo_type ? v.attr("value").cast<std::string>() : v.cast<std::string>();
      auto k = scalar_kind_from_name(s);
      if (!k || !is_data_kind(*k))
        c.value_error("expected an instance of <enum 'ExoType'> or one of the following strings specifying "
                      "precision: R, f16, f32, f64, i8, ui8, ui16, i32; got '" + s + "'");
      a.s = s;
      break;
    }
    case ArgKind::Text:
      if (!is_str(v)) c.type_error("expected " + (p.what.empty() ? std::string("a string") : p.what));
      a.s = v.cast<std::string>();
      break;
    case ArgKind::ExprText: a.s = expr_text(c, v); break;
    case ArgKind::IntOrText:
      if (is_str(v)) a.s = v.cast<std::string>();
      else if (is_int(v)) a.s = std::to_string(integer(c, v, -LLONG_MAX, LLONG_MAX, "an integer"));
      else c.type_error("expected an int or an expression string");
      break;
    case ArgKind::StrictText: a.s = strict_text(c, v); break;
    case ArgKind::IndexText:
      // Any integer: whether it fits where it goes is the primitive's check.
      if (is_int(v)) a.s = std::to_string(integer(c, v, -LLONG_MAX, LLONG_MAX, "an integer"));
      else if (is_str(v)) a.s = v.cast<std::string>();
      else c.type_error("expected an index expression (a string or an int)");
      break;
    case ArgKind::CondList:
      if (is_seq(v)) {
        for (auto x : v) a.strs.push_back(strict_text(c, x));
      } else {
        a.strs.push_back(strict_text(c, v));
      }
      if (a.strs.empty()) c.value_error("expected at least one condition");
      break;
    case ArgKind::ArgTexts:
      if (!is_seq(v)) c.type_error("expected a list of arguments");
      for (auto x : v) a.strs.push_back(expr_text(c, x));
      break;
    case ArgKind::Memory: {
      py::module_ memory = py::module_::import("exo.memory");
      if (!PyType_Check(v.ptr()) || !PyObject_IsSubclass(v.ptr(), memory.attr("Memory").ptr()))
        c.type_error("expected a Memory subclass");
      a.memory = memory.attr("memory_handle")(v).cast<const MemoryHandle&>().mem;
      break;
    }
    case ArgKind::Config: {
      auto* cfg = handle_of<ConfigHandle>(v);
      if (!cfg) c.type_error("expected a Config object");
      a.config = cfg->config;
      break;
    }
    case ArgKind::Field: {
      if (!is_str(v)) c.type_error("expected a field name string");
      a.s = v.cast<std::string>();
      ConfigPtr cfg;
      for (auto& b : before)
        if (b.config) cfg = b.config;
      if (!cfg->find(a.s))
        c.value_error("expected '" + a.s + "' to be a field of config '" + cfg->name() + "'");
      break;
    }
    case ArgKind::Procedure: {
      auto* ph = handle_of<ProcHandle>(v);
      if (!ph) c.type_error("expected a Procedure object");
      a.proc = ph->proc;
      break;
    }
    case ArgKind::Raw:
    case ArgKind::Ignored: break;
  }
  return a;
}

}  // namespace exo::python
