// Names (exo/names.h): the identifier syntax, Python's keywords, and agreement
// between the names the scheduling API accepts and the names the parser reads.
#include <gtest/gtest.h>

#include <random>

#include "exo/frontend.h"
#include "exo/names.h"
#include "exo/schedule/loops.h"

namespace exo {
namespace {

TEST(Names, IdentifierSyntaxIsAsciiPython) {
  for (const char* ok : {"x", "_", "_x1", "io", "ABC_def_9", "for", "True"}) EXPECT_TRUE(is_identifier(ok)) << ok;
  for (const char* bad : {"", "1x", "a b", "x-y", "x.y", "i #1", " x", "x\n", "\xc3\xa9"})
    EXPECT_FALSE(is_identifier(bad)) << bad;
}

TEST(Names, NewNamesExcludeKeywords) {
  for (const char* kw : {"for", "in", "if", "else", "True", "None", "lambda", "yield"}) {
    EXPECT_TRUE(is_python_keyword(kw)) << kw;
    EXPECT_FALSE(is_valid_new_name(kw)) << kw;
  }
  for (const char* ok : {"fo", "For", "seq", "par", "size", "_"}) EXPECT_TRUE(is_valid_new_name(ok)) << ok;
}

// Every name the API accepts reads back from Exo text as that one name, and
// nothing it refuses does: random strings over letters, digits and separators.
TEST(Names, AcceptedNamesAreWhatTheParserReads) {
  std::mt19937 rng(7);
  const std::string alphabet = "ab_Z09 #.-";
  int accepted = 0;
  for (int n = 0; n < 3000; ++n) {
    std::string s;
    for (int len = 1 + rng() % 4; len > 0; --len) s += alphabet[rng() % alphabet.size()];
    bool parsed_as_name = false;
    try {
      auto e = parse_expr_fragment(s);
      parsed_as_name = e->kind == uast::UExprKind::Name && e->name == s;
    } catch (const Error&) {
    }
    if (s == "_") continue;  // the pattern hole
    EXPECT_EQ(is_valid_new_name(s), parsed_as_name) << "'" << s << "'";
    accepted += is_valid_new_name(s);
  }
  EXPECT_GT(accepted, 100);
}

}  // namespace
}  // namespace exo
