// Programs and rewrites the reference refuses: those we refuse too (mixed
// precisions in an extern call), and those we accept because they are safe
// (config writes under a branch on a loop iterator, stage_mem of a buffer the
// block does not access), each accepted one compared
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
        Cfg.f = 1.5
        if i == 2:
            Cfg.f = 0.5
        y[i] = Cfg.f * 2.0 + y[i]

@proc
def gap(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * 3.0

@proc
def scaled(n: size, s: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * s

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
// values as the same in every iteration. We refuse a value computed from the
// iterator of a loop around the write, directly (`Cfg.f = x[i]`) or through
// variables (`t = x[i]; Cfg.f = t`), as it does; a write under a branch on the
// iterator (`if i == 2: Cfg.f = 0.5`) is accepted: each write is analysed at its
// own place with its own value, so the result is defined (the last write's
// value stays), rewrites keep it, and those that would move writes and reads
// across iterations are refused.
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

TEST(ConfigInLoops, DependenceThroughVariablesRefused) {
  std::string head = std::string(kSrc).substr(0, std::string(kSrc).find("@proc"));
  auto e = definition_error(head + R"(
@proc
def f(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32 @ DRAM
        t = x[i]
        Cfg.f = t
)");
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(e->message().find("config field 'Cfg.f' may depend on the loop iterator 'i'"), std::string::npos)
      << e->what();
  EXPECT_EQ(e->where().line, 13) << e->what();  // at the write
  // Through a buffer the loop writes, and through a callee writing the config.
  e = definition_error(head + R"(
@proc
def set_f(v: f32):
    Cfg.f = v

@proc
def f(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n):
        x[0] = x[i]
        set_f(x[0])
)");
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(e->message().find("may depend on the loop iterator 'i'"), std::string::npos) << e->what();
  // The same value outside the loop, or a value the loop does not vary: accepted.
  EXPECT_FALSE(definition_error(head + R"(
@proc
def f(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n):
        x[i] = 2.0
    Cfg.f = x[0]
    for j in seq(0, n):
        t: f32 @ DRAM
        t = x[0]
        Cfg.f = t
)").has_value());
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
  m = test::scheduling_error_message([&] { delete_config(p, find_stmt(p, "Cfg.f = 1.5")); });
  EXPECT_NE(m.find("Cfg.f"), std::string::npos) << m;
}

// (b) write_config takes what the reference takes: a constant, a stride
// expression, or a scalar data or bool variable. An element read or an index
// value could be meant to vary per iteration where config readers assume one
// value; any other expression is refused with the reference's messages.
TEST(WriteConfigValue, ConstantsStridesAndScalarVariablesOnly) {
  Proc p = mod().proc("scaled");
  Cursor at = before(find_loop(p, "i"));
  Rewrite r = write_config(p, at, cfg(), "f", "s", nullptr);
  EXPECT_NE(print_proc(r.proc).find("Cfg.f = s"), std::string::npos) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 5}}, "write_config_var", mod().configs());
  Rewrite c = write_config(p, at, cfg(), "f", "2.5", nullptr);
  test::expect_same_results(p, c.proc, {{"n", 5}}, "write_config_const", mod().configs());
  std::string m = test::error_message([&] { write_config(p, at, cfg(), "f", "x[0]", nullptr); }, ErrorKind::Type);
  EXPECT_NE(m.find("cannot write non-real-scalar non-boolean value x[0] to configuration states"), std::string::npos)
      << m;
  m = test::error_message([&] { write_config(p, at, cfg(), "k", "n", nullptr); }, ErrorKind::Type);
  EXPECT_NE(m.find("cannot write non-real-scalar non-boolean value n"), std::string::npos) << m;
  m = test::error_message([&] { write_config(p, at, cfg(), "f", "s * 2.0", nullptr); }, ErrorKind::Type);
  EXPECT_NE(m.find("expected the rhs to be read, stride expression, or constant"), std::string::npos) << m;
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
