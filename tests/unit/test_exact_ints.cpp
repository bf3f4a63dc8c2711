// Exact integers: literals, constants, folding, analysis and primitive-computed
// bounds never wrap; a value outside +-(2^63 - 1) is refused with an error that
// says what overflowed and where. Each refusal sits next to an accepted twin.
#include <gtest/gtest.h>

#include <functional>

#include "analysis/formula.h"
#include "exo/checked_int.h"
#include "exo/exo.h"
#include "exo/ir_mutator.h"
#include "exo/schedule/loop_ranges.h"
#include "exo/schedule/match.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "support/caught_error.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

using test::Caught;
using test::caught;

Module module_of(const std::string& src) { return Module::from_string(src); }

const char* kLoop16 = R"(
@proc
def count16(x: f32[1] @ DRAM):
    x[0] = 0.0
    for k in seq(0, 16):
        x[0] += 1.0
)";

// ---------------------------------------------------------------------------
// Literals

TEST(ExactInts, LiteralsAreExact) {
  // 2^53 + 1 is not a double: a strtod-based lexer would read 2^53.
  auto e = parse_expr_fragment("9007199254740993");
  EXPECT_EQ(e->const_kind, uast::UExpr::ConstKind::Int);
  EXPECT_EQ(e->ival, 9007199254740993LL);
  EXPECT_EQ(parse_expr_fragment("9223372036854775807")->ival, kIntMax);
  EXPECT_EQ(parse_expr_fragment("0x7fff_ffff_ffff_ffff")->ival, kIntMax);
  EXPECT_EQ(parse_expr_fragment("1_000_000_000_000_000_001")->ival, 1000000000000000001LL);
}

TEST(ExactInts, LiteralOutOfRangeIsAParseErrorAtTheLiteral) {
  for (const char* text : {"n + 9223372036854775808", "n + 0x8000000000000000", "n + 99999999999999999999"}) {
    Caught c = caught([&] { parse_expr_fragment(text); });
    EXPECT_EQ(c.kind, ErrorKind::Parse) << text;
    EXPECT_EQ(c.col, 5) << text;
    EXPECT_NE(c.message.find("integer literal"), std::string::npos) << c.message;
    EXPECT_NE(c.message.find("out of range"), std::string::npos) << c.message;
  }
}

TEST(ExactInts, HugeShapeLiteralIsRefusedNotNegated) {
  // Read through a double this was -2^63 * n, and x[0] was "proved" in bounds.
  const char* bad = R"(
@proc
def f(n: size):
    x: f32[99999999999999999999 * n] @ DRAM
    x[0] = 1.0
)";
  Caught c = caught([&] { module_of(bad); });
  EXPECT_EQ(c.kind, ErrorKind::Parse);
  EXPECT_EQ(c.line, 4);
  EXPECT_EQ(c.col, 12);
  EXPECT_NE(c.message.find("99999999999999999999"), std::string::npos) << c.message;
  // Twin: a large but representable extent.
  Module ok = module_of(R"(
@proc
def f(n: size):
    x: f32[99999999999 * n] @ DRAM
    x[0] = 1.0
)");
  EXPECT_TRUE(ok.has_proc("f"));
}

TEST(ExactInts, IntegerUsedAsRealMustBeExact) {
  Caught c = caught([&] {
    module_of("@proc\ndef f(x: f64[1] @ DRAM):\n    x[0] = 9007199254740993\n");
  });
  EXPECT_EQ(c.kind, ErrorKind::Type);
  EXPECT_EQ(c.line, 3);
  EXPECT_NE(c.message.find("not exactly representable"), std::string::npos) << c.message;
  Module ok = module_of("@proc\ndef f(x: f64[1] @ DRAM):\n    x[0] = 9007199254740992\n");
  EXPECT_TRUE(ok.has_proc("f"));
}

TEST(ExactInts, ConstantArithmeticOverflowInSourceIsRefused) {
  Caught c = caught([&] {
    module_of("@proc\ndef f(x: f32[8] @ DRAM):\n    for i in seq(0, 9223372036854775807 + 1):\n        pass\n");
  });
  EXPECT_EQ(c.kind, ErrorKind::Type);
  EXPECT_EQ(c.line, 3);
  EXPECT_NE(c.message.find("integer overflow"), std::string::npos) << c.message;
  EXPECT_NE(c.message.find("9223372036854775807 + 1"), std::string::npos) << c.message;
  Module ok = module_of("@proc\ndef f(x: f32[8] @ DRAM):\n    for i in seq(0, 9223372036854775806 + 1):\n        pass\n");
  EXPECT_TRUE(ok.has_proc("f"));
}

// No constant operation overflows in `n * 4821474833647 * 121474836470`, but
// n's coefficient (5.9e23) is no int64: refused in source and in a primitive's
// text argument; a product that fits is accepted.
TEST(ExactInts, CoefficientOverflowIsRefused) {
  Caught c = caught([&] {
    module_of("@proc\ndef f(n: size, x: f32[8] @ DRAM):\n    for i in seq(0, n * 4821474833647 * 121474836470 % 7):\n"
              "        pass\n");
  });
  EXPECT_EQ(c.kind, ErrorKind::Type);
  EXPECT_EQ(c.line, 3);
  EXPECT_NE(c.message.find("integer overflow"), std::string::npos) << c.message;
  Module m = module_of("@proc\ndef f(n: size, y: f32[n] @ DRAM):\n    for k in seq(0, n):\n        y[k] = 1.0\n");
  Proc p = m.proc("f");
  Caught s = caught([&] { shift_loop(p, find_loop(p, "k"), "n * 4821474833647 * 121474836470 % 1610 % 50 % 2"); });
  EXPECT_NE(s.message.find("integer overflow"), std::string::npos) << s.message;
  Rewrite ok = shift_loop(p, find_loop(p, "k"), "n * 4821474833 * 1214 % 1610 % 50 % 2");
  test::expect_same_results(p, ok.proc, {{"n", 5}}, "coefficient_fits");
}

TEST(ExactInts, ModuleConstantOverflowIsRefused) {
  Caught c = caught([&] { module_of("BIG = 9223372036854775807\nN = BIG * 2\n"); });
  EXPECT_EQ(c.kind, ErrorKind::Type);
  EXPECT_EQ(c.line, 2);
  EXPECT_NE(c.message.find("overflow"), std::string::npos) << c.message;
  Module ok = module_of("BIG = 4611686018427387903\nN = BIG * 2\n"
                        "@proc\ndef f(x: f32[1] @ DRAM):\n    for i in seq(0, N):\n        pass\n");
  EXPECT_NE(print_proc(ok.proc("f")).find("seq(0, 9223372036854775806)"), std::string::npos)
      << print_proc(ok.proc("f"));
}

// ---------------------------------------------------------------------------
// Shapes

TEST(ExactInts, ShapeProductOverflowIsRefused) {
  Caught c = caught([&] {
    module_of("@proc\ndef f(x: f32[4, 4611686018427387904] @ DRAM):\n    x[0, 0] = 1.0\n");
  });
  EXPECT_EQ(c.kind, ErrorKind::Bounds);
  EXPECT_EQ(c.line, 2);
  EXPECT_NE(c.message.find("too many elements"), std::string::npos) << c.message;
  EXPECT_NE(c.message.find("4 * 4611686018427387904"), std::string::npos) << c.message;
  Caught a = caught([&] {
    module_of("@proc\ndef f(n: size):\n    y: i8[3, 3074457345618258603, n] @ DRAM\n    y[0, 0, 0] = 1.0\n");
  });
  EXPECT_EQ(a.kind, ErrorKind::Bounds);
  EXPECT_EQ(a.line, 3);
  // Twin: the largest product that fits.
  Module ok = module_of("@proc\ndef f(x: f32[2, 4611686018427387903] @ DRAM):\n    x[0, 0] = 1.0\n");
  EXPECT_TRUE(ok.has_proc("f"));
}

// ---------------------------------------------------------------------------
// Analysis

TEST(ExactInts, AffineArithmeticIsChecked) {
  using namespace analysis;
  Sym n("n");
  Affine big = Affine::var(n, kIntMax);
  EXPECT_FALSE(big.overflow);
  EXPECT_TRUE(big.scaled(2).overflow);
  EXPECT_TRUE((big + big).overflow);
  EXPECT_TRUE((Affine(kIntMax) + Affine(1)).overflow);
  EXPECT_FALSE((Affine(kIntMax) - Affine(1)).overflow);
  EXPECT_TRUE(Affine(std::numeric_limits<long long>::min()).overflow);  // outside the symmetric range
  EXPECT_FALSE((-big).overflow);
  // An atom over an overflowed value is unknown: neither true nor false.
  Formula f = f_ge0(big.scaled(4));
  EXPECT_EQ(f->kind, FKind::BoolVar);
  EXPECT_FALSE(is_true(f_or(f, f_not(f_ge0(big.scaled(4))))));
  // The gcd tightening divides exactly, with no wrap for the largest coefficient.
  Formula g = f_ge0(Affine::var(n, kIntMax) - Affine(kIntMax));
  ASSERT_EQ(g->kind, FKind::Ge0);
  EXPECT_EQ(g->e.coeff(n), 1);
  EXPECT_EQ(g->e.constant, -1);
}

TEST(ExactInts, BoundsProofNeverUsesAWrappedCoefficient) {
  // n * 2^62 * 4 wraps to 0 * n in int64: the access would be "proved" x[0].
  // Its coefficient 2^64 is refused at the expression.
  Caught c = caught([&] {
    module_of(R"(
@proc
def f(n: size, x: f32[8] @ DRAM):
    assert n <= 1
    x[n * 4611686018427387904 * 4] = 1.0
)");
  });
  EXPECT_EQ(c.kind, ErrorKind::Type);
  EXPECT_EQ(c.line, 5);
  EXPECT_NE(c.message.find("a coefficient or constant term of 'n * 4611686018427387904 * 4'"), std::string::npos)
      << c.message;
  Module ok = module_of(R"(
@proc
def f(n: size, x: f32[8] @ DRAM):
    assert n <= 1
    x[n * 2 * 4 - 1] = 1.0
)");
  EXPECT_TRUE(ok.has_proc("f"));
}

// ---------------------------------------------------------------------------
// Folding and primitives

TEST(ExactInts, FoldingNeverWraps) {
  Expr sum = binop(BinOpKind::Add, int_const(kIntMax), int_const(1));
  Expr f = fold_constants(sum);
  EXPECT_TRUE(f.as<BinOpNode>()) << print_expr(f);  // left as written, not -2^63
  EXPECT_TRUE(int_overflow_at(f));
  Expr ok = fold_constants(binop(BinOpKind::Add, int_const(kIntMax - 1), int_const(1)));
  ASSERT_TRUE(ok.as<ConstNode>());
  EXPECT_EQ(ok.as<ConstNode>()->ival, kIntMax);
  Expr neg = fold_constants(binop(BinOpKind::Mul, int_const(-kIntMax), int_const(-1)));
  ASSERT_TRUE(neg.as<ConstNode>());
  EXPECT_EQ(neg.as<ConstNode>()->ival, kIntMax);
  EXPECT_EQ(exact_const_value(binop(BinOpKind::Mod, int_const(-kIntMax), int_const(kIntMax - 1))),
            std::optional<int64_t>(kIntMax - 2));
}

TEST(ExactInts, SplitByTheLargestFactorKeepsResults) {
  Module m = module_of(kLoop16);
  Proc p = m.proc("count16");
  // tail="cut": 16 / (2^63 - 1) == 0 outer iterations, then a 16-iteration tail.
  Rewrite r = split_loop(p, "k", kIntMax, "ko", "ki", "cut");
  std::string s = print_proc(r.proc);
  EXPECT_NE(s.find("9223372036854775807"), std::string::npos) << s;
  EXPECT_EQ(s.find("-9223372036854775808"), std::string::npos) << s;
  test::expect_same_results(p, r.proc, {}, "split_int64_max_cut");
  // The C needs a 64-bit index type for these constants and says so (a compile
  // error where int_fast32_t is narrower); 32-bit constants need nothing.
  EXPECT_NE(compile_to_c({r.proc}, "wide").c.find("exo_index_type_holds_64_bits"), std::string::npos);
  EXPECT_EQ(compile_to_c({p}, "narrow").c.find("exo_index_type_holds_64_bits"), std::string::npos);
  Rewrite r31 = split_loop(p, "k", 2147483647, "ko", "ki", "cut");
  EXPECT_EQ(compile_to_c({r31.proc}, "narrow31").c.find("exo_index_type_holds_64_bits"), std::string::npos);
  Rewrite rs = simplify(r.proc);
  test::expect_same_results(p, rs.proc, {}, "split_int64_max_cut_simplified");
}

TEST(ExactInts, SplitWhoseGuardBoundOverflowsIsRefused) {
  Module m = module_of(kLoop16);
  Proc p = m.proc("count16");
  // tail="guard" needs (16 + c - 1) / c, whose sum leaves int64 for c = 2^63 - 1.
  std::string msg = test::scheduling_error_message([&] { split_loop(p, "k", kIntMax, "ko", "ki", "guard"); });
  EXPECT_NE(msg.find("integer overflow"), std::string::npos) << msg;
  EXPECT_NE(msg.find("16 + 9223372036854775806"), std::string::npos) << msg;
  // Twins: a factor whose bound fits is accepted (not run: its inner loop has
  // 2^62 iterations), and a small one computes the same.
  Rewrite big = split_loop(p, "k", int64_t{1} << 62, "ko", "ki", "guard");
  EXPECT_NE(print_proc(big.proc).find("(16 + 4611686018427387903) / 4611686018427387904"), std::string::npos)
      << print_proc(big.proc);
  Rewrite r = split_loop(p, "k", 5, "ko", "ki", "guard");
  test::expect_same_results(p, r.proc, {}, "split_5_guard");
}

TEST(ExactInts, InterpreterRefusesRuntimeOverflow) {
  Module m = module_of(R"(
@proc
def f(n: size, x: f32[1] @ DRAM):
    if n * 4611686018427387904 + n * 4611686018427387904 > 0:
        x[0] = 1.0

@proc
def g(n: size, x: f32[1] @ DRAM):
    if n * 4611686018427387904 * 1 > 0:
        x[0] = 1.0
)");
  float x = 0;
  auto args = [&] {
    return std::vector<InterpValue>{int64_t{1}, InterpBuffer::dense(ScalarKind::F32, &x, {1})};
  };
  Caught c = caught([&] { interpret(m.proc("f"), args()); });
  EXPECT_EQ(c.kind, ErrorKind::Bounds);
  EXPECT_EQ(c.line, 4);
  EXPECT_NE(c.message.find("integer overflow"), std::string::npos) << c.message;
  interpret(m.proc("g"), args());
  EXPECT_EQ(x, 1.0f);
}

}  // namespace
}  // namespace exo
