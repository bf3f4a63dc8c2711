// AVX2 and AVX512: vector registers as Exo memories. A buffer's last dimension
// is one register (its width fixed by the element type); earlier dimensions
// become a C array of registers. Scalar code cannot touch them, so only
// instructions read or write these buffers (can_read() is false).

#include <map>

#include "exo/platforms/x86.h"

namespace exo::platforms {

namespace {

struct VecType {
  int lanes;
  const char* c_type;
};

class VectorRegisters final : public Memory {
 public:
  VectorRegisters(std::string name, std::map<std::string, VecType> types)
      : name_(std::move(name)), types_(std::move(types)) {}

  std::string name() const override { return name_; }
  std::string global_() const override { return "#include <immintrin.h>\n"; }

  std::string alloc(const std::string& new_name, const std::string& prim_type,
                    const std::vector<std::string>& shape, const SrcInfo& srcinfo) const override {
    if (shape.empty()) EXO_FAIL(ErrorKind::MemGen, srcinfo, name_ << " vectors are not scalar values");
    auto it = types_.find(prim_type);
    if (it == types_.end())
      EXO_FAIL(ErrorKind::MemGen, srcinfo,
               name_ << " vectors must be " << supported() << ", got " << prim_type);
    const VecType& vt = it->second;
    // The register width must be known statically: a literal, not an expression.
    if (shape.back() != std::to_string(vt.lanes))
      EXO_FAIL(ErrorKind::MemGen, srcinfo,
               name_ << " vectors of type " << prim_type << " must be " << vt.lanes
                     << "-wide, got " << shape_str(shape));
    std::string decl = std::string(vt.c_type) + " " + new_name;
    for (size_t k = 0; k + 1 < shape.size(); ++k) decl += "[" + shape[k] + "]";
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
      EXO_FAIL(ErrorKind::MemGen, srcinfo, name_ << " windows must have unit stride in the last dimension");
    if (!indices.empty() && indices.back() != "0")
      EXO_FAIL(ErrorKind::MemGen, srcinfo,
               name_ << " windows must start at lane 0 of a register, got offset " << indices.back());
    std::string out = baseptr;
    for (size_t k = 0; k + 1 < indices.size(); ++k) out += "[" + indices[k] + "]";
    return out;
  }

  bool can_read() const override { return false; }
  bool addressable() const override { return false; }

 private:
  std::string supported() const {
    std::string s;
    for (auto& [t, vt] : types_) s += (s.empty() ? "" : "/") + t;
    return s;
  }
  static std::string shape_str(const std::vector<std::string>& shape) {
    std::string s = "[";
    for (size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + shape[k];
    return s + "]";
  }

  std::string name_;
  std::map<std::string, VecType> types_;
};

}  // namespace

MemoryPtr avx2() {
  static const MemoryPtr m = std::make_shared<VectorRegisters>(
      "AVX2",
      std::map<std::string, VecType>{{"float", {8, "__m256"}},
                                     {"double", {4, "__m256d"}},
                                     {"uint16_t", {16, "__m256i"}}});
  return m;
}

MemoryPtr avx512() {
  static const MemoryPtr m = std::make_shared<VectorRegisters>(
      "AVX512",
      std::map<std::string, VecType>{{"float", {16, "__m512"}}, {"double", {8, "__m512d"}}});
  return m;
}

const Scope& x86_memory_scope() {
  static const Scope* s = [] {
    static const Scope builtins = Scope::with_builtins();
    auto* sc = new Scope(&builtins);
    sc->bind_memory(avx2());
    sc->bind_memory(avx512());
    return sc;
  }();
  return *s;
}

}  // namespace exo::platforms
