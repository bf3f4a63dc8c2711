#pragma once
// The user-extensible hardware description: memories, configs and externs.
//
// None of these are special-cased in the compiler: DRAM, DRAM_STATIC and
// DRAM_STACK are ordinary Memory subclasses, and Python front ends subclass the
// same interfaces. Hooks mirror exo-lang's Memory class methods so user libraries
// port one-to-one.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "exo/error.h"
#include "exo/types.h"
#include "exo/loopir.h"  // MemoryPtr, ExternPtr

namespace exo {

// How a buffer is declared, addressed and freed in generated C.
class Memory {
 public:
  virtual ~Memory() = default;

  // The name users write after `@` (e.g. "DRAM", "AVX2").
  virtual std::string name() const = 0;

  // C code placed once at file scope in any .c using this memory (includes, helpers).
  virtual std::string global_() const { return ""; }

  // C statement(s) declaring buffer `new_name` of element type `prim_type` ("float")
  // and `shape` (C expressions, empty for a scalar). Throw Error(MemGen) to refuse.
  virtual std::string alloc(const std::string& new_name, const std::string& prim_type,
                            const std::vector<std::string>& shape, const SrcInfo& srcinfo) const = 0;
  // C statement(s) releasing it at the end of its scope ("" when nothing to do).
  virtual std::string free(const std::string& new_name, const std::string& prim_type,
                           const std::vector<std::string>& shape, const SrcInfo& srcinfo) const = 0;

  // An lvalue C expression for the first element of a window into `baseptr` at
  // `indices` with `strides` (all C expressions), as exo-lang's Memory.window: the
  // compiler takes its address for the window struct, and `{x_data}` in instr
  // templates is this expression. `baseptr` is already the data pointer (`x.data`
  // when x is a window); `basetyp` is the C element type. The default is
  // `baseptr[sum(indices[i]*strides[i])]`.
  virtual std::string window(const std::string& basetyp, const std::string& baseptr,
                             const std::vector<std::string>& indices,
                             const std::vector<std::string>& strides, const SrcInfo& srcinfo) const;

  // Whether scalar code may read / write / reduce into this memory directly. When
  // false, only instructions (@instr procs) can touch it.
  virtual bool can_read() const { return true; }
  virtual bool can_write() const { return can_read(); }
  virtual bool can_reduce() const { return can_write(); }

  // Whether buffers of this memory are plain C arrays that support pointer
  // arithmetic (used for windows and for passing to callees as pointers).
  virtual bool addressable() const { return true; }

  // Whether a buffer in this memory may be passed for a parameter declared in
  // `m`: the same memory, or a kind of it (DRAM_STATIC and DRAM_STACK are kinds
  // of DRAM; a Python memory is a kind of the memories it subclasses).
  virtual bool is_a(const Memory& m) const { return this == &m || name() == m.name(); }

  // Whether the memory hands out a fixed set of chunks (registers, tiles) while
  // code is generated: then a procedure allocating in it may call no other
  // procedure, whose own chunks would be the same ones (exo-lang's StaticMemory).
  virtual bool hands_out_chunks() const { return false; }
};

// The flat C offset `i0 * s0 + i1 * s1 + ...` of a window's first element, from
// C expressions, dropping zero terms and unit factors (the default window hook's).
std::string generate_offset(const std::vector<std::string>& indices,
                            const std::vector<std::string>& strides);

// Built-in memories.
MemoryPtr dram();         // DRAM: heap (malloc/free)
MemoryPtr dram_static();  // DRAM_STATIC: static storage
MemoryPtr dram_stack();   // DRAM_STACK: C99 stack arrays

// A configuration record: named, typed fields kept in the proc context struct.
class Config {
 public:
  struct Field {
    std::string name;
    ScalarKind type;
    SrcInfo srcinfo;
  };
  Config(std::string name, std::vector<Field> fields, bool readwrite = true, SrcInfo srcinfo = {})
      : name_(std::move(name)), fields_(std::move(fields)), readwrite_(readwrite), srcinfo_(std::move(srcinfo)) {}

  const std::string& name() const { return name_; }
  const std::vector<Field>& fields() const { return fields_; }
  const Field* find(const std::string& field) const {
    for (auto& f : fields_)
      if (f.name == field) return &f;
    return nullptr;
  }
  // readwrite=False configs are read-only from procedures (written by the host).
  bool readwrite() const { return readwrite_; }
  const SrcInfo& srcinfo() const { return srcinfo_; }

 private:
  std::string name_;
  std::vector<Field> fields_;
  bool readwrite_;
  SrcInfo srcinfo_;
};

// A function called from Exo expressions but implemented in C (sin, select, ...).
class Extern {
 public:
  virtual ~Extern() = default;
  virtual std::string name() const = 0;
  // Number of arguments accepted.
  virtual size_t arity() const = 0;
  // Checks argument scalar kinds; returns the result kind or throws Error(Type).
  virtual ScalarKind typecheck(const std::vector<ScalarKind>& args, const SrcInfo& where) const;
  // C expression applying the function to already compiled argument expressions;
  // `prim_type` is the C type of the result ("float", "double", ...).
  virtual std::string compile(const std::vector<std::string>& args, const std::string& prim_type) const = 0;
  // C code emitted once at file scope (e.g. `#include <math.h>` or a helper).
  virtual std::string globl(const std::string& prim_type) const { return ""; }
  // Reference semantics for the interpreter.
  virtual double interpret(const std::vector<double>& args) const = 0;
};

// The standard externs: select, relu, sin, cos, sqrt, expf, fmaxf, sigmoid, ...
// (name, extern) pairs in a stable order.
const std::vector<std::pair<std::string, ExternPtr>>& builtin_externs();

}  // namespace exo
