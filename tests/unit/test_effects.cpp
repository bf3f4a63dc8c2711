// Effects summaries: locations read, written and reduced, looked through windows
// and calls, with loop ranges and path conditions.

#include <gtest/gtest.h>

#include <string>

#include "exo/schedule/cursor.h"
#include "exo/schedule/match.h"
#include "exo/effects.h"
#include "exo/exo.h"
#include "exo/schedule/loops.h"
#include "exo/schedule/procs.h"
#include "support/by_name.h"
#include "support/schedule_check.h"

namespace exo {
namespace {

const char* kSrc = R"(
@config
class Cfg:
    scale: f32

@proc
def gemm(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]

@proc
def copy_row(n: size, src: [f32][n] @ DRAM, dst: [f32][n] @ DRAM):
    for i in seq(0, n):
        dst[i] = src[i]

@proc
def rows(n: size, A: f32[n, 8] @ DRAM, B: f32[n, 8] @ DRAM):
    for i in seq(0, n):
        copy_row(4, A[i, 4:8], B[i, 0:4])

@proc
def add_row(n: size, src: [f32][n] @ DRAM, dst: [f32][n] @ DRAM):
    for i in seq(0, n):
        dst[i] += src[i]

@proc
def two_calls(A: f32[4, 8] @ DRAM, B: f32[4, 8] @ DRAM):
    w = B[1, 0:8]
    copy_row(4, A[0, 0:4], w[0:4])
    copy_row(4, A[1, 0:4], w[4:8])
    copy_row(4, A[2, 0:4], B[1, 2:6])
    add_row(4, A[3, 0:4], B[2, 0:4])
    add_row(4, A[3, 4:8], B[2, 0:4])

@proc
def branchy(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        w = x[1:n]
        if i < n - 1:
            y[i] = w[i] * Cfg.scale
        else:
            y[i] = 0.0
    Cfg.scale = 1.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc, "effects.exo");
  return m;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Effects, Gemm) {
  auto effs = proc_effects(mod().proc("gemm"));
  ASSERT_EQ(effs.size(), 3u);
  std::string text = effects_text(effs);
  EXPECT_TRUE(contains(text, "C:\n    reduce C[i, j] for 0 <= i < M, 0 <= j < N, 0 <= k < K\n")) << text;
  EXPECT_TRUE(contains(text, "A:\n    read A[i, k] for 0 <= i < M")) << text;
  EXPECT_TRUE(contains(text, "read B[k, j]")) << text;
  const Access* c = nullptr;
  for (auto& a : effs)
    if (a.kind == EffectKind::Reduce) c = &a;
  ASSERT_TRUE(c);
  EXPECT_EQ(c->loops.size(), 3u);
  std::string dom = access_domain_text(*c);
  EXPECT_TRUE(contains(dom, "M")) << dom;
  EXPECT_TRUE(contains(dom, "K")) << dom;
  EXPECT_EQ(dom, "(i >= 0) and (M - i - 1 >= 0) and (j >= 0) and (N - j - 1 >= 0) and (k >= 0) and (K - k - 1 >= 0)");
}

TEST(Effects, CallsAndWindowsResolveToTheBuffer) {
  std::string text = effects_text(proc_effects(mod().proc("rows")));
  // The callee's `i` is renamed apart from the caller's.
  EXPECT_TRUE(contains(text, "read A[i, 4 + i_1] for 0 <= i < n, 0 <= i_1 < 4\n")) << text;
  EXPECT_TRUE(contains(text, "write B[i, i_1] for 0 <= i < n, 0 <= i_1 < 4\n")) << text;
  EXPECT_FALSE(contains(text, "src")) << text;
  EXPECT_FALSE(contains(text, "dst")) << text;
}

TEST(Effects, ConditionsAndConfigs) {
  std::string text = effects_text(proc_effects(mod().proc("branchy")));
  EXPECT_TRUE(contains(text, "read x[1 + i] for 0 <= i < n if i < n - 1")) << text;
  EXPECT_TRUE(contains(text, "Cfg.scale:\n    read Cfg.scale")) << text;
  EXPECT_TRUE(contains(text, "write Cfg.scale\n")) << text;
  EXPECT_TRUE(contains(text, "write y[i] for 0 <= i < n if not (i < n - 1)")) << text;
  EXPECT_FALSE(contains(text, "w[")) << text;
}

TEST(Effects, OneStatementInContext) {
  Proc p = mod().proc("branchy");
  Stmt s = resolve_stmt(p, find_stmt(p, "y[_] = _ #1"));
  auto effs = stmt_effects(p, s);
  ASSERT_EQ(effs.size(), 1u);
  EXPECT_EQ(effs[0].kind, EffectKind::Write);
  EXPECT_EQ(effs[0].loops.size(), 1u);
  ASSERT_EQ(effs[0].conds.size(), 1u);
  EXPECT_FALSE(effs[0].conds[0].holds);
  std::string dom = access_domain_text(effs[0]);
  EXPECT_FALSE(dom.empty());
}

// The per-name summary is a view of the access list: windows resolve to the
// buffer's own coordinates, a call's footprint gets one fresh variable per
// window dimension, which ranges over the window's extent.
TEST(Effects, SummaryIsAViewOfTheAccesses) {
  Proc p = mod().proc("two_calls");
  WindowAliases windows(p->body);
  EffectSummary e = effects_of(p->body[1], windows);
  ASSERT_EQ(e.writes.count(windows.storage_of(p->body[0].as<WindowStmtNode>()->name)), 1u);
  ASSERT_EQ(e.reads.size(), 1u);
  const std::vector<NameAccess>& w = e.writes.begin()->second;
  ASSERT_EQ(w.size(), 1u);
  ASSERT_EQ(w[0].idx.size(), 2u);
  EXPECT_EQ(print_expr(w[0].idx[0]), "1");  // B[1, ...] through the window w
  ASSERT_EQ(w[0].loops.size(), 1u);
  EXPECT_EQ(print_expr(w[0].loops[0].hi), "4 - 0");
  // A callee that only reduces into its parameter is a reduction at the call.
  EffectSummary r = effects_of(p->body[4], windows);
  EXPECT_EQ(r.reduces.size(), 1u);
  EXPECT_TRUE(r.writes.empty());
  EXPECT_EQ(r.reads.size(), 1u);  // A, not B
}

// What the view buys: calls on provably different rows (through a window) or
// that both only reduce commute; calls on overlapping windows do not.
TEST(Effects, CallsCommuteByTheirFootprints) {
  Proc p = mod().proc("two_calls");
  Rewrite apart = reorder_stmts(p, "copy_row(_) #0", "copy_row(_) #1");
  test::expect_same_results(p, apart.proc, {}, "calls_apart");
  Rewrite reductions = reorder_stmts(p, "add_row(_) #0", "add_row(_) #1");
  test::expect_same_results(p, reductions.proc, {}, "calls_reduce");
  std::string m = test::scheduling_error_message(
      [&] { reorder_stmts(p, "copy_row(_) #1", "copy_row(_) #2"); });
  EXPECT_NE(m.find("'B' is written by the first statement and written by the second"), std::string::npos) << m;
}

}  // namespace
}  // namespace exo
