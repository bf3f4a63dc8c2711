#pragma once
// Scheduling primitives as declarative records: one per primitive.
//
// A record names the primitive on both Python surfaces (the Procedure method,
// e.g. `split`, and the exo-lang function of exo.API_scheduling, e.g.
// `divide_loop`; either may be absent), lists its arguments in order with their
// kinds and defaults, says declaratively where the two surfaces differ (a
// per-surface parameter list: names, order, compatibility-only parameters), and
// holds the function that applies it to the core.
//
// Why here, in C++ beside the bindings: the kinds are conversions from Python
// values to the core's types (cursors, integers of the core's ranges, configs,
// memories), so the one converter that checks every argument (sched_args.cpp)
// and the apply functions that call the core live together, and the Python
// surfaces are generated from the table (exo/_primitives.py) without a second
// check. The core functions then receive typed values only.
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "exo/schedule/procs.h"  // BufferRef

namespace exo::python {

// What an argument must be, and what the converter makes of it.
enum class ArgKind {
  // References (a pattern string or a cursor, also of a proc this one was scheduled from)
  Stmt, Loop, Alloc, Expr, Block, AnyRef,
  LoopOrStmt,   // a plain name ("i", "i #1") is a loop, anything else a statement
  Call,         // a call statement; a Procedure or a plain name ("foo #1") means its calls
  Scope,        // a loop or an if statement (a plain name is a loop)
  Gap,          // a gap cursor (no pattern)
  GapBetween,   // a gap between two statements: the statement before it
  StmtPair,     // a block of exactly two statements (fills this slot and the next)
  ExprRefs,     // a pattern (all its matches), a cursor or a list of cursors
  LoopNest,     // "i j" (loop i with loop j directly inside), a loop name, pattern or cursor
  BufferRef,    // an argument name, or an allocation reference
  LoopsShape,   // "i j", a name, a pattern or a cursor: kept as given (reorder decides)
  // Numbers and names
  PosInt,       // 1 .. 2^63-1
  NonNegInt,    // 0 .. 2^63-1
  Count,        // 1 .. 2^31-1 (levels: n_lifts)
  Dim,          // 0 .. 2^31-1 (a dimension index)
  DimList,      // a list of dimension indices
  Ident,        // a valid new name
  IdentPair,    // a list of two valid new names
  Bool,
  OneOf,        // one of Param::choices
  Precision,    // a data type name (or an object whose str() is one)
  Text,         // a string (Param::what says what it stands for)
  ExprText,     // Exo expression text; ints, finite floats and bools become literals
  IntOrText,    // an int or Exo expression text (sizes, offsets, indexing)
  StrictText,   // Exo expression text or an int (no bool, no float)
  IndexText,    // a non-negative int or Exo index expression text
  CondList,     // one StrictText or a non-empty list of them
  ArgTexts,     // a list of ExprText
  // Objects
  Memory,       // a Memory subclass
  Config,       // a Config object
  Field,        // a field name of the Config in the previous slot
  Procedure,    // a Procedure object
  Raw,          // taken as given (the apply function interprets it)
  Ignored,      // accepted for compatibility, unused
};

struct Param {
  std::string name;
  ArgKind kind;
  std::optional<std::string> dflt;   // Python literal text of the default, if any
  std::vector<std::string> choices;  // OneOf
  std::string what;                  // Text: what the string stands for, in messages
  int slot = -1;                     // api surface: the slot it fills (-1: same position)
  bool from_seed = false;            // api surface: kind and default of the seed parameter
};

// One converted argument. A fat value rather than a variant: each kind sets the
// fields it produces and leaves the rest empty.
struct Arg {
  bool none = true;  // omitted (not on this surface) or None
  Cursor cursor;
  std::vector<Cursor> cursors;
  long long i = 0;
  bool b = false;
  std::string s;
  std::vector<std::string> strs;
  std::vector<int> ints;
  BufferRef buf;
  ConfigPtr config;
  MemoryPtr memory;
  Proc proc;
  py::object obj;  // the Python value as given
};

struct Surface;

// The arguments of one call, in slots, and the means to report.
struct Call {
  const ProcHandle& h;
  py::handle proc_obj;  // the Procedure (its class wraps the results)
  const Surface& surface;
  std::vector<Arg> a;

  // The result proc as an object of proc_obj's class.
  py::object derive(const Rewrite& r) const;
  py::object wrap(ProcHandle p) const;
  // Refuses the argument of `slot` as this surface names it: ApiTypeError
  // (type_error) or ApiError, "argument N, 'name' to op: msg".
  [[noreturn]] void fail(int slot, const std::string& msg, bool type_error = false) const;
  // The converter, for apply functions that choose a kind from the value.
  Arg convert(int slot, py::handle v, const Param& as) const;
};

using Apply = py::object (*)(Call&);

struct Record {
  std::string seed;  // Procedure method name ("" if none)
  std::string api;   // exo.API_scheduling function name ("" if none)
  std::string doc;
  std::vector<Param> params;  // the slots, as the seed surface names them
  // The api surface when it differs: each entry's slot is given (or its position).
  // Empty with `api` set: the same parameters as the seed surface.
  std::vector<Param> api_params;
  Apply apply;
};

// A surface of one record: its name and parameters (argument numbers 1..n).
struct Surface {
  const Record* record;
  std::string name;
  const std::vector<Param>* params;
  bool api;  // exo.API_scheduling (the proc is argument 0)
};

// Shorthands for the tables.
inline Param P(std::string name, ArgKind kind, std::optional<std::string> dflt = std::nullopt) {
  return Param{std::move(name), kind, std::move(dflt), {}, {}, -1, false};
}
inline Param choice(std::string name, std::vector<std::string> choices, std::string dflt) {
  return Param{std::move(name), ArgKind::OneOf, std::move(dflt), std::move(choices), {}, -1, false};
}
inline Param text(std::string name, std::string what, std::optional<std::string> dflt = std::nullopt) {
  return Param{std::move(name), ArgKind::Text, std::move(dflt), {}, std::move(what), -1, false};
}
// An api-surface parameter filling seed slot `slot` (same kind and default unless given).
inline Param at(int slot, std::string name) {
  return Param{std::move(name), ArgKind::Raw, std::nullopt, {}, {}, slot, true};
}
inline Param at(int slot, Param p) {
  p.slot = slot;
  return p;
}
// A compatibility-only parameter (accepted, unused).
inline Param ignored(std::string name, std::string dflt) {
  return Param{std::move(name), ArgKind::Ignored, std::move(dflt), {}, {}, -2, false};
}

// The tables, one per family (sched_records_<family>.cpp).
void add_loop_records(std::vector<Record>& out);
void add_buffer_records(std::vector<Record>& out);
void add_other_records(std::vector<Record>& out);  // cleanup, configs, exprs, subprocs, guards

// Every record, api parameters resolved (built once).
const std::vector<Record>& records();

// Converts `v` for parameter `p` of `surface` (argument number argno).
Arg convert_arg(const ProcHandle& h, const Surface& surface, int argno, const Param& p, py::handle v,
                const std::vector<Arg>& before);

// exo._core.primitive_table() and exo._core.apply_primitive(index, api, proc, args).
void define_sched_records(py::module_& m);

}  // namespace exo::python
