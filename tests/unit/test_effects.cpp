// Effects summaries: locations read, written and reduced, looked through windows
// and calls, with loop ranges and path conditions.

#include <gtest/gtest.h>

#include <string>

#include "exo/schedule/cursor.h"
#include "exo/schedule/match.h"
#include "exo/effects.h"
#include "exo/exo.h"
#include "exo/schedule/procs.h"

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

}  // namespace
}  // namespace exo
