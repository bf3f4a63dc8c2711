// exo::Error -> Python exceptions. Every error kind has its own class deriving
// from ExoError; where exo-lang raised a builtin exception (TypeError for
// ill-typed programs), ours also derives from that builtin so existing
// `except TypeError` code keeps working. Each instance carries the core's
// position (filename, line, col) and the message without the position.

#include "bindings.h"

namespace exo::python {

namespace {

struct ErrorClasses {
  py::object base, parse, type, bounds, precondition, scheduling, memgen, api, internal,
      invalid_cursor, parse_fragment;
};

ErrorClasses& classes() {
  static ErrorClasses* c = new ErrorClasses();  // leaked: outlives the interpreter safely
  return *c;
}

py::object new_class(py::module_& m, const char* name, std::initializer_list<py::handle> bases,
                     const char* doc) {
  py::tuple t(bases.size());
  size_t k = 0;
  for (auto b : bases) t[k++] = py::reinterpret_borrow<py::object>(b);
  std::string qual = std::string("exo._core.") + name;
  py::object cls = py::reinterpret_steal<py::object>(
      PyErr_NewExceptionWithDoc(qual.c_str(), doc, t.ptr(), nullptr));
  if (!cls) throw py::error_already_set();
  m.attr(name) = cls;
  return cls;
}

const py::object& class_for(ErrorKind k) {
  auto& c = classes();
  switch (k) {
    case ErrorKind::Parse: return c.parse;
    case ErrorKind::Type: return c.type;
    case ErrorKind::Bounds: return c.bounds;
    case ErrorKind::Precondition: return c.precondition;
    case ErrorKind::Scheduling: return c.scheduling;
    case ErrorKind::MemGen: return c.memgen;
    case ErrorKind::Api: return c.api;
    case ErrorKind::Internal: return c.internal;
    case ErrorKind::InvalidCursor: return c.invalid_cursor;
  }
  return c.base;
}

void raise_python(const Error& e) {
  py::object exc = class_for(e.kind())(e.what());
  exc.attr("kind") = error_kind_name(e.kind());
  exc.attr("message") = e.message();
  exc.attr("filename") = e.where().known() ? py::cast(e.where().filename()) : py::none();
  exc.attr("line") = e.where().line;
  exc.attr("col") = e.where().col;
  PyErr_SetObject(exc.get_type().ptr(), exc.ptr());
}

}  // namespace

py::handle memgen_error_type() { return classes().memgen; }

void define_errors(py::module_& m) {
  auto& c = classes();
  c.base = new_class(m, "ExoError", {PyExc_Exception},
                     "Base class of errors reported by the Exo compiler.");
  c.parse = new_class(m, "ParseError", {c.base}, "Malformed Exo source.");
  c.type = new_class(m, "TypeCheckError", {c.base, PyExc_TypeError},
                     "Ill-typed or unresolved Exo program.");
  c.bounds = new_class(m, "BoundsError", {c.base},
                       "An access, window or call argument that may be out of bounds.");
  c.precondition = new_class(m, "PreconditionError", {c.base},
                             "A call whose callee's assertions cannot be proven.");
  c.scheduling = new_class(m, "SchedulingError", {c.base}, "A scheduling rewrite was refused.");
  c.memgen = new_class(m, "MemGenError", {c.base},
                       "A memory refused to generate code for a buffer.");
  c.api = new_class(m, "ApiError", {c.base, PyExc_ValueError}, "Wrong use of the Exo API.");
  c.internal = new_class(m, "InternalError", {c.base}, "A bug in the Exo compiler.");
  // exo.API_cursors.InvalidCursorError: as in exo-lang, not a SchedulingError.
  c.invalid_cursor = new_class(m, "InvalidCursorError", {c.base},
                               "An invalid cursor (or a position that does not exist) was used.");
  c.parse_fragment = new_class(m, "ParseFragmentError", {c.base},
                               "A code fragment or pattern that does not parse.");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      raise_python(e);
    }
  });
}

}  // namespace exo::python
