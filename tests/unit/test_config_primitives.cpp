// Config primitives: bind_config, configwrite_root/after, delete_config. Accepted
// rewrites run against the original on random inputs (configs start at 0, so a
// changed value that is read shows in the outputs); each refusal has a legal twin.
#include <gtest/gtest.h>

#include "exo/schedule/configs.h"
#include "exo/equivalence.h"
#include "exo/exo.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

const char* kSrc = R"(
@config
class Cfg:
    scale: f32
    on: bool

@config(readwrite=False)
class Host:
    gain: f32

@proc
def set_scale(f: f32):
    Cfg.scale = f

@proc
def scale_by_cfg(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * Cfg.scale

@proc
def scaled(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, s: f32 @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * s

@proc
def mix_late(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, s: f32 @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * s
        y[i] += Cfg.scale
        Cfg.scale = 2.0

@proc
def mix_early(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, s: f32 @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * s
        Cfg.scale = 2.0
        y[i] += Cfg.scale

@proc
def reads_first(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * Cfg.scale

@proc
def reuse(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, s: f32 @ DRAM):
    Cfg.scale = s
    for i in seq(0, n):
        y[i] = x[i] * Cfg.scale
    for i in seq(0, n):
        y[i] += 1.0
    Cfg.scale = 2.0
    for i in seq(0, n):
        y[i] += Cfg.scale

@proc
def loop_read(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, s: f32 @ DRAM):
    Cfg.scale = s
    for i in seq(0, n):
        y[i] = x[i] * Cfg.scale
        y[i] += 1.0

@proc
def twice(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, s: f32 @ DRAM):
    assert n >= 1
    Cfg.scale = s
    for i in seq(0, n):
        Cfg.scale = s
        y[i] = x[i] * Cfg.scale
    Cfg.scale = 3.0
    Cfg.scale = s
    y[0] += Cfg.scale

@proc
def guarded(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, s: f32 @ DRAM, flag: bool):
    Cfg.scale = 1.0
    if flag:
        Cfg.scale = s
    for i in seq(0, n):
        y[i] = x[i] * Cfg.scale

@proc
def guarded_both(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, s: f32 @ DRAM, flag: bool):
    Cfg.scale = 1.0
    if flag:
        Cfg.scale = s
    else:
        Cfg.scale = 2.0
    for i in seq(0, n):
        y[i] = x[i] * Cfg.scale

@proc
def before_set(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, s: f32 @ DRAM):
    Cfg.scale = 1.0
    set_scale(s)
    scale_by_cfg(n, x, y)

@proc
def before_use(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, s: f32 @ DRAM):
    Cfg.scale = s
    scale_by_cfg(n, x, y)
    Cfg.scale = 1.0

@proc
def flags(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, b: bool, s: f32 @ DRAM):
    for i in seq(0, n):
        if b:
            y[i] = x[i] + s
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}
ConfigPtr cfg(const std::string& name) {
  for (auto& c : mod().configs())
    if (c->name() == name) return c;
  return nullptr;
}
std::vector<ConfigPtr> all_cfgs() { return mod().configs(); }

bool has(const Proc& p, const std::string& text) { return print_proc(p).find(text) != std::string::npos; }

TEST(BindConfig, BindsAScalarRead) {
  Proc p = mod().proc("scaled");
  Rewrite r = bind_config(p, "s", cfg("Cfg"), "scale");
  EXPECT_TRUE(has(r.proc, "Cfg.scale = s\n        y[i] = x[i] * Cfg.scale")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 7}}, "bind_config_scaled", all_cfgs());
  // A bool variable (the if condition) binds to a bool field.
  Proc f = mod().proc("flags");
  Rewrite rb = bind_config(f, "b", cfg("Cfg"), "on");
  EXPECT_TRUE(has(rb.proc, "Cfg.on = b\n        if Cfg.on:")) << print_proc(rb.proc);
  test::expect_same_results(f, rb.proc, {{"n", 5}, {"b", 1}}, "bind_config_flag", all_cfgs());
}

TEST(BindConfig, RefusesWhenTheStatementsAfterReadTheField) {
  // The loop's later statement reads Cfg.scale before the loop writes it again.
  Proc late = mod().proc("mix_late");
  std::string m = test::scheduling_error_message([&] { bind_config(late, "s", cfg("Cfg"), "scale"); });
  EXPECT_NE(m.find("the new write of 'Cfg.scale'"), std::string::npos) << m;
  EXPECT_NE(m.find("would be seen by the marked statement"), std::string::npos) << m;
  EXPECT_NE(m.find(">       y[i] += Cfg.scale"), std::string::npos) << m;
  // Legal twin: the read follows a write of the field.
  Proc early = mod().proc("mix_early");
  Rewrite r = bind_config(early, "s", cfg("Cfg"), "scale");
  test::expect_same_results(early, r.proc, {{"n", 6}}, "bind_config_early", all_cfgs());
}

TEST(BindConfig, ChecksTypesAndWritability) {
  Proc p = mod().proc("scaled");
  std::string m = test::scheduling_error_message([&] { bind_config(p, "s", cfg("Cfg"), "on"); });
  EXPECT_NE(m.find("'s' has type f32 but config field 'Cfg.on' has type bool"), std::string::npos) << m;
  m = test::scheduling_error_message([&] { bind_config(p, "s", cfg("Host"), "gain"); });
  EXPECT_NE(m.find("config 'Host' is read-only"), std::string::npos) << m;
  m = test::scheduling_error_message([&] { bind_config(p, "x[_]", cfg("Cfg"), "scale"); });
  EXPECT_NE(m.find("depends on a loop iterator"), std::string::npos) << m;
  m = test::scheduling_error_message([&] { bind_config(p, "x[_] * s", cfg("Cfg"), "scale"); });
  EXPECT_NE(m.find("expected a read of a data variable"), std::string::npos) << m;
}

TEST(ConfigWriteRoot, InsertsAtTheStart) {
  Proc p = mod().proc("reuse");  // writes Cfg.scale before its first read
  Rewrite r = configwrite_root(p, cfg("Cfg"), "scale", "3.0");
  EXPECT_EQ(print_stmt(r.proc->body[0]), "Cfg.scale = 3.0\n");
  test::expect_same_results(p, r.proc, {{"n", 5}}, "configwrite_root_reuse", all_cfgs());
  // The final value of Cfg.scale is unchanged (2.0 is written later): still equivalent.
  EXPECT_TRUE(equivalent(p, r.proc));
}

TEST(ConfigWriteRoot, RefusesWhenTheProcReadsTheFieldFirst) {
  Proc p = mod().proc("reads_first");
  std::string m = test::scheduling_error_message([&] { configwrite_root(p, cfg("Cfg"), "scale", "2.0"); });
  EXPECT_NE(m.find("configwrite_root: the new write of 'Cfg.scale'"), std::string::npos) << m;
  EXPECT_NE(m.find(">       y[i] = x[i] * Cfg.scale"), std::string::npos) << m;
  // Twin: another field is free; the caller now sees Cfg.on changed, so the
  // result is interchangeable with the original only modulo Cfg.on.
  Rewrite r = configwrite_root(p, cfg("Cfg"), "on", "n > 2");
  test::expect_same_results(p, r.proc, {{"n", 4}}, "configwrite_root_free", all_cfgs());
  EXPECT_TRUE(equivalent(p, r.proc));
  ASSERT_EQ(r.proc->eqv_config_changes.size(), 1u);
  EXPECT_EQ(r.proc->eqv_config_changes[0].second, "on");
}

TEST(ConfigWriteAfter, RefusesAWriteALaterReadWouldSee) {
  Proc p = mod().proc("reuse");
  std::string m = test::scheduling_error_message(
      [&] { configwrite_after(p, "Cfg.scale = s", cfg("Cfg"), "scale", "5.0"); });
  EXPECT_NE(m.find("configwrite_after: the new write of 'Cfg.scale'"), std::string::npos) << m;
  EXPECT_NE(m.find("would be seen by the marked statement"), std::string::npos) << m;
  // Twin: after the loop that reads it, the field is overwritten before any read.
  Rewrite r = configwrite_after(p, "for i in _: _ #1", cfg("Cfg"), "scale", "5.0");
  EXPECT_TRUE(has(r.proc, "Cfg.scale = 5.0\n    Cfg.scale = 2.0")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 5}}, "configwrite_after_free", all_cfgs());
}

TEST(ConfigWriteAfter, LaterIterationsAndHeldValues) {
  Proc p = mod().proc("loop_read");
  // Inside the loop the next iteration reads the field.
  std::string m = test::scheduling_error_message(
      [&] { configwrite_after(p, "y[_] += _", cfg("Cfg"), "scale", "4.0"); });
  EXPECT_NE(m.find(">       y[i] = x[i] * Cfg.scale"), std::string::npos) << m;
  // Twin: writing the value the field already holds (s) changes nothing.
  Rewrite r = configwrite_after(p, "y[_] += _", cfg("Cfg"), "scale", "s");
  EXPECT_TRUE(has(r.proc, "y[i] += 1.0\n        Cfg.scale = s")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 6}}, "configwrite_after_held", all_cfgs());
  EXPECT_TRUE(equivalent(p, r.proc));
}

TEST(WriteConfig, InsertsAtAGap) {
  Proc p = mod().proc("mix_early");
  // Before the loop body's first statement: the body's own write comes before its read.
  Cursor body_start = before(find_stmt(p, "y[_] = _"));
  Rewrite r = write_config(p, body_start, cfg("Cfg"), "scale", "s");
  EXPECT_TRUE(has(r.proc, "for i in seq(0, n):\n        Cfg.scale = s\n        y[i] = x[i] * s")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 4}}, "write_config_gap", all_cfgs());
  // Twin: right before the read it would be seen.
  std::string m = test::scheduling_error_message(
      [&] { write_config(p, before(find_stmt(p, "y[_] += _")), cfg("Cfg"), "scale", "s"); });
  EXPECT_NE(m.find("write_config: the new write of 'Cfg.scale'"), std::string::npos) << m;
}

TEST(DeleteConfig, DeletesRedundantAndDeadWrites) {
  Proc p = mod().proc("twice");
  // The write in the loop stores the value already held.
  Rewrite r1 = delete_config(p, "Cfg.scale = s #1");
  test::expect_same_results(p, r1.proc, {{"n", 5}}, "delete_config_held", all_cfgs());
  // 3.0 is overwritten before any read.
  Rewrite r2 = delete_config(r1.proc, "Cfg.scale = 3.0");
  EXPECT_FALSE(has(r2.proc, "3.0")) << print_proc(r2.proc);
  test::expect_same_results(p, r2.proc, {{"n", 5}}, "delete_config_dead", all_cfgs());
  EXPECT_TRUE(equivalent(p, r2.proc));
  // The first write of the original: the loop rewrites it before reading.
  Rewrite r3 = delete_config(p, "Cfg.scale = s #0");
  test::expect_same_results(p, r3.proc, {{"n", 3}}, "delete_config_first", all_cfgs());
}

TEST(DeleteConfig, RefusesAWriteThatIsReadLater) {
  Proc p = mod().proc("twice");
  // After 3.0, the last write changes the value y[0] reads.
  std::string m = test::scheduling_error_message([&] { delete_config(p, "Cfg.scale = s #2"); });
  EXPECT_NE(m.find("delete_config: cannot delete the write of 'Cfg.scale'"), std::string::npos) << m;
  EXPECT_NE(m.find(">   y[0] += Cfg.scale"), std::string::npos) << m;
  // Only one branch overwrites 1.0: the loop may read it.
  Proc g = mod().proc("guarded");
  m = test::scheduling_error_message([&] { delete_config(g, "Cfg.scale = 1.0"); });
  EXPECT_NE(m.find(">       y[i] = x[i] * Cfg.scale"), std::string::npos) << m;
  // Twin: both branches overwrite it.
  Proc gb = mod().proc("guarded_both");
  Rewrite r = delete_config(gb, "Cfg.scale = 1.0");
  test::expect_same_results(gb, r.proc, {{"n", 4}, {"flag", 0}}, "delete_config_branches0", all_cfgs());
  test::expect_same_results(gb, r.proc, {{"n", 4}, {"flag", 1}}, "delete_config_branches1", all_cfgs());
}

TEST(DeleteConfig, FollowsCalls) {
  // The callee overwrites the field on every path: the write is dead.
  Proc p = mod().proc("before_set");
  Rewrite r = delete_config(p, "Cfg.scale = 1.0");
  test::expect_same_results(p, r.proc, {{"n", 4}}, "delete_config_callee_writes", all_cfgs());
  // Twin: the callee reads it; the call is marked.
  Proc q = mod().proc("before_use");
  std::string m = test::scheduling_error_message([&] { delete_config(q, "Cfg.scale = s"); });
  EXPECT_NE(m.find(">   scale_by_cfg(n, x, y)"), std::string::npos) << m;
  // The last write is read by no one in the proc, but the caller sees it.
  Rewrite last = delete_config(q, "Cfg.scale = 1.0");
  test::expect_same_results(q, last.proc, {{"n", 4}}, "delete_config_visible", all_cfgs());
  // Equivalent modulo the field the caller may now see differently.
  EXPECT_TRUE(equivalent(q, last.proc));
  ASSERT_EQ(last.proc->eqv_config_changes.size(), 1u);
  EXPECT_EQ(last.proc->eqv_config_changes[0].second, "scale");
  // Not a config write.
  m = test::scheduling_error_message([&] { delete_config(q, "scale_by_cfg(_)"); });
  EXPECT_NE(m.find("expected a config write"), std::string::npos) << m;
}

}  // namespace
}  // namespace exo
