// Definitions (@proc / @instr / @config / constants), fragments, patterns, and
// the public entry points of exo/frontend.h.
#include <algorithm>
#include <cctype>
#include <functional>
#include <limits>
#include <memory>

#include "exo/frontend.h"
#include "frontend/parser.h"

namespace exo::parse_detail {

namespace {

const char* const kConfigFieldTypes[] = {"bool", "size", "index", "stride", "f16", "f32",
                                         "f64",  "i8",   "ui8",   "ui16",   "i32"};

struct Decorator {
  std::string name;  // last component: "proc", "instr", "config"
  const Token* tok = nullptr;
  bool has_call = false;
  std::vector<UExprPtr> args;
  std::vector<std::pair<std::string, UExprPtr>> kwargs;
};

// Any assert left in a body is misplaced: leading ones were hoisted into preds.
void reject_asserts(const Parser& p, const UBlock& b) {
  for (const UStmtPtr& s : b) {
    if (s->kind == UStmtKind::Assert)
      p.fail(s->srcinfo, "assert is only allowed at the beginning of a procedure body");
    reject_asserts(p, s->body);
    reject_asserts(p, s->orelse);
  }
}

bool only_constant_ops(const UExprPtr& e) {
  switch (e->kind) {
    case UExprKind::Const:
    case UExprKind::Name:
      return true;
    case UExprKind::USub:
    case UExprKind::Not:
    case UExprKind::BinOp:
      for (auto& a : e->args)
        if (!only_constant_ops(a)) return false;
      return true;
    default:
      return false;
  }
}

}  // namespace

UProc Parser::proc_def(const Token& def_tok) {
  UProc p;
  p.srcinfo = src(def_tok);
  p.name = expect_ident("expected a procedure name after 'def'").text;
  expect_op("(", "expected '(' after procedure name");
  while (!at_op(")")) {
    if (at_op("*") || at_op("**") || at_op("/"))
      fail(peek(), "Exo procedures do not support *args, **kwargs or positional-only markers");
    const Token& nm = expect_ident("expected an argument name");
    // Repeated names are left to the typechecker, which reports them as type errors.
    if (!at_op(":")) fail(peek(), "expected argument to be typed, i.e. '" + nm.text + " : T'");
    next();
    UFnArg arg;
    arg.name = nm.text;
    arg.srcinfo = src(nm);
    arg.type = type_annot(TypeCtx::Arg);
    if (at_op("=")) fail(peek(), "default argument values are not supported");
    p.args.push_back(std::move(arg));
    if (accept_op(",")) continue;
    if (!at_op(")")) fail(peek(), "expected ',' or ')' after argument, found " + describe(peek()));
  }
  next();  // ')'
  if (at_op("->")) {
    next();
    if (!at_name("None")) fail(peek(), "Exo does not support function return types");
    next();
  }
  expect_op(":", "expected ':' after procedure signature");

  UBlock body;
  if (at(TokKind::Newline)) {
    next();
    if (!at(TokKind::Indent)) fail(peek(), "expected an indented block after 'def'");
    next();
    if (at(TokKind::String)) {
      // A docstring is a string expression statement standing alone on its line.
      std::string doc;
      while (at(TokKind::String)) doc += next().text;
      p.docstring = doc;
      expect_end_of_line("docstring");
    }
    while (at_name("assert")) {
      next();
      p.preds.push_back(assert_cond());
      expect_end_of_line("assertion");
    }
    stmts_until_dedent(body);
    if (at(TokKind::Dedent)) next();
  } else {
    body = suite("'def'");
    // `def f(n: size): assert n > 0; pass` — hoist leading asserts here too.
    size_t k = 0;
    while (k < body.size() && body[k]->kind == UStmtKind::Assert) p.preds.push_back(body[k++]->rhs);
    body.erase(body.begin(), body.begin() + static_cast<long>(k));
  }
  reject_asserts(*this, body);
  p.body = std::move(body);
  return p;
}

UConfig Parser::config_def(const Token& class_tok) {
  UConfig c;
  c.srcinfo = src(class_tok);
  c.name = expect_ident("expected a config name after 'class'").text;
  if (at_op("(")) {
    next();
    if (!at_op(")")) fail(peek(), "expected no base classes in a config definition");
    next();
  }
  expect_op(":", "expected ':' after config class name");
  if (!at(TokKind::Newline)) fail(peek(), "expected the config fields on their own indented lines");
  next();
  if (!at(TokKind::Indent)) fail(peek(), "expected an indented block after 'class'");
  next();
  bool first = true;
  while (!at(TokKind::Dedent) && !at(TokKind::End)) {
    const Token& t = peek();
    if (t.kind == TokKind::Indent) fail(t, "unexpected indent");
    if (t.kind == TokKind::String && first) {
      while (at(TokKind::String)) next();
      expect_end_of_line("docstring");
    } else if (t.kind == TokKind::Name && t.text == "pass") {
      next();
      expect_end_of_line("'pass'");
    } else {
      const std::string basic = "expected config field definition of the form: name : type, expected one of the following types: bool, size, index, int, stride, R, f16, f32, f64, i8, ui8, ui16, i32";
      if (t.kind != TokKind::Name || is_python_keyword(t.text)) fail(t, basic);
      next();
      if (!at_op(":")) fail(peek(), basic);
      next();
      const Token& ty = peek();
      bool ok = false;
      for (const char* k : kConfigFieldTypes) ok = ok || (ty.kind == TokKind::Name && ty.text == k);
      if (!ok) {
        std::string list;
        for (const char* k : kConfigFieldTypes) list += (list.empty() ? "" : ", ") + std::string(k);
        fail(ty, "expected one of the following types: " + list);
      }
      next();
      if (at_op("=") || at_op("[") || at_op("@")) fail(peek(), basic);
      for (const UConfigField& f : c.fields)
        if (f.name == t.text) fail(t, "repeated config field '" + t.text + "'");
      c.fields.push_back(UConfigField{t.text, ty.text, src(t)});
      expect_end_of_line("config field");
    }
    first = false;
  }
  if (at(TokKind::Dedent)) next();
  return c;
}

UModule Parser::module() {
  UModule m;
  while (!at(TokKind::End)) {
    const Token& t = peek();
    if (t.kind == TokKind::Newline) { next(); continue; }
    if (t.kind == TokKind::Indent) fail(t, "unexpected indent");
    if (t.kind == TokKind::Dedent) { next(); continue; }
    if (t.kind == TokKind::Name && (t.text == "import" || t.text == "from")) {
      // Imports are for the Python front end; the lexer already joined (...) lines.
      while (!at(TokKind::Newline) && !at(TokKind::End)) next();
      continue;
    }
    if (t.kind == TokKind::String) {  // module docstring
      while (at(TokKind::String)) next();
      expect_end_of_line("module docstring");
      continue;
    }
    if (t.kind == TokKind::Name && !is_python_keyword(t.text) && at_op("=", 1)) {
      next();
      next();
      UConstDef c;
      c.name = t.text;
      c.srcinfo = src(t);
      c.value = expr();
      if (!only_constant_ops(c.value))
        fail(c.value->srcinfo,
             "module-level assignments must be constants, as in 'N = 16' or 'N = 4 * 4'");
      if (at_op("=")) fail(peek(), "chained assignment is not supported at module level");
      expect_end_of_line("constant definition");
      m.decls.emplace_back(std::move(c));
      continue;
    }
    if (t.kind == TokKind::Name && t.text == "def") {
      // An undecorated def is a @proc: that is how the printer writes procs, so
      // printed code parses back.
      next();
      m.decls.emplace_back(proc_def(t));
      continue;
    }
    if (t.kind == TokKind::Name && t.text == "class")
      fail(t, "a config class must be decorated with @config");
    if (!(t.kind == TokKind::Op && t.text == "@"))
      fail(t, "expected an import, a constant 'NAME = value', or a decorated @proc, @instr or "
              "@config definition at top level, found " + describe(t));

    next();  // '@'
    Decorator d;
    d.tok = &peek();
    std::string full = dotted_name("a decorator name after '@'", nullptr);
    d.name = full.substr(full.rfind('.') == std::string::npos ? 0 : full.rfind('.') + 1);
    if (at_op("(")) {
      const Token& open = next();
      d.has_call = true;
      call_args(open, d.args, d.kwargs);
    }
    expect_end_of_line("decorator");
    if (at_op("@")) fail(peek(), "multiple decorators on one definition are not supported");

    const Token& kw = peek();
    if (d.name == "proc" || d.name == "instr") {
      if (!at_name("def")) fail(kw, "@" + d.name + " must decorate a function definition ('def')");
      next();
      UProc p = proc_def(kw);
      if (d.name == "proc") {
        if (d.has_call) fail(*d.tok, "@proc takes no arguments");
        p.decorator = ProcDecorator::Proc;
      } else {
        p.decorator = ProcDecorator::Instr;
        auto str_arg = [&](const UExprPtr& e, const char* what) {
          if (e->kind != UExprKind::Str) fail(e->srcinfo, std::string("@instr expects ") + what + " to be a string");
          return e->field;
        };
        if (d.args.size() > 2) fail(d.args[2]->srcinfo, "@instr takes at most two arguments: the C template and the C global");
        if (!d.args.empty()) p.c_instr = str_arg(d.args[0], "the C instruction template");
        if (d.args.size() > 1) p.c_global = str_arg(d.args[1], "the C global code");
        bool have_instr = !d.args.empty();
        for (auto& [key, val] : d.kwargs) {
          if (key == "c_instr" && !have_instr) {
            p.c_instr = str_arg(val, "c_instr");
            have_instr = true;
          } else if (key == "c_global" && d.args.size() < 2) {
            p.c_global = str_arg(val, "c_global");
          } else {
            fail(val->srcinfo, "unexpected keyword argument '" + key + "' to @instr");
          }
        }
        if (!have_instr)
          fail(*d.tok, "@instr expects a C instruction template, e.g. @instr(\"{dst} = {src};\")");
      }
      m.decls.emplace_back(std::move(p));
    } else if (d.name == "config") {
      if (!at_name("class")) fail(kw, "@config must decorate a class definition");
      next();
      UConfig c = config_def(kw);
      if (!d.args.empty()) fail(d.args[0]->srcinfo, "@config takes only the keyword argument readwrite=");
      for (auto& [key, val] : d.kwargs) {
        if (key != "readwrite")
          fail(val->srcinfo, "unexpected keyword argument '" + key + "' to @config");
        if (val->kind != UExprKind::Const || val->const_kind != UExpr::ConstKind::Bool)
          fail(val->srcinfo, "readwrite must be True or False");
        c.readwrite = val->ival != 0;
      }
      m.decls.emplace_back(std::move(c));
    } else {
      fail(*d.tok, "unknown decorator '@" + full + "'; expected @proc, @instr or @config");
    }
  }
  return m;
}

}  // namespace exo::parse_detail

namespace exo {

using namespace exo::parse_detail;

namespace {

FileName file_of(const SourceOrigin& o) { return std::make_shared<const std::string>(o.filename); }

Parser make_parser(std::string_view text, const SourceOrigin& origin, bool pattern) {
  FileName f = file_of(origin);
  return Parser(lex(text, origin, f), f, pattern);
}

void skip_newlines(Parser& p) {
  while (p.at(TokKind::Newline)) p.next();
}

uast::UBlock block_fragment(Parser& p) {
  uast::UBlock out;
  skip_newlines(p);
  if (p.at(TokKind::End)) p.fail(p.peek(), "expected at least one statement");
  while (!p.at(TokKind::End)) {
    if (p.at(TokKind::Dedent)) {  // closing dedents of the fragment's base level
      p.next();
      continue;
    }
    p.stmt_line(out);
  }
  return out;
}

}  // namespace

OccurrenceRef split_occurrence(std::string_view text) {
  auto is_blank = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  auto trim_back = [&](std::string_view v) {
    while (!v.empty() && is_blank(v.back())) v.remove_suffix(1);
    return v;
  };
  OccurrenceRef r{text, -1, {}};
  size_t hash = text.rfind('#');
  if (hash == std::string_view::npos) return r;
  std::string_view rest = text.substr(hash + 1);
  size_t i = 0;
  while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
  size_t d0 = i;
  // Saturates: a selector beyond any possible match count stays a selector
  // (reported as "no such match"), never an ordinary comment.
  long long v = 0;
  const long long cap = std::numeric_limits<int>::max();
  while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) {
    v = std::min(cap, v * 10 + (rest[i] - '0'));
    ++i;
  }
  bool digits = i > d0;
  while (i < rest.size() && is_blank(rest[i])) ++i;
  if (digits && i == rest.size()) {
    r.occurrence = static_cast<int>(v);
    r.selector = trim_back(text.substr(hash));
  } else if (trim_back(rest).find('\n') != std::string_view::npos) {
    return r;  // a comment on an earlier line: lines follow it
  }
  r.body = trim_back(text.substr(0, hash));
  return r;
}

uast::UModule parse_module(std::string_view text, const SourceOrigin& origin) {
  Parser p = make_parser(text, origin, false);
  return p.module();
}

uast::UExprPtr parse_expr_fragment(std::string_view text, const SourceOrigin& origin) {
  Parser p = make_parser(text, origin, false);
  skip_newlines(p);
  uast::UExprPtr e = p.expr();
  skip_newlines(p);
  while (p.at(TokKind::Dedent)) p.next();
  if (!p.at(TokKind::End)) p.fail(p.peek(), "unexpected " + describe(p.peek()) + " after expression");
  return e;
}

uast::UBlock parse_stmt_fragment(std::string_view text, const SourceOrigin& origin) {
  Parser p = make_parser(text, origin, false);
  return block_fragment(p);
}

uast::UPattern parse_pattern(std::string_view text, const SourceOrigin& origin) {
  uast::UPattern pat;
  OccurrenceRef ref = split_occurrence(text);
  pat.occurrence = ref.occurrence;
  Parser p = make_parser(ref.body, origin, true);
  skip_newlines(p);
  if (p.at(TokKind::End)) p.fail(p.peek(), "empty pattern");

  // Like the reference: a lone expression that is not a call is an expression
  // pattern (`a + _`, `_`, `stride(A, 0)`); everything else — including a lone
  // call, which may be a proc call statement — is a statement pattern.
  size_t start = p.save();
  try {
    uast::UExprPtr e = p.expr();
    skip_newlines(p);
    while (p.at(TokKind::Dedent)) p.next();
    if (p.at(TokKind::End) && (e->kind != uast::UExprKind::Call || e->name == "stride")) {
      pat.expr = e;
      return pat;
    }
  } catch (const Error&) {
    // Not an expression: fall through and report errors from the statement parse.
  }
  p.restore(start);
  pat.stmts = block_fragment(p);
  return pat;
}

}  // namespace exo
