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

#include "exo/ir_mutator.h"
#include "exo/loopir.h"

namespace exo {

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

// One access per line: "reduce C[i, j] for 0 <= i < M, 0 <= j < N", with
// " if cond" / " if not (cond)" for path conditions; grouped by location (in order
// of first appearance) under a "<name>:" heading.
std::string effects_text(const std::vector<Access>& accesses);

// The condition under which an access happens, as readable formula text over the
// loop variables (loop ranges and path conditions, lowered to the analysis's
// affine formulas), e.g. "0 <= i and i + 1 <= M". Used in diagnostics.
std::string access_domain_text(const Access& a);

// ---------------------------------------------------------------------------
// Per-name summaries of the same effects, for the syntactic checks of the
// scheduling primitives (commuting statements, loop interchange, idempotence,
// which config fields a statement writes). Where the accesses above keep every
// access with its loops and conditions, a summary groups them by buffer (through
// window aliases) and keeps only the indices, so checks stay cheap.
// ---------------------------------------------------------------------------

struct NameAccess {
  std::vector<Expr> idx;  // empty: the whole buffer (or a scalar)
  bool whole = false;
  // The index mentions a loop variable bound inside the statement: then two
  // accesses range over independent iterations and only constants separate them.
  bool local = false;
};

struct EffectSummary {
  std::map<Sym, std::vector<NameAccess>> reads, writes, reduces;
  std::set<std::pair<const Config*, std::string>> cfg_reads, cfg_writes;
  std::set<Sym> bound;  // allocations and windows the statement declares at its top level
  std::set<Sym> used;   // every name mentioned
};

// Adds what the visited code does to `out`. `alias` maps window statements to
// the buffer they window (see collect_aliases); accesses are filed under that
// buffer. A call acts on its buffer arguments as its callee acts on its
// parameters (whole-buffer accesses), plus the callee's config accesses.
class EffectCollector : public IRVisitor {
 public:
  EffectCollector(EffectSummary& out, const std::map<Sym, Sym>& alias) : out_(out), alias_(alias) {}

  using IRVisitor::visit;
  void visit(const Expr& e) override;
  void visit(const Stmt& s) override;

  // The window statements of b (at any depth), mapped to the buffer each windows.
  static void collect_aliases(const Block& b, std::map<Sym, Sym>& alias);

 private:
  NameAccess access(const Sym& name, const std::vector<Expr>& idx) const;
  bool mentions_local(const Expr& e) const;
  Sym base(const Sym& s) const;
  void call(const CallNode& c);

  std::set<Sym> local_iters_;
  EffectSummary& out_;
  const std::map<Sym, Sym>& alias_;
};

// The summary of one statement, with the names it declares at its top level.
EffectSummary effects_of(const Stmt& s, const std::map<Sym, Sym>& alias);

}  // namespace exo
