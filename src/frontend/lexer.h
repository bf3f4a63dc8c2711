#pragma once
// Lexer for the Python subset Exo is written in.
//
// Produces a flat token list with Python's layout tokens (NEWLINE, INDENT,
// DEDENT) so the parser never looks at raw whitespace. Newlines inside (), []
// and {} and after a backslash are joined, like Python's implicit line joining.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exo/names.h"  // the name syntax the lexer scans (is_name_start, is_python_keyword)

#include "exo/error.h"
#include "exo/frontend.h"

namespace exo::parse_detail {

enum class TokKind { Name, Int, Float, String, Op, Newline, Indent, Dedent, End };

struct Token {
  TokKind kind = TokKind::End;
  std::string text;  // Name / Op spelling; decoded String contents; number spelling
  int64_t inum = 0;  // Int value, exact (literals beyond 2^63 - 1 are refused)
  double fnum = 0;   // Float value, finite (literals that overflow are refused)
  int line = 0;      // file line (origin applied)
  int col = 0;       // 1-based column (origin applied)
};

// The file name shared by every SrcInfo of one parse.
using FileName = std::shared_ptr<const std::string>;

// Throws Error(Parse) on malformed layout, strings or characters.
std::vector<Token> lex(std::string_view text, const SourceOrigin& origin, const FileName& file);

// Human-readable description of a token for error messages ("'('", "end of line").
std::string describe(const Token& t);

}  // namespace exo::parse_detail
