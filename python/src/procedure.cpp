// Procedures: printing, checking and compiling the core's LoopIR procs.

#include <pybind11/stl.h>

#include <map>
#include <string>
#include <vector>

#include "bindings.h"
#include "exo/schedule/cursor.h"
#include "exo/schedule/match.h"
#include "exo/effects.h"
#include "exo/schedule/procs.h"

namespace exo::python {

namespace {

py::dict arg_info(const FnArg& a) {
  py::dict d;
  d["name"] = a.name.name();
  d["type"] = std::string(scalar_kind_name(a.type.base));
  d["is_tensor"] = a.type.is_tensor;
  d["is_window"] = a.type.is_window;
  py::list shape;
  for (auto& e : a.type.shape) shape.append(print_expr(e));
  d["shape"] = shape;
  d["type_str"] = print_type(a.type);
  d["mem"] = a.mem ? py::cast(MemoryHandle{a.mem}) : py::none();
  d["srcinfo"] = a.srcinfo;
  return d;
}

py::tuple compile_procs_to_strings(const std::vector<ProcHandle>& procs, const std::string& stem,
                                   bool bare_header) {
  std::vector<Proc> ps;
  for (auto& h : procs) ps.push_back(h.proc);
  CCode code = compile_to_c(ps, stem);
  return py::make_tuple(code.c, bare_header ? code.decls : code.h);
}

}  // namespace

void define_procedure(py::module_& m) {
  ProcClass cls(m, "ProcHandle", "A checked Exo procedure (immutable).");
  cls.def("name", [](const ProcHandle& h) { return h.proc->name; })
      .def("is_instr", [](const ProcHandle& h) { return h.proc->instr.has_value(); })
      .def("c_instr", [](const ProcHandle& h) -> py::object {
        return h.proc->instr ? py::cast(h.proc->instr->c_instr) : py::none();
      })
      .def("c_global", [](const ProcHandle& h) -> py::object {
        return h.proc->instr ? py::cast(h.proc->instr->c_global) : py::none();
      })
      .def("args", [](const ProcHandle& h) {
        py::list out;
        for (auto& a : h.proc->args) out.append(arg_info(a));
        return out;
      })
      .def("srcinfo", [](const ProcHandle& h) { return h.proc->srcinfo; })
      // Identity of the immutable node: equal ids mean the very same proc.
      .def("id", [](const ProcHandle& h) { return reinterpret_cast<uintptr_t>(h.proc.get()); })
      .def("check", [](const ProcHandle& h) { check_proc(h.proc); },
           "Re-run the bounds and precondition checks.")
      .def("__str__", [](const ProcHandle& h) { return print_proc(h.proc); })
      // Procedure-level edits (exo/rewrite.h); control values as ints, bools as 0/1.
      .def("partial_eval_positional", [](const ProcHandle& h, const std::vector<py::object>& values) {
        std::vector<long long> v;
        for (size_t k = 0; k < values.size(); ++k)
          v.push_back(int_arg(values[k], "partial_eval", static_cast<int>(k + 1),
                              k < h.proc->args.size() ? h.proc->args[k].name.name() : "value"));
        return derive(h, partial_eval(h.proc, v));
      })
      .def("partial_eval_named", [](const ProcHandle& h, const std::map<std::string, py::object>& values) {
        std::map<std::string, long long> v;
        int k = 0;
        for (auto& [name, value] : values) v[name] = int_arg(value, "partial_eval", ++k, name);
        return derive(h, partial_eval(h.proc, v));
      })
      .def("add_assertion", [](const ProcHandle& h, const std::string& text,
                               const std::vector<ConfigHandle>& configs) {
        Scope base = Scope::with_builtins();
        Scope scope(&base);
        for (auto& c : configs) scope.bind_config(c.config);
        return derive(h, add_assertion(h.proc, text, &scope));
      })
      .def("transpose", [](const ProcHandle& h, const std::string& arg) {
        return derive(h, transpose(h.proc, arg));
      })
      .def("effects_text", [](const ProcHandle& h) { return effects_text(proc_effects(h.proc)); })
      .def("stmt_effects_text", [](const ProcHandle& h, const std::string& pattern) {
        Stmt s = resolve_stmt(h.proc, find_stmt(h.proc, pattern));
        return print_stmt(s) + effects_text(stmt_effects(h.proc, s));
      });

  m.def("solver_stats", [] {
    SolverStats st = solver_stats();
    py::dict d;
    d["queries"] = st.queries;
    d["solver_calls"] = st.solver_calls;
    d["cache_hits"] = st.cache_hits;
    return d;
  }, "Counts of the analysis's queries since start: all, sent to Z3, answered from the cache.");
  m.def("compile_procs_to_strings", &compile_procs_to_strings, py::arg("procs"), py::arg("stem"),
        py::arg("bare_header") = false,
        "(C source, header) for procs; the C source includes \"<stem>.h\". With bare_header, the\n"
        "header's declarations only (no include guard, no extern \"C\").");
}

}  // namespace exo::python
