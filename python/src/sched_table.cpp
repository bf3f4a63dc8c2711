// The record table as the extension exposes it, and the one entry point that
// applies a record: exo._core.primitive_table() describes every primitive (the
// Python package generates Procedure methods and exo.API_scheduling functions
// from it) and exo._core.apply_primitive(index, api, proc, args) converts the
// arguments (sched_args.cpp) and calls the record's apply function.
#include <pybind11/stl.h>

#include "exo/equivalence.h"
#include "sched_records.h"

namespace exo::python {

namespace {

std::vector<Record> build() {
  std::vector<Record> rs;
  add_loop_records(rs);
  add_buffer_records(rs);
  add_other_records(rs);
  for (Record& r : rs) {
    if (r.api.empty()) continue;
    if (r.api_params.empty()) {
      r.api_params = r.params;
      for (size_t k = 0; k < r.params.size(); ++k) r.api_params[k].slot = static_cast<int>(k);
    }
    for (size_t k = 0; k < r.api_params.size(); ++k) {
      Param& p = r.api_params[k];
      if (p.slot == -1) p.slot = static_cast<int>(k);
      if (p.from_seed) {
        const Param& s = r.params.at(p.slot);
        p.kind = s.kind;
        p.dflt = s.dflt;
        p.choices = s.choices;
        p.what = s.what;
      }
    }
  }
  return rs;
}

// The slot a surface parameter fills (-1: none, a compatibility-only parameter).
int slot_of(const Surface& s, size_t k) {
  const Param& p = (*s.params)[k];
  if (p.kind == ArgKind::Ignored) return -1;
  return s.api ? p.slot : static_cast<int>(k);
}

py::object apply_primitive(size_t index, bool api, py::handle proc, const py::tuple& args) {
  const Record& r = records().at(index);
  Surface s{&r, api ? r.api : r.seed, api ? &r.api_params : &r.params, api};
  const ProcHandle* h = nullptr;
  py::object held;  // proc's handle, alive while proc is
  if (py::hasattr(proc, "_handle")) {
    held = proc.attr("_handle");
    if (py::isinstance<ProcHandle>(held)) h = &held.cast<const ProcHandle&>();
  }
  if (!h) throw_api_type_error("argument 0, 'proc' to " + s.name + ": expected a Procedure object");
  Call c{*h, proc, s, std::vector<Arg>(r.params.size())};
  for (size_t k = 0; k < s.params->size() && k < args.size(); ++k) {
    int slot = slot_of(s, k);
    if (slot < 0) continue;
    Arg a = convert_arg(*h, s, static_cast<int>(k + 1), (*s.params)[k], args[k], c.a);
    if ((*s.params)[k].kind == ArgKind::StmtPair) {
      for (int j = 0; j < 2; ++j) {
        c.a[slot + j].none = false;
        c.a[slot + j].cursor = a.cursors[j];
      }
    } else {
      c.a[slot] = std::move(a);
    }
  }
  return r.apply(c);
}

py::tuple param_list(const std::vector<Param>& ps) {
  py::list out;
  for (const Param& p : ps) out.append(py::make_tuple(p.name, p.dflt ? py::object(py::str(*p.dflt)) : py::none()));
  return py::tuple(out);
}

}  // namespace

const std::vector<Record>& records() {
  static const std::vector<Record> rs = build();
  return rs;
}

py::object Call::wrap(ProcHandle p) const {
  return py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(Py_TYPE(proc_obj.ptr())))(std::move(p));
}

py::object Call::derive(const Rewrite& r) const { return wrap(python::derive(h, r)); }

void Call::fail(int slot, const std::string& msg, bool type_error) const {
  for (size_t k = 0; k < surface.params->size(); ++k) {
    if (slot_of(surface, k) != slot) continue;
    std::string text = "argument " + std::to_string(k + 1) + ", '" + (*surface.params)[k].name + "' to " +
                       surface.name + ": " + msg;
    if (type_error) throw_api_type_error(text);
    throw Error(ErrorKind::Api, SrcInfo{}, text);
  }
  throw Error(ErrorKind::Api, SrcInfo{}, surface.name + ": " + msg);
}

Arg Call::convert(int slot, py::handle v, const Param& as) const {
  for (size_t k = 0; k < surface.params->size(); ++k) {
    if (slot_of(surface, k) != slot) continue;
    Param p = as;
    p.name = (*surface.params)[k].name;
    return convert_arg(h, surface, static_cast<int>(k + 1), p, v, a);
  }
  return convert_arg(h, surface, slot + 1, as, v, a);
}

void define_sched_records(py::module_& m) {
  m.def(
      "primitive_table",
      [] {
        py::list out;
        const auto& rs = records();
        for (size_t i = 0; i < rs.size(); ++i) {
          const Record& r = rs[i];
          out.append(py::make_tuple(i, r.seed, r.api, r.doc, param_list(r.params), param_list(r.api_params)));
        }
        return out;
      },
      "Every scheduling primitive: (index, method name, exo-lang function name, doc, "
      "method parameters, function parameters), a parameter as (name, default text or None).");
  m.def("apply_primitive", &apply_primitive, py::arg("index"), py::arg("api"), py::arg("proc"), py::arg("args"),
        "Applies primitive `index` of primitive_table() to `proc` with `args` as its method (api=False) "
        "or exo-lang function (api=True) takes them.");
  auto cls = py::reinterpret_borrow<py::class_<ProcHandle>>(m.attr("ProcHandle"));
  cls.def("is_eq", [](const ProcHandle& h, const ProcHandle& other) { return equivalent(h.proc, other.proc); });
  cls.def("unsafe_assert_eq",
          [](const ProcHandle& h, const ProcHandle& other) { assert_equivalent(h.proc, other.proc); });
}

}  // namespace exo::python
