#pragma once
// The C++ API: parse Exo source into procs, look them up, print and compile them.
//
//   exo::Module m = exo::Module::from_file("kernels.exo");
//   exo::Proc gemm = m.proc("sgemm");
//   std::cout << exo::print_proc(gemm);
//   exo::compile_c({gemm}, "out", "kernels");   // out/kernels.c, out/kernels.h
//
// Module and compile_c are declared below; the headers included here provide
// the rest: exo::compile_to_c (the C text as strings, backend.h),
// exo::interpret (interpreter.h), exo::check_proc (analysis.h), parse_module
// and the fragment parsers (frontend.h). The scheduling primitives, functions
// from a Proc to a Rewrite (the new proc and its cursor forwarding), are declared
// by family outside this header: exo/scheduling.h (loops, statements),
// exo/buffers.h, exo/buffers_extra.h, exo/exprs.h, exo/loops_extra.h,
// exo/lift_scope.h, exo/reshape.h, exo/subprocs.h, exo/config_primitives.h and
// exo/rewrite.h; exo/match.h finds code by pattern.

#include <string>
#include <vector>

#include "exo/analysis.h"
#include "exo/backend.h"
#include "exo/error.h"
#include "exo/frontend.h"
#include "exo/hardware.h"
#include "exo/interpreter.h"
#include "exo/loopir.h"
#include "exo/printer.h"
#include "exo/scope.h"

namespace exo {

// A parsed, typechecked and checked file of definitions. Definitions may use
// everything defined before them in the file plus the names of `base` (which
// defaults to the builtins: DRAM, DRAM_STATIC, DRAM_STACK, the standard externs).
class Module {
 public:
  static Module from_string(const std::string& text, const std::string& filename = "<string>",
                            const Scope* base = nullptr);
  static Module from_file(const std::string& path, const Scope* base = nullptr);

  // Throws Error(Api) naming the known procs when `name` is not defined.
  Proc proc(const std::string& name) const;
  bool has_proc(const std::string& name) const;
  const std::vector<Proc>& procs() const { return procs_; }
  const std::vector<ConfigPtr>& configs() const { return configs_; }

 private:
  std::vector<Proc> procs_;
  std::vector<ConfigPtr> configs_;
};

// Writes `<dir>/<stem>.c` and `<dir>/<stem>.h` (creating dir).
void compile_c(const std::vector<Proc>& procs, const std::string& dir, const std::string& stem);

}  // namespace exo
