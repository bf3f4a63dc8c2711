// Scalar semantics of the interpreter: C conversions, binary16, element access.

#include <cmath>
#include <cstring>

#include "interp/interp_internal.h"

namespace exo::interp {

CT ct_of_kind(ScalarKind k) {
  switch (k) {
    case ScalarKind::F64: return CT::F64;
    case ScalarKind::R: case ScalarKind::F32: case ScalarKind::F16: return CT::F32;
    default: return CT::I32;
  }
}

namespace {
int real_rank(ScalarKind k) {
  switch (k) {
    case ScalarKind::F64: return 3;
    case ScalarKind::F32: case ScalarKind::R: return 2;
    case ScalarKind::F16: return 1;
    default: return 0;
  }
}

// C's conversion of a real to a 32-bit int as x86-64 performs it (cvttsd2si):
// truncation, with out-of-range and NaN giving INT32_MIN.
int64_t real_to_int32(double v) {
  double t = std::trunc(v);
  if (!(t >= -2147483648.0 && t < 2147483648.0)) return INT32_MIN;
  return static_cast<int64_t>(t);
}
}  // namespace

ScalarKind common_kind(ScalarKind a, ScalarKind b) {
  if (a == ScalarKind::R) a = ScalarKind::F32;
  if (b == ScalarKind::R) b = ScalarKind::F32;
  int ra = real_rank(a), rb = real_rank(b);
  if (ra || rb) return ra >= rb ? a : b;
  return a == b ? a : ScalarKind::I32;
}

uint16_t double_to_half(double d) {
  uint16_t sign = std::signbit(d) ? 0x8000 : 0;
  if (std::isnan(d)) return sign | 0x7e00;
  double a = std::fabs(d);
  if (std::isinf(a)) return sign | 0x7c00;
  if (a < std::ldexp(1.0, -14)) {
    // Subnormal range: units of 2^-24; rounding up to 1024 yields the smallest normal.
    double q = std::nearbyint(std::ldexp(a, 24));
    return sign | static_cast<uint16_t>(q);
  }
  int ex;
  std::frexp(a, &ex);
  int e = ex - 1;  // a in [2^e, 2^(e+1))
  double q = std::nearbyint(std::ldexp(a, 10 - e));  // in [1024, 2048]
  if (q == 2048) {
    q = 1024;
    ++e;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | static_cast<uint16_t>(((e + 15) << 10) | (static_cast<int>(q) - 1024));
}

double half_to_double(uint16_t h) {
  double sign = (h & 0x8000) ? -1.0 : 1.0;
  int e = (h >> 10) & 0x1f;
  int m = h & 0x3ff;
  if (e == 0) return sign * std::ldexp(m, -24);
  if (e == 31) return m ? std::nan("") : sign * INFINITY;
  return sign * std::ldexp(1024 + m, e - 25);
}

double convert_to_kind(double v, ScalarKind k) {
  switch (k) {
    case ScalarKind::R:
    case ScalarKind::F32: return static_cast<float>(v);
    case ScalarKind::F64: return v;
    case ScalarKind::F16: return half_to_double(double_to_half(v));
    case ScalarKind::I8: return static_cast<int8_t>(real_to_int32(v));
    case ScalarKind::UI8: return static_cast<uint8_t>(real_to_int32(v));
    case ScalarKind::UI16: return static_cast<uint16_t>(real_to_int32(v));
    case ScalarKind::I32: return static_cast<int32_t>(real_to_int32(v));
    case ScalarKind::Bool: return v != 0;
    default: return std::trunc(v);
  }
}

size_t element_size(ScalarKind k) {
  switch (k) {
    case ScalarKind::F64: return 8;
    case ScalarKind::R: case ScalarKind::F32: case ScalarKind::I32: return 4;
    case ScalarKind::F16: case ScalarKind::UI16: return 2;
    case ScalarKind::I8: case ScalarKind::UI8: return 1;
    default: return 8;
  }
}

double load(const View& v, int64_t off) {
  switch (v.kind) {
    case ScalarKind::R:
    case ScalarKind::F32: return reinterpret_cast<const float*>(v.base)[off];
    case ScalarKind::F64: return reinterpret_cast<const double*>(v.base)[off];
    case ScalarKind::F16: return half_to_double(reinterpret_cast<const uint16_t*>(v.base)[off]);
    case ScalarKind::I8: return reinterpret_cast<const int8_t*>(v.base)[off];
    case ScalarKind::UI8: return reinterpret_cast<const uint8_t*>(v.base)[off];
    case ScalarKind::UI16: return reinterpret_cast<const uint16_t*>(v.base)[off];
    case ScalarKind::I32: return reinterpret_cast<const int32_t*>(v.base)[off];
    default: EXO_FAIL(ErrorKind::Internal, SrcInfo(), "interpreter: buffer of non-data kind");
  }
}

// Integer kinds truncate, then wrap (as convert_to_kind and gcc's C do): a
// direct cast of an out-of-range double would be undefined.
void store(const View& v, int64_t off, double val) {
  switch (v.kind) {
    case ScalarKind::R:
    case ScalarKind::F32: reinterpret_cast<float*>(v.base)[off] = static_cast<float>(val); return;
    case ScalarKind::F64: reinterpret_cast<double*>(v.base)[off] = val; return;
    case ScalarKind::F16: reinterpret_cast<uint16_t*>(v.base)[off] = double_to_half(val); return;
    case ScalarKind::I8: reinterpret_cast<int8_t*>(v.base)[off] = static_cast<int8_t>(real_to_int32(val)); return;
    case ScalarKind::UI8: reinterpret_cast<uint8_t*>(v.base)[off] = static_cast<uint8_t>(real_to_int32(val)); return;
    case ScalarKind::UI16: reinterpret_cast<uint16_t*>(v.base)[off] = static_cast<uint16_t>(real_to_int32(val)); return;
    case ScalarKind::I32: reinterpret_cast<int32_t*>(v.base)[off] = static_cast<int32_t>(real_to_int32(val)); return;
    default: EXO_FAIL(ErrorKind::Internal, SrcInfo(), "interpreter: buffer of non-data kind");
  }
}

}  // namespace exo::interp
