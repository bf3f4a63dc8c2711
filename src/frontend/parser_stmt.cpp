// Statements and blocks.
#include <memory>

#include "frontend/parser.h"

namespace exo::parse_detail {

namespace {

std::shared_ptr<UStmt> new_stmt(UStmtKind k, SrcInfo s) {
  auto st = std::make_shared<UStmt>();
  st->kind = k;
  st->srcinfo = std::move(s);
  return st;
}

bool is_unsupported_stmt_keyword(const std::string& w) {
  for (const char* k : {"while", "with", "return", "break", "continue", "try", "except",
                        "finally", "del", "global", "nonlocal", "raise", "import", "from",
                        "lambda", "yield", "async", "await"})
    if (w == k) return true;
  return false;
}

}  // namespace

UBlock Parser::suite(const std::string& header) {
  UBlock out;
  if (at(TokKind::Newline)) {
    next();
    if (!at(TokKind::Indent)) fail(peek(), "expected an indented block after " + header);
    const Token& ind = next();
    BlockDepth guard(*this, ind);
    stmts_until_dedent(out);
    if (at(TokKind::Dedent)) next();
    return out;
  }
  if (at(TokKind::End)) fail(peek(), "expected a statement after " + header);
  // Same-line body, e.g. `for i in _: _` — only simple statements, as in Python.
  const Token& t = peek();
  if (t.kind == TokKind::Name && (t.text == "for" || t.text == "if" || t.text == "def" ||
                                  t.text == "class"))
    fail(t, "a compound statement cannot follow ':' on the same line; start a new indented line");
  simple_stmts_to_end_of_line(out);
  return out;
}

// `a; b; c` up to the end of the line (a trailing ';' is allowed, as in Python).
void Parser::simple_stmts_to_end_of_line(UBlock& out) {
  while (true) {
    simple_stmt(out);
    if (accept_op(";")) {
      if (at(TokKind::Newline) || at(TokKind::End)) break;
      continue;
    }
    break;
  }
  expect_end_of_line("statement");
}

void Parser::stmts_until_dedent(UBlock& out) {
  while (!at(TokKind::Dedent) && !at(TokKind::End)) stmt_line(out);
}

void Parser::stmt_line(UBlock& out) {
  const Token& t = peek();
  if (t.kind == TokKind::Indent) fail(t, "unexpected indent");
  if (t.kind == TokKind::Newline) {  // stray separator, e.g. after a lone ';'
    next();
    return;
  }
  if (t.kind == TokKind::Name) {
    if (t.text == "if") {
      next();
      out.push_back(if_stmt(t));
      return;
    }
    if (t.text == "for") {
      next();
      out.push_back(for_stmt(t));
      return;
    }
    if (t.text == "elif" || t.text == "else")
      fail(t, "'" + t.text + "' without a matching 'if'");
    if (t.text == "def" || t.text == "class")
      fail(t, "nested definitions are not supported in Exo procedures");
  }
  simple_stmts_to_end_of_line(out);
}

UExprPtr Parser::assert_cond() {
  UExprPtr cond = expr();
  if (at_op(",")) fail(peek(), "Exo procedure assertions should not have messages");
  return cond;
}

void Parser::simple_stmt(UBlock& out) {
  const Token& t = peek();
  if (t.kind == TokKind::Name) {
    if (t.text == "pass") {
      next();
      out.push_back(new_stmt(UStmtKind::Pass, src(t)));
      return;
    }
    if (t.text == "assert") {
      next();
      auto st = new_stmt(UStmtKind::Assert, src(t));
      st->rhs = assert_cond();
      out.push_back(st);
      return;
    }
    if (is_unsupported_stmt_keyword(t.text))
      fail(t, "unsupported statement '" + t.text + "' in Exo code" +
                  std::string(t.text == "with" ? " (Expected unquote: only `with python:` and `with exo:` blocks)" : ""));
    if (t.text == "for" || t.text == "if" || t.text == "def" || t.text == "class")
      fail(t, "'" + t.text + "' must start its own line");
  }
  if (t.kind == TokKind::String)
    fail(t, "unexpected string literal; a docstring is only allowed as the first line of a procedure");

  UExprPtr lhs = expr();
  const Token& op = peek();
  auto check_lhs = [&](bool reduce) {
    switch (lhs->kind) {
      case UExprKind::Name:
      case UExprKind::Hole:
        return;
      case UExprKind::Index:
        for (const UIndex& ix : lhs->idx)
          if (ix.is_slice)
            fail(ix.srcinfo, "cannot perform windowing on left-hand-side of an assignment");
        return;
      case UExprKind::Attr:
        if (!reduce) return;
        fail(lhs->srcinfo, "a configuration field cannot be reduced into; use 'Cfg.field = ...'");
      default:
        fail(lhs->srcinfo, "expected left-hand side of the form 'x', 'x[...]' or 'config.field'");
    }
  };

  if (op.kind == TokKind::Op && op.text == ":") {
    next();
    if (lhs->kind != UExprKind::Name && lhs->kind != UExprKind::Hole)
      fail(lhs->srcinfo, "expected a simple name in a declaration, as in 'x : f32[n] @ DRAM'");
    auto st = new_stmt(UStmtKind::Alloc, lhs->srcinfo);
    st->name = lhs->kind == UExprKind::Hole ? "_" : lhs->name;
    st->type = type_annot(TypeCtx::Alloc);
    if (at_op("=")) fail(peek(), "variable declaration should not have a value assigned");
    out.push_back(st);
    return;
  }
  if (op.kind == TokKind::Op && op.text == "=") {
    next();
    check_lhs(false);
    auto st = new_stmt(UStmtKind::Assign, lhs->srcinfo);
    st->lhs = lhs;
    st->rhs = expr();
    if (at_op("=")) fail(peek(), "expected only one expression on the left of an assignment");
    out.push_back(st);
    return;
  }
  if (op.kind == TokKind::Op && op.text == "+=") {
    next();
    check_lhs(true);
    auto st = new_stmt(UStmtKind::Reduce, lhs->srcinfo);
    st->lhs = lhs;
    st->rhs = expr();
    out.push_back(st);
    return;
  }
  if (op.kind == TokKind::Op && op.text.size() >= 2 && op.text.back() == '=' &&
      op.text != "==" && op.text != "<=" && op.text != ">=" && op.text != "!=")
    fail(op, "only += reductions are supported, not '" + op.text + "'");
  if (!(op.kind == TokKind::Newline || op.kind == TokKind::End || op.kind == TokKind::Dedent ||
        (op.kind == TokKind::Op && op.text == ";")))
    fail(op, "unexpected " + describe(op) + " after expression");

  if (lhs->kind == UExprKind::Call) {
    for (auto& kw : lhs->kwargs)
      fail(kw.second->srcinfo, "cannot call procedure() with keyword arguments");
    auto st = new_stmt(UStmtKind::Call, lhs->srcinfo);
    st->rhs = lhs;
    out.push_back(st);
    return;
  }
  if (lhs->kind == UExprKind::Hole) {
    out.push_back(new_stmt(UStmtKind::Hole, lhs->srcinfo));
    return;
  }
  fail(lhs->srcinfo,
       "expected a statement, found an expression (a Statement-level unquote expression must return Exo statements)");
}

UStmtPtr Parser::if_stmt(const Token& kw) {
  auto st = new_stmt(UStmtKind::If, src(kw));
  st->rhs = expr();
  expect_op(":", "expected ':' after if condition");
  st->body = suite("'" + kw.text + "'");
  if (at_name("elif")) {
    const Token& e = next();
    BlockDepth guard(*this, e);
    st->orelse.push_back(if_stmt(e));
  } else if (at_name("else")) {
    next();
    expect_op(":", "expected ':' after 'else'");
    st->orelse = suite("'else'");
  }
  return st;
}

UStmtPtr Parser::for_stmt(const Token& kw) {
  auto st = new_stmt(UStmtKind::For, src(kw));
  const Token& it = peek();
  if (it.kind != TokKind::Name || is_python_keyword(it.text))
    fail(it, "expected a loop variable name after 'for', found " + describe(it));
  next();
  st->name = it.text;
  if (!at_name("in")) fail(peek(), "expected 'in' after the loop variable, found " + describe(peek()));
  next();

  const Token& mode = peek();
  if (mode.kind == TokKind::Name && (mode.text == "seq" || mode.text == "par") && at_op("(", 1)) {
    next();
    next();
    st->loop_mode = mode.text;
    std::string form = mode.text + "(lo, hi)";
    if (at_op(")") || at_op(",")) fail(peek(), "expected an index expression in " + form);
    st->lo = expr();
    if (!at_op(",")) {
      if (at_op(")")) fail(peek(), form + " expects exactly 2 arguments: lo, hi");
      fail(peek(), "expected ',' in " + form + ", found " + describe(peek()));
    }
    next();
    if (at_op(")")) fail(peek(), "expected an index expression in " + form);
    st->hi = expr();
    accept_op(",");
    if (!at_op(")")) {
      if (peek().kind == TokKind::Name && at_op("=", 1))
        fail(peek(), mode.text + "() takes no keyword arguments");
      fail(peek(), form + " expects exactly 2 arguments: lo, hi");
    }
    next();
  } else if (pattern_ && mode.kind == TokKind::Name && mode.text == "_") {
    next();
    st->loop_mode = "_";
    st->lo = make_hole(src(mode));
    st->hi = make_hole(src(mode));
  } else {
    fail(mode, "expected for loop condition to be in the form 'seq(lo, hi)' or 'par(lo, hi)'");
  }
  expect_op(":", "expected ':' after for header");
  st->body = suite("'for'");
  return st;
}

}  // namespace exo::parse_detail
