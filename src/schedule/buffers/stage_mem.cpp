// stage_mem: a block's accesses to a window of a buffer go through a new buffer,
// loaded before the block and stored (or accumulated) back after it.
// A block that only reads is not stored back; one that writes is loaded as well,
// since the store copies the whole window (unless it provably writes all of it).
#include <algorithm>
#include <cassert>
#include <map>
#include <set>

#include "analysis/facts.h"
#include "exo/schedule/buffers.h"
#include "exo/hardware.h"
#include "exo/ir_mutator.h"
#include "exo/schedule/match.h"
#include "exo/names.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/buffers/accesses.h"
#include "schedule/loops/substitute.h"
#include "schedule/checks/rewrite_checks.h"

namespace exo {
namespace {

using namespace buffers_detail;
using analysis::provable_at;

const char* kPrim = "stage_mem";

// One access of the staged buffer inside the block.
struct StagedAccess {
  enum Kind { Read, Write, Reduce, Window } kind;
  std::vector<WAccess> coords;  // points for element accesses
  StmtPath path;                // the statement performing it
  std::string text;             // for diagnostics
};

// Everything the block does to `buf`, plus the first use of another name that
// shares its storage (which staging would not redirect).
struct BlockUse {
  std::vector<StagedAccess> accesses;
  std::string whole_call;    // "A" passed whole to a call
  std::string other_alias;   // a window of the same storage declared outside the block
};

std::vector<WAccess> points(const std::vector<Expr>& idx) {
  std::vector<WAccess> out;
  for (auto& e : idx) out.push_back(WAccess{false, e, Expr()});
  return out;
}

BlockUse collect_uses(const Proc& p, const Cursor& block, const Sym& buf) {
  // Storage sharing: window statements anywhere in the proc alias their source.
  WindowAliases windows(p->body);
  auto base = [&](const Sym& s) { return windows.storage_of(s); };
  const Sym root = base(buf);
  std::set<Sym> declared_inside;
  BlockUse out;
  StmtPath prefix = block.path;
  const Block* parent = resolve_parent_block(p, block.path);
  int first = block.index(), count = block.is_block() ? block.count : 1;
  Block stmts(parent->begin() + first, parent->begin() + first + count);
  auto other_name = [&](const Sym& s) {
    if (s == buf || declared_inside.count(s) || !(base(s) == root)) return;
    if (out.other_alias.empty()) out.other_alias = s.name();
  };
  walk_paths(stmts, prefix, [&](const Stmt& s, const StmtPath& rel) {
    StmtPath path = rel;
    // walk_paths numbers the copied range from 0; shift the top step to the real index.
    path[prefix.size() - 1].index += first;
    if (auto* w = s.as<WindowStmtNode>()) declared_inside.insert(w->name);
    if (auto* a = s.as<AssignNode>()) {
      if (a->name == buf) out.accesses.push_back({StagedAccess::Write, points(a->idx), path, access_text(buf, a->idx)});
      other_name(a->name);
    }
    if (auto* a = s.as<ReduceNode>()) {
      if (a->name == buf) out.accesses.push_back({StagedAccess::Reduce, points(a->idx), path, access_text(buf, a->idx)});
      other_name(a->name);
    }
    for (auto& top : stmt_exprs(s)) {
      std::function<void(const Expr&)> scan = [&](const Expr& e) {
        if (auto* r = e.as<ReadNode>()) {
          if (r->name == buf && r->type.is_tensor && r->idx.empty()) {
            if (out.whole_call.empty()) out.whole_call = buf.name();
          } else if (r->name == buf) {
            out.accesses.push_back({StagedAccess::Read, points(r->idx), path, access_text(buf, r->idx)});
          } else if (r->type.is_numeric()) {
            other_name(r->name);
          }
        } else if (auto* w = e.as<WindowExprNode>()) {
          if (w->name == buf) out.accesses.push_back({StagedAccess::Window, w->idx, path, print_expr(e)});
          else other_name(w->name);
        }
        for (auto& k : expr_children(e)) scan(k);
      };
      scan(top);
    }
  });
  return out;
}

// Why `a` may leave the window, or "" when every coordinate provably stays in it.
std::string outside_window(const Proc& p, const StagedAccess& a, const std::vector<WAccess>& win) {
  std::vector<Expr> goal;
  for (size_t k = 0; k < win.size() && k < a.coords.size(); ++k) {
    const WAccess &w = win[k], &c = a.coords[k];
    if (!w.is_interval) {
      if (c.is_interval) return "it takes an interval of dimension " + std::to_string(k) + ", a point of the window (Existing WindowExpr reaches outside the staged window)";
      goal.push_back(binop(BinOpKind::Eq, c.lo, w.lo));
    } else if (!c.is_interval) {
      goal.push_back(binop(BinOpKind::Le, w.lo, c.lo));
      goal.push_back(binop(BinOpKind::Lt, c.lo, w.hi));
    } else {
      goal.push_back(binop(BinOpKind::Le, w.lo, c.lo));
      goal.push_back(binop(BinOpKind::Le, c.hi, w.hi));
    }
  }
  if (provable_at(p, a.path, all_of(goal))) return "";
  for (auto& g : goal)
    if (!provable_at(p, a.path, g)) return "'" + print_expr(g) + "' is not provable";
  return "it is not provably inside the window";
}

// True when the block provably assigns every element of the window that lies
// in the buffer before it ends, so the staging buffer needs no load: some
// assignment sits under loops of the block (and at most a guard right around it
// that holds wherever the element is in bounds), each loop runs at least once,
// and each interval dimension of the window is swept by its own loop
// (index == lo + loop counter).
bool overwrites_window(const Proc& p, const Cursor& block, const StagedAccess& a,
                       const std::vector<WAccess>& win, const std::vector<Expr>& shape) {
  if (a.kind != StagedAccess::Write) return false;
  std::vector<const ForNode*> loops;
  StmtPath prefix(a.path.begin(), a.path.begin() + static_cast<long>(block.path.size()));
  for (size_t depth = block.path.size(); depth < a.path.size(); ++depth) {
    Stmt s = resolve_stmt(p, prefix);
    if (auto* i = s.as<IfNode>()) {
      // A guard right around the assignment may skip only elements outside the
      // buffer, which the (guarded) store does not write back either.
      if (depth + 1 != a.path.size() || a.path[depth].orelse) return false;
      std::vector<Expr> outside_or_taken{i->cond};
      for (size_t k = 0; k < a.coords.size() && k < shape.size(); ++k) {
        outside_or_taken.push_back(binop(BinOpKind::Lt, a.coords[k].lo, int_const(0)));
        outside_or_taken.push_back(binop(BinOpKind::Ge, a.coords[k].lo, shape[k]));
      }
      Expr goal = outside_or_taken.front();
      for (size_t k = 1; k < outside_or_taken.size(); ++k) goal = binop(BinOpKind::Or, goal, outside_or_taken[k]);
      if (!provable_at(p, prefix, goal)) return false;
      prefix.push_back(a.path[depth]);
      continue;
    }
    auto* f = s.as<ForNode>();
    if (!f) return false;
    loops.push_back(f);
    prefix.push_back(a.path[depth]);
  }
  std::set<const ForNode*> used;
  for (size_t k = 0; k < win.size(); ++k) {
    if (!win[k].is_interval) continue;
    Expr extent = sub_index(win[k].hi, win[k].lo);
    const ForNode* sweep = nullptr;
    for (auto* f : loops) {
      if (used.count(f)) continue;
      Expr counter = sub_index(read_var(f->iter, ScalarKind::Index), f->lo);
      if (provable_at(p, a.path, binop(BinOpKind::Eq, a.coords[k].lo, add_index(win[k].lo, counter))) &&
          provable_at(p, a.path, binop(BinOpKind::Eq, sub_index(f->hi, f->lo), extent))) {
        sweep = f;
        break;
      }
    }
    if (!sweep) return false;
    used.insert(sweep);
  }
  for (auto* f : loops)
    if (!used.count(f) && !provable_at(p, a.path, binop(BinOpKind::Lt, f->lo, f->hi))) return false;
  return true;
}

// True for a one-element window whose first access is an assignment that
// always runs (a statement of the block itself) and does not read it: every
// later read sees that value, so nothing needs loading.
bool written_before_read(const std::vector<StagedAccess>& accesses, const std::vector<WAccess>& win,
                         const Cursor& block) {
  for (auto& c : win)
    if (c.is_interval) return false;
  if (accesses.empty() || accesses.front().kind != StagedAccess::Write) return false;
  const StagedAccess& first = accesses.front();
  if (first.path.size() != block.path.size()) return false;
  for (auto& a : accesses)
    if (a.kind != StagedAccess::Write && a.path == first.path) return false;  // `t = t * 2.0`
  return true;
}

// Rewrites accesses of `buf` to the staging buffer with the window's offsets.
class Redirect : public IRMutator {
 public:
  Redirect(Sym buf, Sym staged, std::vector<WAccess> win) : buf_(buf), new_(staged), win_(std::move(win)) {}

  std::vector<Expr> index(const std::vector<Expr>& idx) const {
    std::vector<Expr> out;
    for (size_t k = 0; k < win_.size(); ++k)
      if (win_[k].is_interval) out.push_back(sub_index(idx[k], win_[k].lo));
    return out;
  }

  Expr mutate(const Expr& e) override {
    Expr m = mutate_children(e);
    if (auto* r = m.as<ReadNode>(); r && r->name == buf_) return make_expr<ReadNode>(new_, index(r->idx), r->type, r->srcinfo);
    if (auto* w = m.as<WindowExprNode>(); w && w->name == buf_) {
      std::vector<WAccess> idx;
      for (size_t k = 0; k < win_.size(); ++k) {
        if (!win_[k].is_interval) continue;
        const WAccess& c = w->idx[k];
        idx.push_back(WAccess{c.is_interval, sub_index(c.lo, win_[k].lo),
                              c.is_interval ? sub_index(c.hi, win_[k].lo) : Expr()});
      }
      return make_expr<WindowExprNode>(new_, idx, w->type, w->srcinfo);
    }
    return m;
  }

  Block mutate_stmt(const Stmt& s) override {
    Stmt m = mutate_children(s);
    if (auto* a = m.as<AssignNode>(); a && a->name == buf_)
      return {make_stmt<AssignNode>(new_, a->type, index(a->idx), a->rhs, a->srcinfo)};
    if (auto* a = m.as<ReduceNode>(); a && a->name == buf_)
      return {make_stmt<ReduceNode>(new_, a->type, index(a->idx), a->rhs, a->srcinfo)};
    return {m};
  }

 private:
  Sym buf_, new_;
  std::vector<WAccess> win_;
};

enum class Copy { Load, Store, Zero, AddBack };

// Which bounds of the buffer a window coordinate may cross: the copies guard
// those (the block itself only touches elements inside the buffer).
struct CoordGuard {
  bool lower = false;  // 0 <= coordinate not provable
  bool upper = false;  // coordinate < extent not provable
};

// The loop nest copying between the window and the staging buffer; elements
// outside `shape` (where `guards` says they may be) are skipped.
Stmt copy_nest(Copy kind, const Sym& buf, const Sym& staged, ScalarKind elem, const std::vector<WAccess>& win,
               const std::vector<Expr>& extents, const std::vector<Expr>& shape,
               const std::vector<CoordGuard>& guards, const SrcInfo& si) {
  std::vector<Sym> iters;
  std::vector<Expr> buf_idx, new_idx, conds;
  for (size_t k = 0; k < win.size(); ++k) {
    const WAccess& c = win[k];
    Expr at = c.lo;
    if (c.is_interval) {
      Sym it("i" + std::to_string(iters.size()));
      iters.push_back(it);
      Expr iv = read_var(it, ScalarKind::Index, si);
      at = add_index(c.lo, iv);
      new_idx.push_back(iv);
    }
    buf_idx.push_back(at);
    if (guards[k].lower) conds.push_back(binop(BinOpKind::Le, int_const(0, si), at, si));
    if (guards[k].upper) conds.push_back(binop(BinOpKind::Lt, at, shape[k], si));
  }
  Type t = Type::scalar(elem);
  Expr from_buf = make_expr<ReadNode>(buf, buf_idx, t, si);
  Expr from_new = make_expr<ReadNode>(staged, new_idx, t, si);
  Stmt body;
  switch (kind) {
    case Copy::Load: body = make_stmt<AssignNode>(staged, t, new_idx, from_buf, si); break;
    case Copy::Store: body = make_stmt<AssignNode>(buf, t, buf_idx, from_new, si); break;
    case Copy::Zero: body = make_stmt<AssignNode>(staged, t, new_idx, make_expr<ConstNode>(0.0, t, si), si); break;
    case Copy::AddBack: body = make_stmt<ReduceNode>(buf, t, buf_idx, from_new, si); break;
  }
  if (!conds.empty() && kind != Copy::Zero) body = make_stmt<IfNode>(all_of(conds), Block{body}, Block{}, si);
  for (size_t k = iters.size(); k-- > 0;)
    body = make_stmt<ForNode>(iters[k], int_const(0, si), extents[k], Block{body}, LoopMode::Seq, si);
  return body;
}

}  // namespace

Cursor stmt_range(const Proc& p, const Cursor& first, const Cursor& last) {
  if (!first.is_stmt() || !last.is_stmt()) scheduling_error(kPrim, p, first, "expected statements to stage around");
  StmtPath a(first.path.begin(), first.path.end() - 1), b(last.path.begin(), last.path.end() - 1);
  bool same = first.path.size() == last.path.size() && first.path.back().orelse == last.path.back().orelse &&
              std::equal(a.begin(), a.end(), b.begin());
  if (!same || last.index() < first.index())
    scheduling_error(kPrim, p, last, "expected the last statement to follow the first in the same block");
  return Cursor::block(first.path, last.index() - first.index() + 1);
}

// Whether a statement of `stmts` names `name` (an access, a window of it, or a call argument).
bool mentions(const Block& stmts, const Sym& name) {
  bool found = false;
  std::function<void(const Expr&)> scan = [&](const Expr& e) {
    if (auto* r = e.as<ReadNode>(); r && r->name == name) found = true;
    if (auto* w = e.as<WindowExprNode>(); w && w->name == name) found = true;
    for (auto& k : expr_children(e)) scan(k);
  };
  for_each_stmt(stmts, [&](const Stmt& s) {
    if (auto* a = s.as<AssignNode>(); a && a->name == name) found = true;
    if (auto* a = s.as<ReduceNode>(); a && a->name == name) found = true;
    for (auto& e : stmt_exprs(s)) scan(e);
  });
  return found;
}

// A window of `buf` declared at the top of the block and used after it: staging
// would point it at the new buffer, which is dead once stored back. Returns its name.
std::string escaping_window(const Proc& p, const Cursor& block, const Sym& buf) {
  const Block* parent = resolve_parent_block(p, block.path);
  int first = block.index(), count = block.is_block() ? block.count : 1;
  Block rest(parent->begin() + first + count, parent->end());
  std::set<Sym> of_buf{buf};
  for (int k = first; k < first + count; ++k)
    if (auto* w = (*parent)[k].as<WindowStmtNode>())
      if (auto* e = w->rhs.as<WindowExprNode>(); e && of_buf.count(e->name)) {
        of_buf.insert(w->name);
        if (mentions(rest, w->name)) return w->name.name();
      }
  return "";
}

Rewrite stage_mem(const Proc& p, const Cursor& block, const std::string& win_expr, const std::string& new_name,
                  bool accum) {
  // Step 1. Locate the block and the window.
  if (!block.is_stmt() && !block.is_block()) scheduling_error(kPrim, p, block, "expected a statement or a block");
  if (!is_valid_in(p, block)) scheduling_error(kPrim, p, Cursor::invalid(), "the block is not in this proc");
  assert(is_valid_new_name(new_name));  // arguments are checked by the primitive records
  ParsedWindow w = parse_window_at(kPrim, 2, "win_expr", p, block.path, win_expr);
  const std::vector<WAccess>& win = w.coords;
  Cursor where = block.is_stmt() ? Cursor::block(block.path, 1) : block;

  // Step 2. Check: the window's intervals run forward; where it may reach
  // outside the buffer, the copies are guarded (as exo-lang does) ...
  std::vector<CoordGuard> guards(win.size());
  for (size_t k = 0; k < win.size(); ++k) {
    Expr n = w.type.shape[k];
    Expr last = win[k].is_interval ? win[k].hi : win[k].lo;
    guards[k].lower = !provable_at(p, block.path, binop(BinOpKind::Le, int_const(0), win[k].lo));
    guards[k].upper = !provable_at(p, block.path,
                                   binop(win[k].is_interval ? BinOpKind::Le : BinOpKind::Lt, last, n));
    if (win[k].is_interval) {
      Expr g = binop(BinOpKind::Le, win[k].lo, win[k].hi);
      if (!provable_at(p, block.path, g))
        scheduling_error(kPrim, p, where,
                         "the window " + win_expr + " may run backwards in dimension " + std::to_string(k) +
                             ": '" + print_expr(g) + "' is not provable");
    }
  }
  // ... it is not empty (the staging buffer's extents must be positive, as
  // every allocation's) ...
  for (auto& c : win)
    if (c.is_interval) {
      Expr g = binop(BinOpKind::Lt, c.lo, c.hi);
      if (!provable_at(p, block.path, g))
        scheduling_error(kPrim, p, where,
                         "the window " + win_expr + " may be empty: '" + print_expr(g) +
                             "' is not provable (the staging buffer's extents must be positive)");
    }
  // ... the block reaches the buffer only through `buf`, and only inside the window.
  BlockUse use = collect_uses(p, block, w.buf);
  if (!use.whole_call.empty())
    scheduling_error(kPrim, p, where, "'" + w.buf.name() + "' is passed whole to a call inside the block");
  if (!use.other_alias.empty())
    scheduling_error(kPrim, p, where,
                     "the block accesses the storage of '" + w.buf.name() + "' through '" + use.other_alias +
                         "', which staging would not redirect");
  std::string escaping = escaping_window(p, block, w.buf);
  if (!escaping.empty())
    scheduling_error(
        kPrim, p, where,
        "the window '" + escaping + "' of '" + w.buf.name() +
            "' is declared in the block and used after it, where staging would not redirect it");
  if (use.accesses.empty())
    scheduling_error(kPrim, p, where,
                     "Cannot stage '" + w.buf.name() + "' with the given window shape. Wrong window shape, or '" +
                         w.buf.name() + "' not accessed in the given scope?");
  bool reads = false, writes = false, reduces = false;
  const StagedAccess* first_rw = nullptr;
  for (auto& a : use.accesses) {
    std::string why = outside_window(p, a, win);
    if (!why.empty())
      scheduling_error(kPrim, p, Cursor::stmt(a.path),
                       "Buffer has accesses which are neither fully within nor disjoint from the window: the access " + a.text + " may be outside the window " + win_expr + ": " + why);
    reads |= a.kind == StagedAccess::Read || a.kind == StagedAccess::Window;
    writes |= a.kind == StagedAccess::Write || a.kind == StagedAccess::Window;
    reduces |= a.kind == StagedAccess::Reduce;
    if (!first_rw && a.kind != StagedAccess::Reduce) first_rw = &a;
  }
  bool reduce_only = reduces && !reads && !writes;
  if (accum && !reduce_only)
    scheduling_error(kPrim, p, first_rw ? Cursor::stmt(first_rw->path) : where,
                     "accum=True needs the block to only reduce (+=) into " + win_expr +
                         (first_rw ? ", but it also accesses " + first_rw->text : ", but it does not reduce into it"));

  // Step 3. Build: alloc, load (or zero), the redirected block, store (or add back).
  SrcInfo si = resolve_stmts(p, block).front()->srcinfo;
  Sym staged(new_name);
  std::vector<Expr> extents;
  for (auto& c : win)
    if (c.is_interval) extents.push_back(sub_index(c.hi, c.lo));
  ScalarKind elem = w.type.base;
  Type t = extents.empty() ? Type::scalar(elem) : Type::tensor(elem, extents);
  Block before{make_stmt<AllocNode>(staged, t, dram(), si)}, after;
  auto copy = [&](Copy kind) { return copy_nest(kind, w.buf, staged, elem, win, extents, w.type.shape, guards, si); };
  if (accum) {
    before.push_back(copy(Copy::Zero));
    after.push_back(copy(Copy::AddBack));
  } else {
    // Writes load too: the store copies the whole window back, and elements the
    // block does not write (guards, partial coverage) must keep their values;
    // unless the block only writes and provably writes all of them.
    bool overwritten = writes && !reads && !reduces &&
                       std::any_of(use.accesses.begin(), use.accesses.end(),
                                   [&](const StagedAccess& a) { return overwrites_window(p, block, a, win, w.type.shape); });
    overwritten = overwritten || written_before_read(use.accesses, win, block);
    if ((reads || writes || reduces) && !overwritten) before.push_back(copy(Copy::Load));
    if (writes || reduces) after.push_back(copy(Copy::Store));
  }
  Redirect rd(w.buf, staged, win);
  Block out = before;
  for (auto& s : resolve_stmts(p, block)) {
    Block m = rd.mutate_stmt(s);
    out.insert(out.end(), m.begin(), m.end());
  }
  out.insert(out.end(), after.begin(), after.end());

  // Step 4. Replace; cursors into the block follow it past the inserted prologue.
  int count = block.is_block() ? block.count : 1;
  Proc q = splice_block(p, block.path, count, out);
  return rewrite_detail::keeping_definition_rules(
      kPrim, p, where,
      Rewrite{q, forward_wrap_around(block.path, count, static_cast<int>(before.size()),
                                     static_cast<int>(after.size()))});
}

}  // namespace exo
