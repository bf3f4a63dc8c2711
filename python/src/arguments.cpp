// Integer arguments from Python. A Python int is unbounded and the core's
// parameters are not: a value is taken exactly or refused with an exo error
// naming the argument and the allowed range (never truncated, never a pybind11
// cast error).

#include <climits>

#include "bindings.h"

namespace exo::python {

namespace {

// The value as a Python int (anything with __index__, e.g. numpy integers),
// or null for other types (bool is refused: True is no count or dimension).
py::object as_index(py::handle v) {
  if (!v || PyBool_Check(v.ptr()) || !PyIndex_Check(v.ptr())) return py::object();
  return py::reinterpret_steal<py::object>(PyNumber_Index(v.ptr()));
}

// repr() of a value for a message, shortened when huge.
std::string shown(py::handle v) {
  std::string s = py::repr(v).cast<std::string>();
  if (s.size() > 40) s = s.substr(0, 18) + "..." + s.substr(s.size() - 18) + " (" + std::to_string(s.size()) + " digits)";
  return s;
}

}  // namespace

long long int_arg(py::handle v, const std::string& prim, int argno, const std::string& name, long long lo,
                  long long hi) {
  std::string arg = "argument " + std::to_string(argno) + ", '" + name + "' to " + prim + ": ";
  py::object i = as_index(v);
  if (!i) {
    PyErr_Clear();
    throw_api_type_error(arg + "expected an integer, got " + shown(v));
  }
  int overflow = 0;
  long long x = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
  if (overflow || x < lo || x > hi)
    throw_api_type_error(arg + "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                         "], got " + shown(v));
  return x;
}

int clamped_int(py::handle v, const std::string& what) {
  py::object i = as_index(v);
  if (!i) {
    PyErr_Clear();
    throw_api_type_error(what + ": expected an integer, got " + shown(v));
  }
  int overflow = 0;
  long long x = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
  if (overflow > 0 || x > INT_MAX) return INT_MAX;
  if (overflow < 0 || x < INT_MIN) return INT_MIN;
  return static_cast<int>(x);
}

}  // namespace exo::python
