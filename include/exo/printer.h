#pragma once
// LoopIR -> Exo source. The text parses back to the same IR.
// Layout matches exo-lang's str(proc): 4-space indents, minimal parentheses,
// name clashes disambiguated as `i`, `i_1`, ... `indent` counts levels (4 spaces).

#include <string>
#include <vector>

#include "exo/loopir.h"

namespace exo {

std::string print_proc(const Proc& p);
std::string print_stmt(const Stmt& s, int indent = 0);
std::string print_block(const Block& b, int indent = 0);
std::string print_expr(const Expr& e);
std::string print_type(const Type& t);

// Python's repr() of a finite float: the shortest digits that read back as
// exactly v (so parse(print(x)) == x), fixed notation for decimal exponents in
// [-4, 16), scientific otherwise; always has a '.' or an exponent.
std::string python_float_repr(double v);

}  // namespace exo

namespace exo {

// One step down the statement tree: the `index`-th statement of the body (or, with
// `orelse`, the else branch) of the current statement; the first step indexes the
// proc body. Cursors (exo/schedule/cursor.h) are built from these steps.
struct StmtPathStep {
  bool orelse = false;
  int index = 0;
};

// print_proc(p) with a position marked, for error messages. The statements
// path.back().index .. +count-1 of the block `path` points into get a '>' in the
// left margin on their first line; count == 0 marks the gap before that statement
// with a `# <-- here` line. `note` (if any) is appended to the first marked line.
// An invalid path prints the proc unmarked.
std::string print_proc_marked(const Proc& p, const std::vector<StmtPathStep>& path, int count,
                              const std::string& note = "");

// print_proc(p) (without its final newline) showing a position as exo-lang's
// str(cursor) does: an empty path is the proc (its `def` line marked); count == 1
// a statement whose first line ends with `  # <-- NODE`; count > 1 the statements
// path.back().index .. +count-1 between `# BLOCK START` and `# BLOCK END` lines;
// count == 0 the gap before that statement, a `[GAP - Before]` line (at the
// block's end, `[GAP - After]`). An invalid path prints the proc unmarked.
std::string print_proc_showing(const Proc& p, const std::vector<StmtPathStep>& path, int count);

}  // namespace exo
