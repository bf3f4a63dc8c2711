// Floor division and modulo (exo/checked_int.h): Python's `//` and `%` for every
// sign combination and integer width, the checked forms' refusals, and the
// constant folders built on them.
#include <gtest/gtest.h>

#include <random>

#include "exo/checked_int.h"
#include "exo/loopir.h"
#include "schedule/loops/substitute.h"

namespace exo {
namespace {

// Python: 7 // 2 == 3, -7 // 2 == -4, 7 // -2 == -4, -7 // -2 == 3 and
// 7 % 2 == 1, -7 % 2 == 1, 7 % -2 == -1, -7 % -2 == -1.
static_assert(floor_div<int64_t>(7, 2) == 3 && floor_div<int64_t>(-7, 2) == -4);
static_assert(floor_div<int64_t>(7, -2) == -4 && floor_div<int64_t>(-7, -2) == 3);
static_assert(floor_mod<int64_t>(7, 2) == 1 && floor_mod<int64_t>(-7, 2) == 1);
static_assert(floor_mod<int64_t>(7, -2) == -1 && floor_mod<int64_t>(-7, -2) == -1);
static_assert(floor_div<int64_t>(-8, 2) == -4 && floor_mod<int64_t>(-8, 2) == 0);

// The defining property of floor division: a == b*q + r with r in [0, b) for
// b > 0 and in (b, 0] for b < 0. Checked in 128 bits so the check cannot wrap.
template <class T>
void expect_floor(T a, T b) {
  T q = floor_div(a, b), r = floor_mod(a, b);
  __int128 back = __int128(b) * q + r;
  EXPECT_TRUE(back == __int128(a)) << static_cast<long long>(a) << " / " << static_cast<long long>(b);
  if (b > 0) EXPECT_TRUE(r >= 0 && r < b) << static_cast<long long>(a) << " % " << static_cast<long long>(b);
  else EXPECT_TRUE(r <= 0 && r > b) << static_cast<long long>(a) << " % " << static_cast<long long>(b);
}

TEST(IntMath, FloorDivAndModOnRandomOperandsOfEverySign) {
  std::mt19937_64 rng(20240611);
  std::uniform_int_distribution<int64_t> wide(-kIntMax, kIntMax), small(-1000, 1000);
  for (int i = 0; i < 20000; ++i) {
    int64_t a = i % 2 ? wide(rng) : small(rng);
    int64_t b = i % 3 ? small(rng) : wide(rng);
    if (b == 0) continue;
    expect_floor<int64_t>(a, b);
    expect_floor<long long>(a, b);
    expect_floor<__int128>(__int128(a) * 3, b);  // beyond int64, as the solver uses it
  }
  for (int64_t a : {-kIntMax, kIntMax, int64_t{0}, int64_t{-1}, int64_t{1}})
    for (int64_t b : {-kIntMax, kIntMax, int64_t{-1}, int64_t{1}, int64_t{7}}) expect_floor<int64_t>(a, b);
}

TEST(IntMath, CheckedFormsRefuseZeroDivisorsAndOutOfRangeResults) {
  EXPECT_EQ(checked_floor_div(-7, 2), -4);
  EXPECT_EQ(checked_floor_mod(-7, 2), 1);
  EXPECT_EQ(checked_floor_div(-kIntMax, -1), kIntMax);
  EXPECT_EQ(checked_floor_mod(-kIntMax, -1), 0);
  EXPECT_EQ(checked_floor_div(5, 0), std::nullopt);
  EXPECT_EQ(checked_floor_mod(5, 0), std::nullopt);
  // INT64_MIN is outside Exo's range: neither result may be produced from it.
  const int64_t min = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(checked_floor_div(min, -1), std::nullopt);  // 2^63 does not fit
  EXPECT_EQ(checked_floor_div(min, 1), std::nullopt);
  EXPECT_EQ(checked_floor_div(min, 2), -(int64_t{1} << 62));
}

// The rewrite layer's constant folder: exact values, floor semantics, and no
// value at all when the arithmetic leaves int64 (it used to wrap).
TEST(IntMath, RewriteConstantFolderIsFloorAndExact) {
  auto value = [](const Expr& e) -> std::optional<long long> {
    long long v;
    if (!rewrite_detail::const_value(e, v)) return std::nullopt;
    return v;
  };
  EXPECT_EQ(value(binop(BinOpKind::Div, int_const(-7), int_const(2))), -4);
  EXPECT_EQ(value(binop(BinOpKind::Mod, int_const(-7), int_const(2))), 1);
  EXPECT_EQ(value(binop(BinOpKind::Div, int_const(-kIntMax), int_const(2))), -(int64_t{1} << 62));
  EXPECT_EQ(value(binop(BinOpKind::Mul, int_const(kIntMax), int_const(1))), kIntMax);
  EXPECT_EQ(value(binop(BinOpKind::Mul, int_const(kIntMax), int_const(2))), std::nullopt);
  EXPECT_EQ(value(binop(BinOpKind::Add, int_const(kIntMax), int_const(0))), kIntMax);
  EXPECT_EQ(value(binop(BinOpKind::Add, int_const(kIntMax), int_const(1))), std::nullopt);
}

}  // namespace
}  // namespace exo
