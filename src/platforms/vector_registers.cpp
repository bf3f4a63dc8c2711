// Vector registers as an Exo memory (see exo/platforms/vector_registers.h).

#include "exo/platforms/vector_registers.h"

#include <cctype>

namespace exo::platforms {

namespace {

bool is_decimal(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string shape_str(const std::vector<std::string>& shape) {
  std::string s = "[";
  for (size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + shape[k];
  return s + "]";
}

class VectorRegisters final : public Memory {
 public:
  explicit VectorRegisters(VectorRegisterSpec spec) : spec_(std::move(spec)) {}

  std::string name() const override { return spec_.name; }
  std::string global_() const override { return spec_.global; }

  std::string alloc(const std::string& new_name, const std::string& prim_type,
                    const std::vector<std::string>& shape, const SrcInfo& srcinfo) const override {
    const std::string& n = spec_.name;
    if (shape.empty()) EXO_FAIL(ErrorKind::MemGen, srcinfo, n << " vectors are not scalar values");
    auto it = spec_.types.find(prim_type);
    if (it == spec_.types.end())
      EXO_FAIL(ErrorKind::MemGen, srcinfo, n << " vectors must be " << supported() << ", got " << prim_type);
    const VectorType& vt = it->second;
    // The register width must be known statically: a literal, not an expression.
    const std::string& width = shape.back();
    bool fits = spec_.allow_partial ? is_decimal(width) && std::stoll(width) >= 1 && std::stoll(width) <= vt.lanes
                                    : width == std::to_string(vt.lanes);
    if (!fits)
      EXO_FAIL(ErrorKind::MemGen, srcinfo,
               n << " vectors of type " << prim_type << " must be " << (spec_.allow_partial ? "at most " : "")
                 << vt.lanes << "-wide, got " << shape_str(shape));
    std::string decl = vt.c_type + " " + new_name;
    for (size_t k = 0; k + 1 < shape.size(); ++k) {
      if (spec_.constant_count && !is_decimal(shape[k]))
        EXO_FAIL(ErrorKind::MemGen, srcinfo,
                 "Cannot allocate variable numbers of " << n << " vectors, got " << shape_str(shape));
      decl += "[" + shape[k] + "]";
    }
    return decl + ";";
  }

  std::string free(const std::string&, const std::string&, const std::vector<std::string>&,
                   const SrcInfo&) const override {
    return "";
  }

  // `{x_data}` is the register itself: index the array of registers by every
  // dimension but the last, which must be taken whole (contiguous, from lane 0).
  std::string window(const std::string&, const std::string& baseptr,
                     const std::vector<std::string>& indices, const std::vector<std::string>& strides,
                     const SrcInfo& srcinfo) const override {
    if (strides.empty() || strides.back() != "1")
      EXO_FAIL(ErrorKind::MemGen, srcinfo, spec_.name << " windows must have unit stride in the last dimension");
    if (!indices.empty() && indices.back() != "0")
      EXO_FAIL(ErrorKind::MemGen, srcinfo,
               spec_.name << " windows must start at lane 0 of a register, got offset " << indices.back());
    std::string out = baseptr;
    for (size_t k = 0; k + 1 < indices.size(); ++k) out += "[" + indices[k] + "]";
    return out;
  }

  bool can_read() const override { return false; }
  bool addressable() const override { return false; }

 private:
  std::string supported() const {
    std::string s;
    for (auto& [t, vt] : spec_.types) s += (s.empty() ? "" : "/") + t;
    return s;
  }

  VectorRegisterSpec spec_;
};

}  // namespace

MemoryPtr vector_registers(VectorRegisterSpec spec) {
  return std::make_shared<VectorRegisters>(std::move(spec));
}

}  // namespace exo::platforms
