// exo::Error -> Python exceptions. Every error kind has its own class deriving
// from ExoError; where exo-lang raised a builtin exception (TypeError for
// ill-typed programs), ours also derives from that builtin so existing
// `except TypeError` code keeps working. Each instance carries the core's
// position (filename, line, col) and the message without the position.

#include "bindings.h"

#include <cxxabi.h>
#include <pybind11/stl.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <typeinfo>

namespace exo::python {

namespace {

struct ErrorClasses {
  py::object base, parse, type, bounds, precondition, scheduling, memgen, api, internal,
      invalid_cursor, parse_fragment, api_assertion, api_type;
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
    case ErrorKind::ParseFragment: return c.parse_fragment;
  }
  return c.base;
}

py::object to_python(const py::object& cls, const Error& e) {
  py::object exc = cls(e.what());
  exc.attr("kind") = error_kind_name(e.kind());
  exc.attr("message") = e.message();
  exc.attr("filename") = e.where().known() || e.where().file ? py::cast(e.where().filename()) : py::none();
  exc.attr("line") = e.where().line;
  exc.attr("col") = e.where().col;
  return exc;
}

void raise_python(const py::object& cls, const Error& e) {
  py::object exc = to_python(cls, e);
  PyErr_SetObject(exc.get_type().ptr(), exc.ptr());
}

std::optional<ErrorKind> kind_from_name(const std::string& name) {
  static const std::pair<const char*, ErrorKind> kinds[] = {
      {"parse", ErrorKind::Parse},         {"type", ErrorKind::Type},
      {"bounds", ErrorKind::Bounds},       {"precondition", ErrorKind::Precondition},
      {"scheduling", ErrorKind::Scheduling}, {"memgen", ErrorKind::MemGen},
      {"api", ErrorKind::Api},             {"internal", ErrorKind::Internal},
      {"invalid_cursor", ErrorKind::InvalidCursor}, {"parse_fragment", ErrorKind::ParseFragment}};
  for (auto& [n, k] : kinds)
    if (name == n) return k;
  return std::nullopt;
}

// "std::out_of_range" for an exception object.
std::string type_name_of(const std::exception& e) {
  const char* mangled = typeid(e).name();
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  return status == 0 && out ? out.get() : mangled;
}

}  // namespace

py::handle memgen_error_type() { return classes().memgen; }

void throw_api_assertion(const SrcInfo& where, const std::string& message) {
  raise_python(classes().api_assertion, Error(ErrorKind::Api, where, message));
  throw py::error_already_set();
}

void throw_api_type_error(const std::string& message) {
  raise_python(classes().api_type, Error(ErrorKind::Api, SrcInfo(), message));
  throw py::error_already_set();
}

void define_errors(py::module_& m) {
  auto& c = classes();
  c.base = new_class(m, "ExoError", {PyExc_Exception},
                     "Base class of errors reported by the Exo compiler.");
  c.parse = new_class(m, "ParseError", {c.base}, "Malformed Exo source.");
  c.type = new_class(m, "TypeCheckError", {c.base, PyExc_TypeError},
                     "Ill-typed or unresolved Exo program.");
  // exo-lang reports bounds and precondition failures as TypeError.
  c.bounds = new_class(m, "BoundsError", {c.base, PyExc_TypeError},
                       "An access, window or call argument that may be out of bounds.");
  c.precondition = new_class(m, "PreconditionError", {c.base, PyExc_TypeError},
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
  // Where exo-lang fails an assertion on a wrong use of the API (e.g. the memory
  // of a size argument), ours is an ApiError that is also an AssertionError.
  c.api_assertion = new_class(m, "ApiAssertionError", {c.api, PyExc_AssertionError},
                              "A wrong use of the API that exo-lang reports as a failed assertion.");
  // An argument of the wrong type or range, where exo-lang raised TypeError.
  c.api_type = new_class(m, "ApiTypeError", {c.api, PyExc_TypeError},
                         "An API argument of the wrong type or out of range.");

  // An exo error built from Python (the decorators' own checks, argument
  // checks): the same class, text and attributes as one raised by the core.
  m.def(
      "make_error",
      [](const std::string& kind, const std::string& message, std::optional<std::string> filename, int line,
         int col) {
        bool api_type = kind == "api_type";
        std::optional<ErrorKind> k = api_type ? std::optional(ErrorKind::Api) : kind_from_name(kind);
        if (!k) throw Error(ErrorKind::Internal, SrcInfo(), "make_error: unknown error kind '" + kind + "'");
        SrcInfo where;
        if (filename) where = SrcInfo(std::make_shared<const std::string>(*filename), line, col);
        return to_python(api_type ? classes().api_type : class_for(*k), Error(*k, where, message));
      },
      py::arg("kind"), py::arg("message"), py::arg("filename") = py::none(), py::arg("line") = 0,
      py::arg("col") = 0);

  m.def(
      "_throw_cpp_exception_for_testing", [](const std::string& what) { throw std::out_of_range(what); },
      "Throws a C++ std::out_of_range: tests that such an exception reaches Python as an exo error.");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      raise_python(class_for(e.kind()), e);
    } catch (const py::builtin_exception&) {
      throw;  // deliberate Python exceptions (IndexError ends iteration over a block)
    } catch (const py::error_already_set&) {
      throw;  // a Python exception passing through the core
    } catch (const std::bad_alloc&) {
      throw;  // MemoryError
    } catch (const std::exception& e) {
      // Last resort: a C++ library exception escaping the core is a compiler
      // bug; it reaches Python as an exo error that says so, never as a bare
      // IndexError/RuntimeError with a libstdc++ message.
      raise_python(classes().internal,
                   Error(ErrorKind::Internal, SrcInfo(),
                         "unexpected C++ exception " + type_name_of(e) + ": " + e.what()));
    }
  });
}

}  // namespace exo::python
