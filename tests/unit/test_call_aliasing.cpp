// Aliased call arguments: one buffer (or overlapping windows of it) passed to two
// parameters of which the callee writes one is refused at definition and after
// rewrites that make or change calls; provably disjoint windows and read-only
// sharing are accepted, and their results compared with the original on random
// inputs (interpreter and compiled C).
#include <gtest/gtest.h>

#include <optional>

#include "exo/exo.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "exo/schedule/subprocs.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

const char* kLib = R"(
@proc
def foo(x: [f32][8] @ DRAM, y: [f32][8] @ DRAM):
    x[0] = 1.0
    y[0] = 2.0

@proc
def addv(out: f32[8] @ DRAM, a: f32[8] @ DRAM, b: f32[8] @ DRAM):
    for i in seq(0, 8):
        out[i] = a[i] + b[i]

@proc
def rows(x: [f32][4] @ DRAM, y: [f32][4] @ DRAM):
    for i in seq(0, 4):
        y[i] += x[i]
)";

std::optional<Error> definition_error(const std::string& callers) {
  try {
    Module::from_string(std::string(kLib) + callers, "aliasing.py");
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

void expect_refused(const std::string& callers, const std::string& fragment) {
  auto e = definition_error(callers);
  ASSERT_TRUE(e.has_value()) << "accepted aliased arguments:\n" << callers;
  EXPECT_EQ(e->kind(), ErrorKind::Bounds) << e->what();
  EXPECT_NE(e->message().find(fragment), std::string::npos) << "message lacks '" << fragment << "': " << e->what();
}

void expect_accepted(const std::string& callers) {
  auto e = definition_error(callers);
  EXPECT_FALSE(e.has_value()) << e->what();
}

TEST(CallAliasing, SameBufferToTwoWrittenParametersRefused) {
  auto e = definition_error(R"(
@proc
def caller(z: f32[8] @ DRAM):
    foo(z, z)
)");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind(), ErrorKind::Bounds);
  EXPECT_EQ(e->where().line, 19) << e->what();  // the call, after the 15 lines of kLib
  EXPECT_NE(e->message().find("call to foo: arguments 'x' = 'z' and 'y' = 'z' may share storage of 'z', and foo "
                              "writes 'x'"),
            std::string::npos)
      << e->what();
  EXPECT_NE(e->message().find("could not prove 'z' and 'z' are disjoint"), std::string::npos) << e->what();
}

TEST(CallAliasing, WindowsMustProvablyNotOverlap) {
  expect_accepted(R"(
@proc
def caller(z: f32[16] @ DRAM):
    foo(z[0:8], z[8:16])
)");
  expect_refused(R"(
@proc
def caller(z: f32[16] @ DRAM):
    foo(z[0:8], z[7:15])
)",
                 "could not prove 'z[0:8]' and 'z[7:15]' are disjoint");
  // Through window statements, and windows of windows.
  expect_accepted(R"(
@proc
def caller(z: f32[16] @ DRAM):
    w = z[0:12]
    foo(w[0:8], z[8:16])
)");
  expect_refused(R"(
@proc
def caller(z: f32[16] @ DRAM):
    w = z[4:16]
    foo(w[0:8], z[0:8])
)",
                 "could not prove 'z[4:4 + 8]' and 'z[0:8]' are disjoint");
  // Different rows of a matrix; the same row twice.
  expect_accepted(R"(
@proc
def caller(n: size, A: f32[n, 4] @ DRAM):
    for i in seq(0, n - 1):
        rows(A[i, 0:4], A[i + 1, 0:4])
)");
  expect_refused(R"(
@proc
def caller(n: size, A: f32[n, 4] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, n):
            rows(A[i, 0:4], A[j, 0:4])
)",
                 "call to rows: arguments 'x' = 'A[i, 0:4]' and 'y' = 'A[j, 0:4]'");
}

TEST(CallAliasing, ReadOnlySharingAccepted) {
  expect_accepted(R"(
@proc
def caller(z: f32[8] @ DRAM, r: f32[8] @ DRAM):
    addv(r, z, z)
)");
  expect_refused(R"(
@proc
def caller(z: f32[8] @ DRAM, r: f32[8] @ DRAM):
    addv(z, z, r)
)",
                 "call to addv: arguments 'out' = 'z' and 'a' = 'z'");
}

// The reported change of results: with foo(z, z) accepted, reordering foo's two
// writes (legal for distinct buffers) and swapping it in changed z[0]. With
// disjoint windows the same schedule keeps the results.
TEST(CallAliasing, ReorderedCalleeSwappedInKeepsResults) {
  Module m = Module::from_string(std::string(kLib) + R"(
@proc
def caller(z: f32[16] @ DRAM):
    foo(z[0:8], z[8:16])
)",
                                 "aliasing.py");
  Proc foo = m.proc("foo"), caller = m.proc("caller");
  Proc foo2 = reorder_stmts(foo, "x[0] = _", "y[0] = _").proc;
  Rewrite r = call_eqv(caller, "foo(_)", foo2);
  test::expect_same_results(caller, r.proc, {}, "alias_call_eqv");
}

// Two loops shaped like addv's body: the first would pass x as both out and a.
const char* kAcc = R"(
@proc
def acc(x: f32[8] @ DRAM, y: f32[8] @ DRAM, z: f32[8] @ DRAM):
    for i in seq(0, 8):
        x[i] = x[i] + y[i]
    for i in seq(0, 8):
        z[i] = x[i] + y[i]
)";

TEST(CallAliasing, ReplaceRefusesACallWithAliasedArguments) {
  Module m = Module::from_string(std::string(kLib) + kAcc, "aliasing.py");
  Proc p = m.proc("acc"), addv = m.proc("addv");
  std::string msg = test::scheduling_error_message([&] { replace(p, find_loop(p, "i"), addv); });
  EXPECT_NE(msg.find("replace"), std::string::npos) << msg;
  EXPECT_NE(msg.find("call to addv: arguments 'out' = 'x' and 'a' = 'x'"), std::string::npos) << msg;
  Rewrite ok = replace(p, find_loop(p, "i #1"), addv);
  EXPECT_NE(print_proc(ok.proc).find("addv(z, x, y)"), std::string::npos) << print_proc(ok.proc);
  test::expect_same_results(p, ok.proc, {}, "alias_replace_twin");
}

// replace_all calls the sub-procedure only where its arguments do not alias:
// the first loop (out = a = x) stays, the second becomes a call.
TEST(CallAliasing, ReplaceAllSkipsSitesWithAliasedArguments) {
  Module m = Module::from_string(std::string(kLib) + kAcc, "aliasing.py");
  Proc p = m.proc("acc"), addv = m.proc("addv");
  Rewrite r = replace_all(p, addv);
  std::string text = print_proc(r.proc);
  EXPECT_NE(text.find("x[i] = x[i] + y[i]"), std::string::npos) << text;
  EXPECT_NE(text.find("addv(z, x, y)"), std::string::npos) << text;
  EXPECT_EQ(text.find("addv(x, x, y)"), std::string::npos) << text;
  test::expect_same_results(p, r.proc, {}, "alias_replace_all");
}

}  // namespace
}  // namespace exo
