// The built-in memories DRAM, DRAM_STATIC and DRAM_STACK, and the default
// window hook shared by every Memory.
//
// The C they produce matches exo-lang's memories so generated code (and any C
// harness relying on its allocation behaviour) is the same.

#include <cctype>

#include "exo/hardware.h"

namespace exo {

namespace {

// One term `index * stride` of a flat offset, dropping zero terms and unit
// factors so simple windows print as `x[i]` rather than `x[(i) * (1)]`.
std::string offset_term(const std::string& i, const std::string& s) {
  if (s == "0" || i == "0") return "";
  if (s == "1") return i;
  if (i == "1") return s;
  if (s.size() == 1) return "(" + i + ") * " + s;
  return "(" + i + ") * (" + s + ")";
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t k = 0; k < v.size(); ++k) {
    if (k) out += sep;
    out += v[k];
  }
  return out;
}

bool is_int_literal(const std::string& s) {
  if (s.empty()) return false;
  size_t k = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (k == s.size()) return false;
  for (; k < s.size(); ++k)
    if (!std::isdigit(static_cast<unsigned char>(s[k]))) return false;
  return true;
}

class DramMemory : public Memory {
 public:
  std::string name() const override { return "DRAM"; }
  std::string global_() const override { return "#include <stdio.h>\n#include <stdlib.h>\n"; }
  std::string alloc(const std::string& new_name, const std::string& prim_type,
                    const std::vector<std::string>& shape, const SrcInfo&) const override {
    if (shape.empty()) return prim_type + " " + new_name + ";";
    // The cast keeps the code valid C++ too.
    return prim_type + " *" + new_name + " = (" + prim_type + "*) malloc(" + join(shape, " * ") +
           " * sizeof(*" + new_name + "));";
  }
  std::string free(const std::string& new_name, const std::string&,
                   const std::vector<std::string>& shape, const SrcInfo&) const override {
    if (shape.empty()) return "";
    return "free(" + new_name + ");";
  }
};

// Fixed-size arrays (static storage or the C stack): the shape must be constant.
class FixedArrayMemory : public DramMemory {
 public:
  FixedArrayMemory(std::string name, bool is_static) : name_(std::move(name)), static_(is_static) {}
  std::string name() const override { return name_; }
  bool is_a(const Memory& m) const override { return Memory::is_a(m) || m.name() == "DRAM"; }
  std::string alloc(const std::string& new_name, const std::string& prim_type,
                    const std::vector<std::string>& shape, const SrcInfo& srcinfo) const override {
    for (auto& extent : shape)
      if (!is_int_literal(extent))
        EXO_FAIL(ErrorKind::MemGen, srcinfo,
                 name_ << " requires constant shapes. Saw: " << extent);
    std::string decl = (static_ ? "static " : "") + prim_type + " " + new_name;
    if (shape.empty()) return decl + ";";
    return decl + "[" + join(shape, " * ") + "];";
  }
  std::string free(const std::string&, const std::string&, const std::vector<std::string>&,
                   const SrcInfo&) const override {
    return "";
  }

 private:
  std::string name_;
  bool static_;
};

}  // namespace

std::string generate_offset(const std::vector<std::string>& indices,
                            const std::vector<std::string>& strides) {
  std::string out;
  for (size_t k = 0; k < indices.size() && k < strides.size(); ++k) {
    std::string t = offset_term(indices[k], strides[k]);
    if (t.empty()) continue;
    if (!out.empty()) out += " + ";
    out += t;
  }
  return out.empty() ? "0" : out;
}

// Like exo-lang's MemWin.window: an lvalue for the first element of the window;
// the compiler takes its address. `baseptr` is already the data pointer (the
// compiler passes `x.data` when x is itself a window).
std::string Memory::window(const std::string& basetyp, const std::string& baseptr,
                           const std::vector<std::string>& indices,
                           const std::vector<std::string>& strides, const SrcInfo& srcinfo) const {
  return baseptr + "[" + generate_offset(indices, strides) + "]";
}

MemoryPtr dram() {
  static const MemoryPtr m = std::make_shared<DramMemory>();
  return m;
}

MemoryPtr dram_static() {
  static const MemoryPtr m = std::make_shared<FixedArrayMemory>("DRAM_STATIC", true);
  return m;
}

MemoryPtr dram_stack() {
  static const MemoryPtr m = std::make_shared<FixedArrayMemory>("DRAM_STACK", false);
  return m;
}

}  // namespace exo
