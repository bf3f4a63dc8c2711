#pragma once
// Random buffer contents for every Exo scalar kind, as raw bytes in the C layout.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "exo/types.h"

namespace exo::test {

size_t element_size(ScalarKind k);
// The C type the generated code uses for buffers of kind k.
std::string c_element_type(ScalarKind k);

// `n` random elements of kind k: reals in [-1, 1], integers small enough that
// the kernels under test do not overflow.
std::vector<uint8_t> random_elements(ScalarKind k, size_t n, std::mt19937& rng);

// Element i of a raw buffer as a double (f16 decoded from its bits).
double element_value(ScalarKind k, const uint8_t* data, size_t i);

uint16_t float_to_half_bits(float f);
float half_bits_to_float(uint16_t h);

}  // namespace exo::test
