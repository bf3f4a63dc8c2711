#pragma once
// Cursors: positions in a Proc, as paths of child indices from the proc body.
//
// A cursor is a plain value (it holds no proc); resolve it against the proc it was
// made for. Kinds follow exo-lang's API_cursors:
//  - Stmt:  one statement, e.g. body[2].body[0].orelse[1]
//  - Block: statements [i, i+count) of one block (path points at the first)
//  - Gap:   the position before statement i of a block (i == size: at its end);
//           `after(stmt i)` is the gap at i+1
//  - Expr:  an expression inside a statement: the statement's path plus child
//           indices (see expr_children / stmt_exprs for the numbering)
//  - Invalid: a cursor that did not survive a rewrite, or navigation off the tree
//
// Every rewrite returns the new proc and a Forward function mapping cursors of the
// old proc to cursors of the new one (Invalid when the position was destroyed), so
// cursors taken before a chain of rewrites can be followed through it.

#include <functional>
#include <string>
#include <vector>

#include "exo/loopir.h"
#include "exo/printer.h"  // StmtPathStep

namespace exo {

using PathStep = StmtPathStep;
using StmtPath = std::vector<PathStep>;

enum class CursorKind : uint8_t { Invalid, Stmt, Block, Gap, Expr };

struct Cursor {
  CursorKind kind = CursorKind::Invalid;
  StmtPath path;              // Stmt/Block: first statement; Gap: the statement after the gap
  int count = 1;              // Block only
  std::vector<int> expr_path; // Expr only: child indices from the statement

  static Cursor invalid() { return Cursor{}; }
  static Cursor stmt(StmtPath p) { return Cursor{CursorKind::Stmt, std::move(p), 1, {}}; }
  static Cursor block(StmtPath first, int n) { return Cursor{CursorKind::Block, std::move(first), n, {}}; }
  static Cursor gap(StmtPath at) { return Cursor{CursorKind::Gap, std::move(at), 0, {}}; }
  static Cursor expr(StmtPath s, std::vector<int> e) {
    return Cursor{CursorKind::Expr, std::move(s), 1, std::move(e)};
  }

  bool valid() const { return kind != CursorKind::Invalid; }
  bool is_stmt() const { return kind == CursorKind::Stmt; }
  bool is_block() const { return kind == CursorKind::Block; }
  bool is_gap() const { return kind == CursorKind::Gap; }
  bool is_expr() const { return kind == CursorKind::Expr; }
  int index() const { return path.empty() ? -1 : path.back().index; }
  bool operator==(const Cursor& o) const;
  // "body[2].body[0].orelse[1]", "body[1:3]", "gap body[0].body[2]", "body[0].expr[1, 0]".
  std::string str() const;
};

bool operator==(const PathStep& a, const PathStep& b);

// ---------------------------------------------------------------------------
// Children of expressions and statements, in exo-lang's traversal order
// ---------------------------------------------------------------------------

// Expression children are expr_children (exo/loopir.h): Read idx...; WindowExpr
// per coordinate pt or lo, hi; USub arg; BinOp lhs, rhs; ExternCall args.
// Rebuilds e with new children (same count); returns e itself when all are the same.
Expr with_expr_children(const Expr& e, const std::vector<Expr>& kids);
// Statement expressions (blocks excluded): Assign/Reduce idx..., rhs;
// WriteConfig/WindowStmt rhs; If cond; For lo, hi; Call args; Pass/Alloc none.
std::vector<Expr> stmt_exprs(const Stmt& s);
Stmt with_stmt_exprs(const Stmt& s, const std::vector<Expr>& exprs);
// Rebuilds a For/If with a new body or orelse.
Stmt with_block(const Stmt& s, bool orelse, Block b);

// ---------------------------------------------------------------------------
// Resolution (all return null / nullptr when the cursor does not fit the proc)
// ---------------------------------------------------------------------------

// The block `path` points into (its last step's index is not checked).
const Block* resolve_parent_block(const Proc& p, const StmtPath& path);
Stmt resolve_stmt(const Proc& p, const StmtPath& path);
Stmt resolve_stmt(const Proc& p, const Cursor& c);  // Stmt, or the statement of an Expr
Expr resolve_expr(const Proc& p, const Cursor& c);
// The statements of a Stmt or Block cursor.
std::vector<Stmt> resolve_stmts(const Proc& p, const Cursor& c);
bool is_valid_in(const Proc& p, const Cursor& c);

// ---------------------------------------------------------------------------
// Navigation (Invalid when there is no such position)
// ---------------------------------------------------------------------------

// Stmt/Block/Gap -> enclosing statement; Expr -> enclosing expression, or the
// statement when at the top of its expressions; top-level statements -> Invalid.
Cursor parent(const Cursor& c);
// Sibling statement `dist` away (Stmt; for a Block, from its last / first statement).
Cursor next(const Proc& p, const Cursor& c, int dist = 1);
Cursor prev(const Proc& p, const Cursor& c, int dist = 1);
Cursor before(const Cursor& c);  // gap before a Stmt/Block
Cursor after(const Cursor& c);   // gap after a Stmt/Block
Cursor body(const Proc& p, const Cursor& c);    // Block of a For/If body
Cursor orelse(const Proc& p, const Cursor& c);  // Block of an If's else (Invalid if none)
Cursor as_block(const Cursor& c);               // a Stmt as a one-statement Block
// Grows a Block (or Stmt) by `lo` statements before and `hi` after, clamped to its block.
Cursor expand(const Proc& p, const Cursor& c, int lo = -1, int hi = -1);
// Statement paths of every statement in program (pre-)order.
std::vector<StmtPath> all_stmt_paths(const Proc& p);

// Expression text with holes: `pattern` with each `_` replaced, in order, by
// the expression a hole cursor of p points at (printed, parenthesized), for
// typing at the statement `at`. Every variable a hole reads must be visible at
// `at` as that same variable, so the text means what the cursors point at.
// ParseFragment errors: more holes than cursors (or fewer), a hole variable
// "not found in current environment".
std::string fill_expr_holes(const Proc& p, const std::string& pattern, const std::vector<Cursor>& holes,
                            const StmtPath& at);
// Whether text has a `_` hole (a `_` that is not part of a longer name).
bool has_expr_hole(const std::string& text);

// ---------------------------------------------------------------------------
// Structural edits with forwarding
// ---------------------------------------------------------------------------

// Maps a cursor of the old proc to the new proc; Invalid when destroyed.
using Forward = std::function<Cursor(const Cursor&)>;
Forward identity_forward();
Forward compose(Forward first, Forward second);  // first, then second

struct Rewrite {
  Proc proc;
  Forward forward;
};

// A copy of p with a new body (everything else shared).
Proc with_body(const Proc& p, Block body);

// Replaces statements [first.index, first.index + count) of the block `first`
// points into by `repl`, rebuilding only the spine above it (all other nodes are
// shared). count == 0 inserts at that position.
Proc splice_block(const Proc& p, const StmtPath& first, int count, const Block& repl);
// Replaces one statement.
Proc replace_stmt(const Proc& p, const StmtPath& path, const Stmt& s);
// Replaces the expression an Expr cursor points at.
Proc replace_expr(const Proc& p, const Cursor& c, const Expr& e);

// Forwarding of a splice: positions inside the replaced range become Invalid,
// later siblings shift by repl_count - count; a Block enclosing the whole range
// resizes; gaps at the range ends stay at the ends.
Forward forward_splice(const StmtPath& first, int count, int repl_count);
// Forwarding when statements [first, first+count) are moved, unchanged, to become
// body[0..count) of a new single statement put in their place (e.g. a loop split
// into two nested loops): paths into the range gain one level.
Forward forward_wrap(const StmtPath& first, int count);
// Forwarding when the statement at `path` (a For/If) is replaced by its body block
// (orelse == false) or else block, of `block_size` statements: paths into that
// block lose one level; the statement itself and its other branch become Invalid.
Forward forward_unwrap(const StmtPath& path, bool orelse, int block_size);
// Forwarding when statement `from` (a sibling of `to`'s gap, same block) is moved
// to the gap `to`: cursors inside it follow it, siblings between shift.
Forward forward_move(const StmtPath& from, int to_gap_index);

// Splice and its forwarding together.
Rewrite splice_rewrite(const Proc& p, const StmtPath& first, int count, const Block& repl);

}  // namespace exo
