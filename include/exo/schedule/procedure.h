#pragma once
// A procedure being scheduled: the IR together with its history.
//
// Scheduling primitives are pure functions `Proc -> Rewrite` (the new proc and
// the forwarding of cursors from the old one to the new one, exo/cursor.h). A
// ScheduledProc records which proc each result was derived from and that
// forwarding, so a cursor taken on any earlier proc of the chain can be followed
// into the current one, and resolves a primitive's reference argument (a pattern,
// a name, `#N`, or such a cursor) in one place.
//
//   exo::ScheduledProc p0(module.proc("gemm"));
//   exo::Cursor store = p0.resolve("C[_] += _ #1", exo::RefKind::Stmt);
//   exo::ScheduledProc p1 = p0.derive(exo::split_loop(p0.proc(), p0.resolve("i", exo::RefKind::Loop),
//                                                     4, "io", "ii", "cut"));
//   exo::ScheduledProc p2 = p1.derive(exo::reorder_loops(p1.proc(), "io ii"));
//   exo::Cursor now = p2.forward(store, p0);                 // the same statement in p2
//   exo::Cursor same = p2.resolve(exo::OwnedCursor{p0, store}, exo::RefKind::Stmt);
//
// Values are cheap to copy (one shared pointer) and immutable. Two
// ScheduledProcs denote the same procedure when they hold the same Proc node;
// forwarding walks from the target up its parents to the cursor's proc, so it
// costs one forwarding call per rewrite in between.

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "exo/schedule/cursor.h"
#include "exo/loopir.h"

namespace exo {

// What a reference argument must denote. Stmt: one statement; Loop: a `for`;
// Alloc: an allocation; Expr: an expression; Block: a statement or a block of
// statements; Any: any valid position.
enum class RefKind { Stmt, Loop, Alloc, Expr, Block, Any };

// The argument a reference is given as, for error messages:
// "argument <argno>, '<name>' to <primitive>: ...".
struct RefArg {
  std::string primitive = "resolve";
  int argno = 1;
  std::string name = "ref";
};

struct OwnedCursor;

class ScheduledProc {
 public:
  // A procedure with no history (parsed, or taken from a call).
  explicit ScheduledProc(Proc root);

  const Proc& proc() const;
  // The procedure this one was derived from; nullopt for a root.
  std::optional<ScheduledProc> parent() const;
  // True if this is `ancestor` (the same Proc) or was derived from it through
  // any number of steps.
  bool derived_from(const ScheduledProc& ancestor) const;

  // The result of a rewrite applied to proc(), with its cursor forwarding.
  ScheduledProc derive(const Rewrite& r) const;
  // A result whose statements sit where they were (e.g. partial_eval): cursors
  // forward unchanged.
  ScheduledProc derive(const Proc& p) const;

  // `c`, a cursor of `owner`, mapped into this proc. Throws Error(Api) when this
  // proc was not derived from `owner`, Error(InvalidCursor) when a rewrite on
  // the way removed the position.
  Cursor forward(const Cursor& c, const ScheduledProc& owner) const;
  Cursor forward(const OwnedCursor& c) const;
  // Like forward, but a removed position gives Cursor::invalid().
  Cursor forward_or_invalid(const Cursor& c, const ScheduledProc& owner) const;

  // A primitive's reference argument: reference text or a cursor of this proc
  // or of one it was derived from.
  using Reference = std::variant<std::string, OwnedCursor>;
  // The position `ref` denotes in this proc, which must be of `kind`.
  //  - Text is resolved with exo/match.h: Loop by find_loop ("i", "i #2", or a
  //    pattern matching a loop), Alloc by find_alloc ("x", "x #1"), Stmt by
  //    find_stmt, other kinds by find_cursor; a trailing `#N` selects the N-th
  //    match. Nothing found is Error(Scheduling) (match.h's messages).
  //  - A cursor is forwarded into this proc (errors as forward()).
  // A result of another kind is Error(Api) naming `arg`: "argument 1, 'loop' to
  // split: expected a loop, got body[0]".
  Cursor resolve(const Reference& ref, RefKind kind, const RefArg& arg = {}) const;

  // Every match of `pattern` (exo/match.h) inside `scope` (a Stmt, Block or Expr
  // cursor of this proc; the whole proc when Invalid), in program order; a
  // trailing `#N` keeps only the N-th of those. Error(Scheduling) when there is
  // none, or fewer than N + 1.
  std::vector<Cursor> find_all(const std::string& pattern, const Cursor& scope = Cursor::invalid()) const;

 private:
  struct Step;
  explicit ScheduledProc(std::shared_ptr<const Step> s) : step_(std::move(s)) {}
  std::shared_ptr<const Step> step_;
};

// A cursor together with the procedure it points into.
struct OwnedCursor {
  ScheduledProc owner;
  Cursor cursor;
};

// "a statement", "a loop", ... as errors name a kind.
const char* ref_kind_word(RefKind k);
// Whether `c` (a position in `p`) is of kind `k`.
bool cursor_fits(const Proc& p, const Cursor& c, RefKind k);
// True if `inner` lies at or below the code `scope` covers: a Stmt or Block
// (the statements and everything in them), or an Expr (its sub-expressions).
bool cursor_within(const Cursor& scope, const Cursor& inner);

}  // namespace exo
