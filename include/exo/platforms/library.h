#pragma once
// Hardware libraries: the memories of each target and its instructions, written
// as Exo source in lib/platforms/<name>.exo and embedded at build time, so the
// C++ API and `exo.platforms.<name>` in Python share one definition.
//
//   const exo::Module& neon = exo::platforms::load_library("neon");
//   exo::Proc fma = neon.proc("neon_vfmadd_4xf32_4xf32");
//   exo::Scope s = exo::platforms::library_scope("neon");  // to parse kernels using them
//
// Libraries: "x86" (AVX2, AVX512), "neon" (Neon), "sve_vla", "sve_vls" (one
// vector length per load, see load_sve_vls_library), "rvv" (RVV), "gemmini"
// (GEMM_SCRATCH, GEMM_ACCUM and its configs).

#include <string>
#include <vector>

#include "exo/exo.h"

namespace exo::platforms {

// Memories by name: AVX2, AVX512, Neon, RVV, GEMM_SCRATCH, GEMM_ACCUM.
// Throws Error(Api) for any other name.
MemoryPtr platform_memory(const std::string& name);
MemoryPtr neon();
MemoryPtr rvv();
MemoryPtr gemm_scratch();
MemoryPtr gemm_accum();
// SVE registers of a fixed length (128..2048 bits, a multiple of 128), as
// `svfloat32_t` with arm_sve_vector_bits: f32[..][bits/32], f64[..][bits/64].
MemoryPtr sve_vls(int vector_bits);

// The names of the libraries built into the core, and the text of one.
std::vector<std::string> library_names();
const std::string& library_source(const std::string& name);

// What a library's source is parsed in: the builtins and its memories.
const Scope& library_memory_scope(const std::string& name);

// The library, parsed once from the embedded source (or from a copy on disk,
// e.g. an installed one). "sve_vls" needs a vector length: use
// load_sve_vls_library.
const Module& load_library(const std::string& name);
Module load_library_file(const std::string& name, const std::string& path);

// The fixed-length SVE library for one vector length: its instructions work on
// whole registers of bits/32 floats (or bits/64 doubles), in sve_vls(bits).
Module load_sve_vls_library(int vector_bits, const std::string& path = "");

// The builtins, the library's memories and every instruction by name: a scope
// to parse user kernels built on the library in.
Scope library_scope(const std::string& name);

}  // namespace exo::platforms
