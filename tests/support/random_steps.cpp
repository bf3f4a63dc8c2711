#include "support/random_steps.h"

#include <algorithm>
#include <regex>

#include "exo/buffers.h"
#include "exo/config_primitives.h"
#include "exo/equivalence.h"
#include "exo/printer.h"
#include "exo/reshape.h"
#include "exo/rewrite.h"
#include "exo/scheduling.h"
#include "exo/subprocs.h"
#include "support/random_proc.h"

namespace exo::test {
namespace {

using Rng = std::mt19937;
using Opt = std::optional<Rewrite>;

int pick(Rng& r, int n) { return std::uniform_int_distribution<int>(0, n - 1)(r); }
bool coin(Rng& r, int percent) { return pick(r, 100) < percent; }
template <class T>
const T& one_of(Rng& r, const std::vector<T>& v) {
  return v[pick(r, static_cast<int>(v.size()))];
}

int fresh_id = 0;
std::string fresh(const std::string& base) { return base + std::to_string(fresh_id++); }

// ---------------------------------------------------------------------------
// Places in the proc
// ---------------------------------------------------------------------------

std::vector<Cursor> stmts_of(const Proc& p, StmtKind k) {
  std::vector<Cursor> out;
  for (auto& path : all_stmt_paths(p))
    if (resolve_stmt(p, path)->kind == k) out.push_back(Cursor::stmt(path));
  return out;
}
std::vector<Cursor> all_stmts(const Proc& p) {
  std::vector<Cursor> out;
  for (auto& path : all_stmt_paths(p)) out.push_back(Cursor::stmt(path));
  return out;
}
std::optional<Cursor> any_of(Rng& r, const std::vector<Cursor>& cs) {
  if (cs.empty()) return std::nullopt;
  return one_of(r, cs);
}
// A statement that has a next sibling, and that sibling.
std::optional<std::pair<Cursor, Cursor>> adjacent(Rng& r, const Proc& p,
                                                  StmtKind k = StmtKind::Pass, bool any = true) {
  std::vector<std::pair<Cursor, Cursor>> out;
  for (auto& c : all_stmts(p)) {
    Cursor n = next(p, c);
    if (!n.valid()) continue;
    if (!any && (resolve_stmt(p, c)->kind != k || resolve_stmt(p, n)->kind != k)) continue;
    out.push_back({c, n});
  }
  if (out.empty()) return std::nullopt;
  return one_of(r, out);
}

// The loops enclosing a statement, outermost first.
std::vector<const ForNode*> enclosing_loops(const Proc& p, const StmtPath& path) {
  std::vector<const ForNode*> out;
  for (size_t k = 1; k < path.size(); ++k) {
    Stmt s = resolve_stmt(p, StmtPath(path.begin(), path.begin() + k));
    if (auto* f = s.as<ForNode>()) out.push_back(f);
  }
  return out;
}

struct ExprAt {
  Cursor at;
  Expr e;
};
void collect(const StmtPath& s, std::vector<int> ep, const Expr& e, std::vector<ExprAt>& out) {
  out.push_back({Cursor::expr(s, ep), e});
  auto kids = expr_children(e);
  for (size_t k = 0; k < kids.size(); ++k) {
    ep.push_back(static_cast<int>(k));
    collect(s, ep, kids[k], out);
    ep.pop_back();
  }
}
// Data-valued expressions on the right of assignments and reductions.
std::vector<ExprAt> data_exprs(const Proc& p, bool reads_only) {
  std::vector<ExprAt> all;
  for (auto& path : all_stmt_paths(p)) {
    Stmt s = resolve_stmt(p, path);
    if (s->kind != StmtKind::Assign && s->kind != StmtKind::Reduce) continue;
    auto es = stmt_exprs(s);
    collect(path, {static_cast<int>(es.size()) - 1}, es.back(), all);
  }
  std::vector<ExprAt> out;
  for (auto& x : all)
    if (x.e->type.is_real_scalar() && (!reads_only || x.e->kind == ExprKind::Read))
      out.push_back(x);
  return out;
}

const char* kBuffers[] = {"x", "y", "A"};
std::string whole(const std::string& buf) {
  return buf == "A" ? "A[0:n + 4, 0:8]" : buf + "[0:n + 4]";
}

// A window around one access of a statement: each coordinate a point, the
// one-element interval there, or the whole dimension.
// With `written_only`, around the written element (accum staging needs it).
std::optional<std::string> window_around(Rng& r, const Proc& p, const Cursor& s,
                                         bool written_only) {
  Stmt st = resolve_stmt(p, s);
  std::vector<std::pair<std::string, std::vector<Expr>>> acc;
  // Shadowed iterators print as `i0_1`, a name the window text cannot refer to.
  static const std::regex shadowed("_[0-9]");
  auto note = [&](const Sym& n, const std::vector<Expr>& idx) {
    std::string text;
    for (auto& e : idx) text += print_expr(e) + ",";
    for (auto* b : kBuffers)
      if (n.name() == b && !idx.empty() && !std::regex_search(text, shadowed))
        acc.push_back({b, idx});
  };
  if (auto* a = st.as<AssignNode>()) note(a->name, a->idx);
  if (auto* a = st.as<ReduceNode>()) note(a->name, a->idx);
  for (auto& e : stmt_exprs(st)) {
    if (written_only) break;
    std::vector<ExprAt> sub;
    collect(s.path, {0}, e, sub);
    for (auto& x : sub)
      if (auto* rd = x.e.as<ReadNode>()) note(rd->name, rd->idx);
  }
  if (acc.empty()) return std::nullopt;
  auto& [buf, idx] = one_of(r, acc);
  std::string w = buf + "[";
  for (size_t k = 0; k < idx.size(); ++k) {
    std::string e = print_expr(idx[k]);
    if (k) w += ", ";
    switch (pick(r, 3)) {
      case 0:
        w += e;
        break;
      case 1:
        w += e + ":" + e + " + 1";
        break;
      default:
        w += k == 0 ? "0:n + 4" : "0:8";
        break;
    }
  }
  return w + "]";
}

// ---------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------

Opt stage(const Proc& p, Rng& r, bool accum) {
  auto stmts = all_stmts(p);
  if (stmts.empty()) return std::nullopt;
  // accum stages reductions: mostly around one, at the element it reduces into.
  auto reductions = stmts_of(p, StmtKind::Reduce);
  Cursor s = accum && !reductions.empty() && coin(r, 70) ? one_of(r, reductions) : one_of(r, stmts);
  auto k = resolve_stmt(p, s)->kind;
  if ((k == StmtKind::Assign || k == StmtKind::Reduce) && coin(r, accum ? 85 : 60))
    if (auto w = window_around(r, p, s, accum)) return stage_mem(p, s, *w, fresh("st"), accum);
  Cursor block = s;
  Cursor n = next(p, s);
  if (n.valid() && coin(r, 30)) block = stmt_range(p, s, n);
  return stage_mem(p, block, whole(kBuffers[pick(r, 3)]), fresh("st"), accum);
}

Opt expand(const Proc& p, Rng& r) {
  auto c = any_of(r, stmts_of(p, StmtKind::Alloc));
  if (!c) return std::nullopt;
  auto loops = enclosing_loops(p, c->path);
  if (!loops.empty() && coin(r, 60)) {
    const ForNode* f = one_of(r, loops);
    std::string it = f->iter.name(), lo = print_expr(f->lo), hi = print_expr(f->hi);
    // iter - lo lies in [0, hi - lo); the off-by-one twin does not.
    std::string idx = lo == "0" ? it : it + " - (" + lo + ")";
    std::string dim = lo == "0" ? hi : hi + " - (" + lo + ")";
    if (coin(r, 25)) idx += " + 1";
    return expand_dim(p, *c, dim, idx);
  }
  int d = 1 + pick(r, 4);
  return expand_dim(p, *c, std::to_string(d), std::to_string(pick(r, d + 1)));
}

Opt rearrange(const Proc& p, Rng& r) {
  std::vector<Cursor> multi;
  for (auto& a : stmts_of(p, StmtKind::Alloc))
    if (resolve_stmt(p, a).as<AllocNode>()->type.rank() >= 2) multi.push_back(a);
  auto c = any_of(r, !multi.empty() && coin(r, 80) ? multi : stmts_of(p, StmtKind::Alloc));
  if (!c) return std::nullopt;
  int rank = static_cast<int>(resolve_stmt(p, *c).as<AllocNode>()->type.rank());
  if (rank == 0) return std::nullopt;
  std::vector<int> perm(rank);
  for (int k = 0; k < rank; ++k) perm[k] = k;
  std::shuffle(perm.begin(), perm.end(), r);
  if (rank >= 2 && std::is_sorted(perm.begin(), perm.end()))
    std::rotate(perm.begin(), perm.begin() + 1, perm.end());  // not the identity
  return rearrange_dim(p, *c, perm);
}

Opt divide(const Proc& p, Rng& r) {
  auto c = any_of(r, stmts_of(p, StmtKind::Alloc));
  if (!c) return std::nullopt;
  int rank = static_cast<int>(resolve_stmt(p, *c).as<AllocNode>()->type.rank());
  if (rank == 0) return std::nullopt;
  static const long long qs[] = {2, 4, 3};
  return divide_dim(p, *c, pick(r, rank), qs[pick(r, 3)]);
}

Opt mult(const Proc& p, Rng& r) {
  std::vector<Cursor> cs;
  for (auto& c : stmts_of(p, StmtKind::Alloc))
    if (resolve_stmt(p, c).as<AllocNode>()->type.rank() >= 2) cs.push_back(c);
  auto c = any_of(r, cs);
  if (!c) return std::nullopt;
  int rank = static_cast<int>(resolve_stmt(p, *c).as<AllocNode>()->type.rank());
  return mult_dim(p, *c, pick(r, rank - 1));
}

Opt reuse(const Proc& p, Rng& r) {
  auto allocs = stmts_of(p, StmtKind::Alloc);
  // Mostly pairs of one type where the second is allocated in the first's scope.
  auto in_scope = [](const StmtPath& a, const StmtPath& b) {
    if (b.size() < a.size()) return false;
    for (size_t k = 0; k + 1 < a.size(); ++k)
      if (!(a[k] == b[k])) return false;
    const PathStep &x = a.back(), &y = b[a.size() - 1];
    return x.orelse == y.orelse && y.index > x.index;
  };
  std::vector<std::pair<Cursor, Cursor>> same, any;
  for (size_t a = 0; a < allocs.size(); ++a)
    for (size_t b = a + 1; b < allocs.size(); ++b) {
      any.push_back({allocs[a], allocs[b]});
      auto ta = resolve_stmt(p, allocs[a]).as<AllocNode>()->type;
      auto tb = resolve_stmt(p, allocs[b]).as<AllocNode>()->type;
      if (print_type(ta) == print_type(tb) && in_scope(allocs[a].path, allocs[b].path))
        same.push_back({allocs[a], allocs[b]});
    }
  auto& from = !same.empty() && coin(r, 80) ? same : any;
  if (from.empty()) return std::nullopt;
  auto [a, b] = one_of(r, from);
  return data_reuse(p, a, b);
}

Opt bind(const Proc& p, Rng& r) {
  auto es = data_exprs(p, false);
  if (es.empty()) return std::nullopt;
  const ExprAt& first = one_of(r, es);
  std::vector<Cursor> at{first.at};
  if (coin(r, 30)) {
    std::string text = print_expr(first.e);
    for (auto& x : es)
      if (!(x.at == first.at) && print_expr(x.e) == text) at.push_back(x.at);
  }
  return bind_expr(p, at, fresh("b"), coin(r, 40));
}

std::string cfg_value(Rng& r) {
  static const char* values[] = {"2.0", "x[1]", "0.0"};
  return values[pick(r, 3)];
}

// Procs of the pool with the callee's signature (other than the callee itself).
std::vector<Proc> eqv_candidates(const Proc& callee, const StepLibrary& lib) {
  auto sig = [](const Proc& q) {
    std::string s;
    for (auto& a : q->args) s += print_type(a.type) + ";";
    return s;
  };
  std::vector<Proc> out;
  auto it = lib.call_candidates.find("pool");
  if (it == lib.call_candidates.end()) return out;
  for (auto& q : it->second)
    if (q != callee && sig(q) == sig(callee)) out.push_back(q);
  return out;
}

}  // namespace

void reset_step_names() { fresh_id = 0; }

StepLibrary make_step_library(const Module& m) {
  StepLibrary lib;
  lib.cfg = m.configs().at(0);
  std::vector<Proc> pool;
  for (auto& name : random_proc_subprocs()) {
    Proc q = m.proc(name);
    lib.replaceable.push_back(q);
    pool.push_back(q);
    // Scheduled from the callee: equivalent. Each variant has its own name (two
    // different procs of one name cannot be compiled together).
    bool sym = name == "scale_row";
    if (q->body.front()->kind == StmtKind::For)
      pool.push_back(
          rename_proc(split_loop(q, "k", 4, "ko", "ki", "guard", !sym).proc, name + "_s").proc);
    pool.push_back(rename_proc(q, name + "_v").proc);
  }
  // Same signature, another meaning (a new equivalence class): call_eqv must refuse.
  pool.push_back(
      rename_proc(set_precision(m.proc("dbl_row"), "tmp", ScalarKind::F64).proc, "dbl_row_f64")
          .proc);
  lib.call_candidates["pool"] = pool;
  return lib;
}

const std::vector<RandomStep>& random_steps() {
  static const std::vector<RandomStep> table = {
      // Loops and statements
      {"split",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         auto c = any_of(r, stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         static const char* tails[] = {"guard", "cut", "cut_and_guard", "perfect"};
         std::string tail = tails[pick(r, 4)];
         bool perfect = tail == "perfect";
         return split_loop(p, *c, 2 + pick(r, 3), fresh("o"), fresh("n"), perfect ? "guard" : tail,
                           perfect);
       }},
      {"reorder_loops",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         // Prefer loops whose body is a single loop: the only ones it can apply to.
         std::vector<Cursor> nests;
         for (auto& c : stmts_of(p, StmtKind::For)) {
           auto* f = resolve_stmt(p, c).as<ForNode>();
           if (f->body.size() == 1 && f->body[0]->kind == StmtKind::For) nests.push_back(c);
         }
         auto c = any_of(r, !nests.empty() && coin(r, 80) ? nests : stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         return reorder_loops(p, *c);
       }},
      {"reorder_stmts",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         auto a = adjacent(r, p);
         if (!a) return std::nullopt;
         return reorder_stmts(p, a->first, a->second);
       }},
      {"unroll",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         auto c = any_of(r, stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         return unroll_loop(p, *c);
       }},
      {"remove_loop",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         // Mostly loops whose body does not name the iterator: the only candidates.
         std::vector<Cursor> free;
         for (auto& c : stmts_of(p, StmtKind::For)) {
           auto* f = resolve_stmt(p, c).as<ForNode>();
           std::regex word("\\b" + f->iter.name() + "\\b");
           if (!std::regex_search(print_block(f->body), word)) free.push_back(c);
         }
         auto c = any_of(r, !free.empty() && coin(r, 80) ? free : stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         return remove_loop(p, *c);
       }},
      {"delete_pass",
       [](const Proc& p, Rng&, const StepLibrary&) -> Opt { return delete_pass(p); }},
      {"simplify", [](const Proc& p, Rng&, const StepLibrary&) -> Opt { return simplify(p); }},
      {"reorder_before",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         auto a = adjacent(r, p);
         if (!a) return std::nullopt;
         return reorder_before(p, a->second);
       }},
      {"fuse_loop",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         auto a = adjacent(r, p, StmtKind::For, false);
         if (!a) return std::nullopt;
         return fuse_loop(p, a->first, a->second);
       }},
      {"partition_loop",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         auto c = any_of(r, stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         return partition_loop(p, *c, 1 + pick(r, 3));
       }},
      {"fission_after",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         // Mostly split points in loop bodies without allocations (a buffer
         // declared before the point and used after it is always refused).
         std::vector<Cursor> good, any;
         for (auto& c : all_stmts(p)) {
           if (c.path.size() < 2 || !next(p, c).valid()) continue;
           any.push_back(c);
           bool allocs = false;
           for (auto& s : *resolve_parent_block(p, c.path)) allocs |= s->kind == StmtKind::Alloc;
           if (!allocs && resolve_stmt(p, parent(c))->kind == StmtKind::For) good.push_back(c);
         }
         auto c = any_of(r, !good.empty() && coin(r, 80) ? good : any);
         if (!c) return std::nullopt;
         return fission_after(p, *c, c->path.size() > 2 && coin(r, 40) ? 2 : 1);
       }},
      {"lift_if",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         auto c = any_of(r, stmts_of(p, StmtKind::If));
         if (!c) return std::nullopt;
         return lift_if(p, *c);
       }},
      {"assert_if",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         auto c = any_of(r, stmts_of(p, StmtKind::If));
         if (!c) return std::nullopt;
         // Half the time the value the generator's always-true guards have.
         std::string cond = print_expr(resolve_stmt(p, *c).as<IfNode>()->cond);
         bool known = cond == "n >= 1" || cond == "n % 4 == 0";
         return assert_if(p, *c, known && coin(r, 50) ? true : coin(r, 50));
       }},
      // Buffers
      {"stage_mem",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt { return stage(p, r, false); }},
      {"stage_mem_accum",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt { return stage(p, r, true); }},
      {"expand_dim", [](const Proc& p, Rng& r, const StepLibrary&) -> Opt { return expand(p, r); }},
      {"rearrange_dim",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt { return rearrange(p, r); }},
      {"divide_dim", [](const Proc& p, Rng& r, const StepLibrary&) -> Opt { return divide(p, r); }},
      {"mult_dim", [](const Proc& p, Rng& r, const StepLibrary&) -> Opt { return mult(p, r); }},
      {"lift_alloc",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         auto c = any_of(r, stmts_of(p, StmtKind::Alloc));
         if (!c) return std::nullopt;
         return lift_alloc(p, *c, 1 + pick(r, 2), coin(r, 40));
       }},
      {"data_reuse", [](const Proc& p, Rng& r, const StepLibrary&) -> Opt { return reuse(p, r); }},
      {"bind_expr", [](const Proc& p, Rng& r, const StepLibrary&) -> Opt { return bind(p, r); }},
      {"inline_window",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         auto c = any_of(r, stmts_of(p, StmtKind::WindowStmt));
         if (!c) return std::nullopt;
         return inline_window(p, *c);
       }},
      {"set_precision",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         auto c = any_of(r, stmts_of(p, StmtKind::Alloc));
         if (!c) return std::nullopt;
         return set_precision(p, BufferRef{-1, *c}, ScalarKind::F64);
       }},
      // Configs
      {"bind_config",
       [](const Proc& p, Rng& r, const StepLibrary& lib) -> Opt {
         auto es = data_exprs(p, true);
         if (es.empty()) return std::nullopt;
         return bind_config(p, one_of(r, es).at, lib.cfg, "f");
       }},
      {"configwrite_root",
       [](const Proc& p, Rng& r, const StepLibrary& lib) -> Opt {
         std::string v = cfg_value(r);
         return configwrite_root(p, lib.cfg, "f", v);
       }},
      {"configwrite_after",
       [](const Proc& p, Rng& r, const StepLibrary& lib) -> Opt {
         auto c = any_of(r, all_stmts(p));
         if (!c) return std::nullopt;
         std::string v = cfg_value(r);
         return configwrite_after(p, *c, lib.cfg, "f", v);
       }},
      {"write_config",
       [](const Proc& p, Rng& r, const StepLibrary& lib) -> Opt {
         auto c = any_of(r, all_stmts(p));
         if (!c) return std::nullopt;
         std::string v = cfg_value(r);
         return write_config(p, coin(r, 50) ? before(*c) : after(*c), lib.cfg, "f", v);
       }},
      {"delete_config",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         auto c = any_of(r, stmts_of(p, StmtKind::WriteConfig));
         if (!c) return std::nullopt;
         return delete_config(p, *c);
       }},
      // Sub-procedures
      {"inline",
       [](const Proc& p, Rng& r, const StepLibrary&) -> Opt {
         auto c = any_of(r, stmts_of(p, StmtKind::Call));
         if (!c) return std::nullopt;
         return inline_call(p, *c);
       }},
      {"replace",
       [](const Proc& p, Rng& r, const StepLibrary& lib) -> Opt {
         // Mostly loops of 8 (the instructions' shape), else any statement.
         std::vector<Cursor> loops;
         for (auto& c : stmts_of(p, StmtKind::For))
           if (print_expr(resolve_stmt(p, c).as<ForNode>()->hi) == "8") loops.push_back(c);
         auto c = any_of(r, !loops.empty() && coin(r, 80) ? loops : all_stmts(p));
         if (!c) return std::nullopt;
         // Like replacing with a library: the first of the procs (random order) that fits.
         std::vector<Proc> order = lib.replaceable;
         std::shuffle(order.begin(), order.end(), r);
         for (size_t k = 0;; ++k) {
           try {
             return replace(p, *c, order[k]);
           } catch (const Error& e) {
             if (e.kind() != ErrorKind::Scheduling || k + 1 == order.size()) throw;
           }
         }
       }},
      {"replace_all",
       [](const Proc& p, Rng& r, const StepLibrary& lib) -> Opt {
         return replace_all(p, one_of(r, lib.replaceable));
       }},
      {"call_eqv",
       [](const Proc& p, Rng& r, const StepLibrary& lib) -> Opt {
         auto c = any_of(r, stmts_of(p, StmtKind::Call));
         if (!c) return std::nullopt;
         Proc callee = resolve_stmt(p, *c).as<CallNode>()->proc;
         auto cands = eqv_candidates(callee, lib);
         std::vector<Proc> eqv;
         for (auto& q : cands)
           if (equivalent(q, callee)) eqv.push_back(q);
         if (cands.empty()) return std::nullopt;
         return call_eqv(p, *c, !eqv.empty() && coin(r, 60) ? one_of(r, eqv) : one_of(r, cands));
       }},
  };
  return table;
}

}  // namespace exo::test
