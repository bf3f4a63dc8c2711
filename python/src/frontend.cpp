// Parsing decorated Python definitions. The Python layer hands over the source
// of one function or class (with a synthetic decorator line), where it sits in
// its file, and a resolver that looks free names up in the function's globals
// and closure; the core parses, resolves, typechecks and checks it.

#include <cmath>
#include <optional>

#include <pybind11/stl.h>

#include "bindings.h"
#include "exo/checked_int.h"
#include "exo/names.h"

namespace exo::python {

namespace {

const Scope& builtins() {
  static const Scope* s = new Scope(Scope::with_builtins());
  return *s;
}

// What a Python value means inside Exo code (the Python layer has already turned
// procedures, memories, configs and externs into handles).
std::optional<ScopeEntry> to_scope_entry(py::handle v) {
  if (v.is_none()) return std::nullopt;
  if (py::isinstance<ProcHandle>(v)) return ScopeEntry(v.cast<const ProcHandle&>().proc);
  if (py::isinstance<MemoryHandle>(v)) return ScopeEntry(v.cast<const MemoryHandle&>().mem);
  if (py::isinstance<ConfigHandle>(v)) return ScopeEntry(v.cast<const ConfigHandle&>().config);
  if (py::isinstance<ExternHandle>(v)) return ScopeEntry(v.cast<const ExternHandle&>().fn);
  if (PyBool_Check(v.ptr())) return ScopeEntry(ConstValue::boolean(v.cast<bool>()));
  if (PyLong_Check(v.ptr())) {
    // Exact: a Python int beyond Exo's integer range is refused where it is used.
    int overflow = 0;
    long long i = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
    if (overflow == 0 && i == -1 && PyErr_Occurred()) throw py::error_already_set();
    if (overflow != 0 || !int_in_range(i))
      return ScopeEntry(ConstValue::invalid(
          ScalarKind::Int, "its value " + py::str(v).cast<std::string>() +
                               " is outside Exo's integer range +-(2^63 - 1)"));
    return ScopeEntry(ConstValue::integer(i));
  }
  if (PyFloat_Check(v.ptr())) return ScopeEntry(ConstValue::real(v.cast<double>()));
  return std::nullopt;
}

SourceOrigin origin(const std::string& filename, int first_line, int col_offset) {
  SourceOrigin o;
  o.filename = filename;
  o.first_line = first_line;
  o.col_offset = col_offset;
  return o;
}

template <class T>
T single_decl(const uast::UModule& um, const std::string& filename, const char* what) {
  for (auto& d : um.decls)
    if (auto* x = std::get_if<T>(&d)) return *x;
  throw Error(ErrorKind::Api, SrcInfo(), std::string("no ") + what + " definition found in source of " + filename);
}

ProcHandle parse_proc(const std::string& text, const std::string& filename, int first_line,
                      int col_offset, py::function resolver, std::optional<std::string> c_instr,
                      const std::string& c_global) {
  uast::UModule um = parse_module(text, origin(filename, first_line, col_offset));
  auto up = single_decl<uast::UProc>(um, filename, "procedure");
  if (c_instr) {
    // The template is a Python value (often built with f-strings), so it comes
    // from the decorator call rather than from the source text.
    up.decorator = uast::ProcDecorator::Instr;
    up.c_instr = *c_instr;
    up.c_global = c_global;
  }
  Scope scope(&builtins());
  scope.set_resolver([&resolver](const std::string& name) { return to_scope_entry(resolver(name)); });
  Proc p = typecheck_proc(up, scope);
  check_proc_definition(p);
  return {p};
}

// Every procedure of an .exo module's text (as exo::Module::from_string reads
// it: the built-in memories and externs in scope), by name, in order.
std::vector<std::pair<std::string, ProcHandle>> parse_exo_module(const std::string& text,
                                                                 const std::string& filename) {
  Module m = Module::from_string(text, filename);
  std::vector<std::pair<std::string, ProcHandle>> out;
  for (const Proc& p : m.procs()) out.emplace_back(p->name, ProcHandle(p));
  return out;
}

ConfigHandle parse_config(const std::string& text, const std::string& filename, int first_line,
                          int col_offset, bool readwrite) {
  uast::UModule um = parse_module(text, origin(filename, first_line, col_offset));
  auto uc = single_decl<uast::UConfig>(um, filename, "config");
  uc.readwrite = readwrite;
  return {typecheck_config(uc)};
}

}  // namespace

void define_frontend(py::module_& m) {
  m.def("parse_proc", &parse_proc, py::arg("text"), py::arg("filename"), py::arg("first_line"),
        py::arg("col_offset"), py::arg("resolver"), py::arg("c_instr") = py::none(),
        py::arg("c_global") = "",
        "Parse, resolve, typecheck and check one @proc/@instr definition.");
  m.def("parse_exo_module", &parse_exo_module, py::arg("text"), py::arg("filename"),
        "The procedures of an .exo module's text, as (name, proc) pairs.");
  m.def("parse_config", &parse_config, py::arg("text"), py::arg("filename"), py::arg("first_line"),
        py::arg("col_offset"), py::arg("readwrite") = true, "Parse and typecheck one @config class.");
  m.def("is_identifier", [](const std::string& s) { return is_identifier(s); }, py::arg("s"),
        "Whether s has the syntax of a name in Exo code (exo/names.h; keywords included).");
}

}  // namespace exo::python
