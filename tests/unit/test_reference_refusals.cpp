// Programs and rewrites the reference refuses: those we refuse too (mixed
// precisions in an extern call), and those we accept because they are safe
// (loop-varying config writes, write_config values over the proc's arguments,
// stage_mem of a buffer the block does not access), each accepted one compared
// with the original on random inputs and next to a refused twin.
#include <gtest/gtest.h>

#include <optional>

#include "exo/schedule/buffers.h"
#include "exo/schedule/configs.h"
#include "exo/exo.h"
#include "exo/schedule/loop_ranges.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "support/schedule_check.h"

namespace exo {
namespace {

const char* kSrc = R"(
@config
class Cfg:
    k: index
    f: f32

@proc
def cfg_iter(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32 @ DRAM
        t = x[i]
        Cfg.f = t
        if i == 2:
            Cfg.f = 0.5
        y[i] = Cfg.f * 2.0 + y[i]

@proc
def gap(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * 3.0

@proc
def staged(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[4] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * 3.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc, "refusals.py");
  return m;
}

ConfigPtr cfg() { return mod().configs().at(0); }

std::optional<Error> definition_error(const std::string& src) {
  try {
    Module::from_string(src, "refusals.py");
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

// (a) The reference refuses config writes whose value depends on a loop
// iteration (through data or control), since its effect analysis treats config
// values as the same in every iteration. We refuse the direct form (`Cfg.f =
// x[i]`) as it does; one through a variable or a branch is accepted: each write
// is analysed at its own place with its own value, so the result is defined (the
// last write's value stays), rewrites keep it, and those that would move writes
// and reads across iterations are refused.
TEST(ConfigInLoops, DirectDependenceOnTheIteratorRefused) {
  auto e = definition_error(std::string(kSrc).substr(0, std::string(kSrc).find("@proc")) + R"(
@proc
def f(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n):
        Cfg.f = x[i]
)");
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(e->message().find("the value written to config field 'Cfg.f' must not depend on the loop iterator 'i'"),
            std::string::npos)
      << e->what();
}

TEST(ConfigInLoops, LoopVaryingWritesAreTrackedPerIteration) {
  Proc p = mod().proc("cfg_iter");
  for (const char* tail : {"guard", "cut"}) {
    Rewrite r = split_loop(p, find_loop(p, "i"), 3, "io", "ii", tail, false);
    test::expect_same_results(p, r.proc, {{"n", 7}}, std::string("cfg_iter_split_") + tail, mod().configs());
  }
  Proc q = split_loop(p, find_loop(p, "i"), 2, "io", "ii", "cut", false).proc;
  Rewrite u = unroll_loop(q, find_loop(q, "ii"));
  test::expect_same_results(p, u.proc, {{"n", 5}}, "cfg_iter_unroll", mod().configs());
}

TEST(ConfigInLoops, ReorderingAcrossIterationsRefused) {
  Proc p = mod().proc("cfg_iter");
  std::string m = test::scheduling_error_message([&] { parallelize_loop(p, find_loop(p, "i")); });
  EXPECT_NE(m.find("Cfg."), std::string::npos) << m;
  m = test::scheduling_error_message([&] { fission_after(p, find_stmt(p, "Cfg.f = _"), 1); });
  EXPECT_NE(m.find("Cfg.f"), std::string::npos) << m;
  m = test::scheduling_error_message([&] { delete_config(p, find_stmt(p, "Cfg.f = t")); });
  EXPECT_NE(m.find("Cfg.f"), std::string::npos) << m;
}

// (b) write_config's value is typed over the proc's arguments only (no loop
// variable or local is in scope, so it cannot vary per iteration); any such
// expression is accepted when in bounds, as the reference restricts to a
// variable, a stride or a constant.
TEST(WriteConfigValue, ArgumentExpressionsAcceptedInBounds) {
  Proc p = mod().proc("gap");
  Cursor at = before(find_loop(p, "i"));
  Rewrite r = write_config(p, at, cfg(), "f", "x[0] * 2.0 + x[n - 1]", nullptr);
  test::expect_same_results(p, r.proc, {{"n", 5}}, "write_config_expr", mod().configs());
  Rewrite k = write_config(p, at, cfg(), "k", "n / 2 + 1", nullptr);
  test::expect_same_results(p, k.proc, {{"n", 5}}, "write_config_index", mod().configs());
  std::string m = test::scheduling_error_message([&] { write_config(p, at, cfg(), "f", "x[n] * 2.0", nullptr); });
  EXPECT_NE(m.find("x[n]"), std::string::npos) << m;
  EXPECT_NE(m.find("out of bounds"), std::string::npos) << m;
}

// (c) An extern's C call casts every argument to one type: mixed precisions
// would compare truncated values. Refused when C is generated, as the
// reference's precision pass does; literals (R) combine with any precision.
TEST(ExternPrecision, SelectWithMixedPrecisionsRefused) {
  Module m = Module::from_string(R"(
@proc
def f(x: f64[4] @ DRAM, a: i8[4] @ DRAM, y: i8[4] @ DRAM):
    for i in seq(0, 4):
        y[i] = select(x[i], x[i], a[i], a[i])
)",
                                 "refusals.py");
  try {
    compile_to_c({m.proc("f")}, "select_mixed");
    ADD_FAILURE() << "select(f64, f64, i8, i8) compiled";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Type) << e.what();
    EXPECT_NE(e.message().find("refusals.py:5:35: extern function 'select': all extern arguments must have a "
                               "same type (one precision): 'a[i]' is i8, an earlier one is f64"),
              std::string::npos)
        << e.what();
  }
  Module ok = Module::from_string(R"(
@proc
def g(x: f64[4] @ DRAM, a: f64[4] @ DRAM, y: f64[4] @ DRAM):
    for i in seq(0, 4):
        y[i] = select(x[i], 0.5, a[i], 1.0)
)",
                                  "refusals.py");
  Proc g = ok.proc("g");
  test::expect_same_results(g, g, {}, "select_f64");
}

// (e) stage_mem of a buffer the block never accesses is refused, with the
// reference's message (there is nothing to stage: a wrong window or buffer);
// with accum=True too.
TEST(StageMemUnaccessed, IsRefused) {
  Proc p = mod().proc("staged");
  for (bool accum : {false, true}) {
    std::string m = test::scheduling_error_message([&] { stage_mem(p, find_loop(p, "i"), "z[0:4]", "zt", accum); });
    EXPECT_NE(m.find("Cannot stage 'z' with the given window shape. Wrong window shape, or 'z' not accessed in the "
                     "given scope?"),
              std::string::npos)
        << m;
  }
}

}  // namespace
}  // namespace exo
