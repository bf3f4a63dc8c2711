#pragma once
// The x86 hardware library: the AVX2 and AVX-512 vector-register memories and the
// instructions of lib/platforms/x86.exo (one definition, shared by the C++ API
// and `exo.platforms.x86` in Python). The generic entry points are in
// exo/platforms/library.h; these are the x86 names for them.
//
//   exo::Module x86 = exo::platforms::load_x86_library();
//   exo::Proc fma = x86.proc("mm256_fmadd_ps");
//   exo::Scope s = exo::platforms::x86_scope();   // to parse kernels using AVX2 and the instrs

#include <string>

#include "exo/exo.h"
#include "exo/platforms/library.h"

namespace exo::platforms {

// AVX2 (256-bit ymm registers): f32[..][8] -> __m256, f64[..][4] -> __m256d,
// ui16[..][16] -> __m256i. Leading dimensions become C arrays of vectors.
MemoryPtr avx2();
// AVX-512 (512-bit zmm registers): f32[..][16] -> __m512, f64[..][8] -> __m512d.
MemoryPtr avx512();

inline const std::string& x86_library_source() { return library_source("x86"); }
inline const Scope& x86_memory_scope() { return library_memory_scope("x86"); }
inline const Module& load_x86_library() { return load_library("x86"); }
inline Module load_x86_library(const std::string& path) { return load_library_file("x86", path); }
inline Scope x86_scope() { return library_scope("x86"); }

}  // namespace exo::platforms
