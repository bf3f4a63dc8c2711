#include "frontend/lexer.h"

#include "exo/checked_int.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace exo::parse_detail {

namespace {

// Longest first, so maximal munch is a linear scan.
constexpr std::array<std::string_view, 40> kOps = {
    "//=", "**=", ">>=", "<<=", "->", "//", "**", "<=", ">=", "==", "!=", "+=", "-=", "*=",
    "/=",  "%=",  "@=",  "&=",  "|=", "^=", "<<", ">>", ":=", "+",  "-",  "*",  "/",  "%",
    "<",   ">",   "=",   ":",   ",",  ".",  "@",  ";",  "~",  "&",  "|",  "^"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  Lexer(std::string_view text, const SourceOrigin& origin, const FileName& file)
      : s_(text), origin_(origin), file_(file) {}

  std::vector<Token> run() {
    while (true) {
      if (at_line_start_ && brackets_.empty()) {
        if (!start_line()) break;  // end of input
      }
      if (pos_ >= s_.size()) break;
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (c == '\\') {
        size_t p = pos_ + 1;
        if (p < s_.size() && s_[p] == '\r') ++p;
        if (p < s_.size() && s_[p] == '\n') {
          pos_ = p;
          newline();
        } else if (p >= s_.size()) {
          fail(here(), "unexpected end of input after line continuation '\\'");
        } else {
          fail(here(), "unexpected character after line continuation '\\'");
        }
      } else if (c == '\n') {
        if (brackets_.empty()) emit_newline();
        newline();
        if (brackets_.empty()) at_line_start_ = true;
      } else if (is_digit(c) || (c == '.' && pos_ + 1 < s_.size() && is_digit(s_[pos_ + 1]))) {
        number();
      } else if (is_name_start(c)) {
        name_or_prefixed_string();
      } else if (c == '"' || c == '\'') {
        string(pos_, false);
      } else if (c == '(' || c == '[' || c == '{') {
        brackets_.push_back({c, cur_line(), cur_col()});
        push(TokKind::Op, std::string(1, c), cur_line(), cur_col());
        ++pos_;
      } else if (c == ')' || c == ']' || c == '}') {
        char open = c == ')' ? '(' : c == ']' ? '[' : '{';
        if (brackets_.empty())
          fail(here(), std::string("unmatched '") + c + "'");
        if (brackets_.back().ch != open)
          fail(here(), std::string("closing '") + c + "' does not match opening '" +
                           brackets_.back().ch + "' at line " +
                           std::to_string(brackets_.back().line));
        brackets_.pop_back();
        push(TokKind::Op, std::string(1, c), cur_line(), cur_col());
        ++pos_;
      } else {
        op();
      }
    }
    if (!brackets_.empty()) {
      const Open& b = brackets_.back();
      fail(SrcInfo(file_, b.line, b.col), std::string("'") + b.ch + "' was never closed");
    }
    emit_newline();
    if (!indents_.empty()) {
      for (size_t i = 1; i < indents_.size(); ++i) push(TokKind::Dedent, "", cur_line(), 1 + origin_.col_offset);
    }
    push(TokKind::End, "", cur_line(), cur_col());
    return std::move(toks_);
  }

 private:
  struct Open {
    char ch;
    int line, col;
  };

  int cur_line() const { return origin_.first_line + line_idx_ + line_delta_; }
  int cur_col() const { return col_at(pos_); }
  int col_at(size_t p) const { return static_cast<int>(p - line_start_) + 1 + origin_.col_offset + col_shift_; }
  SrcInfo here() const { return SrcInfo(file_, cur_line(), cur_col()); }

  [[noreturn]] void fail(const SrcInfo& where, const std::string& msg) const {
    EXO_FAIL(ErrorKind::Parse, where, msg);
  }

  // `#@exo-srcline L C` on a line of its own: the next line is line L of the
  // original text (1-based, before origin.first_line is applied) and its columns
  // are shifted by C. Metaprogramming (exo/frontend.py) splices generated code with
  // these so positions still point at the user's source.
  void source_line_directive(std::string_view comment) {
    static constexpr std::string_view kTag = "#@exo-srcline ";
    if (comment.substr(0, kTag.size()) != kTag) return;
    int line = 0, shift = 0;
    if (std::sscanf(std::string(comment.substr(kTag.size())).c_str(), "%d %d", &line, &shift) != 2) return;
    line_delta_ = (line - 1) - (line_idx_ + 1);
    col_shift_ = shift;
  }

  void newline() {
    ++pos_;
    ++line_idx_;
    line_start_ = pos_;
  }

  void push(TokKind k, std::string text, int line, int col, int64_t inum = 0, double fnum = 0) {
    Token t;
    t.kind = k;
    t.text = std::move(text);
    t.line = line;
    t.col = col;
    t.inum = inum;
    t.fnum = fnum;
    toks_.push_back(std::move(t));
  }

  // The exact value of an integer literal's digits, or a parse error at the
  // literal: Exo's integers are exact, so nothing beyond int64 is accepted
  // (2^63 - 1 is the largest; see exo/checked_int.h).
  int64_t integer_value(const std::string& digits, int base, int col, size_t start) {
    unsigned __int128 v = 0;
    for (char ch : digits) {
      int d = std::isdigit(static_cast<unsigned char>(ch))
                  ? ch - '0'
                  : std::tolower(static_cast<unsigned char>(ch)) - 'a' + 10;
      v = v * base + d;
      if (v > static_cast<unsigned __int128>(kIntMax))
        fail(SrcInfo(file_, cur_line(), col),
             "integer literal " + std::string(s_.substr(start, pos_ - start)) +
                 " is out of range (Exo integers must lie within +-(2^63 - 1) = +-" +
                 std::to_string(kIntMax) + ")");
    }
    return static_cast<int64_t>(v);
  }

  void emit_newline() {
    if (toks_.empty()) return;
    TokKind k = toks_.back().kind;
    if (k == TokKind::Newline || k == TokKind::Indent || k == TokKind::Dedent) return;
    push(TokKind::Newline, "", cur_line(), cur_col());
  }

  // Measures a logical line's indentation and emits INDENT/DEDENT. Blank and
  // comment-only lines produce nothing. Returns false at end of input.
  bool start_line() {
    while (true) {
      int width = 0;
      while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\f')) {
        // A tab advances to the next multiple of 8, as in Python 2 / most editors.
        if (s_[pos_] == '\t') width = (width / 8 + 1) * 8;
        else if (s_[pos_] == ' ') ++width;
        ++pos_;
      }
      if (pos_ >= s_.size()) return false;
      char c = s_[pos_];
      if (c == '\r') { ++pos_; continue; }
      if (c == '\n') { newline(); continue; }
      if (c == '#') {
        size_t start = pos_;
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
        source_line_directive(s_.substr(start, pos_ - start));
        continue;
      }
      at_line_start_ = false;
      // The first logical line fixes the base indentation, so indented fragments
      // (e.g. patterns written inside triple-quoted strings) lex as if dedented.
      if (indents_.empty()) {
        indents_.push_back(width);
        return true;
      }
      if (width > indents_.back()) {
        indents_.push_back(width);
        push(TokKind::Indent, "", cur_line(), cur_col());
      } else {
        while (width < indents_.back()) {
          indents_.pop_back();
          if (indents_.empty())
            fail(here(), "unindent goes below the indentation of the first line");
          push(TokKind::Dedent, "", cur_line(), cur_col());
        }
        if (width != indents_.back())
          fail(here(), "unindent does not match any outer indentation level");
      }
      return true;
    }
  }

  void number() {
    size_t start = pos_;
    int col = cur_col();
    bool is_float = false;
    std::string spelling;
    auto digits = [&]() {
      while (pos_ < s_.size() && (is_digit(s_[pos_]) || s_[pos_] == '_')) {
        if (s_[pos_] != '_') spelling += s_[pos_];
        ++pos_;
      }
    };
    if (s_[pos_] == '0' && pos_ + 1 < s_.size() && (s_[pos_ + 1] == 'x' || s_[pos_ + 1] == 'X')) {
      pos_ += 2;
      std::string hex;
      while (pos_ < s_.size() && (std::isxdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) {
        if (s_[pos_] != '_') hex += s_[pos_];
        ++pos_;
      }
      if (hex.empty()) fail(SrcInfo(file_, cur_line(), col), "invalid hexadecimal literal");
      if (pos_ < s_.size() && is_name_char(s_[pos_]))
        fail(SrcInfo(file_, cur_line(), col), "invalid number literal");
      int64_t v = integer_value(hex, 16, col, start);
      push(TokKind::Int, std::string(s_.substr(start, pos_ - start)), cur_line(), col, v);
      return;
    }
    digits();
    if (pos_ < s_.size() && s_[pos_] == '.') {
      is_float = true;
      spelling += '.';
      ++pos_;
      digits();
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      size_t p = pos_ + 1;
      if (p < s_.size() && (s_[p] == '+' || s_[p] == '-')) ++p;
      if (p < s_.size() && is_digit(s_[p])) {
        is_float = true;
        spelling += 'e';
        if (s_[pos_ + 1] == '-') spelling += '-';
        pos_ = p;
        digits();
      } else {
        fail(SrcInfo(file_, cur_line(), col), "invalid number literal: malformed exponent");
      }
    }
    if (pos_ < s_.size() && (is_name_char(s_[pos_]) || s_[pos_] == '.'))
      fail(SrcInfo(file_, cur_line(), col), "invalid number literal");
    std::string text(s_.substr(start, pos_ - start));
    if (!is_float) {
      push(TokKind::Int, text, cur_line(), col, integer_value(spelling, 10, col, start));
      return;
    }
    // strtod rounds correctly; underflow to zero or a subnormal is what Python
    // does too, but overflow to infinity is refused like an out-of-range integer.
    double v = std::strtod(spelling.c_str(), nullptr);
    if (!std::isfinite(v))
      fail(SrcInfo(file_, cur_line(), col),
           "float literal " + text + " is out of range (it overflows to infinity; Exo constants must be finite)");
    push(TokKind::Float, text, cur_line(), col, 0, v);
  }

  void name_or_prefixed_string() {
    size_t start = pos_;
    while (pos_ < s_.size() && is_name_char(s_[pos_])) ++pos_;
    std::string_view word = s_.substr(start, pos_ - start);
    if (pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'') && word.size() <= 2) {
      std::string lower;
      for (char ch : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (lower == "r" || lower == "u") {
        string(start, lower == "r");
        return;
      }
      if (lower.find('b') != std::string::npos || lower.find('f') != std::string::npos ||
          lower == "rb" || lower == "br") {
        fail(SrcInfo(file_, cur_line(), col_at(start)),
             "byte strings and f-strings are not supported");
      }
    }
    push(TokKind::Name, std::string(word), cur_line(),
         col_at(start));
  }

  // `start` is where the token begins (a prefix letter or the quote).
  void string(size_t start, bool raw) {
    int line = cur_line();
    int col = col_at(start);
    SrcInfo where(file_, line, col);
    char q = s_[pos_];
    bool triple = pos_ + 2 < s_.size() && s_[pos_ + 1] == q && s_[pos_ + 2] == q;
    pos_ += triple ? 3 : 1;
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) fail(where, "unterminated string");
      char c = s_[pos_];
      if (c == q) {
        if (!triple) { ++pos_; break; }
        if (pos_ + 2 < s_.size() && s_[pos_ + 1] == q && s_[pos_ + 2] == q) {
          pos_ += 3;
          break;
        }
        out += c;
        ++pos_;
      } else if (c == '\n') {
        if (!triple) fail(where, "unterminated string");
        out += c;
        newline();
      } else if (c == '\\') {
        if (pos_ + 1 >= s_.size()) fail(where, "unterminated string");
        char e = s_[pos_ + 1];
        if (e == '\n') {  // escaped newline: joins the lines
          if (raw) out += "\\\n";
          ++pos_;
          newline();
          continue;
        }
        pos_ += 2;
        if (raw) { out += '\\'; out += e; continue; }
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case '0': out += '\0'; break;
          case '\\': out += '\\'; break;
          case '\'': out += '\''; break;
          case '"': out += '"'; break;
          default: out += '\\'; out += e; break;  // unknown escapes are kept, as in Python
        }
      } else {
        out += c;
        ++pos_;
      }
    }
    push(TokKind::String, std::move(out), line, col);
  }

  void op() {
    std::string_view rest = s_.substr(pos_);
    for (std::string_view o : kOps) {
      if (rest.substr(0, o.size()) == o) {
        push(TokKind::Op, std::string(o), cur_line(), cur_col());
        pos_ += o.size();
        return;
      }
    }
    unsigned char c = static_cast<unsigned char>(s_[pos_]);
    std::string shown;
    if (std::isprint(c)) {
      shown = std::string("'") + static_cast<char>(c) + "'";
    } else {
      static const char* hex = "0123456789abcdef";
      shown = std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
    }
    fail(here(), "unexpected character " + shown);
  }

  std::string_view s_;
  SourceOrigin origin_;
  FileName file_;
  size_t pos_ = 0;
  int line_idx_ = 0;
  int line_delta_ = 0;  // set by a source-line directive
  int col_shift_ = 0;   // likewise
  size_t line_start_ = 0;
  bool at_line_start_ = true;
  std::vector<int> indents_;
  std::vector<Open> brackets_;
  std::vector<Token> toks_;
};

}  // namespace

std::vector<Token> lex(std::string_view text, const SourceOrigin& origin, const FileName& file) {
  return Lexer(text, origin, file).run();
}

std::string describe(const Token& t) {
  switch (t.kind) {
    case TokKind::Name: return "'" + t.text + "'";
    case TokKind::Int:
    case TokKind::Float: return "number " + t.text;
    case TokKind::String: return "string literal";
    case TokKind::Op: return "'" + t.text + "'";
    case TokKind::Newline: return "end of line";
    case TokKind::Indent: return "indent";
    case TokKind::Dedent: return "dedent";
    case TokKind::End: return "end of input";
  }
  return "token";
}

}  // namespace exo::parse_detail
