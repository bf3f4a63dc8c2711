/* Helpers for the vector-length-agnostic SVE library (lib/platforms/sve_vla.exo):
 * each instruction is a loop over the array, one register of lanes per step,
 * with a svwhilelt predicate so the last step covers only the lanes left. It
 * runs at any SVE vector length; compile with -march=armv8-a+sve (or later). */
#ifndef EXO_ARM_SVE_H
#define EXO_ARM_SVE_H

#include <arm_sve.h>
#include <stdint.h>

/* dst[i] += src1[i] * src2 for 0 <= i < N (fused multiply-add); lanes past N
 * are neither read nor written. */
static inline void svmla_n_f32_x_vla(int_fast32_t N, float *dst, const float *src1, float src2) {
  const int64_t n = (int64_t)N;
  for (int64_t i = 0; i < n; i += (int64_t)svcntw()) {
    svbool_t pg = svwhilelt_b32_s64(i, n);
    svfloat32_t acc = svld1_f32(pg, dst + i);
    svfloat32_t x = svld1_f32(pg, src1 + i);
    svst1_f32(pg, dst + i, svmla_n_f32_x(pg, acc, x, src2));
  }
}

#endif /* EXO_ARM_SVE_H */
