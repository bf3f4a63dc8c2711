// Recomputed producers: fusing a loop that writes overlapping elements of a
// buffer in different iterations (Halide's compute_at with recomputation,
// after divide_with_recompute) into the loop that reads them.
//
// Fusion runs the reader's iteration i before the writer's later iterations.
// When the writer's iteration j > i rewrites an element the reader's iteration
// i reads, the reader now sees an earlier write of that element instead of the
// last one. That changes nothing when
//   (1) every write of the buffer in the first loop stores the same value into
//       a given element: one assignment `B[idx] = rhs`, nothing else writing B
//       in the first loop, the second loop only reading B, and rhs, once the
//       inner iterators are solved from idx, a function of the element's
//       coordinates and of storage neither loop writes; and
//   (2) the reader's iteration i reads only elements the writer's iteration i
//       wrote: for each dimension, the read index lies in the range the
//       solved iterator's loop covers.
// Then the reader sees the same value before and after fusion, and the buffer
// ends with the same contents. Anything else keeps the ordinary check.
#include "schedule/loops/fuse_recomputed.h"

#include <algorithm>
#include <map>
#include <set>

#include "analysis/effects_formula.h"
#include "analysis/iteration_conflicts.h"
#include "exo/ir_mutator.h"
#include "schedule/buffers/accesses.h"

namespace exo::rewrite_detail {
namespace {

using buffers_detail::simplify_index;
using buffers_detail::sub_index;

bool mentions_any(const Expr& e, const std::set<Sym>& vars) {
  for (auto& v : vars)
    if (mentions(e, v)) return true;
  return false;
}

// Replaces variables by expressions and re-normalises every index expression
// (`32*yo + (d - 32*yo)` -> `d`), so that solved iterators cancel out.
class SolveVars : public IRMutator {
 public:
  std::map<Sym, Expr> env;
  Expr mutate(const Expr& e) override {
    if (auto* r = e.as<ReadNode>(); r && r->idx.empty()) {
      auto it = env.find(r->name);
      if (it != env.end()) return it->second;
    }
    Expr out = mutate_children(e);
    if (out->type.is_indexable() || out->type.base == ScalarKind::Int) return simplify_index(out);
    return out;
  }
};

// The assignments to `buf` in `body`, each with whether it is reached
// through loops only (not under an if).
void assignments_to(const Block& body, const Sym& buf, bool loops_only,
                    std::vector<std::pair<Stmt, bool>>& out) {
  for (auto& s : body) {
    if (auto* a = s.as<AssignNode>(); a && a->name == buf) out.push_back({s, loops_only});
    if (auto* f = s.as<ForNode>()) assignments_to(f->body, buf, loops_only, out);
    if (auto* c = s.as<IfNode>()) {
      assignments_to(c->body, buf, false, out);
      assignments_to(c->orelse, buf, false, out);
    }
  }
}

// How the single write of a recomputed buffer covers its elements: dimension k
// is `base[k] + solved[k]` for an inner iterator solved[k] (ranging over
// [lo[k], hi[k])), or just `base[k]` when no inner iterator indexes it.
struct Coverage {
  std::vector<Expr> base;
  std::vector<std::optional<EffectLoop>> solved;
};

// Condition (1) for buffer `buf`, whose accesses in the first loop are
// `accesses`; the coverage shape on success.
std::optional<Coverage> value_determined_write(const Proc& p, const ForNode& first_loop, const Sym& buf,
                                               const std::vector<Access>& accesses,
                                               const std::vector<Access>& first, const std::vector<Access>& second,
                                               size_t depth) {
  // One write in the first loop (its other accesses to `buf` only read it),
  // by one assignment named `buf` (not through a window) that every
  // iteration of the inner loops runs.
  std::vector<std::pair<Stmt, bool>> asgs;
  assignments_to(first_loop.body, buf, true, asgs);
  auto count = [&](EffectKind k) {
    return std::count_if(accesses.begin(), accesses.end(), [&](const Access& a) { return a.kind == k; });
  };
  if (count(EffectKind::Write) != 1 || count(EffectKind::Reduce) != 0 || asgs.size() != 1 || !asgs[0].second)
    return std::nullopt;
  auto* asg = asgs[0].first.as<AssignNode>();
  std::vector<Access> own = stmt_effects(p, asgs[0].first);
  const Access* wp = nullptr;
  for (auto& a : own)
    if (a.kind == EffectKind::Write) wp = &a;
  if (!wp || wp->loops.size() <= depth || !(wp->buffer == buf)) return std::nullopt;
  const Access& w = *wp;
  // What rhs reads is written by neither loop.
  std::set<Sym> rhs_reads;
  std::set<std::pair<const Config*, std::string>> rhs_fields;
  for (auto& a : own) {
    if (a.kind != EffectKind::Read) continue;
    if (a.is_config()) rhs_fields.insert({a.config.get(), a.field});
    else rhs_reads.insert(a.buffer);
  }
  if (rhs_reads.count(buf)) return std::nullopt;
  // A window or buffer declared inside the loop may stand for different
  // storage in each iteration, whatever its indices say.
  std::set<Sym> local;
  for_each_stmt(first_loop.body, [&](const Stmt& s) {
    if (auto* a = s.as<AllocNode>()) local.insert(a->name);
    if (auto* v = s.as<WindowStmtNode>()) local.insert(v->name);
  });
  if (mentions_any(asg->rhs, local)) return std::nullopt;
  for (auto* list : {&first, &second})
    for (auto& a : *list) {
      if (a.kind == EffectKind::Read) continue;
      if (a.is_config() ? rhs_fields.count({a.config.get(), a.field}) > 0 : rhs_reads.count(a.buffer) > 0)
        return std::nullopt;
    }
  // Solve each inner iterator from the one dimension it indexes, with
  // coefficient 1: d_k = base_k + w  =>  w = d_k - base_k.
  std::set<Sym> inner, iters{w.loops[depth].iter};
  for (size_t k = depth + 1; k < w.loops.size(); ++k) inner.insert(w.loops[k].iter);
  iters.insert(inner.begin(), inner.end());
  Coverage cov;
  SolveVars solve;
  std::set<Sym> used;
  for (size_t d = 0; d < w.idx.size(); ++d) {
    std::optional<EffectLoop> hit;
    for (size_t k = depth + 1; k < w.loops.size() && !hit; ++k) {
      const EffectLoop& l = w.loops[k];
      if (used.count(l.iter) || !mentions(w.idx[d], l.iter)) continue;
      Expr rest = sub_index(w.idx[d], read_var(l.iter, ScalarKind::Index));
      if (mentions_any(rest, inner)) continue;
      hit = l;
      used.insert(l.iter);
      cov.base.push_back(rest);
      solve.env[l.iter] =
          sub_index(read_var(Sym("coord" + std::to_string(d)), ScalarKind::Index), rest);
    }
    if (!hit) {
      if (mentions_any(w.idx[d], inner)) return std::nullopt;
      cov.base.push_back(w.idx[d]);
    }
    cov.solved.push_back(hit);
  }
  if (used.size() != inner.size()) return std::nullopt;  // an iterator indexing nothing
  for (auto& s : cov.solved)                             // ranges fixed within one iteration
    if (s && (mentions_any(s->lo, inner) || mentions_any(s->hi, inner))) return std::nullopt;
  if (mentions_any(solve.mutate(asg->rhs), iters)) return std::nullopt;
  return cov;
}

// Condition (2): every read `r` (of the second loop, iterator `second_iter`)
// touches an element iteration `second_iter` of the first loop wrote.
bool covered(const Proc& p, const Coverage& cov, const Access& r, size_t depth, const Sym& first_iter) {
  if (r.loops.size() <= depth || r.idx.size() != cov.base.size()) return false;
  std::map<Sym, Expr> same_iteration{{first_iter, read_var(r.loops[depth].iter, ScalarKind::Index)}};
  SolveVars at;
  at.env = same_iteration;
  analysis::Lowering L;
  std::vector<analysis::Formula> facts = analysis::proc_facts(p, L);
  facts.push_back(analysis::access_domain(r, L));
  for (size_t d = 0; d < r.idx.size(); ++d) {
    Expr base = at.mutate(cov.base[d]);
    Expr goal;
    if (const auto& l = cov.solved[d]) {
      Expr off = sub_index(r.idx[d], base);
      goal = binop(BinOpKind::And, binop(BinOpKind::Le, at.mutate(l->lo), off),
                   binop(BinOpKind::Lt, off, at.mutate(l->hi)));
    } else {
      goal = binop(BinOpKind::Eq, r.idx[d], base);
    }
    if (!analysis::implies(facts, L.formula(goal), L)) return false;
  }
  return true;
}

}  // namespace

bool is_recomputed_buffer(const Proc& p, const ForNode& first_loop, const Sym& buf,
                          const std::vector<Access>& first, const std::vector<Access>& second, size_t depth) {
  auto of_buf = [&](const std::vector<Access>& list) {
    std::vector<Access> out;
    for (auto& a : list)
      if (!a.is_config() && a.buffer == buf) out.push_back(a);
    return out;
  };
  std::vector<Access> in_first = of_buf(first), in_second = of_buf(second);
  if (in_second.empty() || !std::all_of(in_second.begin(), in_second.end(),
                                        [](const Access& a) { return a.kind == EffectKind::Read; }))
    return false;
  auto cov = value_determined_write(p, first_loop, buf, in_first, first, second, depth);
  if (!cov) return false;
  return std::all_of(in_second.begin(), in_second.end(),
                     [&](const Access& r) { return covered(p, *cov, r, depth, first_loop.iter); });
}

}  // namespace exo::rewrite_detail
