#pragma once
// UAST: the untyped syntax tree produced by the parser.
//
// Names are plain strings; nothing is resolved. The typechecker (with a Scope)
// turns a UProc into a LoopIR Proc. Patterns (used to point at code) are UAST
// fragments that may contain holes `_`.

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "exo/error.h"
#include "exo/loopir.h"  // BinOpKind

namespace exo::uast {

struct UExpr;
struct UStmt;
using UExprPtr = std::shared_ptr<const UExpr>;
using UStmtPtr = std::shared_ptr<const UStmt>;
using UBlock = std::vector<UStmtPtr>;

// One coordinate inside `x[...]`: a point `e` or a slice `lo:hi` (lo/hi null when
// omitted, as in `x[:, i]`).
struct UIndex {
  bool is_slice = false;
  UExprPtr pt;        // point
  UExprPtr lo, hi;    // slice bounds
  SrcInfo srcinfo;
};

enum class UExprKind {
  Name,     // x
  Const,    // 3, 2.5, True
  USub,     // -e
  Not,      // not e
  BinOp,    // a + b, a < b, a and b
  Index,    // x[i, j] / x[i, 0:8]  (name + idx)
  Call,     // f(args)  — externs, stride(A, 0); as a statement, a proc call
  Attr,     // Cfg.field
  Str,      // "..." (only in decorator arguments and docstrings)
  Hole,     // `_` in patterns
};

struct UExpr {
  UExprKind kind;
  SrcInfo srcinfo;
  std::string name;               // Name, Index (buffer), Call (callee), Attr (config)
  std::string field;              // Attr field; Str contents
  enum class ConstKind { Int, Float, Bool } const_kind = ConstKind::Int;
  int64_t ival = 0;               // Const Int (exact) and Bool (0/1)
  double fval = 0;                // Const Float (finite)
  int height = 1;                 // nesting height (a leaf is 1), kept by the parser
  BinOpKind op = BinOpKind::Add;  // BinOp
  std::vector<UExprPtr> args;     // USub/Not: [arg]; BinOp: [lhs, rhs]; Call: arguments
  std::vector<UIndex> idx;        // Index
  // Call keyword arguments (decorators only): name -> value
  std::vector<std::pair<std::string, UExprPtr>> kwargs;
};

// A type annotation: `size`, `f32`, `f32[M, N] @ DRAM`, `[f32][M, N] @ AVX2`.
struct UType {
  std::string base;               // "f32", "size", "R", ...
  bool is_tensor = false;
  bool is_window = false;
  std::vector<UExprPtr> shape;
  std::string mem;                // "" if no `@ MEM`
  SrcInfo srcinfo;
  SrcInfo mem_srcinfo;
};

enum class UStmtKind {
  Assign,       // lhs = rhs   (lhs: Name, Index or Attr; a windowing rhs makes a window stmt)
  Reduce,       // lhs += rhs
  Alloc,        // name : type @ mem
  Pass,
  If,           // if cond: body [elif/else: orelse]
  For,          // for iter in seq(lo, hi) / par(lo, hi): body
  Call,         // f(args) as a statement
  Assert,       // assert e  (only at the start of a proc body)
  Hole,         // `_` standing for any statement(s) in a pattern
};

struct UStmt {
  UStmtKind kind;
  SrcInfo srcinfo;
  UExprPtr lhs;       // Assign/Reduce target
  UExprPtr rhs;       // Assign/Reduce value; If cond; Assert cond; Call expression
  std::string name;   // Alloc name; For iterator
  UType type;         // Alloc
  UExprPtr lo, hi;    // For bounds (Hole exprs allowed in patterns)
  std::string loop_mode;  // "seq" or "par" (or "_" in a pattern `for i in _`)
  UBlock body;
  UBlock orelse;
};

struct UFnArg {
  std::string name;
  UType type;
  SrcInfo srcinfo;
};

enum class ProcDecorator { Proc, Instr };

struct UProc {
  std::string name;
  std::vector<UFnArg> args;
  std::vector<UExprPtr> preds;  // leading `assert` statements
  UBlock body;
  ProcDecorator decorator = ProcDecorator::Proc;
  std::string c_instr, c_global;  // @instr("...", "...") / c_global="..."
  std::string docstring;
  SrcInfo srcinfo;
};

struct UConfigField {
  std::string name;
  std::string type;  // "f32", "index", "size", "bool", ...
  SrcInfo srcinfo;
};

struct UConfig {
  std::string name;
  std::vector<UConfigField> fields;
  bool readwrite = true;
  SrcInfo srcinfo;
};

// `NAME = <int or float literal>` at module level.
struct UConstDef {
  std::string name;
  UExprPtr value;
  SrcInfo srcinfo;
};

using UDecl = std::variant<UProc, UConfig, UConstDef>;

// A whole file of definitions, in source order. Imports are skipped.
struct UModule {
  std::vector<UDecl> decls;
};

// A pattern with holes, as used by scheduling references: a statement block or
// an expression, plus the `#N` occurrence selector (-1 when absent).
struct UPattern {
  std::optional<UBlock> stmts;
  UExprPtr expr;
  int occurrence = -1;
};

}  // namespace exo::uast
