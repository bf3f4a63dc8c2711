// The pattern matcher: every reference form, #N selection, program order, errors.
#include <gtest/gtest.h>

#include <limits>
#include <tuple>

#include "exo/exo.h"
#include "exo/frontend.h"
#include "exo/schedule/match.h"

namespace exo {
namespace {

const char* kSrc = R"(
@proc
def gemm(M: size, N: size, K: size, C: f32[M, N] @ DRAM, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM):
    for i in seq(0, M):
        for j in seq(0, N):
            C_reg: f32 @ DRAM
            C_reg = 0.0
            for k in seq(0, K):
                C_reg += A[i, k] * B[k, j]
            C[i, j] += C_reg

@proc
def axpy(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] += a * x[i]
    for i in seq(0, n):
        x[i] = -2.0
    if n > 4:
        for i in seq(0, n - 1):
            x[i] = x[i + 1]
    else:
        pass

@proc
def caller(n: size, s: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    assert n >= 4
    axpy(n, s, x, y)
    w = x[0:4]
    for t in seq(0, 4):
        y[t] = select(x[t], 0.0, w[t], 1.0)
    axpy(n, s, y, x)
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

std::string text(const Proc& p, const Cursor& c) {
  if (c.is_expr()) return print_expr(resolve_expr(p, c));
  std::string s;
  for (auto& st : resolve_stmts(p, c)) s += print_stmt(st);
  return s;
}

std::string first_line(const Proc& p, const Cursor& c) {
  std::string s = text(p, c);
  return s.substr(0, s.find('\n'));
}

TEST(Match, LoopByName) {
  Proc p = mod().proc("gemm");
  Cursor j = find_loop(p, "j");
  EXPECT_EQ(j.str(), "body[0].body[0]");
  EXPECT_EQ(first_line(p, find_loop(p, "k")), "for k in seq(0, K):");
  Proc a = mod().proc("axpy");
  EXPECT_EQ(find_loop(a, "i").str(), "body[0]");
  EXPECT_EQ(find_loop(a, "i #1").str(), "body[1]");
  EXPECT_EQ(find_loop(a, "i #2").str(), "body[2].body[0]");
  EXPECT_EQ(match_pattern(a, "for i in _: _").size(), 3u);
  EXPECT_TRUE(is_plain_name("i #2"));
  EXPECT_FALSE(is_plain_name("for i in _: _"));
}

TEST(Match, LoopPatterns) {
  Proc a = mod().proc("axpy");
  EXPECT_EQ(match_pattern(a, "for i in seq(0, n): _").size(), 2u);
  EXPECT_EQ(find_loop(a, "for i in seq(0, n - 1): _").str(), "body[2].body[0]");
  EXPECT_EQ(find_loop(a, "for i in seq(0, _): x[_] = _").str(), "body[1]");
  EXPECT_EQ(find_loop(a, "for _ in _: y[_] += _").str(), "body[0]");
  // The body pattern matches a prefix of the loop body.
  Proc g = mod().proc("gemm");
  EXPECT_EQ(find_loop(g, "for j in _: C_reg : _").str(), "body[0].body[0]");
  EXPECT_TRUE(match_pattern(g, "for j in _: C_reg = _").empty());
  EXPECT_EQ(find_loop(g, "for j in _:\n    _\n    C_reg = _").str(), "body[0].body[0]");
}

TEST(Match, WritesAllocsCallsAndSelection) {
  Proc g = mod().proc("gemm");
  EXPECT_EQ(first_line(g, find_stmt(g, "C[_] += _")), "C[i, j] += C_reg");
  EXPECT_EQ(first_line(g, find_stmt(g, "C_reg += A[_] * _")), "C_reg += A[i, k] * B[k, j]");
  EXPECT_EQ(find_alloc(g, "C_reg").str(), "body[0].body[0].body[0]");
  EXPECT_EQ(find_stmt(g, "C_reg : _").str(), "body[0].body[0].body[0]");
  EXPECT_EQ(find_stmt(g, "C_reg = 0.0").str(), "body[0].body[0].body[1]");
  EXPECT_TRUE(match_pattern(g, "C_reg = 1.0").empty());
  Proc a = mod().proc("axpy");
  EXPECT_EQ(find_stmt(a, "x = _").str(), "body[1].body[0]");  // a bare name matches any index
  EXPECT_EQ(find_stmt(a, "x[_] = _ #1").str(), "body[2].body[0].body[0]");
  EXPECT_EQ(find_stmt(a, "x[_] = -2.0").str(), "body[1].body[0]");  // negative literal
  EXPECT_EQ(find_stmt(a, "x[i] = x[i + 1]").str(), "body[2].body[0].body[0]");
  EXPECT_EQ(find_stmt(a, "pass").str(), "body[2].orelse[0]");
  EXPECT_EQ(find_stmt(a, "if n > 4: _").str(), "body[2]");
  EXPECT_EQ(find_stmt(a, "if _: _\nelse: pass").str(), "body[2]");
  Proc c = mod().proc("caller");
  std::vector<Cursor> calls = match_pattern(c, "axpy(_)");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].str(), "body[0]");
  EXPECT_EQ(calls[1].str(), "body[3]");
  EXPECT_EQ(find_stmt(c, "axpy(_) #1").str(), "body[3]");
  EXPECT_EQ(find_stmt(c, "w = _").str(), "body[1]");  // window statement
  EXPECT_EQ(find_stmt(c, "w = x[_]").str(), "body[1]");
}

TEST(Match, BlockPatterns) {
  Proc g = mod().proc("gemm");
  Cursor b = find_cursor(g, "C_reg : _\nC_reg = _");
  ASSERT_TRUE(b.is_block());
  EXPECT_EQ(b.str(), "body[0].body[0].body[0:2]");
  Cursor h = find_cursor(g, "C_reg = _\n_\nC[_] += _");
  ASSERT_TRUE(h.is_block());
  EXPECT_EQ(h.count, 3);
  EXPECT_THROW(find_stmt(g, "C_reg : _\nC_reg = _"), Error);  // not one statement
}

TEST(Match, ExpressionPatterns) {
  Proc a = mod().proc("axpy");
  std::vector<Cursor> adds = match_pattern(a, "i + _");
  ASSERT_EQ(adds.size(), 1u);
  EXPECT_EQ(text(a, adds[0]), "i + 1");
  std::vector<Cursor> xs = match_pattern(a, "x[_]");
  ASSERT_EQ(xs.size(), 2u);  // y[i] += a * x[i], then x[i + 1] (writes are not expressions)
  EXPECT_EQ(text(a, xs[1]), "x[i + 1]");
  EXPECT_EQ(xs[0].str(), "body[0].body[0].expr[1, 1]");
  EXPECT_EQ(text(a, find_cursor(a, "a * _")), "a * x[i]");
  EXPECT_EQ(text(a, find_cursor(a, "n - 1")), "n - 1");
  EXPECT_EQ(match_pattern(a, "n").size(), 4u);  // 2 loop bounds, the if, n - 1
  Proc c = mod().proc("caller");
  EXPECT_EQ(text(c, find_cursor(c, "select(_, _, _, _)")), "select(x[t], 0.0, w[t], 1.0)");
  EXPECT_EQ(text(c, find_cursor(c, "w[_]")), "w[t]");
  EXPECT_EQ(text(c, find_cursor(c, "x[_] #1")), "x[0:4]");  // a window matches only A[_]
  Proc g = mod().proc("gemm");
  EXPECT_EQ(text(g, find_cursor(g, "A[_] * B[_]")), "A[i, k] * B[k, j]");
  EXPECT_EQ(text(g, find_cursor(g, "_ * B[k, _]")), "A[i, k] * B[k, j]");
}

TEST(Match, ProgramOrder) {
  Proc a = mod().proc("axpy");
  std::vector<Cursor> all = match_pattern(a, "x[_] = _");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].str(), "body[1].body[0]");
  EXPECT_EQ(all[1].str(), "body[2].body[0].body[0]");
  // Outer loops come before the loops nested in them.
  Proc g = mod().proc("gemm");
  std::vector<Cursor> loops = match_pattern(g, "for _ in _: _");
  ASSERT_EQ(loops.size(), 3u);
  EXPECT_EQ(first_line(g, loops[0]), "for i in seq(0, M):");
  EXPECT_EQ(first_line(g, loops[2]), "for k in seq(0, K):");
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Scheduling);
    return e.message();
  }
  return "<no error>";
}

TEST(Match, OccurrenceSelectors) {
  auto split = [](std::string_view text) {
    OccurrenceRef r = split_occurrence(text);
    return std::tuple(std::string(r.body), r.occurrence, std::string(r.selector));
  };
  using T = std::tuple<std::string, int, std::string>;
  EXPECT_EQ(split("A[_] = _ #2"), T("A[_] = _", 2, "#2"));
  EXPECT_EQ(split("i #  7  "), T("i", 7, "#  7"));
  EXPECT_EQ(split("i"), T("i", -1, ""));
  EXPECT_EQ(split("i # outer"), T("i", -1, ""));  // a comment
  EXPECT_EQ(split("i #"), T("i", -1, ""));
  EXPECT_EQ(split("i #1 # outer"), T("i #1", -1, ""));  // the last '#' counts
  // A comment on an earlier line stays: the pattern goes on after it.
  EXPECT_EQ(split("for i in _:  # outer\n    _"), T("for i in _:  # outer\n    _", -1, ""));
  EXPECT_EQ(split("for i in _:\n    _ #3\n"), T("for i in _:\n    _", 3, "#3"));
  const int max = std::numeric_limits<int>::max();
  EXPECT_EQ(split("i #2147483648"), T("i", max, "#2147483648"));
  EXPECT_EQ(split("i #99999999999999999999999999999"), T("i", max, "#99999999999999999999999999999"));
}

// Name references and the patterns they stand for: one reading of "#N" for
// find_loop, find_alloc and the Python find_loop(many=True).
TEST(Match, NameReferences) {
  auto r = parse_name_ref("  i  #1 ");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->name, "i");
  EXPECT_EQ(r->selector, " #1");
  EXPECT_EQ(loop_pattern("i #1"), "for i in _: _ #1");
  EXPECT_EQ(loop_pattern("i # the outer one"), "for i in _: _");
  EXPECT_EQ(loop_pattern("for i in _: _"), "for i in _: _");
  EXPECT_FALSE(parse_name_ref("_ #1").has_value());
  EXPECT_FALSE(parse_name_ref("i j").has_value());
  EXPECT_FALSE(parse_name_ref("A[_] = _ #1").has_value());
  Proc a = mod().proc("axpy");
  EXPECT_EQ(find_loop(a, "i # the first").str(), "body[0]");
  EXPECT_EQ(find_loop(a, "i #1 ").str(), "body[1]");
}

TEST(Match, LoopNestReferences) {
  auto r = parse_loop_nest_ref("  i   j  #1 ");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->outer, "i");
  EXPECT_EQ(r->inner, "j");
  EXPECT_EQ(r->occurrence, 1);
  EXPECT_FALSE(parse_loop_nest_ref("i ").has_value());
  EXPECT_FALSE(parse_loop_nest_ref("i").has_value());
  EXPECT_FALSE(parse_loop_nest_ref("i j k").has_value());
  EXPECT_FALSE(parse_loop_nest_ref("for i in _: _").has_value());
  EXPECT_FALSE(parse_loop_nest_ref("i #1").has_value());
  EXPECT_FALSE(parse_loop_nest_ref("").has_value());
}

TEST(Match, Errors) {
  Proc g = mod().proc("gemm");
  EXPECT_EQ(error_of([&] { find_stmt(g, "D[_] += _"); }), "find: failed to find matches: no statement matches 'D[_] += _' in proc 'gemm'");
  EXPECT_EQ(error_of([&] { find_cursor(g, "C_reg + _"); }), "find: failed to find matches: no expression matches 'C_reg + _' in proc 'gemm'");
  Proc a = mod().proc("axpy");
  EXPECT_EQ(error_of([&] { find_stmt(a, "x[_] = _ #3"); }),
            "pattern 'x[_] = _ #3' has 2 matches in proc 'axpy' (#N counts from 0)");
  EXPECT_TRUE(match_pattern(a, "x[_] = _ #3").empty());
  EXPECT_EQ(error_of([&] { find_loop(a, "q"); }), "no loop 'q' in proc 'axpy'");
  EXPECT_EQ(error_of([&] { find_loop(a, "i #5"); }),
            "loop reference 'i #5' selects a match that does not exist: proc 'axpy' has 3 loops named 'i' "
            "(#N counts from 0)");
  // A selector beyond the int range still selects (nothing): never a comment,
  // never a C++ library exception.
  EXPECT_EQ(error_of([&] { find_loop(a, "i #99999999999"); }),
            "loop reference 'i #99999999999' selects a match that does not exist: proc 'axpy' has 3 loops named "
            "'i' (#N counts from 0)");
  EXPECT_EQ(error_of([&] { find_stmt(a, "x[_] = _ #2147483648"); }),
            "pattern 'x[_] = _ #2147483648' has 2 matches in proc 'axpy' (#N counts from 0)");
  EXPECT_TRUE(match_pattern(a, "x[_] = _ #99999999999999999999999").empty());
  EXPECT_NE(error_of([&] { find_loop(a, "y[_] += _"); }).find("not a loop"), std::string::npos);
  EXPECT_NE(error_of([&] { find_stmt(a, "_"); }).find("matches anything"), std::string::npos);
  EXPECT_NE(error_of([&] { find_stmt(a, "for i in"); }).find("invalid pattern 'for i in'"), std::string::npos);
  EXPECT_EQ(error_of([&] { find_alloc(a, "tmp"); }), "no allocation of 'tmp' in proc 'axpy'");
}

}  // namespace
}  // namespace exo
