// AVX2 and AVX512: the x86 vector registers (exo/platforms/x86.h).

#include "exo/platforms/vector_registers.h"
#include "exo/platforms/x86.h"

namespace exo::platforms {

MemoryPtr avx2() {
  static const MemoryPtr m = vector_registers(
      {"AVX2", "#include <immintrin.h>\n", {{"float", {8, "__m256"}}, {"double", {4, "__m256d"}}, {"uint16_t", {16, "__m256i"}}}});
  return m;
}

MemoryPtr avx512() {
  static const MemoryPtr m =
      vector_registers({"AVX512", "#include <immintrin.h>\n",
                        {{"float", {16, "__m512"}}, {"double", {8, "__m512d"}}, {"uint16_t", {32, "__m512i"}}}});
  return m;
}

}  // namespace exo::platforms
