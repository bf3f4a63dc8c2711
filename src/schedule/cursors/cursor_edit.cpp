// Structural edits at a path (rebuilding only the spine) and the cursor
// forwarding functions that describe them.
#include "exo/schedule/cursor.h"
#include "exo/ir_mutator.h"
#include "exo/printer.h"

namespace exo {

Forward identity_forward() {
  return [](const Cursor& c) { return c; };
}

Forward compose(Forward first, Forward second) {
  return [first = std::move(first), second = std::move(second)](const Cursor& c) {
    Cursor m = first(c);
    return m.valid() ? second(m) : m;
  };
}

Proc with_body(const Proc& p, Block body) {
  auto n = std::make_shared<ProcNode>(*p);
  n->body = std::move(body);
  return n;
}

namespace {

const Block& child_block_or_fail(const Stmt& s, bool orelse) {
  if (auto* f = s.as<ForNode>()) {
    EXO_ASSERT(!orelse, "path enters the else block of a loop");
    return f->body;
  }
  auto* i = s.as<IfNode>();
  EXO_ASSERT(i, "path enters a " << stmt_kind_name(s->kind) << ", which has no block");
  return orelse ? i->orelse : i->body;
}

// Rebuilds block b with `edit` applied to the block at depth path.size()-1.
Block rebuild(const Block& b, const StmtPath& path, size_t k, const std::function<Block(const Block&)>& edit) {
  if (k + 1 == path.size()) return edit(b);
  int i = path[k].index;
  EXO_ASSERT(i >= 0 && i < static_cast<int>(b.size()), "path index " << i << " out of range");
  bool orelse = path[k + 1].orelse;
  Block inner = rebuild(child_block_or_fail(b[i], orelse), path, k + 1, edit);
  Block out = b;
  out[i] = with_block(b[i], orelse, std::move(inner));
  return out;
}

Proc edit_block(const Proc& p, const StmtPath& path, const std::function<Block(const Block&)>& edit) {
  EXO_ASSERT(p && !path.empty() && !path.front().orelse, "bad statement path");
  return with_body(p, rebuild(p->body, path, 0, edit));
}

// Whether cursor c's path goes through the block that `first` points into; if so
// d is the depth of that block's step in c.path.
bool through(const Cursor& c, const StmtPath& first) {
  if (!c.valid() || c.path.size() < first.size()) return false;
  size_t d = first.size() - 1;
  for (size_t k = 0; k < d; ++k)
    if (!(c.path[k] == first[k])) return false;
  return c.path[d].orelse == first[d].orelse;
}

// A copy of c whose path has index `i` at depth d.
Cursor with_index(Cursor c, size_t d, int i) {
  c.path[d].index = i;
  return c;
}

}  // namespace

Proc splice_block(const Proc& p, const StmtPath& first, int count, const Block& repl) {
  // Loop bounds and sizes a primitive computes (a split's `(hi + c - 1) / c`, a
  // product of extents) are exact integers: one that leaves int64 is refused
  // here rather than folded, printed or compiled as a wrapped value.
  if (Expr bad = find_int_overflow(repl))
    EXO_FAIL(ErrorKind::Scheduling, bad->srcinfo,
             "integer overflow: the value of '" << print_expr(bad)
                                                << "' is outside Exo's integer range +-(2^63 - 1)");
  return edit_block(p, first, [&](const Block& b) {
    int lo = first.back().index;
    EXO_ASSERT(lo >= 0 && count >= 0 && lo + count <= static_cast<int>(b.size()),
               "splice range [" << lo << ", " << lo + count << ") out of a block of " << b.size());
    Block out(b.begin(), b.begin() + lo);
    out.insert(out.end(), repl.begin(), repl.end());
    out.insert(out.end(), b.begin() + lo + count, b.end());
    return out;
  });
}

Proc replace_stmt(const Proc& p, const StmtPath& path, const Stmt& s) { return splice_block(p, path, 1, {s}); }

namespace {

Expr replace_in_expr(const Expr& e, const std::vector<int>& path, size_t k, const Expr& repl) {
  if (k == path.size()) return repl;
  std::vector<Expr> kids = expr_children(e);
  EXO_ASSERT(path[k] >= 0 && path[k] < static_cast<int>(kids.size()), "expression path out of range");
  kids[path[k]] = replace_in_expr(kids[path[k]], path, k + 1, repl);
  return with_expr_children(e, kids);
}

}  // namespace

Proc replace_expr(const Proc& p, const Cursor& c, const Expr& e) {
  EXO_ASSERT(c.is_expr() && !c.expr_path.empty(), "not an expression cursor");
  Stmt s = resolve_stmt(p, c.path);
  EXO_ASSERT(s, "expression cursor " << c.str() << " does not fit the proc");
  std::vector<Expr> ex = stmt_exprs(s);
  int top = c.expr_path[0];
  EXO_ASSERT(top >= 0 && top < static_cast<int>(ex.size()), "expression path out of range");
  ex[top] = replace_in_expr(ex[top], c.expr_path, 1, e);
  return replace_stmt(p, c.path, with_stmt_exprs(s, ex));
}

Forward forward_splice(const StmtPath& first, int count, int repl_count) {
  const int lo = first.back().index, hi = lo + count, delta = repl_count - count;
  const size_t d = first.size() - 1;
  return [=](const Cursor& c) -> Cursor {
    if (!through(c, first)) return c;
    int i = c.path[d].index;
    bool at_level = c.path.size() == d + 1;
    if (at_level && c.is_gap()) {
      if (i <= lo) return c;
      if (i >= hi) return with_index(c, d, i + delta);
      return Cursor::invalid();
    }
    if (at_level && c.is_block()) {
      int end = i + c.count;
      if (end <= lo) return c;
      if (i >= hi) return with_index(c, d, i + delta);
      if (i <= lo && end >= hi) {
        Cursor r = c;
        r.count += delta;
        return r.count > 0 ? r : Cursor::invalid();
      }
      return Cursor::invalid();
    }
    if (i < lo) return c;
    if (i >= hi) return with_index(c, d, i + delta);
    return Cursor::invalid();
  };
}

Forward forward_wrap(const StmtPath& first, int count) {
  const int lo = first.back().index, hi = lo + count;
  const size_t d = first.size() - 1;
  // Moves a cursor at index i (lo <= i < hi, or a gap inside) into the new body.
  auto into = [=](const Cursor& c, int i) {
    Cursor r = c;
    r.path[d].index = lo;
    r.path.insert(r.path.begin() + d + 1, PathStep{false, i - lo});
    return r;
  };
  return [=](const Cursor& c) -> Cursor {
    if (!through(c, first)) return c;
    int i = c.path[d].index;
    bool at_level = c.path.size() == d + 1;
    if (at_level && c.is_gap()) {
      if (i <= lo) return c;
      if (i >= hi) return with_index(c, d, i - count + 1);
      return into(c, i);
    }
    if (at_level && c.is_block()) {
      int end = i + c.count;
      if (end <= lo) return c;
      if (i >= hi) return with_index(c, d, i - count + 1);
      if (i >= lo && end <= hi) return into(c, i);
      if (i <= lo && end >= hi) {
        Cursor r = c;
        r.count -= count - 1;
        return r;
      }
      return Cursor::invalid();
    }
    if (i < lo) return c;
    if (i >= hi) return with_index(c, d, i - count + 1);
    return into(c, i);
  };
}

Forward forward_unwrap(const StmtPath& path, bool orelse, int block_size) {
  const int at = path.back().index, delta = block_size - 1;
  const size_t d = path.size() - 1;
  return [=](const Cursor& c) -> Cursor {
    if (!through(c, path)) return c;
    int i = c.path[d].index;
    bool at_level = c.path.size() == d + 1;
    if (at_level && c.is_gap()) return i <= at ? c : with_index(c, d, i + delta);
    if (at_level && c.is_block()) {
      int end = i + c.count;
      if (end <= at) return c;
      if (i > at) return with_index(c, d, i + delta);
      Cursor r = c;
      r.count += delta;
      return r.count > 0 ? r : Cursor::invalid();
    }
    if (i < at) return c;
    if (i > at) return with_index(c, d, i + delta);
    // Inside the unwrapped statement: only its chosen block survives.
    if (at_level || c.path[d + 1].orelse != orelse) return Cursor::invalid();
    Cursor r = c;
    int j = r.path[d + 1].index;
    r.path.erase(r.path.begin() + d + 1);
    r.path[d].index = at + j;
    return r;
  };
}

Forward forward_move(const StmtPath& from, int to_gap) {
  const int f = from.back().index, t = to_gap;
  const size_t d = from.size() - 1;
  const int dest = t > f ? t - 1 : t;
  auto shift_stmt = [=](int i) {
    if (i == f) return dest;
    if (t > f && i > f && i < t) return i - 1;
    if (t < f && i >= t && i < f) return i + 1;
    return i;
  };
  return [=](const Cursor& c) -> Cursor {
    if (t == f || t == f + 1 || !through(c, from)) return c;
    int i = c.path[d].index;
    bool at_level = c.path.size() == d + 1;
    if (at_level && c.is_gap()) {
      if (t > f && i > f && i <= t) return with_index(c, d, i - 1);
      if (t < f && i > t && i <= f) return with_index(c, d, i + 1);
      return c;
    }
    if (at_level && c.is_block()) {
      int end = i + c.count;
      bool has_f = f >= i && f < end, has_t = t > i && t < end;
      if (has_f && (has_t || t == i || t == end)) return c.count == 1 ? with_index(c, d, dest) : c;
      if (!has_f && !has_t) return with_index(c, d, shift_stmt(i));
      return Cursor::invalid();
    }
    return with_index(c, d, shift_stmt(i));
  };
}

Rewrite splice_rewrite(const Proc& p, const StmtPath& first, int count, const Block& repl) {
  return Rewrite{splice_block(p, first, count, repl),
                 forward_splice(first, count, static_cast<int>(repl.size()))};
}

}  // namespace exo
