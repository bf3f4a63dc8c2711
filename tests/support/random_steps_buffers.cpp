// Random steps: buffer primitives (exo/buffers.h, exo/buffers_extra.h,
// exo/reshape.h, set_precision and set_memory of exo/rewrite.h).
#include <algorithm>

#include "exo/schedule/buffers.h"
#include "exo/schedule/allocations.h"
#include "exo/printer.h"
#include "exo/schedule/reshape.h"
#include "exo/schedule/procs.h"
#include "support/random_steps_internal.h"

namespace exo::test::steps {
namespace {

int rank_of(const Proc& p, const Cursor& alloc) {
  return static_cast<int>(resolve_stmt(p, alloc).as<AllocNode>()->type.rank());
}

std::vector<Cursor> allocs_of_rank(const Proc& p, int min_rank) {
  std::vector<Cursor> out;
  for (auto& a : stmts_of(p, StmtKind::Alloc))
    if (rank_of(p, a) >= min_rank) out.push_back(a);
  return out;
}

Opt stage(const Proc& p, Rng& r, StepContext& cx, bool accum) {
  auto stmts = all_stmts(p);
  if (stmts.empty()) return std::nullopt;
  // accum stages reductions: mostly around one, at the element it reduces into.
  auto reductions = stmts_of(p, StmtKind::Reduce);
  Cursor s = accum && !reductions.empty() && coin(r, 70) ? one_of(r, reductions) : one_of(r, stmts);
  auto k = resolve_stmt(p, s)->kind;
  std::string name = fresh("st");
  if ((k == StmtKind::Assign || k == StmtKind::Reduce) && coin(r, accum ? 85 : 60))
    if (auto w = window_around(r, p, s, accum)) {
      cx.args = show(p, s) + ", " + *w;
      return stage_mem(p, s, *w, name, accum);
    }
  Cursor block = s;
  Cursor n = next(p, s);
  if (n.valid() && coin(r, 30)) block = stmt_range(p, s, n);
  std::string w = whole(kBuffers[pick(r, 3)]);
  cx.args = show(p, block) + ", " + w;
  return stage_mem(p, block, w, name, accum);
}

Opt expand(const Proc& p, Rng& r, StepContext& cx) {
  auto c = any_of(r, stmts_of(p, StmtKind::Alloc));
  if (!c) return std::nullopt;
  auto loops = enclosing_loops(p, c->path);
  std::string dim, idx;
  if (!loops.empty() && coin(r, 60)) {
    const ForNode* f = one_of(r, loops);
    std::string it = f->iter.name(), lo = print_expr(f->lo), hi = print_expr(f->hi);
    // iter - lo lies in [0, hi - lo); the off-by-one twin does not.
    idx = lo == "0" ? it : it + " - (" + lo + ")";
    dim = lo == "0" ? hi : hi + " - (" + lo + ")";
    if (coin(r, 25)) idx += " + 1";
  } else {
    int d = 1 + pick(r, 4);
    dim = std::to_string(d);
    idx = std::to_string(pick(r, d + 1));
  }
  cx.args = show(p, *c) + ", " + dim + ", " + idx;
  return expand_dim(p, *c, dim, idx);
}

Opt rearrange(const Proc& p, Rng& r, StepContext& cx) {
  auto multi = allocs_of_rank(p, 2);
  auto c = any_of(r, !multi.empty() && coin(r, 80) ? multi : allocs_of_rank(p, 1));
  if (!c) return std::nullopt;
  int rank = rank_of(p, *c);
  std::vector<int> perm(rank);
  for (int k = 0; k < rank; ++k) perm[k] = k;
  std::shuffle(perm.begin(), perm.end(), r);
  if (rank >= 2 && std::is_sorted(perm.begin(), perm.end()))
    std::rotate(perm.begin(), perm.begin() + 1, perm.end());  // not the identity
  cx.args = show(p, *c) + ", [";
  for (int k = 0; k < rank; ++k) cx.args += (k ? "," : "") + std::to_string(perm[k]);
  cx.args += "]";
  return rearrange_dim(p, *c, perm);
}

Opt reuse(const Proc& p, Rng& r, StepContext& cx) {
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
  cx.args = show(p, a) + ", " + show(p, b);
  return data_reuse(p, a, b);
}

Opt bind(const Proc& p, Rng& r, StepContext& cx) {
  auto es = data_exprs(p, false);
  if (es.empty()) return std::nullopt;
  const ExprAt& first = one_of(r, es);
  std::vector<Cursor> at{first.at};
  if (coin(r, 30)) {
    std::string text = print_expr(first.e);
    for (auto& x : es)
      if (!(x.at == first.at) && print_expr(x.e) == text) at.push_back(x.at);
  }
  bool cse = coin(r, 40);
  cx.args = show(p, first.at) + (at.size() > 1 ? " (+" + std::to_string(at.size() - 1) + ")" : "") +
            (cse ? ", cse" : "");
  return bind_expr(p, at, fresh("b"), cse);
}

// An allocation, for the primitives taking one; `min_rank` filters.
#define ALLOC_OR_NOTHING(min_rank)                        \
  auto c = any_of(r, allocs_of_rank(p, min_rank));        \
  if (!c) return std::nullopt;                            \
  cx.args = show(p, *c)

}  // namespace

void add_buffer_steps(std::vector<RandomStep>& t) {
  t.push_back({"stage_mem", [](const Proc& p, Rng& r, StepContext& cx) {
    return stage(p, r, cx, false);
  }});
  t.push_back({"stage_mem_accum", [](const Proc& p, Rng& r, StepContext& cx) {
    return stage(p, r, cx, true);
  }});
  t.push_back({"expand_dim", expand});
  t.push_back({"rearrange_dim", rearrange});
  t.push_back({"divide_dim", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    ALLOC_OR_NOTHING(1);
    int dim = pick(r, rank_of(p, *c));
    static const long long qs[] = {2, 4, 3};
    long long q = qs[pick(r, 3)];
    cx.args += ", " + std::to_string(dim) + ", " + std::to_string(q);
    return divide_dim(p, *c, dim, q);
  }});
  t.push_back({"mult_dim", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    ALLOC_OR_NOTHING(2);
    int dim = pick(r, rank_of(p, *c) - 1);
    cx.args += ", " + std::to_string(dim);
    return mult_dim(p, *c, dim);
  }});
  t.push_back({"lift_alloc", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    ALLOC_OR_NOTHING(0);
    int lifts = 1 + pick(r, 2);
    bool keep = coin(r, 40);
    cx.args += ", n_lifts=" + std::to_string(lifts) + (keep ? ", keep_dims" : "");
    return lift_alloc(p, *c, lifts, keep);
  }});
  t.push_back({"data_reuse", reuse});
  t.push_back({"bind_expr", bind});
  t.push_back({"inline_window", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = any_of(r, stmts_of(p, StmtKind::WindowStmt));
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return inline_window(p, *c);
  }});
  t.push_back({"set_precision", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    ALLOC_OR_NOTHING(0);
    return set_precision(p, BufferRef{-1, *c}, ScalarKind::F64);
  }});
  t.push_back({"set_memory", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    ALLOC_OR_NOTHING(0);
    const MemoryPtr& m = one_of(r, cx.lib.memories);
    cx.args += ", " + m->name();
    return set_memory(p, BufferRef{-1, *c}, m);
  }});
  t.push_back({"resize_dim", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    ALLOC_OR_NOTHING(1);
    int dim = pick(r, rank_of(p, *c));
    std::string size = std::to_string(1 + pick(r, 8)), offset = std::to_string(pick(r, 4));
    bool fold = coin(r, 30);
    cx.args += ", " + std::to_string(dim) + ", " + size + ", " + offset + (fold ? ", fold" : "");
    return resize_dim(p, *c, dim, size, offset, fold);
  }});
  t.push_back({"unroll_buffer", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto two = allocs_of_rank(p, 2);  // alloc2d's first dimension has constant indices
    auto c = any_of(r, !two.empty() && coin(r, 70) ? two : allocs_of_rank(p, 1));
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    int dim = rank_of(p, *c) == 2 && coin(r, 70) ? 0 : pick(r, rank_of(p, *c));
    cx.args += ", " + std::to_string(dim);
    return unroll_buffer(p, *c, dim);
  }});
  t.push_back({"sink_alloc", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    std::vector<Cursor> good;  // followed by a loop or an if
    for (auto& a : stmts_of(p, StmtKind::Alloc)) {
      Cursor n = next(p, a);
      if (n.valid() && resolve_stmt(p, n)->kind != StmtKind::Assign) good.push_back(a);
    }
    auto c = any_of(r, !good.empty() && coin(r, 80) ? good : stmts_of(p, StmtKind::Alloc));
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return sink_alloc(p, *c);
  }});
  t.push_back({"delete_buffer", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    std::vector<Cursor> dead;  // the generator's unused buffers
    for (auto& a : stmts_of(p, StmtKind::Alloc))
      if (resolve_stmt(p, a).as<AllocNode>()->name.name().rfind("dead", 0) == 0)
        dead.push_back(a);
    auto c = any_of(r, !dead.empty() && coin(r, 80) ? dead : stmts_of(p, StmtKind::Alloc));
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return delete_buffer(p, *c);
  }});
}

}  // namespace exo::test::steps
