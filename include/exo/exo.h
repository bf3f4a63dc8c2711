#pragma once
// The C++ API: parse Exo source into procs, look them up, print and compile them.
//
//   exo::Module m = exo::Module::from_file("kernels.exo");
//   exo::Proc gemm = m.proc("sgemm");
//   std::cout << exo::print_proc(gemm);
//   exo::compile_c({gemm}, "out", "kernels");   // out/kernels.c, out/kernels.h
//
// Module and compile_c are declared below; the headers included here provide
// the rest, so this one header gives the whole public API: exo::compile_to_c
// (the C text as strings, backend.h), exo::interpret (interpreter.h),
// exo::check_proc and the effects of code (analysis.h, effects.h), parse_module
// and the fragment parsers (frontend.h), and the scheduling primitives,
// functions from a Proc to a Rewrite (the new proc and its cursor forwarding),
// declared by family under exo/schedule/: cursor.h and match.h (positions and
// patterns), errors.h, loops.h, loop_ranges.h, lift_scope.h, buffers.h,
// allocations.h, reshape.h, configs.h, subprocs.h, exprs.h and procs.h. The
// x86 hardware library (exo/platforms/x86.h) builds on this header.

#include <string>
#include <vector>

#include "exo/analysis.h"
#include "exo/backend.h"
#include "exo/checked_int.h"
#include "exo/effects.h"
#include "exo/equivalence.h"
#include "exo/error.h"
#include "exo/frontend.h"
#include "exo/hardware.h"
#include "exo/interpreter.h"
#include "exo/ir_mutator.h"
#include "exo/loopir.h"
#include "exo/names.h"
#include "exo/printer.h"
#include "exo/schedule/allocations.h"
#include "exo/schedule/buffers.h"
#include "exo/schedule/configs.h"
#include "exo/schedule/cursor.h"
#include "exo/schedule/errors.h"
#include "exo/schedule/exprs.h"
#include "exo/schedule/lift_scope.h"
#include "exo/schedule/loop_ranges.h"
#include "exo/schedule/loops.h"
#include "exo/schedule/match.h"
#include "exo/schedule/procedure.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/reshape.h"
#include "exo/schedule/subprocs.h"
#include "exo/scope.h"
#include "exo/types.h"
#include "exo/uast.h"

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
