// Which edits keep a proc equivalent to its original (so call_eqv may swap it in)
// and which start a new equivalence class because they change the meaning or
// the interface: partial_eval, add_assertion, transpose, set_precision,
// set_window, set_memory of an argument.
#include <gtest/gtest.h>

#include "exo/equivalence.h"
#include "exo/exo.h"
#include "exo/hardware.h"
#include "exo/schedule/match.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "exo/schedule/subprocs.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

const char* kSrc = R"(
@proc
def axpy8(a: f32, x: f32[8] @ DRAM, y: f32[8] @ DRAM):
    for i in seq(0, 8):
        t: f32 @ DRAM
        t = a * x[i]
        y[i] += t

@proc
def use_axpy8(a: f32[1] @ DRAM, x: f32[8] @ DRAM, y: f32[8] @ DRAM):
    axpy8(a[0], x, y)

@proc
def sq(n: size, m: size, A: f32[n, m] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, m):
            A[i, j] = A[i, j] * 2.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

TEST(EquivalenceEdits, CallEqvRefusesSetPrecisionAcceptsSplit) {
  Proc callee = mod().proc("axpy8");
  Proc p = mod().proc("use_axpy8");
  // The local t rounds differently in f64: same signature, different values.
  Proc wide = set_precision(callee, "t", ScalarKind::F64).proc;
  EXPECT_FALSE(equivalent(callee, wide));
  std::string e = test::scheduling_error_message([&] { call_eqv(p, "axpy8(_)", wide); });
  EXPECT_NE(e.find("call_eqv: 'axpy8' is not known to be equivalent to 'axpy8'"), std::string::npos)
      << e;
  // The near-identical meaning-preserving edit is accepted.
  Proc split = split_loop(callee, "i", 4, "io", "ii", "guard", true).proc;
  EXPECT_TRUE(equivalent(callee, split));
  Rewrite r = call_eqv(p, "axpy8(_)", split);
  test::expect_same_results(p, r.proc, {}, "eqv_edits_split");
}

TEST(EquivalenceEdits, InterfaceEditsStartANewClass) {
  Proc callee = mod().proc("axpy8");
  Proc sq = mod().proc("sq");
  EXPECT_FALSE(equivalent(sq, partial_eval(sq, std::map<std::string, long long>{{"n", 4}})));
  EXPECT_FALSE(equivalent(sq, transpose(sq, "A")));
  EXPECT_FALSE(equivalent(sq, add_assertion(sq, "n == m")));
  EXPECT_FALSE(equivalent(callee, set_precision(callee, "x", ScalarKind::F64).proc));
  EXPECT_FALSE(equivalent(callee, set_window(callee, "x", true).proc));
  EXPECT_FALSE(equivalent(callee, set_memory(callee, "y", dram_static()).proc));
}

TEST(EquivalenceEdits, MeaningPreservingEditsKeepTheClass) {
  Proc callee = mod().proc("axpy8");
  // An allocation's memory does not change any value.
  EXPECT_TRUE(equivalent(callee, set_memory(callee, "t", dram_static()).proc));
  EXPECT_TRUE(equivalent(callee, rename_proc(callee, "axpy8_fast").proc));
  // set_window to the current state is no edit at all.
  EXPECT_TRUE(equivalent(callee, set_window(callee, "x", false).proc));
}

}  // namespace
}  // namespace exo
