#pragma once
// The matcher shared by all scheduling primitives: find statements or
// expressions of a proc from a reference string, as exo-lang does.
//
// References:
//  - a loop name `"i"` (optionally `"i #1"`): the loop whose iterator is named i;
//  - a statement pattern with holes: `for i in _: _`, `for i in seq(0, n): _`,
//    `C[_] += _`, `x = _`, `C_reg : _` (allocation), `foo(_)` (call), several
//    statements `x = _\ny = _` (a block), with `_` as a statement hole that
//    matches statements up to the next pattern statement (or all the rest);
//  - an expression pattern: `a + _`, `A[_]`, `select(_, _, _, _)`.
// Names match by display name; `_` matches any name or expression; index lists
// are compared position by position over the shorter list (as the reference).
// A trailing `#N` selects the N-th match (0-based).
//
// Results are cursors in program order: a Stmt cursor for a one-statement match,
// a Block cursor for a longer one, an Expr cursor for expression patterns.

#include <optional>
#include <string>
#include <vector>

#include "exo/schedule/cursor.h"
#include "exo/loopir.h"

namespace exo {

// All matches of `pattern` (its `#N`, if any, keeps only that match).
// Throws Error(Scheduling) if the pattern does not parse or is only holes.
std::vector<Cursor> match_pattern(const Proc& p, const std::string& pattern);

// The match a primitive acts on: the `#N`-th (default: the first). Throws
// Error(Scheduling) naming the pattern and the proc when there is none.
Cursor find_cursor(const Proc& p, const std::string& pattern);
// Like find_cursor, but the result must be a statement (Stmt cursor).
Cursor find_stmt(const Proc& p, const std::string& pattern);
// A loop: `"i"` or `"i #N"` means `for i in _: _`; any other text is a pattern
// that must match a loop.
Cursor find_loop(const Proc& p, const std::string& ref);
// An allocation: `"x"` means `x : _`.
Cursor find_alloc(const Proc& p, const std::string& ref);

// A name reference, "i", "i #N" or "i # comment" (exo/frontend.h's
// split_occurrence): the name, and " #N" as written ("" without a selector) to
// append to a pattern built from it. nullopt when the text is a pattern.
struct NameRef {
  std::string name;
  std::string selector;
};
std::optional<NameRef> parse_name_ref(const std::string& ref);
// True if the text is a plain name (optionally with `#N`), not a pattern.
bool is_plain_name(const std::string& ref);
// The pattern a loop reference stands for: "i #1" -> "for i in _: _ #1"; a
// pattern is returned unchanged.
std::string loop_pattern(const std::string& ref);

// The "outer inner" shorthand for a loop nest (`"i j"`, `"i j #1"`): two names
// separated by spaces and an optional selector; nullopt for any other text.
struct LoopNestRef {
  std::string text;  // as written, for messages
  std::string outer, inner;
  int occurrence = -1;
};
std::optional<LoopNestRef> parse_loop_nest_ref(const std::string& ref);
// Every loop `nest.outer` whose body starts with a loop `nest.inner`, in program
// order (the selector is not applied).
std::vector<Cursor> loop_nests(const Proc& p, const LoopNestRef& nest);
// As exo-lang's shorthand: the `#N`-th (default: first) of loop_nests. Throws
// Error(Scheduling) when there is none.
Cursor find_loop_nest(const Proc& p, const LoopNestRef& nest);

}  // namespace exo
