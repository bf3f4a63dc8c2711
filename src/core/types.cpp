#include "exo/types.h"

#include <atomic>

namespace exo {

static std::atomic<uint64_t> next_sym_id{1};

Sym::Sym(std::string name) : name_(std::move(name)), id_(next_sym_id.fetch_add(1)) {}

namespace {
struct KindName {
  ScalarKind kind;
  std::string_view name;
  std::string_view c_type;
};
constexpr KindName kKinds[] = {
    {ScalarKind::R, "R", "float"},        {ScalarKind::F16, "f16", "_Float16"},
    {ScalarKind::F32, "f32", "float"},    {ScalarKind::F64, "f64", "double"},
    {ScalarKind::I8, "i8", "int8_t"},     {ScalarKind::UI8, "ui8", "uint8_t"},
    {ScalarKind::UI16, "ui16", "uint16_t"}, {ScalarKind::I32, "i32", "int32_t"},
    {ScalarKind::Bool, "bool", "bool"},   {ScalarKind::Int, "int", "int_fast32_t"},
    {ScalarKind::Index, "index", "int_fast32_t"}, {ScalarKind::Size, "size", "int_fast32_t"},
    {ScalarKind::Stride, "stride", "int_fast32_t"},
};
}  // namespace

std::string_view scalar_kind_name(ScalarKind k) {
  for (auto& e : kKinds)
    if (e.kind == k) return e.name;
  return "?";
}

std::optional<ScalarKind> scalar_kind_from_name(std::string_view s) {
  for (auto& e : kKinds)
    if (e.name == s) return e.kind;
  return std::nullopt;
}

bool is_data_kind(ScalarKind k) {
  switch (k) {
    case ScalarKind::R: case ScalarKind::F16: case ScalarKind::F32: case ScalarKind::F64:
    case ScalarKind::I8: case ScalarKind::UI8: case ScalarKind::UI16: case ScalarKind::I32:
      return true;
    default:
      return false;
  }
}

bool is_index_kind(ScalarKind k) {
  return k == ScalarKind::Int || k == ScalarKind::Index || k == ScalarKind::Size ||
         k == ScalarKind::Stride;
}

bool is_real_kind(ScalarKind k) {
  return k == ScalarKind::R || k == ScalarKind::F16 || k == ScalarKind::F32 || k == ScalarKind::F64;
}

std::string_view c_type_name(ScalarKind k) {
  for (auto& e : kKinds)
    if (e.kind == k) return e.c_type;
  return "?";
}

}  // namespace exo
