#pragma once
// Reference interpreter: runs a proc on concrete buffers. The oracle for tests.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "exo/loopir.h"

namespace exo {

// A buffer in caller memory. `data` points at elements of the C type of `kind`
// (float for f32/R, double for f64, uint16_t bits for f16, int8_t, uint8_t,
// uint16_t, int32_t). `strides` are in elements. Rank 0 = a data scalar argument.
struct InterpBuffer {
  ScalarKind kind = ScalarKind::F32;
  void* data = nullptr;
  std::vector<int64_t> shape;
  std::vector<int64_t> strides;

  static InterpBuffer dense(ScalarKind k, void* data, std::vector<int64_t> shape);
};

// Control values (size/index/int/stride) are int64_t; bool args are bool; data
// arguments (scalars and tensors) are InterpBuffers.
using InterpValue = std::variant<int64_t, bool, InterpBuffer>;

// Config state, keyed by (config name, field).
using ConfigState = std::map<std::pair<std::string, std::string>, double>;

// Runs `p` with `args` in the proc's argument order. Checks sizes against
// preconditions and every access against its buffer's bounds (throws Error(Api)
// / Error(Bounds) at runtime instead of corrupting memory).
void interpret(const Proc& p, const std::vector<InterpValue>& args, ConfigState* configs = nullptr);

}  // namespace exo
