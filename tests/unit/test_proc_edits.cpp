// partial_eval, add_assertion and transpose: the edited proc computes what the
// original computes (interpreter, and compiled C for one case), and the refusals
// name the argument at fault.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <string>

#include "exo/schedule/cursor.h"
#include "exo/schedule/match.h"
#include "exo/exo.h"
#include "exo/schedule/procs.h"
#include "support/differential.h"

namespace exo {
namespace {

const char* kSrc = R"(
@proc
def scale(n: size, m: size, k: index, flag: bool, x: f32[n, m] @ DRAM, y: f32[n, m] @ DRAM):
    assert n >= 2
    assert k < n
    assert k >= 0
    for i in seq(0, n):
        for j in seq(0, m * 2 / 2):
            if flag:
                y[i, j] = x[i, j] * 2.0
            else:
                y[i, j] = x[k, j] + 1.0

@proc
def gemm(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]

@proc
def copy_row(n: size, src: [f32][n] @ DRAM, dst: [f32][n] @ DRAM):
    for i in seq(0, n):
        dst[i] = src[i]

@proc
def rows(n: size, A: f32[n, 4] @ DRAM, B: f32[n, 4] @ DRAM):
    for i in seq(0, n):
        copy_row(4, A[i, 0:4], B[i, 0:4])

@proc
def strided(n: size, A: [f32][n, n] @ DRAM):
    assert stride(A, 1) == 1
    for i in seq(0, n):
        A[i, 0] = 0.0

@proc
def withstride(n: size, s: stride, x: f32[n] @ DRAM):
    x[0] = 1.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc, "proc_edits.exo");
  return m;
}

// `in` without the arguments at `drop` (positions in the original signature).
test::ProcInputs without(const test::ProcInputs& in, const std::vector<size_t>& drop) {
  test::ProcInputs out;
  for (size_t k = 0; k < in.control.size(); ++k) {
    if (std::find(drop.begin(), drop.end(), k) != drop.end()) continue;
    out.control.push_back(in.control[k]);
    out.data.push_back(in.data[k]);
    out.shapes.push_back(in.shapes[k]);
  }
  return out;
}

std::vector<std::vector<uint8_t>> without(const std::vector<std::vector<uint8_t>>& bufs,
                                          const std::vector<size_t>& drop) {
  std::vector<std::vector<uint8_t>> out;
  for (size_t k = 0; k < bufs.size(); ++k)
    if (std::find(drop.begin(), drop.end(), k) == drop.end()) out.push_back(bufs[k]);
  return out;
}

Error expect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected an exo::Error";
  return Error(ErrorKind::Internal, {}, "none");
}

TEST(PartialEval, SubstitutesEverywhereWithoutFolding) {
  Proc p = mod().proc("scale");
  Proc q = partial_eval(p, std::map<std::string, long long>{{"m", 4}, {"flag", 1}});
  std::string text = print_proc(q);
  EXPECT_EQ(q->args.size(), p->args.size() - 2);
  EXPECT_NE(text.find("x: f32[n, 4]"), std::string::npos) << text;
  // The values are put in as written, as exo-lang does (simplify folds them).
  EXPECT_NE(text.find("seq(0, 4 * 2 / 2)"), std::string::npos) << text;
  EXPECT_NE(text.find("if True"), std::string::npos) << text;

  for (unsigned seed = 1; seed <= 3; ++seed) {
    auto in = test::make_random_inputs(p, {{"n", 5}, {"m", 4}, {"k", 3}, {"flag", 1}}, seed);
    auto expected = test::run_interpreted(p, in, {});
    auto actual = test::run_interpreted(q, without(in, {1, 3}), {});
    EXPECT_EQ(test::compare_outputs(q, without(expected, {1, 3}), actual), "");
  }
}

TEST(PartialEval, PositionalAndFalseFlag) {
  Proc p = mod().proc("scale");
  Proc q = partial_eval(p, std::vector<long long>{6, 3, 5, 0});
  EXPECT_EQ(q->args.size(), 2u);
  EXPECT_TRUE(q->preds.empty()) << print_proc(q);  // 6 >= 2 and 5 < 6 discharged
  auto in = test::make_random_inputs(p, {{"n", 6}, {"m", 3}, {"k", 5}, {"flag", 0}}, 11);
  auto expected = test::run_interpreted(p, in, {});
  auto actual = test::run_compiled(q, without(in, {0, 1, 2, 3}), "partial_eval_positional");
  EXPECT_EQ(test::compare_outputs(q, without(expected, {0, 1, 2, 3}), actual), "");
}

TEST(PartialEval, ThroughCallsAndWindows) {
  Proc p = mod().proc("rows");
  Proc q = partial_eval(p, std::map<std::string, long long>{{"n", 3}});
  auto in = test::make_random_inputs(p, {{"n", 3}}, 5);
  auto expected = test::run_interpreted(p, in, {});
  auto actual = test::run_interpreted(q, without(in, {0}), {});
  EXPECT_EQ(test::compare_outputs(q, without(expected, {0}), actual), "");
}

TEST(PartialEval, Refusals) {
  Proc p = mod().proc("scale");
  Error e = expect_error([&] { partial_eval(p, std::map<std::string, long long>{{"x", 1}}); });
  EXPECT_EQ(e.kind(), ErrorKind::Scheduling);
  EXPECT_NE(e.message().find("'x'"), std::string::npos) << e.message();

  e = expect_error([&] { partial_eval(p, std::map<std::string, long long>{{"nope", 1}}); });
  EXPECT_EQ(e.kind(), ErrorKind::Api);
  EXPECT_NE(e.message().find("'nope'"), std::string::npos) << e.message();

  e = expect_error([&] { partial_eval(p, std::map<std::string, long long>{{"m", 0}}); });
  EXPECT_EQ(e.kind(), ErrorKind::Api);
  EXPECT_NE(e.message().find("'m'"), std::string::npos) << e.message();

  e = expect_error([&] { partial_eval(p, std::map<std::string, long long>{{"flag", 2}}); });
  EXPECT_NE(e.message().find("'flag'"), std::string::npos) << e.message();

  e = expect_error([&] { partial_eval(p, std::map<std::string, long long>{{"n", 1}}); });
  EXPECT_EQ(e.kind(), ErrorKind::Precondition);
  EXPECT_NE(e.message().find("n >= 2"), std::string::npos) << e.message();

  e = expect_error([&] { partial_eval(p, std::vector<long long>{1, 2, 3, 4, 5, 6, 7}); });
  EXPECT_NE(e.message().find("no more than 6"), std::string::npos) << e.message();
}

TEST(PartialEval, StrideIsRefusedAndEmptyIsIdentity) {
  Error e = expect_error([&] { partial_eval(mod().proc("withstride"), std::vector<long long>{4, 1}); });
  EXPECT_EQ(e.kind(), ErrorKind::Scheduling);
  EXPECT_NE(e.message().find("'s'"), std::string::npos) << e.message();
  Proc g = mod().proc("gemm");
  EXPECT_EQ(partial_eval(g, std::vector<long long>{}), g);
}

TEST(AddAssertion, AppendsAndChecks) {
  Proc p = mod().proc("gemm");
  Proc q = add_assertion(p, "M % 4 == 0 and N > K");
  ASSERT_EQ(q->preds.size(), 1u);
  std::string text = print_proc(q);
  EXPECT_NE(text.find("assert M % 4 == 0 and N > K"), std::string::npos) << text;
  // Same meaning on inputs satisfying it.
  auto in = test::make_random_inputs(p, {{"M", 8}, {"N", 5}, {"K", 3}}, 2);
  EXPECT_EQ(test::compare_outputs(p, test::run_interpreted(p, in, {}), test::run_interpreted(q, in, {})), "");
  // Chained: assertions accumulate.
  Proc r = add_assertion(q, "K >= 2");
  EXPECT_EQ(r->preds.size(), 2u);
}

TEST(AddAssertion, Refusals) {
  Proc p = mod().proc("scale");
  Error e = expect_error([&] { add_assertion(p, "n < 2"); });
  EXPECT_EQ(e.kind(), ErrorKind::Precondition) << e.what();

  e = expect_error([&] { add_assertion(p, "n + 1"); });
  EXPECT_EQ(e.kind(), ErrorKind::Type) << e.what();

  e = expect_error([&] { add_assertion(p, "q > 1"); });
  EXPECT_EQ(e.kind(), ErrorKind::Type) << e.what();
  EXPECT_NE(e.message().find("q"), std::string::npos) << e.message();

  e = expect_error([&] { add_assertion(p, "n >"); });
  EXPECT_EQ(e.kind(), ErrorKind::Parse) << e.what();
}

// Transposes the bytes of an r x c row-major buffer.
std::vector<uint8_t> transposed(const std::vector<uint8_t>& b, size_t r, size_t c) {
  size_t es = b.size() / (r * c);
  std::vector<uint8_t> out(b.size());
  for (size_t i = 0; i < r; ++i)
    for (size_t j = 0; j < c; ++j) std::memcpy(&out[(j * r + i) * es], &b[(i * c + j) * es], es);
  return out;
}

TEST(Transpose, SwapsShapeAndAccesses) {
  Proc p = mod().proc("gemm");
  Proc q = transpose(p, "B");
  std::string text = print_proc(q);
  EXPECT_NE(text.find("B: f32[N, K]"), std::string::npos) << text;
  EXPECT_NE(text.find("B[j, k]"), std::string::npos) << text;
  for (unsigned seed = 1; seed <= 3; ++seed) {
    auto in = test::make_random_inputs(p, {{"M", 3}, {"N", 5}, {"K", 4}}, seed);
    auto expected = test::run_interpreted(p, in, {});
    auto tin = in;
    tin.data[4] = transposed(in.data[4], 4, 5);
    tin.shapes[4] = {5, 4};
    auto actual = test::run_interpreted(q, tin, {});
    actual[4] = transposed(actual[4], 5, 4);  // back to the original layout
    EXPECT_EQ(test::compare_outputs(p, expected, actual), "");
  }
  // Transposing twice gives back the original text.
  EXPECT_EQ(print_proc(transpose(q, "B")), print_proc(p));
}

TEST(Transpose, OutputAndStrides) {
  Proc q = transpose(mod().proc("gemm"), "C");
  EXPECT_NE(print_proc(q).find("C[j, i] +="), std::string::npos) << print_proc(q);
  Proc s = transpose(mod().proc("strided"), "A");
  std::string text = print_proc(s);
  EXPECT_NE(text.find("stride(A, 0) == 1"), std::string::npos) << text;
  EXPECT_NE(text.find("A[0, i] = 0.0"), std::string::npos) << text;
}

TEST(Transpose, Refusals) {
  Error e = expect_error([&] { transpose(mod().proc("rows"), "A"); });
  EXPECT_EQ(e.kind(), ErrorKind::Scheduling);
  EXPECT_NE(e.message().find("'A'"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("windowed"), std::string::npos) << e.message();

  e = expect_error([&] { transpose(mod().proc("gemm"), "M"); });
  EXPECT_EQ(e.kind(), ErrorKind::Api);
  EXPECT_NE(e.message().find("2-D tensor"), std::string::npos) << e.message();

  e = expect_error([&] { transpose(mod().proc("copy_row"), "src"); });
  EXPECT_NE(e.message().find("2-D tensor"), std::string::npos) << e.message();

  e = expect_error([&] { transpose(mod().proc("gemm"), "Z"); });
  EXPECT_NE(e.message().find("'Z'"), std::string::npos) << e.message();
}

TEST(FindStmt, Patterns) {
  Proc p = mod().proc("scale");
  EXPECT_TRUE(resolve_stmt(p, find_stmt(p, "for j in _: _")).as<ForNode>());
  Stmt a = resolve_stmt(p, find_stmt(p, "y[_] = _ #1"));
  ASSERT_TRUE(a.as<AssignNode>());
  EXPECT_NE(print_stmt(a).find("x[k, j] + 1.0"), std::string::npos);
  Error e = expect_error([&] { find_stmt(p, "z[_] += _"); });
  EXPECT_NE(e.message().find("z[_] += _"), std::string::npos) << e.message();
}

}  // namespace
}  // namespace exo
