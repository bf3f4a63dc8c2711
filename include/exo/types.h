#pragma once
// Symbols and scalar kinds shared by the untyped (UAST) and typed (LoopIR) trees.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace exo {

// A variable. Two Syms are the same variable iff their ids are equal; the name is
// only for display (the printer disambiguates clashes).
class Sym {
 public:
  Sym() = default;
  explicit Sym(std::string name);  // fresh id
  static Sym fresh(const std::string& name) { return Sym(name); }
  Sym copy() const { return Sym(name_); }  // same name, new identity

  const std::string& name() const { return name_; }
  uint64_t id() const { return id_; }
  bool valid() const { return id_ != 0; }

  bool operator==(const Sym& o) const { return id_ == o.id_; }
  bool operator!=(const Sym& o) const { return id_ != o.id_; }
  bool operator<(const Sym& o) const { return id_ < o.id_; }

 private:
  std::string name_;
  uint64_t id_ = 0;
};

struct SymHash {
  size_t operator()(const Sym& s) const { return std::hash<uint64_t>()(s.id()); }
};

// The scalar types of Exo. R is the generic real (precision chosen later).
enum class ScalarKind : uint8_t {
  R,
  F16,
  F32,
  F64,
  I8,
  UI8,
  UI16,
  I32,
  Bool,
  Int,     // control integer (compile-time / loop arithmetic)
  Index,   // a control value used to index
  Size,    // a non-negative size argument
  Stride,  // stride(A, d)
};

// "f32", "size", ... as written in Exo source.
std::string_view scalar_kind_name(ScalarKind k);
std::optional<ScalarKind> scalar_kind_from_name(std::string_view s);

// Numeric data types that can live in buffers (R, f16 ... i32).
bool is_data_kind(ScalarKind k);
// Control types: int, index, size, stride (and bool, which is its own class).
bool is_index_kind(ScalarKind k);
bool is_real_kind(ScalarKind k);  // R, f16, f32, f64

// The C type used for a data kind (float, double, int8_t, ...). R maps to float.
std::string_view c_type_name(ScalarKind k);

}  // namespace exo
