#pragma once
// LoopIR -> Exo source. The text parses back to the same IR.
// Layout matches exo-lang's str(proc): 4-space indents, minimal parentheses,
// name clashes disambiguated as `i`, `i_1`, ... `indent` counts levels (4 spaces).

#include <string>

#include "exo/loopir.h"

namespace exo {

std::string print_proc(const Proc& p);
std::string print_stmt(const Stmt& s, int indent = 0);
std::string print_block(const Block& b, int indent = 0);
std::string print_expr(const Expr& e);
std::string print_type(const Type& t);

}  // namespace exo
