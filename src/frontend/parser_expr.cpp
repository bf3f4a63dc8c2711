// Expressions and type annotations.
#include <algorithm>
#include <memory>

#include "exo/types.h"
#include "frontend/parser.h"

namespace exo::parse_detail {

namespace {

std::shared_ptr<UExpr> new_expr(UExprKind k, SrcInfo s) {
  auto e = std::make_shared<UExpr>();
  e->kind = k;
  e->srcinfo = std::move(s);
  return e;
}

// Sets e's height from its operands and refuses one beyond kMaxExprHeight at
// `where` (the operand that made it too deep). Chains of one operator are
// parsed by loops, so this, not the parser's recursion guard, bounds them.
void seal(UExpr& e, const SrcInfo& where) {
  int h = 0;
  for (auto& a : e.args)
    if (a) h = std::max(h, a->height);
  for (auto& [k, v] : e.kwargs)
    if (v) h = std::max(h, v->height);
  for (auto& ix : e.idx)
    for (auto* part : {&ix.pt, &ix.lo, &ix.hi})
      if (*part) h = std::max(h, (*part)->height);
  e.height = h + 1;
  if (e.height > kMaxExprHeight)
    EXO_FAIL(ErrorKind::Parse, where,
             "expression nested too deeply (more than " << kMaxExprHeight
                                                        << " levels; a chain like a + b + ... counts one level per operator)");
}

UExprPtr binop(BinOpKind op, UExprPtr l, UExprPtr r) {
  // Like Python's AST, a binary expression is positioned at its left operand.
  auto e = new_expr(UExprKind::BinOp, l->srcinfo);
  SrcInfo where = r->srcinfo;
  e->op = op;
  e->args = {std::move(l), std::move(r)};
  seal(*e, where);
  return e;
}

bool is_hole(const UExprPtr& e) { return e && e->kind == UExprKind::Hole; }

}  // namespace

UExprPtr make_hole(const SrcInfo& s) { return new_expr(UExprKind::Hole, s); }

// ---------------------------------------------------------------------------
// Token helpers (shared by all parser files).

const Token& Parser::expect_op(std::string_view op, const std::string& msg) {
  if (!at_op(op)) fail(peek(), msg + ", found " + describe(peek()));
  return next();
}

const Token& Parser::expect_ident(const std::string& msg) {
  const Token& t = peek();
  if (t.kind != TokKind::Name || is_python_keyword(t.text))
    fail(t, msg + ", found " + describe(t));
  return next();
}

void Parser::expect_end_of_line(const std::string& what) {
  if (at(TokKind::Newline)) {
    next();
    return;
  }
  if (at(TokKind::End) || at(TokKind::Dedent)) return;
  fail(peek(), "unexpected " + describe(peek()) + " after " + what);
}

void Parser::fail(const Token& t, const std::string& msg) const { fail(src(t), msg); }
void Parser::fail(const SrcInfo& s, const std::string& msg) const {
  EXO_FAIL(ErrorKind::Parse, s, msg);
}

// ---------------------------------------------------------------------------
// Precedence climbing, Python's table restricted to Exo's operators.

UExprPtr Parser::expr() {
  Depth guard(*this, peek());
  return or_expr();
}

UExprPtr Parser::or_expr() {
  UExprPtr l = and_expr();
  while (at_name("or")) {
    next();
    l = binop(BinOpKind::Or, l, and_expr());
  }
  return l;
}

UExprPtr Parser::and_expr() {
  UExprPtr l = not_expr();
  while (at_name("and")) {
    next();
    l = binop(BinOpKind::And, l, not_expr());
  }
  return l;
}

UExprPtr Parser::not_expr() {
  if (at_name("not")) {
    const Token& t = next();
    Depth guard(*this, t);
    auto e = new_expr(UExprKind::Not, src(t));
    e->args = {not_expr()};
    seal(*e, e->srcinfo);
    return e;
  }
  return comparison();
}

UExprPtr Parser::comparison() {
  UExprPtr l = arith();
  UExprPtr chain;  // the conjunction built so far for `a < b < c`
  while (true) {
    const Token& t = peek();
    BinOpKind op;
    if (t.kind == TokKind::Op && t.text == "<") op = BinOpKind::Lt;
    else if (t.kind == TokKind::Op && t.text == ">") op = BinOpKind::Gt;
    else if (t.kind == TokKind::Op && t.text == "<=") op = BinOpKind::Le;
    else if (t.kind == TokKind::Op && t.text == ">=") op = BinOpKind::Ge;
    else if (t.kind == TokKind::Op && t.text == "==") op = BinOpKind::Eq;
    else if (t.kind == TokKind::Op && t.text == "!=")
      fail(t, "unsupported binary operator: '!=' (Exo has no inequality; write 'not (a == b)')");
    else if (t.kind == TokKind::Name && (t.text == "is" || t.text == "in"))
      fail(t, "unsupported binary operator: '" + t.text + "'");
    else if (t.kind == TokKind::Name && t.text == "not" && at_name("in", 1))
      fail(t, "unsupported binary operator: 'not in'");
    else break;
    next();
    // Python reads `a < b < c` as `a < b and b < c` (b evaluated once; index
    // expressions have no side effects, so sharing the operand is exact).
    UExprPtr r = arith();
    UExprPtr cmp = binop(op, l, r);
    chain = chain ? binop(BinOpKind::And, chain, cmp) : cmp;
    l = r;
  }
  return chain ? chain : l;
}

UExprPtr Parser::arith() {
  UExprPtr l = term();
  while (at_op("+") || at_op("-")) {
    BinOpKind op = next().text == "+" ? BinOpKind::Add : BinOpKind::Sub;
    l = binop(op, l, term());
  }
  return l;
}

UExprPtr Parser::term() {
  UExprPtr l = factor();
  while (true) {
    BinOpKind op;
    if (at_op("*")) op = BinOpKind::Mul;
    else if (at_op("/") || at_op("//")) op = BinOpKind::Div;
    else if (at_op("%")) op = BinOpKind::Mod;
    else if (at_op("@")) fail(peek(), "unsupported binary operator: '@' (memory annotations belong in types)");
    else break;
    next();
    l = binop(op, l, factor());
  }
  return l;
}

UExprPtr Parser::factor() {
  const Token& t = peek();
  if (at_op("-")) {
    next();
    Depth guard(*this, t);
    auto e = new_expr(UExprKind::USub, src(t));
    e->args = {factor()};
    seal(*e, e->srcinfo);
    return e;
  }
  if (at_op("+") || at_op("~"))
    fail(t, "unsupported unary operator: '" + t.text + "'");
  UExprPtr e = postfix();
  if (at_op("**")) fail(peek(), "unsupported binary operator: '**'");
  for (const char* op : {"<<", ">>", "&", "|", "^"})
    if (at_op(op)) fail(peek(), std::string("unsupported binary operator: '") + op + "'");
  return e;
}

UIndex Parser::index_entry() {
  UIndex ix;
  ix.srcinfo = src(peek());
  if (!at_op(":")) {
    ix.pt = expr();
    if (!at_op(":")) return ix;
  }
  next();  // ':'
  ix.is_slice = true;
  ix.lo = ix.pt;
  ix.pt = nullptr;
  if (!at_op(",") && !at_op("]") && !at_op(":")) ix.hi = expr();
  if (at_op(":"))
    fail(peek(), "expected windowing to have the form x[:], x[i:], x[:j], or x[i:j], but not x[i:j:k]");
  return ix;
}

UExprPtr Parser::postfix() {
  UExprPtr base = atom();
  while (true) {
    const Token& t = peek();
    if (at_op("[")) {
      if (base->kind != UExprKind::Name && !(is_hole(base)))
        fail(t, "only a buffer name can be indexed, e.g. 'x[i, j]'");
      next();
      auto e = new_expr(UExprKind::Index, base->srcinfo);
      e->name = is_hole(base) ? "_" : base->name;
      if (at_op("]")) fail(peek(), "expected an index expression inside '[]'");
      while (true) {
        e->idx.push_back(index_entry());
        if (accept_op(",")) {
          if (at_op("]")) break;
          continue;
        }
        if (at_op("]")) break;
        fail(peek(), "expected ',' or ']' in index, found " + describe(peek()));
      }
      next();  // ']'
      seal(*e, src(t));
      base = e;
    } else if (at_op("(")) {
      if (base->kind != UExprKind::Name && !is_hole(base))
        fail(t, "only a named function or procedure can be called");
      const Token& open = next();
      auto e = new_expr(UExprKind::Call, base->srcinfo);
      e->name = is_hole(base) ? "_" : base->name;
      call_args(open, e->args, e->kwargs);
      seal(*e, src(open));
      base = e;
    } else if (at_op(".")) {
      if (base->kind != UExprKind::Name)
        fail(t, "expected configuration access of the form 'config.field'");
      next();
      const Token& f = expect_ident("expected a field name after '.'");
      auto e = new_expr(UExprKind::Attr, base->srcinfo);
      e->name = base->name;
      e->field = f.text;
      base = e;
    } else {
      return base;
    }
  }
}

void Parser::call_args(const Token& open, std::vector<UExprPtr>& args,
                       std::vector<std::pair<std::string, UExprPtr>>& kwargs) {
  Depth guard(*this, open);
  while (!at_op(")")) {
    if (at_op("*") || at_op("**")) fail(peek(), "argument unpacking is not supported");
    if (peek().kind == TokKind::Name && at_op("=", 1)) {
      std::string key = next().text;
      next();  // '='
      for (auto& kw : kwargs)
        if (kw.first == key) fail(peek(), "keyword argument '" + key + "' repeated");
      kwargs.emplace_back(key, expr());
    } else {
      if (!kwargs.empty()) fail(peek(), "positional argument follows keyword argument");
      args.push_back(expr());
    }
    if (accept_op(",")) continue;
    if (!at_op(")")) fail(peek(), "expected ',' or ')' in argument list, found " + describe(peek()));
  }
  next();  // ')'
}

UExprPtr Parser::atom() {
  const Token& t = peek();
  switch (t.kind) {
    case TokKind::Int:
    case TokKind::Float: {
      next();
      auto e = new_expr(UExprKind::Const, src(t));
      e->ival = t.inum;
      e->fval = t.fnum;
      e->const_kind = t.kind == TokKind::Int ? UExpr::ConstKind::Int : UExpr::ConstKind::Float;
      return e;
    }
    case TokKind::String: {
      next();
      auto e = new_expr(UExprKind::Str, src(t));
      e->field = t.text;
      while (at(TokKind::String)) e->field += next().text;  // implicit concatenation
      return e;
    }
    case TokKind::Name: {
      if (t.text == "True" || t.text == "False") {
        next();
        auto e = new_expr(UExprKind::Const, src(t));
        e->const_kind = UExpr::ConstKind::Bool;
        e->ival = t.text == "True" ? 1 : 0;
        return e;
      }
      if (is_python_keyword(t.text)) fail(t, "expected an expression, found keyword '" + t.text + "'");
      next();
      if (pattern_ && t.text == "_") return make_hole(src(t));
      auto e = new_expr(UExprKind::Name, src(t));
      e->name = t.text;
      return e;
    }
    case TokKind::Op: {
      if (t.text == "(") {
        next();
        if (at_op(")")) fail(t, "empty parentheses are not an expression");
        UExprPtr e = expr();
        if (at_op(",")) fail(peek(), "tuples are not supported in Exo expressions");
        expect_op(")", "expected ')' to close '('");
        return e;
      }
      if (t.text == "[") fail(t, "list expressions are not supported (window types like [f32][n] belong in argument types)");
      if (t.text == "{") fail(t, "dict and set expressions are not supported (an Unquote must take 1 argument)");
      break;
    }
    default:
      break;
  }
  fail(t, "expected an expression, found " + describe(t));
}

// ---------------------------------------------------------------------------
// Types: `size`, `f32`, `f32[M, N] @ DRAM`, `[f32][n] @ AVX2`, `R @ DRAM`.

std::string Parser::dotted_name(const std::string& what, SrcInfo* where) {
  const Token& first = expect_ident("expected " + what);
  if (where) *where = src(first);
  std::string name = first.text;
  while (at_op(".")) {
    next();
    name += "." + expect_ident("expected a name after '.' in " + what).text;
  }
  return name;
}

UType Parser::type_annot(TypeCtx ctx) {
  UType ty;
  const Token& start = peek();
  ty.srcinfo = src(start);
  if (at_op("[")) {
    next();
    if (ctx != TypeCtx::Arg)
      fail(start, "window types such as [R][n] should only be used in a procedure signature");
    const Token& b = expect_ident("expected a window element type such as [f32][...]");
    ty.base = b.text;
    expect_op("]", "expected ']' after window element type");
    if (!at_op("[")) fail(peek(), "expected window dimensions, as in '[f32][M, N]'");
    ty.is_window = true;
  } else {
    if (peek().kind != TokKind::Name) fail(start, "expected a type, found " + describe(start));
    ty.base = next().text;
  }

  bool hole = pattern_ && ty.base == "_";
  std::optional<ScalarKind> kind = scalar_kind_from_name(ty.base);
  if (!hole && !kind)
    fail(start, "unknown type '" + ty.base + "' (if it names a Python value: Unquote computation did not yield valid type)");
  bool data = hole || is_data_kind(*kind);
  if (ty.is_window && !data)
    fail(start, "expected window type to be of the form '[R][...]', '[f32][...]', etc.");

  if (at_op("[")) {
    const Token& open = next();
    if (!data) fail(open, "type '" + ty.base + "' cannot have dimensions");
    ty.is_tensor = true;
    if (at_op("]")) fail(peek(), "expected a dimension inside '[]'");
    while (true) {
      if (at_op(":")) fail(peek(), "index-slicing not allowed in a type");
      ty.shape.push_back(expr());
      if (at_op(":")) fail(peek(), "index-slicing not allowed in a type");
      if (accept_op(",")) {
        if (at_op("]")) break;
        continue;
      }
      if (at_op("]")) break;
      fail(peek(), "expected ',' or ']' in type dimensions, found " + describe(peek()));
    }
    next();
  }

  if (at_op("@")) {
    const Token& at_tok = next();
    // bool, stride and int values are control values; exo-lang prints them
    // `@ DRAM`, which is accepted (and means nothing more) for them.
    bool control_in_dram = !data && ty.base != "size" && ty.base != "index";
    if (control_in_dram) {
      SrcInfo where;
      if (dotted_name("a memory name after '@'", &where) != "DRAM")
        fail(at_tok, "'" + ty.base + "' values can only be annotated @ DRAM");
    } else if (!data) {
      fail(at_tok, "'" + ty.base + "' values cannot be annotated with memory locations");
    } else if (pattern_ && at_name("_")) {
      ty.mem_srcinfo = src(next());
      ty.mem = "_";
    } else {
      ty.mem = dotted_name("a memory name after '@'", &ty.mem_srcinfo);
    }
  }

  if (ctx == TypeCtx::Alloc && !data)
    fail(start, "Cannot allocate an intermediate value of type " + ty.base);
  return ty;
}

}  // namespace exo::parse_detail
