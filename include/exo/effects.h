#pragma once
// Effects: which locations a block of code reads, writes and reduces (`+=`).
//
// Every access is kept symbolic: the buffer (resolved through windows and calls
// to the buffer that owns the storage), its index expressions over the enclosing
// loop variables, the loops' ranges and the branch conditions on the path to it.
// So `for i in seq(0, M): for j in seq(0, N): C[i, j] += ...` yields one access
//     reduce C[i, j] for 0 <= i < M, 0 <= j < N
// Safety conditions of scheduling primitives are formulas over these sets (two
// accesses conflict when some pair of iterations reaches the same location and
// at least one writes); access_domain() builds the "this access happens" part.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "exo/loopir.h"

namespace exo {

// ---------------------------------------------------------------------------
// Windows. A window names part of the storage of another buffer; accesses
// through it are accesses of that buffer, at the window's coordinates.
// ---------------------------------------------------------------------------

// `base` itself when coords is empty, else the coordinates of the window in
// base's dimensions (points and intervals).
struct BufferView {
  Sym base;
  std::vector<WAccess> coords;
};

// The window statements seen so far, each resolved to the buffer owning its storage.
class WindowAliases {
 public:
  WindowAliases() = default;
  // Every window statement of b, at any depth (names are unique, so one map serves
  // the whole block).
  explicit WindowAliases(const Block& b);

  void declare(const Sym& window, const WindowExprNode& rhs);
  BufferView of(const Sym& name) const;
  Sym storage_of(const Sym& name) const { return of(name).base; }
  // The storage a call argument names: a buffer or window variable, a window
  // expression, or an element `x[i]`. False for other expressions.
  bool of_arg(const Expr& arg, BufferView& out) const;

 private:
  std::map<Sym, BufferView> views_;
};

enum class EffectKind : uint8_t { Read, Write, Reduce };
const char* effect_kind_name(EffectKind k);  // "read", "write", "reduce"

// An enclosing loop of an access (within the block the effects are taken of).
struct EffectLoop {
  Sym iter;
  Expr lo, hi;  // iter ranges over [lo, hi)
};

// A branch condition on the path to an access; `holds` is false in else branches.
struct EffectCond {
  Expr cond;
  bool holds = true;
};

struct Access {
  EffectKind kind = EffectKind::Read;
  // A buffer (argument, allocation; never a window: windows are resolved to the
  // buffer they alias), or a config field when `config` is set.
  Sym buffer;
  ConfigPtr config;
  std::string field;
  // One index expression per dimension of `buffer` (empty for scalars and configs).
  // An interval coordinate (from a window passed to a call and accessed whole)
  // never appears: calls are expanded into their callee's accesses.
  std::vector<Expr> idx;
  std::vector<EffectLoop> loops;  // outermost first
  std::vector<EffectCond> conds;  // outermost first
  Stmt stmt;                      // the statement (of the analysed block) performing it

  bool is_config() const { return config != nullptr; }
  // "C" or "Cfg.field".
  std::string location_name() const;
};

// All accesses of a block, in program order. Reads of control values (sizes,
// indices, loop variables) are not effects and are not listed; config reads are.
std::vector<Access> block_effects(const Block& b);
// The accesses of a proc's body.
std::vector<Access> proc_effects(const Proc& p);
// The accesses performed by `target` (a statement of p, compared by identity), with
// the loops and conditions of p that enclose it.
std::vector<Access> stmt_effects(const Proc& p, const Stmt& target);

// stmt_effects with calls not expanded: each call reads (or, when its callee
// writes the parameter, writes) every element of each window, buffer or element
// it passes, plus its callee's config accesses. An over-approximation of the
// locations touched, in a few accesses per call however large the callee: the
// footprint the par-loop race check compares.
std::vector<Access> stmt_footprint(const Proc& p, const Stmt& target);
// The same for a whole block; `windows` resolves the windows declared outside it.
std::vector<Access> block_footprint(const Block& b, const WindowAliases& windows = WindowAliases());
// block_footprint without places: each access's kind and buffer (or config
// field) only, its indices, loops and conditions left empty. Cheaper, for
// questions about which storage is touched.
std::vector<Access> block_storage_accesses(const Block& b);

// One access per line: "reduce C[i, j] for 0 <= i < M, 0 <= j < N", with
// " if cond" / " if not (cond)" for path conditions; grouped by location (in order
// of first appearance) under a "<name>:" heading.
std::string effects_text(const std::vector<Access>& accesses);

// The condition under which an access happens, as readable formula text over the
// loop variables (loop ranges and path conditions, lowered to the analysis's
// affine formulas), e.g. "0 <= i and i + 1 <= M". Used in diagnostics.
std::string access_domain_text(const Access& a);

// ---------------------------------------------------------------------------
// Per-name summaries: the accesses above grouped by storage, for the syntactic
// checks of the scheduling primitives (commuting statements, loop interchange,
// idempotence, which config fields a statement writes). They are a view of the
// access list of the code, taken with calls summarised (as stmt_footprint).
// ---------------------------------------------------------------------------

struct NameAccess {
  std::vector<Expr> idx;  // in the storage's dimensions; empty for a scalar
  // The loops inside the summarised code around the access (for a call, also one
  // fresh variable per dimension of each window it is passed).
  // Two accesses range over these independently: each needs its own copy of the
  // variables when they are compared.
  std::vector<EffectLoop> loops;
};

struct EffectSummary {
  std::map<Sym, std::vector<NameAccess>> reads, writes, reduces;
  std::set<std::pair<const Config*, std::string>> cfg_reads, cfg_writes;
};

// The summary of an access list.
EffectSummary summarize_effects(const std::vector<Access>& accesses);
// What a block, a statement or an expression does; `windows` resolves the windows
// declared outside it (those it declares itself are resolved as they come).
EffectSummary effects_of(const Block& b, const WindowAliases& windows);
EffectSummary effects_of(const Stmt& s, const WindowAliases& windows);
EffectSummary effects_of(const Expr& e, const WindowAliases& windows);

}  // namespace exo
