#pragma once
// Recursive-descent parser over the token list of lexer.h. Split by concern:
// parser_expr.cpp (expressions, types), parser_stmt.cpp (statements, blocks),
// parser_module.cpp (definitions, fragments, patterns, entry points).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exo/frontend.h"
#include "exo/uast.h"
#include "frontend/lexer.h"

namespace exo::parse_detail {

using namespace exo::uast;

// Where a type annotation appears; decides which forms are legal.
enum class TypeCtx { Arg, Alloc };

class Parser {
 public:
  Parser(std::vector<Token> toks, FileName file, bool pattern)
      : toks_(std::move(toks)), file_(std::move(file)), pattern_(pattern) {}

  // ---- token access ----
  const Token& peek(size_t k = 0) const {
    size_t i = pos_ + k;
    return i < toks_.size() ? toks_[i] : toks_.back();
  }
  const Token& next() {
    const Token& t = peek();
    if (pos_ < toks_.size() - 1) ++pos_;
    return t;
  }
  bool at(TokKind k) const { return peek().kind == k; }
  bool at_op(std::string_view op, size_t k = 0) const {
    return peek(k).kind == TokKind::Op && peek(k).text == op;
  }
  bool at_name(std::string_view n, size_t k = 0) const {
    return peek(k).kind == TokKind::Name && peek(k).text == n;
  }
  bool accept_op(std::string_view op) {
    if (!at_op(op)) return false;
    next();
    return true;
  }
  // Consumes `op` or fails with `msg` (which should say what was being parsed).
  const Token& expect_op(std::string_view op, const std::string& msg);
  // Consumes an identifier (not a keyword) or fails with `msg`.
  const Token& expect_ident(const std::string& msg);
  void expect_end_of_line(const std::string& what);

  SrcInfo src(const Token& t) const { return SrcInfo(file_, t.line, t.col); }
  [[noreturn]] void fail(const Token& t, const std::string& msg) const;
  [[noreturn]] void fail(const SrcInfo& s, const std::string& msg) const;
  size_t save() const { return pos_; }
  void restore(size_t p) { pos_ = p; }
  bool pattern() const { return pattern_; }

  // ---- expressions (parser_expr.cpp) ----
  UExprPtr expr();
  // Positional and keyword arguments after a consumed '('; consumes ')'.
  void call_args(const Token& open, std::vector<UExprPtr>& args,
                 std::vector<std::pair<std::string, UExprPtr>>& kwargs);
  UType type_annot(TypeCtx ctx);
  // Memory after '@': a dotted name such as `DRAM` or `lib.scratch`.
  std::string dotted_name(const std::string& what, SrcInfo* where);

  // ---- statements (parser_stmt.cpp) ----
  // An indented block or same-line simple statements after a header's ':'.
  UBlock suite(const std::string& header);
  // Statements until a DEDENT or end of input (the DEDENT is not consumed).
  void stmts_until_dedent(UBlock& out);
  // One logical line: a compound statement or `;`-separated simple statements.
  void stmt_line(UBlock& out);
  // `assert e` after the keyword has been seen; returns the condition.
  UExprPtr assert_cond();

  // ---- definitions (parser_module.cpp) ----
  UModule module();
  UProc proc_def(const Token& def_tok);
  UConfig config_def(const Token& class_tok);

  // Nesting guards (limits in exo/frontend.h): deep input must fail cleanly
  // instead of overflowing the stack, here or in a later pass.
  struct Depth {
    Parser& p;
    Depth(Parser& parser, const Token& t) : p(parser) {
      if (++p.depth_ > kMaxParseNesting)
        p.fail(t, "expression nested too deeply (more than " + std::to_string(kMaxParseNesting) +
                      " levels of parentheses, brackets, calls or unary operators)");
    }
    ~Depth() { --p.depth_; }
  };
  struct BlockDepth {
    Parser& p;
    BlockDepth(Parser& parser, const Token& t) : p(parser) {
      if (++p.block_depth_ > kMaxStmtNesting)
        p.fail(t, "statements nested too deeply (more than " + std::to_string(kMaxStmtNesting) +
                      " levels of loop, if and elif bodies)");
    }
    ~BlockDepth() { --p.block_depth_; }
  };

 private:

  UExprPtr or_expr();
  UExprPtr and_expr();
  UExprPtr not_expr();
  UExprPtr comparison();
  UExprPtr arith();
  UExprPtr term();
  UExprPtr factor();
  UExprPtr postfix();
  UExprPtr atom();
  UIndex index_entry();

  void simple_stmt(UBlock& out);

  void simple_stmts_to_end_of_line(UBlock& out);
  UStmtPtr if_stmt(const Token& kw);
  UStmtPtr for_stmt(const Token& kw);

  std::vector<Token> toks_;
  size_t pos_ = 0;
  FileName file_;
  bool pattern_;
  int depth_ = 0;
  int block_depth_ = 0;
};

UExprPtr make_hole(const SrcInfo& s);

}  // namespace exo::parse_detail
