#pragma once
// Names as Exo source and the scheduling API accept them: Python's identifier
// syntax restricted to ASCII, [A-Za-z_][A-Za-z0-9_]*. The lexer scans names with
// these predicates and every check of a user-given name uses them, so a name the
// API accepts is one the parser reads back.

#include <string_view>

namespace exo {

constexpr bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
constexpr bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// Identifier syntax only: Python keywords ("for", "True") and the pattern hole
// "_" are identifiers here.
bool is_identifier(std::string_view s);

// A reserved word of Python 3 (the hard keywords; never a name in Exo code).
bool is_python_keyword(std::string_view s);

// A name a user may give to something new (an iteration variable, a buffer, a
// procedure): an identifier that is not a Python keyword.
inline bool is_valid_new_name(std::string_view s) {
  return is_identifier(s) && !is_python_keyword(s);
}

}  // namespace exo
