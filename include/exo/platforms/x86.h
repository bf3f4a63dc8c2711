#pragma once
// The x86 hardware library: the AVX2 and AVX-512 vector-register memories and the
// instructions of lib/platforms/x86.exo (one definition, shared by the C++ API
// and `exo.platforms.x86` in Python).
//
//   exo::Module x86 = exo::platforms::load_x86_library();
//   exo::Proc fma = x86.proc("mm256_fmadd_ps");
//   exo::Scope s = exo::platforms::x86_scope();   // to parse kernels using AVX2 and the instrs

#include <string>

#include "exo/exo.h"

namespace exo::platforms {

// AVX2 (256-bit ymm registers): f32[..][8] -> __m256, f64[..][4] -> __m256d,
// ui16[..][16] -> __m256i. Leading dimensions become C arrays of vectors.
MemoryPtr avx2();
// AVX-512 (512-bit zmm registers): f32[..][16] -> __m512, f64[..][8] -> __m512d.
MemoryPtr avx512();

// The text of lib/platforms/x86.exo, embedded at build time.
const std::string& x86_library_source();

// The builtins plus AVX2 and AVX512: what x86.exo is parsed in.
const Scope& x86_memory_scope();

// The instruction library, parsed once from the embedded source.
inline const Module& load_x86_library() {
  static const Module m = Module::from_string(x86_library_source(), "x86.exo", &x86_memory_scope());
  return m;
}

// Loads the library from a copy of x86.exo on disk (e.g. an installed one).
inline Module load_x86_library(const std::string& path) {
  return Module::from_file(path, &x86_memory_scope());
}

// A scope for user code built on the library: the builtins, AVX2, AVX512 and every
// x86 instruction by name. Parse kernels with Module::from_string(text, name, &scope).
inline Scope x86_scope() {
  Scope s(&x86_memory_scope());
  for (const Proc& p : load_x86_library().procs()) s.bind_proc(p);
  return s;
}

}  // namespace exo::platforms
