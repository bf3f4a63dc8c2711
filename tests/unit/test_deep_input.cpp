// Deep input: beyond the nesting limits of exo/frontend.h the parser refuses
// with a message and a position; right at the limits every pass (typecheck and
// checks, printer, C backend and the compiled code, interpreter, rewrites) runs,
// on a thread with an 8 MB stack and also with a quarter of that.
#include <gtest/gtest.h>

#include <pthread.h>

#include <exception>
#include <functional>
#include <string>

#include "exo/exo.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "support/caught_error.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

using test::Caught;
using test::caught;

// Runs f on a fresh thread with the given stack size (a stack overflow there
// kills the test binary, which is what these tests must never see).
void on_stack(size_t bytes, const std::function<void()>& f) {
  struct Job {
    const std::function<void()>* f;
    std::exception_ptr error;
  } job{&f, nullptr};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, bytes);
  pthread_t t;
  auto run = [](void* p) -> void* {
    auto* j = static_cast<Job*>(p);
    try {
      (*j->f)();
    } catch (...) {
      j->error = std::current_exception();
    }
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&t, &attr, run, &job), 0);
  pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
  if (job.error) std::rethrow_exception(job.error);
}

// `first op term op term ...` with `count` operands: a left-deep chain whose
// height is `count`.
std::string chain(const std::string& first, const std::string& op, const std::string& term, int count) {
  std::string s = first;
  for (int k = 1; k < count; ++k) s += " " + op + " " + term;
  return s;
}

// A proc with a loop bound, an index and a data expression each exactly
// `height` high, in a loop inside `levels` nested ifs: the loop body is the
// (levels + 1)-th nested body. `x[i]` is 2 high, so `x[i] + ... + x[i]` with height - 1 terms is
// `height`; `y[e]` adds one level to e.
std::string deep_proc(int height, int levels) {
  std::string ind = "    ";
  std::string src = "@proc\ndef deep(n: size, x: f32[4] @ DRAM, y: f32[4] @ DRAM):\n    assert n >= 1\n";
  for (int k = 0; k < levels; ++k, ind += "    ") src += ind + "if n > " + std::to_string(k % 2) + ":\n";
  std::string idx = "i";  // i + 1 - 1 + 1 - ... - 1: height - 1 high, value i
  for (int k = 1; k < height - 1; ++k) idx += k % 2 ? " + 1" : " - 1";
  src += ind + "for i in seq(0, " + chain("4", "-", "0", height) + "):\n";
  src += ind + "    y[" + idx + "] = " + chain("x[i]", "+", "x[i]", height - 1) + "\n";
  return src;
}

// Everything a program goes through, on the deep program.
void run_every_pass(const std::string& src) {
  Proc p = Module::from_string(src, "deep.exo").proc("deep");  // parse, typecheck, check_proc
  std::string printed = print_proc(p);
  Proc q = Module::from_string(printed).proc("deep");
  EXPECT_EQ(print_proc(q), printed);
  Proc s = simplify(p).proc;
  Proc split = split_loop(p, "i", 2, "io", "ii", "guard", false).proc;
  compile_to_c({split}, "deep");
  // Interpreter on both, compiled C of the rewritten one, compared.
  test::expect_same_results(p, s, {{"n", 3}}, "deep_simplified");
  test::expect_same_results(p, split, {{"n", 3}}, "deep_split");
}

// Sanitizer builds give every local its own guard zones: their frames are
// several times larger, so the same depth needs a larger stack there.
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kStackScale = 8;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr size_t kStackScale = 8;
#else
constexpr size_t kStackScale = 1;
#endif
#else
constexpr size_t kStackScale = 1;
#endif
constexpr size_t kMB = kStackScale * (size_t(1) << 20);

TEST(DeepInput, ExpressionsAndStatementsAtTheLimitsRunEverywhere) {
  std::string src = deep_proc(kMaxExprHeight, kMaxStmtNesting - 1);
  on_stack(8 * kMB, [&] { run_every_pass(src); });
  // A quarter of the stack is still enough: the limits leave a margin.
  on_stack(2 * kMB, [&] { run_every_pass(src); });
}

TEST(DeepInput, ExpressionOneLevelTooHighIsRefused) {
  std::string src = deep_proc(kMaxExprHeight + 1, 1);
  Caught c = caught([&] { Module::from_string(src, "deep.exo"); });
  EXPECT_EQ(c.kind, ErrorKind::Parse);
  EXPECT_GT(c.line, 0);
  EXPECT_NE(c.message.find("expression nested too deeply (more than " + std::to_string(kMaxExprHeight) + " levels"),
            std::string::npos)
      << c.message;
}

TEST(DeepInput, LongFlatSumInAFragmentIsRefusedCleanly) {
  Proc p = Module::from_string("@proc\ndef f(n: size, x: f32[4] @ DRAM):\n    x[0] = 1.0\n").proc("f");
  std::string text = "n < " + chain("1", "+", "1", 20000);
  Caught c = caught([&] { add_assertion(p, text); });
  EXPECT_EQ(c.kind, ErrorKind::Parse);
  EXPECT_EQ(c.line, 1);
  // The term that made the sum one level too high.
  EXPECT_EQ(c.col, 5 + 4 * kMaxExprHeight) << c.message;
  EXPECT_NE(c.message.find("nested too deeply"), std::string::npos) << c.message;
  // Twin: the longest sum allowed (one level goes to the comparison).
  on_stack(8 * kMB, [&] {
    Proc q = add_assertion(p, "n < " + chain("1", "+", "1", kMaxExprHeight - 1));
    EXPECT_EQ(q->preds.size(), 1u);
  });
}

TEST(DeepInput, DeepNestingInAFileIsRefusedCleanly) {
  auto in_proc = [](const std::string& e) {
    return "@proc\ndef f(n: size, x: f32[4] @ DRAM):\n    x[0] = " + e + "\n";
  };
  std::string parens = std::string(7000, '(') + "1.0" + std::string(7000, ')');
  std::string negs;
  for (int k = 0; k < 7000; ++k) negs += "-";
  negs += "1.0";
  std::string calls;
  for (int k = 0; k < 7000; ++k) calls += "relu(";
  calls += "1.0" + std::string(7000, ')');
  for (const std::string& e : {parens, negs, calls, chain("1.0", "*", "1.0", 7000)}) {
    Caught c = caught([&] { Module::from_string(in_proc(e), "deep.exo"); });
    EXPECT_EQ(c.kind, ErrorKind::Parse) << e.substr(0, 20);
    EXPECT_EQ(c.line, 3);
    EXPECT_NE(c.message.find("nested too deeply"), std::string::npos) << c.message;
  }
  // Twins at the parser's recursion limit.
  std::string ok_parens = std::string(kMaxParseNesting - 2, '(') + "1.0" + std::string(kMaxParseNesting - 2, ')');
  EXPECT_TRUE(Module::from_string(in_proc(ok_parens)).has_proc("f"));
}

TEST(DeepInput, DeepStatementNestingIsRefusedCleanly) {
  Caught c = caught([&] { Module::from_string(deep_proc(4, kMaxStmtNesting), "deep.exo"); });
  EXPECT_EQ(c.kind, ErrorKind::Parse);
  EXPECT_EQ(c.line, 5 + kMaxStmtNesting);  // the loop body, one block too deep
  EXPECT_NE(c.message.find("statements nested too deeply (more than " + std::to_string(kMaxStmtNesting)),
            std::string::npos)
      << c.message;
  // An elif chain nests too.
  std::string src = "@proc\ndef f(n: size, x: f32[4] @ DRAM):\n    if n == 0:\n        x[0] = 1.0\n";
  for (int k = 1; k <= 150; ++k) src += "    elif n == " + std::to_string(k) + ":\n        x[0] = 1.0\n";
  Caught e = caught([&] { Module::from_string(src); });
  EXPECT_EQ(e.kind, ErrorKind::Parse);
  EXPECT_NE(e.message.find("statements nested too deeply"), std::string::npos) << e.message;
  // Twin: a chain within the limit.
  std::string ok = "@proc\ndef f(n: size, x: f32[4] @ DRAM):\n    if n == 0:\n        x[0] = 1.0\n";
  for (int k = 1; k <= 90; ++k) ok += "    elif n == " + std::to_string(k) + ":\n        x[0] = 1.0\n";
  EXPECT_TRUE(Module::from_string(ok).has_proc("f"));
}

}  // namespace
}  // namespace exo
