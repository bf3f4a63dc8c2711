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

// Floor division and the matching non-negative remainder, for b > 0 (Exo's `/`
// and `%` on index values). Never overflows for in-range operands.
inline int64_t floor_div_pos(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}
inline int64_t floor_mod_pos(int64_t a, int64_t b) {
  int64_t r = a % b;
  return r < 0 ? r + b : r;
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
