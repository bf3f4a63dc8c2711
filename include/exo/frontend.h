#pragma once
// Front end: Exo source text -> UAST -> typechecked LoopIR.

#include <string>
#include <string_view>
#include <vector>

#include "exo/loopir.h"
#include "exo/scope.h"
#include "exo/uast.h"

namespace exo {

// Where a piece of text sits in its file, so positions point into the user's file
// (a Python decorator hands us a function's source starting at some line).
struct SourceOrigin {
  std::string filename = "<string>";
  int first_line = 1;   // line number of the text's first line in the file
  int col_offset = 0;   // added to every column (for dedented source)
};

// Nesting limits of the parser. Deeper input is a parse error at its position
// ("expression nested too deeply ..."), never a stack overflow: every later
// recursive pass (typecheck, analysis, printer, C backend, interpreter,
// rewrites) is safe at these limits with an 8 MB stack and with Python's
// thread stacks (tests/unit/test_deep_input.cpp, tests/python/test_exact_constants.py).
//  - an expression tree's height: a leaf is 1, and a chain of one operator
//    (`1 + 1 + ... + 1`, left-deep) counts one level per operator;
inline constexpr int kMaxExprHeight = 1000;
//  - parser recursion: parentheses, calls, index brackets and unary operators
//    nested in one another (Python's own parser stops at 200 parentheses);
inline constexpr int kMaxParseNesting = 200;
//  - nested statement bodies inside a proc (loop and if bodies, elif chains),
//    about Python's own limit of 100 indentation levels.
inline constexpr int kMaxStmtNesting = 100;

// A file (or string) of `@proc` / `@instr` / `@config` definitions and
// `NAME = constant` lines. Import lines are skipped. Throws Error(Parse).
uast::UModule parse_module(std::string_view text, const SourceOrigin& origin = {});

// Fragments, used by scheduling and the Python API.
uast::UExprPtr parse_expr_fragment(std::string_view text, const SourceOrigin& origin = {});
uast::UBlock parse_stmt_fragment(std::string_view text, const SourceOrigin& origin = {});
// A pattern with holes: `for i in _: _`, `C_reg : _`, `A[_] = _`, `foo(_) #2`.
uast::UPattern parse_pattern(std::string_view text, const SourceOrigin& origin = {});
// A reference (a pattern, a loop or buffer name) split at its last '#', the one
// reading of the `#N` suffix every front end uses. When the text after that '#'
// is digits and blanks, it is the occurrence selector (0-based): "A[_] = _ #2"
// gives body "A[_] = _", occurrence 2, selector "#2". When it is anything else
// on the last line, it is a comment, as in Python: "i # the outer loop" gives
// body "i", occurrence -1, selector "". Otherwise (no '#', or a '#' before the
// last line) body is the whole text. Body loses the blanks before a split-off
// suffix. An N too large for an int saturates at INT_MAX: it still selects, a
// match that cannot exist.
struct OccurrenceRef {
  std::string_view body;
  int occurrence = -1;
  std::string_view selector;  // as written, blanks trimmed; "" without a selector
};
OccurrenceRef split_occurrence(std::string_view text);

// Resolve names through `scope` and typecheck. Throws Error(Type).
Proc typecheck_proc(const uast::UProc& p, const Scope& scope);
ConfigPtr typecheck_config(const uast::UConfig& c);

// Typechecks an expression fragment in the scope of `p`'s arguments (as at the
// start of its body); other names resolve through `scope`. With `as_bool` the
// fragment must be a boolean control expression (an assertion), else an index
// expression. Throws Error(Type).
Expr typecheck_expr_fragment(const uast::UExpr& e, const Proc& p, const Scope& scope, bool as_bool);

// A variable in scope where a fragment is typed, and what it stands for (the
// kind decides where it may appear, e.g. a loop iterator is never assigned).
enum class VarKind { ControlArg, DataArg, LoopIter, Alloc, Window };
struct VisibleVar {
  Sym sym;
  Type type;
  MemoryPtr mem;  // null for control values and loop iterators
  VarKind kind;
};

// What a typed fragment must be: an index expression, a boolean control
// expression, a data value, or any control expression (index, size or stride;
// the caller checks which it accepts).
enum class FragmentType { Index, Bool, Data, Control };

// Typechecks an expression fragment at a position: `vars` are the variables
// visible there, bound in order (a later one shadows an earlier one of the same
// name); other names resolve through `scope`. `what` names the fragment in
// messages. Throws Error(Type).
Expr typecheck_expr_at(const uast::UExpr& e, FragmentType want, const std::vector<VisibleVar>& vars,
                       const Scope& scope, const char* what);
// The same for a call statement (`f(args...)`, the callee resolved through scope).
Stmt typecheck_call_at(const uast::UStmt& s, const std::vector<VisibleVar>& vars, const Scope& scope);

}  // namespace exo
