// GEMM_SCRATCH and GEMM_ACCUM: Gemmini's scratchpad and accumulator.
//
// Buffers live in the accelerator's address space, allocated through
// gemm_malloc.h / gemm_acc_malloc.h, which hand out row addresses. The innermost
// dimension is one 16-element row, so a window's address counts rows (its flat
// offset divided by 16). The CPU cannot read them: data moves through the
// Gemmini instructions only.

#include "exo/platforms/library.h"

namespace exo::platforms {

namespace {

struct GemminiSpace {
  const char* name;
  const char* what;       // for messages
  const char* header;     // the allocator's header
  const char* malloc_fn;
  const char* free_fn;
  const char* addr_type;  // the integer type an address is cast through
};

std::string flat_size(const std::vector<std::string>& shape) {
  // s_k * ... * s_0, the order exo-lang's generated code uses.
  std::string text = shape[0];
  for (size_t k = 1; k < shape.size(); ++k) text = shape[k] + " * " + text;
  return text;
}

class GemminiMemory final : public Memory {
 public:
  explicit GemminiMemory(GemminiSpace s) : s_(s) {}

  std::string name() const override { return s_.name; }
  std::string global_() const override {
    return std::string("#include <include/gemmini.h>\n#include \"") + s_.header + "\"";
  }

  std::string alloc(const std::string& new_name, const std::string& prim_type,
                    const std::vector<std::string>& shape, const SrcInfo& srcinfo) const override {
    if (shape.empty()) return prim_type + " " + new_name + ";";
    if (shape.back() != "16")
      EXO_FAIL(ErrorKind::MemGen, srcinfo,
               "Cannot allocate GEMMINI " << s_.what << " unless innermost dimension is exactly 16.  got "
                                          << shape.back());
    return prim_type + " *" + new_name + " = (" + prim_type + "*) ((" + s_.addr_type + ")" + s_.malloc_fn +
           " (" + flat_size(shape) + " * sizeof(" + prim_type + ")));";
  }

  std::string free(const std::string& new_name, const std::string&, const std::vector<std::string>& shape,
                   const SrcInfo&) const override {
    if (shape.empty()) return "";
    return std::string(s_.free_fn) + "((" + s_.addr_type + ")(" + new_name + "));";
  }

  std::string window(const std::string& basetyp, const std::string& baseptr,
                     const std::vector<std::string>& indices, const std::vector<std::string>& strides,
                     const SrcInfo& srcinfo) const override {
    if (indices.size() != strides.size() || strides.size() < 2)
      EXO_FAIL(ErrorKind::MemGen, srcinfo, "a " << s_.name << " window needs a row and a column index");
    return "*(" + basetyp + "*)((uint64_t)( ((uint32_t)((uint64_t)" + baseptr + ")) + (" +
           generate_offset(indices, strides) + ")/16))";
  }

  bool can_read() const override { return false; }

 private:
  GemminiSpace s_;
};

}  // namespace

MemoryPtr gemm_scratch() {
  static const MemoryPtr m = std::make_shared<GemminiMemory>(GemminiSpace{
      "GEMM_SCRATCH", "Scratchpad Memory", "gemm_malloc.h", "gemm_malloc", "gemm_free", "uint64_t"});
  return m;
}

MemoryPtr gemm_accum() {
  static const MemoryPtr m = std::make_shared<GemminiMemory>(GemminiSpace{
      "GEMM_ACCUM", "Accumulator Memory", "gemm_acc_malloc.h", "gemm_acc_malloc", "gemm_acc_free", "uint32_t"});
  return m;
}

}  // namespace exo::platforms
