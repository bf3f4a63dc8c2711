#pragma once
// Vector registers as an Exo memory: a buffer's last dimension is one register
// (its lane count fixed by the element type), earlier dimensions a C array of
// registers. Scalar code cannot touch them (can_read() is false), so only
// instructions read or write such buffers. AVX2, AVX512, Neon, SVE and RVV are
// all of this kind; they differ in names, C types and lane counts.

#include <map>
#include <string>

#include "exo/hardware.h"

namespace exo::platforms {

struct VectorType {
  int lanes;           // elements in one register
  std::string c_type;  // e.g. "__m256", "float32x4_t"
};

struct VectorRegisterSpec {
  std::string name;     // the memory's name, as written after `@`
  std::string global;   // file-scope C (includes, typedefs)
  std::map<std::string, VectorType> types;  // C element type -> register
  // Whether a buffer may use fewer lanes than a register holds (vector-length
  // agnostic ISAs such as RVV set the length per instruction).
  bool allow_partial = false;
  // Whether the number of registers (the leading dimensions) must be a literal.
  bool constant_count = false;
};

MemoryPtr vector_registers(VectorRegisterSpec spec);

}  // namespace exo::platforms
