// Scheduling primitives of the configs family as ProcHandle methods
// (exo/config_primitives.h). Configs arrive as core ConfigHandles, values as Exo text.
#include "bindings.h"
#include "exo/schedule/configs.h"

namespace exo::python {

void define_sched_configs(ProcClass& c) {
  c.def("bind_config", [](const ProcHandle& h, py::object expr, const ConfigHandle& cfg, const std::string& field) {
    Cursor at = ref_to_cursor(h, expr, RefKind::Expr, "bind_config", 1, "var_cursor");
    return derive(h, bind_config(h.proc, at, cfg.config, field));
  });
  c.def("configwrite_root", [](const ProcHandle& h, const ConfigHandle& cfg, const std::string& field,
                               const std::string& expr) {
    return derive(h, configwrite_root(h.proc, cfg.config, field, expr));
  });
  c.def("configwrite_after", [](const ProcHandle& h, py::object stmt, const ConfigHandle& cfg,
                                const std::string& field, const std::string& expr) {
    Cursor at = ref_to_cursor(h, stmt, RefKind::Stmt, "configwrite_after", 1, "stmt_cursor");
    return derive(h, configwrite_after(h.proc, at, cfg.config, field, expr));
  });
  c.def("write_config", [](const ProcHandle& h, py::object gap, const ConfigHandle& cfg, const std::string& field,
                           const std::string& expr) {
    Cursor at = ref_to_cursor(h, gap, RefKind::Any, "write_config", 1, "gap_cursor");
    return derive(h, write_config(h.proc, at, cfg.config, field, expr));
  });
  c.def("delete_config", [](const ProcHandle& h, py::object stmt) {
    Cursor at = ref_to_cursor(h, stmt, RefKind::Stmt, "delete_config", 1, "stmt_cursor");
    return derive(h, delete_config(h.proc, at));
  });
}

}  // namespace exo::python
