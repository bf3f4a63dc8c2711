#include "support/random_data.h"

#include <cmath>
#include <cstring>

namespace exo::test {

size_t element_size(ScalarKind k) {
  switch (k) {
    case ScalarKind::F16: case ScalarKind::UI16: return 2;
    case ScalarKind::F64: return 8;
    case ScalarKind::I8: case ScalarKind::UI8: return 1;
    default: return 4;  // R, f32, i32
  }
}

std::string c_element_type(ScalarKind k) { return std::string(c_type_name(k)); }

uint16_t float_to_half_bits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u;
  int32_t exp = static_cast<int32_t>((x >> 23) & 0xff) - 127 + 15;
  uint32_t mant = x & 0x7fffffu;
  if (((x >> 23) & 0xff) == 0xff) return static_cast<uint16_t>(sign | 0x7c00u | (mant ? 0x200u : 0));
  if (exp >= 31) return static_cast<uint16_t>(sign | 0x7c00u);
  if (exp <= 0) {
    if (exp < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000u;
    uint32_t shift = static_cast<uint32_t>(14 - exp);
    uint32_t half = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1), halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (half & 1))) half++;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = sign | (static_cast<uint32_t>(exp) << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1))) half++;
  return static_cast<uint16_t>(half);
}

float half_bits_to_float(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ffu;
  float v;
  if (exp == 0) v = std::ldexp(static_cast<float>(mant), -24);
  else if (exp == 31) v = mant ? NAN : INFINITY;
  else v = std::ldexp(static_cast<float>(mant | 0x400u), static_cast<int>(exp) - 25);
  return sign ? -v : v;
}

std::vector<uint8_t> random_elements(ScalarKind k, size_t n, std::mt19937& rng) {
  std::vector<uint8_t> out(n * element_size(k));
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  for (size_t i = 0; i < n; i++) {
    uint8_t* p = out.data() + i * element_size(k);
    switch (k) {
      case ScalarKind::R: case ScalarKind::F32: { float v = real(rng); std::memcpy(p, &v, 4); break; }
      case ScalarKind::F64: { double v = real(rng); std::memcpy(p, &v, 8); break; }
      case ScalarKind::F16: { uint16_t v = float_to_half_bits(real(rng)); std::memcpy(p, &v, 2); break; }
      // Narrow integers: mostly small values, one in four anywhere in the
      // type's range, so that sums computed in int exceed it and a rewrite
      // that wraps an intermediate value shows.
      case ScalarKind::I8: {
        int8_t v = static_cast<int8_t>(rng() % 4 == 0 ? static_cast<int>(rng() % 256) - 128 : static_cast<int>(rng() % 17) - 8);
        std::memcpy(p, &v, 1);
        break;
      }
      case ScalarKind::UI8: {
        uint8_t v = static_cast<uint8_t>(rng() % 4 == 0 ? rng() % 256 : rng() % 17);
        std::memcpy(p, &v, 1);
        break;
      }
      case ScalarKind::UI16: {
        uint16_t v = static_cast<uint16_t>(rng() % 4 == 0 ? rng() % 65536 : rng() % 101);
        std::memcpy(p, &v, 2);
        break;
      }
      case ScalarKind::I32: { int32_t v = static_cast<int32_t>(rng() % 201) - 100; std::memcpy(p, &v, 4); break; }
      default: break;
    }
  }
  return out;
}

double element_value(ScalarKind k, const uint8_t* data, size_t i) {
  const uint8_t* p = data + i * element_size(k);
  switch (k) {
    case ScalarKind::R: case ScalarKind::F32: { float v; std::memcpy(&v, p, 4); return v; }
    case ScalarKind::F64: { double v; std::memcpy(&v, p, 8); return v; }
    case ScalarKind::F16: { uint16_t v; std::memcpy(&v, p, 2); return half_bits_to_float(v); }
    case ScalarKind::I8: { int8_t v; std::memcpy(&v, p, 1); return v; }
    case ScalarKind::UI8: { uint8_t v; std::memcpy(&v, p, 1); return v; }
    case ScalarKind::UI16: { uint16_t v; std::memcpy(&v, p, 2); return v; }
    case ScalarKind::I32: { int32_t v; std::memcpy(&v, p, 4); return v; }
    default: return 0;
  }
}

}  // namespace exo::test
