// The randomized scheduling tests' step table (random_steps.h) and the
// helpers its families share (random_steps_internal.h).
#include "support/random_steps.h"

#include <algorithm>
#include <regex>

#include "exo/printer.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "support/random_proc.h"
#include "support/random_steps_internal.h"
#include "support/by_name.h"

namespace exo::test {
namespace steps {

namespace {
int fresh_id = 0;
}  // namespace

std::string fresh(const std::string& base) { return base + std::to_string(fresh_id++); }

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

std::optional<std::pair<Cursor, Cursor>> adjacent(Rng& r, const Proc& p, StmtKind k, bool any) {
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

std::optional<Cursor> any_gap(Rng& r, const Proc& p) {
  auto s = any_of(r, all_stmts(p));
  if (!s) return std::nullopt;
  return coin(r, 50) ? before(*s) : after(*s);
}

std::vector<const ForNode*> enclosing_loops(const Proc& p, const StmtPath& path) {
  std::vector<const ForNode*> out;
  for (size_t k = 1; k < path.size(); ++k) {
    Stmt s = resolve_stmt(p, StmtPath(path.begin(), path.begin() + k));
    if (auto* f = s.as<ForNode>()) out.push_back(f);
  }
  return out;
}

void collect(const StmtPath& s, std::vector<int> ep, const Expr& e, std::vector<ExprAt>& out) {
  out.push_back({Cursor::expr(s, ep), e});
  auto kids = expr_children(e);
  for (size_t k = 0; k < kids.size(); ++k) {
    ep.push_back(static_cast<int>(k));
    collect(s, ep, kids[k], out);
    ep.pop_back();
  }
}

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

std::vector<ExprAt> all_exprs(const Proc& p) {
  std::vector<ExprAt> out;
  for (auto& path : all_stmt_paths(p)) {
    auto es = stmt_exprs(resolve_stmt(p, path));
    for (size_t k = 0; k < es.size(); ++k) collect(path, {static_cast<int>(k)}, es[k], out);
  }
  return out;
}

const char* const kBuffers[3] = {"x", "y", "A"};

std::string whole(const std::string& buf) {
  return buf == "A" ? "A[0:n + 4, 0:8]" : buf + "[0:n + 4]";
}

// Each coordinate a point, the one-element interval there, or the whole
// dimension. With `written_only`, around the written element (accumulating
// staging needs it).
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

std::string show(const Proc& p, const Cursor& c) {
  std::string code;
  if (c.is_expr()) {
    if (Expr e = resolve_expr(p, c)) code = print_expr(e);
  } else if (c.is_stmt() || c.is_block()) {
    auto ss = resolve_stmts(p, c);
    if (!ss.empty()) {
      code = print_stmt(ss.front());
      code = code.substr(0, code.find('\n'));
      if (ss.size() > 1) code += " ...";
    }
  }
  return c.str() + (code.empty() ? "" : " `" + code + "`");
}

}  // namespace steps

void reset_step_names() { steps::fresh_id = 0; }

StepLibrary make_step_library(const Module& m, const Scope* scope) {
  StepLibrary lib;
  lib.cfg = m.configs().at(0);
  lib.scope = scope;
  lib.noop = m.proc(kNoopInstr);
  lib.memories = {dram_static(), dram_stack(), dram()};
  for (auto& name : random_proc_subprocs()) {
    Proc q = m.proc(name);
    if (name != kNoopInstr) lib.replaceable.push_back(q);
    lib.call_pool.push_back(q);
    // Scheduled from the callee: equivalent. Each variant has its own name (two
    // different procs of one name cannot be compiled together).
    bool sym = name == "scale_row";
    if (q->body.front()->kind == StmtKind::For)
      lib.call_pool.push_back(
          rename_proc(split_loop(q, "k", 4, "ko", "ki", "guard", !sym).proc, name + "_s").proc);
    lib.call_pool.push_back(rename_proc(q, name + "_v").proc);
  }
  // Same signature, another meaning (a new equivalence class): call_eqv must refuse.
  lib.call_pool.push_back(
      rename_proc(set_precision(m.proc("dbl_row"), "tmp", ScalarKind::F64).proc, "dbl_row_f64")
          .proc);
  return lib;
}

const std::vector<RandomStep>& random_steps() {
  static const std::vector<RandomStep> table = [] {
    std::vector<RandomStep> t;
    steps::add_loop_steps(t);
    steps::add_buffer_steps(t);
    steps::add_expr_steps(t);
    steps::add_subproc_steps(t);
    return t;
  }();
  return table;
}

}  // namespace exo::test
