#pragma once
// Scope: how the front end learns what a free name means.
//
// The parser never guesses: `DRAM`, `mm256_loadu_ps`, `Cfg` or `N_TILE` are looked
// up here. The C++ API fills a Scope from a registry; Python fills one from the
// decorated function's globals and closure.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "exo/hardware.h"
#include "exo/loopir.h"

namespace exo {

// A constant value bound to a name (Python int/float/bool used inside a proc).
// Integers are exact; a front end that cannot represent a value (a Python int
// beyond int64) binds it with `invalid`, and using the name is then an error at
// the use that carries the reason. Non-finite reals are refused at the use too.
struct ConstValue {
  ScalarKind kind = ScalarKind::Int;  // Int, Bool or R (a real literal)
  int64_t ival = 0;                   // Int (within +-(2^63 - 1)) and Bool (0/1)
  double fval = 0;                    // R
  std::string invalid_reason;         // non-empty: the value cannot be used

  static ConstValue integer(int64_t v) { return {ScalarKind::Int, v, 0, {}}; }
  static ConstValue boolean(bool v) { return {ScalarKind::Bool, v ? 1 : 0, 0, {}}; }
  static ConstValue real(double v) { return {ScalarKind::R, 0, v, {}}; }
  static ConstValue invalid(ScalarKind k, std::string why) { return {k, 0, 0, std::move(why)}; }
};

using ScopeEntry = std::variant<Proc, MemoryPtr, ConfigPtr, ExternPtr, ConstValue>;

class Scope {
 public:
  Scope() = default;
  // A scope that consults `parent` for names it does not bind itself.
  explicit Scope(const Scope* parent) : parent_(parent) {}

  void bind(const std::string& name, ScopeEntry e) { entries_[name] = std::move(e); }
  void bind_proc(Proc p);
  void bind_memory(MemoryPtr m);
  void bind_config(ConfigPtr c);
  void bind_extern(const std::string& name, ExternPtr e) { bind(name, std::move(e)); }
  void bind_const(const std::string& name, ConstValue v) { bind(name, v); }

  // Optional dynamic resolver, consulted before the parent (Python uses it to look
  // into a function's globals lazily).
  void set_resolver(std::function<std::optional<ScopeEntry>(const std::string&)> r) { resolver_ = std::move(r); }

  std::optional<ScopeEntry> lookup(const std::string& name) const;

  // A scope with DRAM, DRAM_STATIC, DRAM_STACK and the builtin externs.
  static Scope with_builtins();

 private:
  const Scope* parent_ = nullptr;
  std::map<std::string, ScopeEntry> entries_;
  std::function<std::optional<ScopeEntry>(const std::string&)> resolver_;
};

}  // namespace exo
