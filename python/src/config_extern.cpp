// Configs and externs: handles to the core's objects, and PythonExtern, the
// core Extern interface implemented by a Python `exo.Extern` instance.

#include <pybind11/stl.h>

#include "bindings.h"

namespace exo::python {

namespace {

class PythonExtern final : public Extern {
 public:
  PythonExtern(py::object obj, std::string name, size_t arity)
      : obj_(std::move(obj)), name_(std::move(name)), arity_(arity) {}

  std::string name() const override { return name_; }
  size_t arity() const override { return arity_; }

  // exo.Extern._exo_typecheck takes and returns scalar kind names ("f32", "index").
  ScalarKind typecheck(const std::vector<ScalarKind>& args, const SrcInfo& where) const override {
    py::gil_scoped_acquire gil;
    std::vector<std::string> names;
    for (ScalarKind k : args) names.emplace_back(scalar_kind_name(k));
    std::string result;
    try {
      result = obj_.get().attr("_exo_typecheck")(names).cast<std::string>();
    } catch (py::error_already_set& e) {
      throw Error(ErrorKind::Type, where, name_ + ": " + py::str(e.value()).cast<std::string>());
    }
    auto k = scalar_kind_from_name(result);
    if (!k) throw Error(ErrorKind::Type, where, name_ + ": typecheck returned unknown type '" + result + "'");
    return *k;
  }
  std::string compile(const std::vector<std::string>& args, const std::string& prim_type) const override {
    py::gil_scoped_acquire gil;
    return py::str(obj_.get().attr("compile")(args, prim_type)).cast<std::string>();
  }
  std::string globl(const std::string& prim_type) const override {
    py::gil_scoped_acquire gil;
    py::object r = obj_.get().attr("globl")(prim_type);
    return r.is_none() ? std::string() : py::str(r).cast<std::string>();
  }
  double interpret(const std::vector<double>& args) const override {
    py::gil_scoped_acquire gil;
    return obj_.get().attr("interpret")(args).cast<double>();
  }

 private:
  PyRef obj_;
  std::string name_;
  size_t arity_;
};

py::list config_fields(const ConfigHandle& h) {
  py::list out;
  for (auto& f : h.config->fields())
    out.append(py::make_tuple(f.name, std::string(scalar_kind_name(f.type))));
  return out;
}

}  // namespace

void define_config_extern(py::module_& m) {
  py::class_<ConfigHandle>(m, "ConfigHandle", "A configuration record known to the compiler.")
      .def("name", [](const ConfigHandle& h) { return h.config->name(); })
      .def("fields", &config_fields, "[(field name, type name)] in declaration order")
      .def("readwrite", [](const ConfigHandle& h) { return h.config->readwrite(); })
      .def("srcinfo", [](const ConfigHandle& h) { return h.config->srcinfo(); })
      .def("id", [](const ConfigHandle& h) { return reinterpret_cast<uintptr_t>(h.config.get()); });

  py::class_<ExternHandle>(m, "ExternHandle", "An extern function known to the compiler.")
      .def("name", [](const ExternHandle& h) { return h.fn->name(); })
      .def("arity", [](const ExternHandle& h) { return h.fn->arity(); })
      .def("compile", [](const ExternHandle& h, const std::vector<std::string>& args,
                         const std::string& prim_type) { return h.fn->compile(args, prim_type); })
      .def("globl", [](const ExternHandle& h, const std::string& t) { return h.fn->globl(t); })
      .def("interpret", [](const ExternHandle& h, const std::vector<double>& args) {
        return h.fn->interpret(args);
      });

  m.def("builtin_externs", [] {
    std::vector<std::pair<std::string, ExternHandle>> out;
    for (auto& [name, fn] : builtin_externs()) out.push_back({name, ExternHandle{fn}});
    return out;
  });
  m.def(
      "python_extern",
      [](py::object obj, std::string name, size_t arity) {
        return ExternHandle{std::make_shared<PythonExtern>(std::move(obj), std::move(name), arity)};
      },
      py::arg("obj"), py::arg("name"), py::arg("arity"), "Wraps a Python exo.Extern as a core extern.");
}

}  // namespace exo::python
