// Float constants: non-finite values are refused at the literal (or at the use
// of a name bound to one); every finite double prints so that it parses back
// exactly, and C literals read back exactly (double, and float with `f`).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <random>

#include "backend/c_codegen.h"
#include "exo/exo.h"
#include "exo/printer.h"
#include "support/caught_error.h"
#include "support/differential.h"

namespace exo {
namespace {

using test::Caught;
using test::caught;

uint64_t bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

// Random finite doubles spread over every exponent (subnormals, the largest and
// the smallest magnitudes), plus the edge values.
std::vector<double> sample_doubles(size_t n) {
  std::vector<double> out = {0.0, -0.0, 1.0, 0.1, 1e16, 1e-5, 123456789012345678.0,
                             std::numeric_limits<double>::max(), std::numeric_limits<double>::min(),
                             std::numeric_limits<double>::denorm_min(), -std::numeric_limits<double>::max(),
                             4.9406564584124654e-324, 2.2250738585072009e-308, 9007199254740993.0,
                             static_cast<double>(std::numeric_limits<float>::max())};
  std::mt19937_64 rng(12345);
  while (out.size() < n) {
    uint64_t b = rng();
    double d;
    std::memcpy(&d, &b, sizeof d);
    if (std::isfinite(d)) out.push_back(d);
  }
  return out;
}

// The value a printed (possibly negative) literal parses to.
double parse_literal(const std::string& s) {
  bool neg = s[0] == '-';
  auto e = parse_expr_fragment(neg ? s.substr(1) : s);
  EXPECT_EQ(e->const_kind, uast::UExpr::ConstKind::Float) << s;
  return neg ? -e->fval : e->fval;
}

TEST(FloatConsts, OverflowingLiteralIsRefusedAtItsPosition) {
  for (const char* text : {"x + 1e400", "x + 1.8e308", "x + 0x1p1 * 1e309"}) {
    if (std::string(text).find("0x1p") != std::string::npos) continue;  // hex floats are not Python syntax
    Caught c = caught([&] { parse_expr_fragment(text); });
    EXPECT_EQ(c.kind, ErrorKind::Parse) << text;
    EXPECT_EQ(c.col, 5) << text;
    EXPECT_NE(c.message.find("out of range"), std::string::npos) << c.message;
  }
  Caught c = caught([&] {
    Module::from_string("@proc\ndef f(A: f64[1] @ DRAM):\n    A[0] = 1e400\n");
  });
  EXPECT_EQ(c.kind, ErrorKind::Parse);
  EXPECT_EQ(c.line, 3);
  EXPECT_EQ(c.col, 12);
  // Twins: the largest double, and an underflow to zero (as Python reads it).
  EXPECT_EQ(parse_expr_fragment("1.7976931348623157e308")->fval, std::numeric_limits<double>::max());
  EXPECT_EQ(parse_expr_fragment("1e-400")->fval, 0.0);
  EXPECT_EQ(parse_expr_fragment("5e-324")->fval, std::numeric_limits<double>::denorm_min());
}

TEST(FloatConsts, NonFiniteScopeValueIsRefusedAtTheUse) {
  for (double v : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    Scope scope(Scope::with_builtins());
    scope.bind_const("C", ConstValue::real(v));
    auto um = parse_module("@proc\ndef f(A: f32[1] @ DRAM):\n    A[0] = 2.0 * C\n");
    Caught c = caught([&] { typecheck_proc(std::get<uast::UProc>(um.decls[0]), scope); });
    EXPECT_EQ(c.kind, ErrorKind::Type);
    EXPECT_EQ(c.line, 3);
    EXPECT_EQ(c.col, 18);
    EXPECT_NE(c.message.find("not finite"), std::string::npos) << c.message;
  }
  Scope scope(Scope::with_builtins());
  scope.bind_const("C", ConstValue::real(0.25));
  auto um = parse_module("@proc\ndef f(A: f32[1] @ DRAM):\n    A[0] = 2.0 * C\n");
  EXPECT_NE(print_proc(typecheck_proc(std::get<uast::UProc>(um.decls[0]), scope)).find("2.0 * 0.25"),
            std::string::npos);
}

TEST(FloatConsts, PrintedFloatsParseBackExactly) {
  for (double d : sample_doubles(20000)) {
    std::string s = python_float_repr(d);
    ASSERT_EQ(bits(parse_literal(s)), bits(d)) << s;
    ASSERT_TRUE(s.find('.') != std::string::npos || s.find('e') != std::string::npos) << s;
  }
}

TEST(FloatConsts, ProcRoundTripKeepsEveryConstant) {
  auto ds = sample_doubles(300);
  std::string src = "@proc\ndef f(A: f64[" + std::to_string(ds.size()) + "] @ DRAM):\n";
  for (size_t k = 0; k < ds.size(); ++k)
    src += "    A[" + std::to_string(k) + "] = " + python_float_repr(ds[k]) + "\n";
  Proc p = Module::from_string(src).proc("f");
  std::string printed = print_proc(p);
  Proc q = Module::from_string(printed).proc("f");
  ASSERT_EQ(q->body.size(), ds.size());
  for (size_t k = 0; k < ds.size(); ++k) {
    auto* a = q->body[k].as<AssignNode>();
    ASSERT_TRUE(a);
    auto* c = a->rhs.as<ConstNode>();
    ASSERT_TRUE(c) << print_expr(a->rhs);
    EXPECT_EQ(bits(c->fval), bits(ds[k])) << python_float_repr(ds[k]);
  }
  EXPECT_EQ(print_proc(q), printed);
}

TEST(FloatConsts, CLiteralsReadBackExactly) {
  for (double d : sample_doubles(20000)) {
    std::string s = backend::py_float_repr(d);
    ASSERT_EQ(bits(std::strtod(s.c_str(), nullptr)), bits(d)) << s;
    auto f = static_cast<float>(d);
    if (!std::isfinite(f)) continue;
    std::string fs = backend::c_float_literal(f);
    ASSERT_EQ(fs.back(), 'f') << fs;
    std::string body = fs.substr(0, fs.size() - 1);
    ASSERT_TRUE(body.find('.') != std::string::npos || body.find('e') != std::string::npos) << fs;
    float back = std::strtof(body.c_str(), nullptr);
    ASSERT_EQ(std::memcmp(&back, &f, sizeof f), 0) << fs;
  }
}

// The generated C compiles and computes exactly what the interpreter does, for
// constants with every exponent range (f32 constants round to float first).
TEST(FloatConsts, GeneratedCMatchesTheInterpreter) {
  std::string src = "@proc\ndef consts(A: f64[6] @ DRAM, B: f32[6] @ DRAM):\n";
  const char* vals[] = {"1.7976931348623157e+308", "5e-324", "0.1", "-2.2250738585072014e-308",
                        "1e+16", "0.3333333333333333"};
  for (int k = 0; k < 6; ++k) {
    src += "    A[" + std::to_string(k) + "] = " + vals[k] + "\n";
    if (k != 0 && k != 3) src += "    B[" + std::to_string(k) + "] = " + vals[k] + "\n";
  }
  src += "    B[0] = 3.4028234663852886e+38\n    B[3] = 1.401298464324817e-45\n";
  Proc p = Module::from_string(src).proc("consts");
  std::string c = compile_to_c({p}, "consts").c;
  EXPECT_EQ(c.find("INFINITY"), std::string::npos) << c;
  EXPECT_EQ(c.find("NAN"), std::string::npos) << c;
  auto in = test::make_random_inputs(p, {}, 1);
  auto want = test::run_interpreted(p, in, {});
  auto got = test::run_compiled(p, in, "float_consts");
  ASSERT_EQ(want.size(), got.size());
  for (size_t k = 0; k < want.size(); ++k) EXPECT_EQ(want[k], got[k]) << "buffer " << k;  // bit-exact
}

TEST(FloatConsts, ConstantOutOfF32RangeIsRefusedInC) {
  Proc p = Module::from_string("@proc\ndef f(B: f32[1] @ DRAM):\n    B[0] = 1e300\n").proc("f");
  Caught c = caught([&] { compile_to_c({p}, "f"); });
  EXPECT_EQ(c.line, 3);
  EXPECT_NE(c.message.find("out of range for f32"), std::string::npos) << c.message;
  Proc q = Module::from_string("@proc\ndef f(B: f64[1] @ DRAM):\n    B[0] = 1e300\n").proc("f");
  EXPECT_NE(compile_to_c({q}, "f").c.find("1e+300"), std::string::npos);
}

// A constant stored into an integer data type must be one of its values: 300
// into i8, -1 into ui8 or 2.5 into i32 is refused at C generation with its
// position; the extremes of each type compile and match the interpreter.
TEST(FloatConsts, ConstantOutsideAnIntegerTypeIsRefusedInC) {
  struct Bad {
    const char* type;
    const char* value;
    const char* range;
  };
  for (const Bad& b : {Bad{"i8", "300.0", "[-128, 127]"}, Bad{"i8", "-129.0", "[-128, 127]"},
                       Bad{"ui8", "-1.0", "[0, 255]"}, Bad{"ui16", "65536.0", "[0, 65535]"},
                       Bad{"i32", "2.5", "[-2147483648, 2147483647]"}}) {
    std::string src = std::string("@proc\ndef f(B: ") + b.type + "[1] @ DRAM):\n    B[0] = " + b.value + "\n";
    Proc p = Module::from_string(src).proc("f");
    Caught c = caught([&] { compile_to_c({p}, "f"); });
    EXPECT_EQ(c.kind, ErrorKind::Type) << src;
    EXPECT_EQ(c.line, 3) << src;
    EXPECT_NE(c.message.find(std::string("is not a value of ") + b.type), std::string::npos) << c.message;
    EXPECT_NE(c.message.find(b.range), std::string::npos) << c.message;
  }
  Proc p = Module::from_string(
               "@proc\ndef g(A: i8[2] @ DRAM, B: ui8[2] @ DRAM, C: i32[2] @ DRAM):\n"
               "    A[0] = -128.0\n    A[1] = A[1] + 127.0\n    B[0] = 255.0\n    B[1] = B[1] * 3.0\n"
               "    C[0] = -2147483648.0\n    C[1] = 2147483647.0\n")
               .proc("g");
  auto in = test::make_random_inputs(p, {}, 3);
  auto want = test::run_interpreted(p, in, {});
  auto got = test::run_compiled(p, in, "int_consts");
  ASSERT_EQ(want.size(), got.size());
  for (size_t k = 0; k < want.size(); ++k) EXPECT_EQ(want[k], got[k]) << "buffer " << k;
}

}  // namespace
}  // namespace exo
