// The pattern matcher behind every scheduling reference. Semantics follow
// exo-lang's pattern matching: structural comparison against a UAST pattern,
// names by display name, `_` matching anything, matches in program order.
#include "exo/schedule/match.h"

#include <cctype>
#include <optional>

#include "exo/checked_int.h"
#include "exo/frontend.h"
#include "exo/hardware.h"
#include "exo/names.h"

namespace exo {
namespace {

using uast::UExprKind;
using uast::UExprPtr;
using uast::UStmtKind;
using uast::UStmtPtr;

bool name_eq(const std::string& pat, const std::string& name) { return pat == "_" || pat == name; }

bool is_hole(const UExprPtr& e) { return e && e->kind == UExprKind::Hole; }

// A literal pattern (negated when `negate`: `-3` parses as a negation) against a
// constant, by numeric value; integers compare exactly.
bool const_matches(const ConstNode& c, const uast::UExpr& pat, bool negate) {
  if (pat.const_kind == uast::UExpr::ConstKind::Float) {
    double v = negate ? -pat.fval : pat.fval;
    return c.as_double() == v;
  }
  int64_t v = negate ? -pat.ival : pat.ival;  // the range is symmetric
  if (c.is_int()) return c.ival == v;
  return c.fval == static_cast<double>(v) && exact_int_of_double(c.fval) == v;
}

class Matcher {
 public:
  bool match_e(const UExprPtr& pat, const Expr& e) const {
    if (is_hole(pat)) return true;
    switch (pat->kind) {
      case UExprKind::Name:
        if (auto* r = e.as<ReadNode>()) return name_eq(pat->name, r->name.name());
        return false;
      case UExprKind::Index: {
        for (auto& ix : pat->idx)
          if (ix.is_slice) return false;
        if (auto* r = e.as<ReadNode>()) {
          if (!name_eq(pat->name, r->name.name())) return false;
          for (size_t k = 0; k < pat->idx.size() && k < r->idx.size(); ++k)
            if (!match_e(pat->idx[k].pt, r->idx[k])) return false;
          return true;
        }
        // A window matches only `A[_]` (the reference does not compare slices).
        if (auto* w = e.as<WindowExprNode>())
          return pat->idx.size() == 1 && is_hole(pat->idx[0].pt) && name_eq(pat->name, w->name.name());
        return false;
      }
      case UExprKind::Const:
        if (auto* c = e.as<ConstNode>()) return const_matches(*c, *pat, false);
        return false;
      case UExprKind::USub:
        // `-3` parses as a negation but should match the literal -3.
        if (pat->args[0]->kind == UExprKind::Const)
          if (auto* c = e.as<ConstNode>()) return const_matches(*c, *pat->args[0], true);
        if (auto* u = e.as<USubNode>()) return match_e(pat->args[0], u->arg);
        return false;
      case UExprKind::BinOp:
        if (auto* b = e.as<BinOpNode>())
          return b->op == pat->op && match_e(pat->args[0], b->lhs) && match_e(pat->args[1], b->rhs);
        return false;
      case UExprKind::Call:
        if (pat->name == "stride") {
          auto* s = e.as<StrideExprNode>();
          if (!s || pat->args.size() != 2) return false;
          const UExprPtr& buf = pat->args[0];
          const UExprPtr& dim = pat->args[1];
          bool name_ok = is_hole(buf) || (buf->kind == UExprKind::Name && buf->name == s->name.name());
          bool dim_ok = is_hole(dim) || (dim->kind == UExprKind::Const && dim->const_kind == uast::UExpr::ConstKind::Int && dim->ival == s->dim);
          return name_ok && dim_ok;
        }
        if (auto* c = e.as<ExternCallNode>()) {
          if (!name_eq(pat->name, c->fn ? c->fn->name() : "")) return false;
          for (size_t k = 0; k < pat->args.size() && k < c->args.size(); ++k)
            if (!match_e(pat->args[k], c->args[k])) return false;
          return true;
        }
        return false;
      case UExprKind::Attr:
        if (auto* r = e.as<ReadConfigNode>())
          return r->config && name_eq(pat->name, r->config->name()) && name_eq(pat->field, r->field);
        return false;
      default:
        return false;
    }
  }

  // Number of statements of blk from `start` that the pattern block matches.
  std::optional<size_t> match_stmts(const uast::UBlock& pats, const Block& blk, size_t start) const {
    size_t i = 0, j = start;
    while (i < pats.size() && j < blk.size()) {
      if (pats[i]->kind == UStmtKind::Hole) {
        if (i + 1 == pats.size()) return blk.size() - start;  // a trailing hole takes the rest
        if (match_stmt(pats[i + 1], blk[j])) i += 2;           // the hole ends where its successor matches
      } else if (match_stmt(pats[i], blk[j])) {
        i += 1;
      } else {
        return std::nullopt;
      }
      ++j;
    }
    if (i == pats.size()) return j - start;
    return std::nullopt;
  }

  bool match_stmt(const UStmtPtr& pat, const Stmt& s) const {
    switch (pat->kind) {
      case UStmtKind::Assign:
      case UStmtKind::Reduce: return match_write(*pat, s);
      case UStmtKind::Pass: return s->kind == StmtKind::Pass;
      case UStmtKind::If: {
        auto* i = s.as<IfNode>();
        return i && match_e(pat->rhs, i->cond) && match_stmts(pat->body, i->body, 0) &&
               match_stmts(pat->orelse, i->orelse, 0);
      }
      case UStmtKind::For: {
        auto* f = s.as<ForNode>();
        return f && name_eq(pat->name, f->iter.name()) && match_e(pat->lo, f->lo) && match_e(pat->hi, f->hi) &&
               match_stmts(pat->body, f->body, 0);
      }
      case UStmtKind::Alloc: {
        auto* a = s.as<AllocNode>();
        if (!a || !name_eq(pat->name, a->name.name())) return false;
        for (size_t k = 0; k < pat->type.shape.size() && k < a->type.shape.size(); ++k)
          if (!match_e(pat->type.shape[k], a->type.shape[k])) return false;
        return true;
      }
      case UStmtKind::Call: {
        auto* c = s.as<CallNode>();
        return c && c->proc && pat->rhs && name_eq(pat->rhs->name, c->proc->name);
      }
      default: return false;
    }
  }

 private:
  bool match_idx(const std::vector<uast::UIndex>& pat, const std::vector<Expr>& idx) const {
    for (auto& ix : pat)
      if (ix.is_slice) return false;
    for (size_t k = 0; k < pat.size() && k < idx.size(); ++k)
      if (!match_e(pat[k].pt, idx[k])) return false;
    return true;
  }

  bool match_write(const uast::UStmt& pat, const Stmt& s) const {
    const UExprPtr& lhs = pat.lhs;
    bool reduce = pat.kind == UStmtKind::Reduce;
    if (lhs->kind == UExprKind::Attr) {
      auto* w = s.as<WriteConfigNode>();
      return !reduce && w && w->config && name_eq(lhs->name, w->config->name()) && name_eq(lhs->field, w->field) &&
             match_e(pat.rhs, w->rhs);
    }
    std::string name = lhs->kind == UExprKind::Hole ? "_" : lhs->name;
    static const std::vector<uast::UIndex> kNoIdx;
    const auto& pidx = lhs->kind == UExprKind::Index ? lhs->idx : kNoIdx;
    if (!reduce) {
      if (auto* a = s.as<AssignNode>())
        return name_eq(name, a->name.name()) && match_idx(pidx, a->idx) && match_e(pat.rhs, a->rhs);
      if (auto* w = s.as<WindowStmtNode>())
        return pidx.empty() && name_eq(name, w->name.name()) && match_e(pat.rhs, w->rhs);
      return false;
    }
    auto* r = s.as<ReduceNode>();
    return r && name_eq(name, r->name.name()) && match_idx(pidx, r->idx) && match_e(pat.rhs, r->rhs);
  }
};

const Block* stmt_block(const Stmt& s, bool orelse) {
  if (auto* f = s.as<ForNode>()) return orelse ? nullptr : &f->body;
  if (auto* i = s.as<IfNode>()) return orelse ? &i->orelse : &i->body;
  return nullptr;
}

// Statement matches starting at every position of blk, then inside it (pre-order).
void find_stmts(const Matcher& m, const uast::UBlock& pats, const Block& blk, StmtPath& prefix, bool orelse,
                std::vector<Cursor>& out) {
  for (size_t j = 0; j < blk.size(); ++j) {
    prefix.push_back(PathStep{orelse, static_cast<int>(j)});
    if (auto n = m.match_stmts(pats, blk, j)) {
      if (*n == 1) out.push_back(Cursor::stmt(prefix));
      else if (*n > 1) out.push_back(Cursor::block(prefix, static_cast<int>(*n)));
    }
    if (const Block* b = stmt_block(blk[j], false)) find_stmts(m, pats, *b, prefix, false, out);
    if (const Block* b = stmt_block(blk[j], true)) find_stmts(m, pats, *b, prefix, true, out);
    prefix.pop_back();
  }
}

void find_in_expr(const Matcher& m, const UExprPtr& pat, const Expr& e, const StmtPath& at, std::vector<int>& epath,
                  std::vector<Cursor>& out) {
  if (m.match_e(pat, e)) out.push_back(Cursor::expr(at, epath));
  std::vector<Expr> kids = expr_children(e);
  for (size_t k = 0; k < kids.size(); ++k) {
    epath.push_back(static_cast<int>(k));
    find_in_expr(m, pat, kids[k], at, epath, out);
    epath.pop_back();
  }
}

void find_exprs(const Matcher& m, const UExprPtr& pat, const Block& blk, StmtPath& prefix, bool orelse,
                std::vector<Cursor>& out) {
  for (size_t j = 0; j < blk.size(); ++j) {
    prefix.push_back(PathStep{orelse, static_cast<int>(j)});
    std::vector<Expr> ex = stmt_exprs(blk[j]);
    std::vector<int> epath;
    for (size_t k = 0; k < ex.size(); ++k) {
      epath.assign(1, static_cast<int>(k));
      find_in_expr(m, pat, ex[k], prefix, epath, out);
    }
    if (const Block* b = stmt_block(blk[j], false)) find_exprs(m, pat, *b, prefix, false, out);
    if (const Block* b = stmt_block(blk[j], true)) find_exprs(m, pat, *b, prefix, true, out);
    prefix.pop_back();
  }
}

struct Matches {
  std::vector<Cursor> all;
  int occurrence = -1;
  bool is_expr = false;
};

[[noreturn]] void fail(const std::string& msg) { throw Error(ErrorKind::Scheduling, SrcInfo(), msg); }

Matches all_matches(const Proc& p, const std::string& pattern) {
  uast::UPattern pat;
  try {
    pat = parse_pattern(pattern);
  } catch (const Error& e) {
    fail("invalid pattern '" + pattern + "': " + e.message());
  }
  Matches r;
  r.occurrence = pat.occurrence;
  Matcher m;
  StmtPath prefix;
  if (pat.expr) {
    if (is_hole(pat.expr)) fail("pattern '" + pattern + "' matches anything; give a more specific pattern");
    r.is_expr = true;
    find_exprs(m, pat.expr, p->body, prefix, false, r.all);
    return r;
  }
  bool only_holes = true;
  for (auto& s : *pat.stmts) only_holes = only_holes && s->kind == UStmtKind::Hole;
  if (only_holes) fail("pattern '" + pattern + "' matches anything; give a more specific pattern");
  find_stmts(m, *pat.stmts, p->body, prefix, false, r.all);
  // A lone call is a proc-call pattern, as in the reference; when no call
  // statement matches, it may still name an extern call expression.
  const uast::UBlock& ss = *pat.stmts;
  if (r.all.empty() && ss.size() == 1 && ss[0]->kind == UStmtKind::Call && ss[0]->rhs) {
    r.is_expr = true;
    find_exprs(m, ss[0]->rhs, p->body, prefix, false, r.all);
    if (r.all.empty()) r.is_expr = false;
  }
  return r;
}

std::string strip(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\n"), b = s.find_last_not_of(" \t\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// A loop or buffer name in a reference: any identifier but the pattern hole.
bool is_loop_name(const std::string& s) { return is_identifier(s) && s != "_"; }

}  // namespace

std::optional<NameRef> parse_name_ref(const std::string& ref) {
  OccurrenceRef r = split_occurrence(ref);
  std::string name = strip(std::string(r.body));
  if (!is_loop_name(name)) return std::nullopt;
  return NameRef{name, r.selector.empty() ? "" : " " + std::string(r.selector)};
}

std::string loop_pattern(const std::string& ref) {
  auto r = parse_name_ref(ref);
  return r ? "for " + r->name + " in _: _" + r->selector : ref;
}

std::vector<Cursor> match_pattern(const Proc& p, const std::string& pattern) {
  Matches m = all_matches(p, pattern);
  if (m.occurrence < 0) return m.all;
  if (m.occurrence >= static_cast<int>(m.all.size())) return {};
  return {m.all[m.occurrence]};
}

Cursor find_cursor(const Proc& p, const std::string& pattern) {
  Matches m = all_matches(p, pattern);
  const char* what = m.is_expr ? "expression" : "statement";
  if (m.all.empty())
    fail(std::string("find: failed to find matches: no ") + what + " matches '" + pattern + "' in proc '" + p->name + "'");
  int n = m.occurrence < 0 ? 0 : m.occurrence;
  if (n >= static_cast<int>(m.all.size()))
    fail("pattern '" + pattern + "' has " + std::to_string(m.all.size()) + " match" +
         (m.all.size() == 1 ? "" : "es") + " in proc '" + p->name + "' (#N counts from 0)");
  return m.all[n];
}

Cursor find_stmt(const Proc& p, const std::string& pattern) {
  Cursor c = find_cursor(p, pattern);
  if (!c.is_stmt())
    fail("pattern '" + pattern + "' in proc '" + p->name + "' matches " +
         (c.is_expr() ? "an expression" : "several statements") + ", not one statement");
  return c;
}

bool is_plain_name(const std::string& ref) { return parse_name_ref(ref).has_value(); }

Cursor find_loop(const Proc& p, const std::string& ref) {
  if (auto r = parse_name_ref(ref)) {
    const std::string& name = r->name;
    Matches m = all_matches(p, loop_pattern(ref));
    if (m.all.empty()) fail("no loop '" + name + "' in proc '" + p->name + "'");
    int n = m.occurrence < 0 ? 0 : m.occurrence;
    if (n >= static_cast<int>(m.all.size()))
      fail("loop reference '" + ref + "' selects a match that does not exist: proc '" + p->name + "' has " +
           std::to_string(m.all.size()) + " loop" + (m.all.size() == 1 ? "" : "s") + " named '" + name +
           "' (#N counts from 0)");
    return m.all[n];
  }
  Cursor c = find_stmt(p, ref);
  if (!resolve_stmt(p, c).as<ForNode>())
    fail("pattern '" + ref + "' in proc '" + p->name + "' matches a statement that is not a loop");
  return c;
}

std::optional<LoopNestRef> parse_loop_nest_ref(const std::string& ref) {
  LoopNestRef r;
  OccurrenceRef split = split_occurrence(ref);
  std::string_view body = split.body;
  r.occurrence = split.occurrence;
  std::vector<std::string> words;
  size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
    size_t j = i;
    while (j < body.size() && !std::isspace(static_cast<unsigned char>(body[j]))) ++j;
    if (j > i) words.emplace_back(body.substr(i, j - i));
    i = j;
  }
  if (words.size() != 2 || !is_loop_name(words[0]) || !is_loop_name(words[1])) return std::nullopt;
  r.text = ref;
  r.outer = words[0];
  r.inner = words[1];
  return r;
}

std::vector<Cursor> loop_nests(const Proc& p, const LoopNestRef& nest) {
  return all_matches(p, "for " + nest.outer + " in _:\n    for " + nest.inner + " in _: _").all;
}

Cursor find_loop_nest(const Proc& p, const LoopNestRef& nest) {
  std::vector<Cursor> all = loop_nests(p, nest);
  if (all.empty())
    fail("no loop '" + nest.outer + "' directly holding a loop '" + nest.inner + "' in proc '" + p->name + "'");
  int n = nest.occurrence < 0 ? 0 : nest.occurrence;
  if (n >= static_cast<int>(all.size()))
    fail("loop nest reference '" + nest.text + "' selects a match that does not exist: proc '" + p->name +
         "' has " + std::to_string(all.size()) + " such nest" + (all.size() == 1 ? "" : "s") +
         " (#N counts from 0)");
  return all[n];
}

Cursor find_alloc(const Proc& p, const std::string& ref) {
  if (auto r = parse_name_ref(ref)) {
    const std::string& name = r->name;
    Matches m = all_matches(p, name + " : _" + r->selector);
    int n = m.occurrence < 0 ? 0 : m.occurrence;
    if (n >= static_cast<int>(m.all.size())) fail("no allocation of '" + name + "' in proc '" + p->name + "'");
    return m.all[n];
  }
  Cursor c = find_stmt(p, ref);
  if (!resolve_stmt(p, c).as<AllocNode>())
    fail("pattern '" + ref + "' in proc '" + p->name + "' matches a statement that is not an allocation");
  return c;
}

}  // namespace exo
