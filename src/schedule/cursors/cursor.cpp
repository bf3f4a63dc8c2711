// Cursors: child numbering, resolution of paths against a proc, navigation.
#include "exo/schedule/cursor.h"

namespace exo {

bool operator==(const PathStep& a, const PathStep& b) { return a.orelse == b.orelse && a.index == b.index; }

bool Cursor::operator==(const Cursor& o) const {
  if (kind != o.kind) return false;
  if (kind == CursorKind::Invalid) return true;
  return path == o.path && expr_path == o.expr_path && (kind != CursorKind::Block || count == o.count);
}

std::string Cursor::str() const {
  if (kind == CursorKind::Invalid) return "<invalid cursor>";
  std::string s;
  for (size_t k = 0; k < path.size(); ++k) {
    if (k) s += ".";
    s += path[k].orelse ? "orelse[" : "body[";
    bool last = k + 1 == path.size();
    s += std::to_string(path[k].index);
    if (last && kind == CursorKind::Block) s += ":" + std::to_string(path[k].index + count);
    s += "]";
  }
  if (kind == CursorKind::Gap) s = "gap " + s;
  if (kind == CursorKind::Expr) {
    s += ".expr[";
    for (size_t k = 0; k < expr_path.size(); ++k) s += (k ? ", " : "") + std::to_string(expr_path[k]);
    s += "]";
  }
  return s;
}

// ---------------------------------------------------------------------------
// Children
// ---------------------------------------------------------------------------

namespace {

bool all_same(const std::vector<Expr>& a, const std::vector<Expr>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!a[i].same_as(b[i])) return false;
  return true;
}

std::vector<Expr> slice(const std::vector<Expr>& v, size_t lo, size_t hi) {
  return std::vector<Expr>(v.begin() + lo, v.begin() + hi);
}

}  // namespace

Expr with_expr_children(const Expr& e, const std::vector<Expr>& kids) {
  std::vector<Expr> old = expr_children(e);
  EXO_ASSERT(old.size() == kids.size(), "wrong number of children for " << expr_kind_name(e->kind));
  if (all_same(old, kids)) return e;
  switch (e->kind) {
    case ExprKind::Read: {
      auto* r = e.as<ReadNode>();
      return make_expr<ReadNode>(r->name, kids, r->type, r->srcinfo);
    }
    case ExprKind::USub: return make_expr<USubNode>(kids[0], e->type, e->srcinfo);
    case ExprKind::BinOp:
      return make_expr<BinOpNode>(e.as<BinOpNode>()->op, kids[0], kids[1], e->type, e->srcinfo);
    case ExprKind::ExternCall:
      return make_expr<ExternCallNode>(e.as<ExternCallNode>()->fn, kids, e->type, e->srcinfo);
    case ExprKind::WindowExpr: {
      auto* w = e.as<WindowExprNode>();
      std::vector<WAccess> idx = w->idx;
      size_t k = 0;
      for (auto& a : idx) {
        a.lo = kids[k++];
        if (a.is_interval) a.hi = kids[k++];
      }
      return make_expr<WindowExprNode>(w->name, std::move(idx), w->type, w->srcinfo);
    }
    default: return e;
  }
}

std::vector<Expr> stmt_exprs(const Stmt& s) {
  switch (s->kind) {
    case StmtKind::Assign: {
      auto v = s.as<AssignNode>()->idx;
      v.push_back(s.as<AssignNode>()->rhs);
      return v;
    }
    case StmtKind::Reduce: {
      auto v = s.as<ReduceNode>()->idx;
      v.push_back(s.as<ReduceNode>()->rhs);
      return v;
    }
    case StmtKind::WriteConfig: return {s.as<WriteConfigNode>()->rhs};
    case StmtKind::WindowStmt: return {s.as<WindowStmtNode>()->rhs};
    case StmtKind::If: return {s.as<IfNode>()->cond};
    case StmtKind::For: return {s.as<ForNode>()->lo, s.as<ForNode>()->hi};
    case StmtKind::Call: return s.as<CallNode>()->args;
    case StmtKind::Pass:
    case StmtKind::Alloc: return {};
  }
  return {};
}

Stmt with_stmt_exprs(const Stmt& s, const std::vector<Expr>& ex) {
  std::vector<Expr> old = stmt_exprs(s);
  EXO_ASSERT(old.size() == ex.size(), "wrong number of expressions for " << stmt_kind_name(s->kind));
  if (all_same(old, ex)) return s;
  switch (s->kind) {
    case StmtKind::Assign: {
      auto* a = s.as<AssignNode>();
      return make_stmt<AssignNode>(a->name, a->type, slice(ex, 0, ex.size() - 1), ex.back(), a->srcinfo);
    }
    case StmtKind::Reduce: {
      auto* a = s.as<ReduceNode>();
      return make_stmt<ReduceNode>(a->name, a->type, slice(ex, 0, ex.size() - 1), ex.back(), a->srcinfo);
    }
    case StmtKind::WriteConfig: {
      auto* w = s.as<WriteConfigNode>();
      return make_stmt<WriteConfigNode>(w->config, w->field, ex[0], w->srcinfo);
    }
    case StmtKind::WindowStmt:
      return make_stmt<WindowStmtNode>(s.as<WindowStmtNode>()->name, ex[0], s->srcinfo);
    case StmtKind::If: {
      auto* i = s.as<IfNode>();
      return make_stmt<IfNode>(ex[0], i->body, i->orelse, i->srcinfo);
    }
    case StmtKind::For: {
      auto* f = s.as<ForNode>();
      return make_stmt<ForNode>(f->iter, ex[0], ex[1], f->body, f->mode, f->srcinfo);
    }
    case StmtKind::Call: return make_stmt<CallNode>(s.as<CallNode>()->proc, ex, s->srcinfo);
    default: return s;
  }
}

Stmt with_block(const Stmt& s, bool orelse, Block b) {
  if (auto* f = s.as<ForNode>()) {
    EXO_ASSERT(!orelse, "a loop has no else block");
    return make_stmt<ForNode>(f->iter, f->lo, f->hi, std::move(b), f->mode, f->srcinfo);
  }
  auto* i = s.as<IfNode>();
  EXO_ASSERT(i, "only loops and ifs have blocks");
  if (orelse) return make_stmt<IfNode>(i->cond, i->body, std::move(b), i->srcinfo);
  return make_stmt<IfNode>(i->cond, std::move(b), i->orelse, i->srcinfo);
}

// ---------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------

namespace {

const Block* block_of(const Stmt& s, bool orelse) {
  if (auto* f = s.as<ForNode>()) return orelse ? nullptr : &f->body;
  if (auto* i = s.as<IfNode>()) return orelse ? &i->orelse : &i->body;
  return nullptr;
}

}  // namespace

const Block* resolve_parent_block(const Proc& p, const StmtPath& path) {
  if (!p || path.empty() || path.front().orelse) return nullptr;
  const Block* b = &p->body;
  for (size_t k = 0; k + 1 < path.size(); ++k) {
    int i = path[k].index;
    if (i < 0 || i >= static_cast<int>(b->size())) return nullptr;
    b = block_of((*b)[i], path[k + 1].orelse);
    if (!b) return nullptr;
  }
  return b;
}

Stmt resolve_stmt(const Proc& p, const StmtPath& path) {
  const Block* b = resolve_parent_block(p, path);
  if (!b) return Stmt();
  int i = path.back().index;
  if (i < 0 || i >= static_cast<int>(b->size())) return Stmt();
  return (*b)[i];
}

Stmt resolve_stmt(const Proc& p, const Cursor& c) {
  if (c.kind != CursorKind::Stmt && c.kind != CursorKind::Expr) return Stmt();
  return resolve_stmt(p, c.path);
}

Expr resolve_expr(const Proc& p, const Cursor& c) {
  if (c.kind != CursorKind::Expr || c.expr_path.empty()) return Expr();
  Stmt s = resolve_stmt(p, c.path);
  if (!s) return Expr();
  std::vector<Expr> kids = stmt_exprs(s);
  Expr e;
  for (int i : c.expr_path) {
    if (i < 0 || i >= static_cast<int>(kids.size())) return Expr();
    e = kids[i];
    kids = expr_children(e);
  }
  return e;
}

std::vector<Stmt> resolve_stmts(const Proc& p, const Cursor& c) {
  if (c.kind != CursorKind::Stmt && c.kind != CursorKind::Block) return {};
  const Block* b = resolve_parent_block(p, c.path);
  if (!b) return {};
  int i = c.index(), n = c.kind == CursorKind::Block ? c.count : 1;
  if (i < 0 || n < 1 || i + n > static_cast<int>(b->size())) return {};
  return std::vector<Stmt>(b->begin() + i, b->begin() + i + n);
}

bool is_valid_in(const Proc& p, const Cursor& c) {
  switch (c.kind) {
    case CursorKind::Invalid: return false;
    case CursorKind::Stmt:
    case CursorKind::Block: return !resolve_stmts(p, c).empty();
    case CursorKind::Expr: return static_cast<bool>(resolve_expr(p, c));
    case CursorKind::Gap: {
      const Block* b = resolve_parent_block(p, c.path);
      return b && c.index() >= 0 && c.index() <= static_cast<int>(b->size());
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// Navigation
// ---------------------------------------------------------------------------

Cursor parent(const Cursor& c) {
  if (c.kind == CursorKind::Invalid) return c;
  if (c.kind == CursorKind::Expr) {
    if (c.expr_path.size() > 1) {
      auto e = c.expr_path;
      e.pop_back();
      return Cursor::expr(c.path, std::move(e));
    }
    return Cursor::stmt(c.path);
  }
  if (c.path.size() <= 1) return Cursor::invalid();
  StmtPath p(c.path.begin(), c.path.end() - 1);
  return Cursor::stmt(std::move(p));
}

namespace {

// In 64 bits: any int distance (e.g. INT_MAX from Python) is out of range, not overflow.
Cursor sibling(const Proc& p, const Cursor& c, long long delta) {
  if (c.kind != CursorKind::Stmt && c.kind != CursorKind::Block) return Cursor::invalid();
  const Block* b = resolve_parent_block(p, c.path);
  if (!b) return Cursor::invalid();
  int from = delta > 0 && c.kind == CursorKind::Block ? c.index() + c.count - 1 : c.index();
  long long i = from + delta;
  if (i < 0 || i >= static_cast<long long>(b->size())) return Cursor::invalid();
  StmtPath path = c.path;
  path.back().index = static_cast<int>(i);
  return Cursor::stmt(std::move(path));
}

Cursor child_block(const Proc& p, const Cursor& c, bool orelse) {
  Stmt s = c.kind == CursorKind::Stmt ? resolve_stmt(p, c.path) : Stmt();
  if (!s) return Cursor::invalid();
  const Block* b = block_of(s, orelse);
  if (!b || b->empty()) return Cursor::invalid();
  StmtPath path = c.path;
  path.push_back(PathStep{orelse, 0});
  return Cursor::block(std::move(path), static_cast<int>(b->size()));
}

}  // namespace

Cursor next(const Proc& p, const Cursor& c, int dist) { return sibling(p, c, dist); }
Cursor prev(const Proc& p, const Cursor& c, int dist) { return sibling(p, c, -static_cast<long long>(dist)); }

Cursor before(const Cursor& c) {
  if (c.kind != CursorKind::Stmt && c.kind != CursorKind::Block) return Cursor::invalid();
  return Cursor::gap(c.path);
}

Cursor after(const Cursor& c) {
  if (c.kind != CursorKind::Stmt && c.kind != CursorKind::Block) return Cursor::invalid();
  StmtPath path = c.path;
  path.back().index += c.kind == CursorKind::Block ? c.count : 1;
  return Cursor::gap(std::move(path));
}

Cursor body(const Proc& p, const Cursor& c) { return child_block(p, c, false); }
Cursor orelse(const Proc& p, const Cursor& c) { return child_block(p, c, true); }

Cursor as_block(const Cursor& c) {
  if (c.kind == CursorKind::Block) return c;
  if (c.kind != CursorKind::Stmt) return Cursor::invalid();
  return Cursor::block(c.path, 1);
}

Cursor expand(const Proc& p, const Cursor& c, int lo, int hi) {
  Cursor b = as_block(c);
  const Block* blk = b.valid() ? resolve_parent_block(p, b.path) : nullptr;
  if (!blk) return Cursor::invalid();
  int size = static_cast<int>(blk->size());
  long long first = lo < 0 ? 0 : std::max(0LL, static_cast<long long>(b.index()) - lo);
  long long end = hi < 0 ? size : std::min<long long>(size, static_cast<long long>(b.index()) + b.count + hi);
  b.path.back().index = static_cast<int>(first);
  b.count = static_cast<int>(end - first);
  return b;
}

namespace {

void collect_paths(const Block& b, StmtPath& prefix, bool orelse, std::vector<StmtPath>& out) {
  for (size_t i = 0; i < b.size(); ++i) {
    prefix.push_back(PathStep{orelse, static_cast<int>(i)});
    out.push_back(prefix);
    if (const Block* body = block_of(b[i], false)) collect_paths(*body, prefix, false, out);
    if (const Block* els = block_of(b[i], true)) collect_paths(*els, prefix, true, out);
    prefix.pop_back();
  }
}

}  // namespace

std::vector<StmtPath> all_stmt_paths(const Proc& p) {
  std::vector<StmtPath> out;
  StmtPath prefix;
  if (p) collect_paths(p->body, prefix, false, out);
  return out;
}

}  // namespace exo
