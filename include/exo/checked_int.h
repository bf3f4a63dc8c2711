#pragma once
// Exact integer arithmetic for the compiler's own integers (constants, affine
// coefficients, shapes, loop bounds computed by rewrites).
//
// Exo's integers are mathematical integers; the compiler represents the ones it
// knows in int64 and refuses anything beyond. The representable range is kept
// symmetric, [-kIntMax, kIntMax] with kIntMax = 2^63 - 1, so that negation and
// absolute value never overflow: INT64_MIN is treated as out of range too.
// Every operation here returns nullopt instead of wrapping.

#include <cstdint>
#include <limits>
#include <optional>

namespace exo {

inline constexpr int64_t kIntMax = std::numeric_limits<int64_t>::max();

inline constexpr bool int_in_range(__int128 v) { return v >= -__int128(kIntMax) && v <= __int128(kIntMax); }

inline std::optional<int64_t> checked_int(__int128 v) {
  if (!int_in_range(v)) return std::nullopt;
  return static_cast<int64_t>(v);
}

inline std::optional<int64_t> checked_add(int64_t a, int64_t b) { return checked_int(__int128(a) + b); }
inline std::optional<int64_t> checked_sub(int64_t a, int64_t b) { return checked_int(__int128(a) - b); }
inline std::optional<int64_t> checked_mul(int64_t a, int64_t b) { return checked_int(__int128(a) * b); }
inline std::optional<int64_t> checked_neg(int64_t a) { return checked_int(-__int128(a)); }

// Floor division and modulo, the one definition the compiler uses (Exo's `/` and
// `%` on index values, Python's `//` and `%`): the quotient rounds toward
// negative infinity and the remainder has the sign of the divisor, so for b > 0
// it lies in [0, b). T is a signed integer type (int64_t, long long, __int128).
// Precondition: b != 0. Overflow: floor_mod never overflows; floor_div only for
// T's minimum divided by -1, which is outside Exo's range. Callers that cannot
// rule these out use checked_floor_div / checked_floor_mod.
template <class T>
constexpr T floor_div(T a, T b) {
  T q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return q;
}
template <class T>
constexpr T floor_mod(T a, T b) {
  T r = a % b;
  if (r != 0 && (r < 0) != (b < 0)) r += b;
  return r;
}

// The checked forms: nullopt for a zero divisor or a result outside
// [-kIntMax, kIntMax] (computed in 128 bits, so no operand pair is undefined).
inline std::optional<int64_t> checked_floor_div(int64_t a, int64_t b) {
  if (b == 0) return std::nullopt;
  return checked_int(floor_div<__int128>(a, b));
}
inline std::optional<int64_t> checked_floor_mod(int64_t a, int64_t b) {
  if (b == 0) return std::nullopt;
  return checked_int(floor_mod<__int128>(a, b));
}

// A double that holds an integer in range, converted exactly; nullopt for
// fractions, non-finite values and anything outside [-kIntMax, kIntMax].
inline std::optional<int64_t> exact_int_of_double(double v) {
  // 2^63 is exactly representable and is the first double past kIntMax.
  if (!(v > -9223372036854775808.0 && v < 9223372036854775808.0)) return std::nullopt;
  auto i = static_cast<int64_t>(v);
  if (static_cast<double>(i) != v) return std::nullopt;
  return i;
}

}  // namespace exo
