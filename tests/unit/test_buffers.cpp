// expand_dim, rearrange_dim, lift_alloc, data_reuse, inline_window, bind_expr:
// accepted rewrites compute the same results; refusals name the cause, each
// paired with a legal twin.
#include <gtest/gtest.h>

#include "exo/schedule/buffers.h"
#include "exo/exo.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

const char* kSrc = R"(
@proc
def add1(m: size, v: [f32][m] @ DRAM):
    for j in seq(0, m):
        v[j] = v[j] + 1.0

@proc
def ex_tail(n: size, x: f32[n, 16] @ DRAM):
    assert n >= 1
    for i in seq(0, n - 1):
        t: f32 @ DRAM
        t = x[i, 0] * 2.0
        x[i, 1] = t

@proc
def ex(n: size, x: f32[n, 16] @ DRAM, y: f32[n, 16] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, 16):
            t: f32 @ DRAM
            t = x[i, j] * 2.0
            y[i, j] = t + 1.0

@proc
def grid(n: size, x: f32[n, 4, 8] @ DRAM, y: f32[n, 8] @ DRAM):
    for i in seq(0, n):
        u: f32[4, 8] @ DRAM
        for a in seq(0, 4):
            for b in seq(0, 8):
                u[a, b] = x[i, a, b]
        for b in seq(0, 8):
            y[i, b] = u[3, b] + u[1, 7 - b]

@proc
def grid_call(n: size, x: f32[n, 4, 8] @ DRAM):
    for i in seq(0, n):
        u: f32[4, 8] @ DRAM
        for a in seq(0, 4):
            for b in seq(0, 8):
                u[a, b] = x[i, a, b]
        add1(8, u[2, 0:8])
        x[i, 0, 0] = u[2, 5]

@proc
def dep(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32[i + 1] @ DRAM
        t[0] = x[i]
        x[i] = t[0] + 1.0

@proc
def reuse(n: size, x: f32[n, 8] @ DRAM, y: f32[n, 8] @ DRAM):
    for i in seq(0, n):
        a: f32[8] @ DRAM
        for j in seq(0, 8):
            a[j] = x[i, j] * 2.0
        for j in seq(0, 8):
            y[i, j] = a[j]
        b: f32[8] @ DRAM
        for j in seq(0, 8):
            b[j] = x[i, j] + 1.0
        for j in seq(0, 8):
            y[i, j] += b[j]

@proc
def reuse_live(n: size, x: f32[n, 8] @ DRAM, y: f32[n, 8] @ DRAM):
    for i in seq(0, n):
        a: f32[8] @ DRAM
        for j in seq(0, 8):
            a[j] = x[i, j] * 2.0
        b: f32[8] @ DRAM
        for j in seq(0, 8):
            b[j] = x[i, j] + 1.0
        for j in seq(0, 8):
            y[i, j] = b[j] + a[j]

@proc
def reuse_loop(n: size, x: f32[n, 8] @ DRAM, y: f32[n, 8] @ DRAM):
    a: f32[8] @ DRAM
    for j in seq(0, 8):
        a[j] = x[0, j]
    for i in seq(0, n):
        for j in seq(0, 8):
            y[i, j] = a[j]
        b: f32[8] @ DRAM
        for j in seq(0, 8):
            b[j] = x[i, j] + 1.0
        for j in seq(0, 8):
            y[i, j] += b[j]

@proc
def win(n: size, x: f32[n, 16] @ DRAM, y: f32[n, 16] @ DRAM):
    for i in seq(0, n):
        xr = x[i, 4:12]
        for j in seq(0, 8):
            y[i, j] = xr[j] * 2.0
        add1(8, xr)
        add1(4, xr[2:6])
        xr[0] = xr[7]

@proc
def be(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * 2.0 + 1.0
        z[i] = x[i] * 2.0 - 1.0

@proc
def be_written(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * 2.0
        x[i] = y[i] + 3.0
        z[i] = x[i] * 2.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

bool has(const std::string& s, const std::string& sub) { return s.find(sub) != std::string::npos; }

TEST(Buffers, ExpandDimThenLift) {
  Proc p = mod().proc("ex");
  Rewrite r = expand_dim(p, "t", "16", "j");
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "t: f32[16] @ DRAM")) << s;
  EXPECT_TRUE(has(s, "t[j] = x[i, j] * 2.0")) << s;
  test::expect_same_results(p, r.proc, {{"n", 3}}, "expand_dim");
  Rewrite l = lift_alloc(r.proc, "t");
  Rewrite r2 = expand_dim(l.proc, "t", "n", "i");
  Rewrite l2 = lift_alloc(r2.proc, "t");
  std::string s2 = print_proc(l2.proc);
  EXPECT_TRUE(has(s2, "t: f32[n, 16] @ DRAM")) << s2;
  EXPECT_TRUE(has(s2, "y[i, j] = t[i, j] + 1.0")) << s2;
  test::expect_same_results(p, l2.proc, {{"n", 4}}, "expand_lift_twice");
}

TEST(Buffers, ExpandDimRefusesIndexOutOfRange) {
  Proc p = mod().proc("ex");
  std::string m = test::scheduling_error_message([&] { expand_dim(p, "t", "8", "j"); });
  EXPECT_TRUE(has(m, "The buffer t is accessed out-of-bounds: the index 'j' of the new dimension may be out of range")) << m;
  m = test::scheduling_error_message([&] { expand_dim(p, "t", "16", "j + 1"); });
  EXPECT_TRUE(has(m, "'0 <= j + 1 and j + 1 < 16' is not provable")) << m;
  m = test::scheduling_error_message([&] { expand_dim(p, "t", "0", "0"); });
  EXPECT_TRUE(has(m, "the new extent must be positive")) << m;
  // Legal twins: in range by one more slot.
  EXPECT_NO_THROW(expand_dim(p, "t", "17", "j + 1"));
  EXPECT_NO_THROW(expand_dim(p, "t", "1", "0"));
  EXPECT_THROW(expand_dim(p, "t", "16", "q"), Error);  // unknown name
}

TEST(Buffers, RearrangeDim) {
  Proc p = mod().proc("grid");
  Rewrite r = rearrange_dim(p, "u", {1, 0});
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "u: f32[8, 4] @ DRAM")) << s;
  EXPECT_TRUE(has(s, "u[b, a] = x[i, a, b]")) << s;
  EXPECT_TRUE(has(s, "u[b, 3] + u[7 - b, 1]")) << s;
  test::expect_same_results(p, r.proc, {{"n", 3}}, "rearrange");
  EXPECT_THROW(rearrange_dim(p, "u", {0, 0}), Error);
  EXPECT_THROW(rearrange_dim(p, "u", {0, 1, 2}), Error);
}

TEST(Buffers, RearrangeDimRefusesWindowsPassedToCalls) {
  Proc p = mod().proc("grid_call");
  std::string m = test::scheduling_error_message([&] { rearrange_dim(p, "u", {1, 0}); });
  EXPECT_TRUE(has(m, "the window u[2, 0:8] would change its dimension order")) << m;
  // Twin: the same buffer without the windowed call is accepted.
  Rewrite r = rearrange_dim(mod().proc("grid"), "u", {0, 1});
  test::expect_same_results(mod().proc("grid"), r.proc, {{"n", 2}}, "rearrange_identity");
}

TEST(Buffers, LiftAllocKeepDims) {
  Proc p = mod().proc("ex");
  Rewrite r = lift_alloc(p, "t", 1, true);
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "t: f32[16] @ DRAM")) << s;
  EXPECT_TRUE(has(s, "t[j] = x[i, j] * 2.0")) << s;
  test::expect_same_results(p, r.proc, {{"n", 3}}, "lift_keep_dims");
  // The loop over i has a symbolic trip count n, positive as a size: kept.
  Rewrite both = lift_alloc(p, "t", 2, true);
  std::string sb = print_proc(both.proc);
  EXPECT_TRUE(has(sb, "t: f32[n, 16] @ DRAM")) << sb;
  EXPECT_TRUE(has(sb, "t[i, j] = x[i, j] * 2.0")) << sb;
  test::expect_same_results(p, both.proc, {{"n", 3}}, "lift_keep_dims_symbolic");
  // seq(0, n - 1) may run no iteration: no positive extent to give it.
  std::string m = test::scheduling_error_message([&] { lift_alloc(mod().proc("ex_tail"), "t", 1, true); });
  EXPECT_TRUE(has(m, "keep_dims needs a trip count that is provably positive")) << m;
  // Twin: lifting twice without keeping dimensions.
  Rewrite r2 = lift_alloc(p, "t", 2);
  EXPECT_EQ(r2.proc->body[0]->kind, StmtKind::Alloc);
  test::expect_same_results(p, r2.proc, {{"n", 3}}, "lift_twice");
  // The allocation's cursor follows it.
  Cursor c = r2.forward(find_alloc(p, "t"));
  EXPECT_TRUE(resolve_stmt(r2.proc, c).as<AllocNode>()) << c.str();
}

TEST(Buffers, LiftAllocRefusals) {
  Proc p = mod().proc("dep");
  std::string m = test::scheduling_error_message([&] { lift_alloc(p, "t"); });
  EXPECT_TRUE(has(m, "its size i + 1 depends on 'i'")) << m;
  Proc q = lift_alloc(mod().proc("ex"), "t", 2).proc;
  m = test::scheduling_error_message([&] { lift_alloc(q, "t"); });
  EXPECT_TRUE(has(m, "it is not inside a loop or if")) << m;
}

TEST(Buffers, DataReuse) {
  Proc p = mod().proc("reuse");
  Rewrite r = data_reuse(p, "a", "b");
  std::string s = print_proc(r.proc);
  EXPECT_FALSE(has(s, "b: f32[8]")) << s;
  EXPECT_TRUE(has(s, "y[i, j] += a[j]")) << s;
  test::expect_same_results(p, r.proc, {{"n", 3}}, "data_reuse");
}

TEST(Buffers, DataReuseRefusesLiveBuffer) {
  std::string m = test::scheduling_error_message([&] { data_reuse(mod().proc("reuse_live"), "a", "b"); });
  EXPECT_TRUE(has(m, "'a' is used here after 'b' is allocated")) << m;
  EXPECT_TRUE(has(m, "y[i, j] = b[j] + a[j]  # <-- here")) << m;
  // A read of `a` earlier in the loop body runs again after b's writes.
  m = test::scheduling_error_message([&] { data_reuse(mod().proc("reuse_loop"), "a", "b"); });
  EXPECT_TRUE(has(m, "can potentially be used after")) << m;
  // Twin: the same shapes where `a` is dead (DataReuse); wrong order or shape.
  m = test::scheduling_error_message([&] { data_reuse(mod().proc("reuse"), "b", "a"); });
  EXPECT_TRUE(has(m, "must be allocated after 'b'")) << m;
  m = test::scheduling_error_message([&] { data_reuse(mod().proc("grid"), "u", "u"); });
  EXPECT_TRUE(has(m, "must be allocated after")) << m;
}

TEST(Buffers, InlineWindow) {
  Proc p = mod().proc("win");
  Rewrite r = inline_window(p, "xr = _");
  std::string s = print_proc(r.proc);
  EXPECT_FALSE(has(s, "xr")) << s;
  EXPECT_TRUE(has(s, "y[i, j] = x[i, j + 4] * 2.0") || has(s, "y[i, j] = x[i, 4 + j] * 2.0")) << s;
  EXPECT_TRUE(has(s, "add1(8, x[i, 4:12])")) << s;
  EXPECT_TRUE(has(s, "add1(4, x[i, 6:10])")) << s;
  EXPECT_TRUE(has(s, "x[i, 4] = x[i, 11]")) << s;
  test::expect_same_results(p, r.proc, {{"n", 3}}, "inline_window");
  std::string m = test::scheduling_error_message([&] { inline_window(p, "add1(_) #0"); });
  EXPECT_TRUE(has(m, "expected a window statement")) << m;
}

TEST(Buffers, BindExpr) {
  Proc p = mod().proc("be");
  Rewrite r = bind_expr(p, "x[i] * 2.0", "t");
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "t: f32 @ DRAM")) << s;
  EXPECT_TRUE(has(s, "t = x[i] * 2.0")) << s;
  EXPECT_TRUE(has(s, "y[i] = t + 1.0")) << s;
  EXPECT_TRUE(has(s, "z[i] = t - 1.0")) << s;
  test::expect_same_results(p, r.proc, {{"n", 5}}, "bind_expr");
  // One occurrence with cse finds the other.
  Rewrite c = bind_expr(p, std::vector<Cursor>{find_cursor(p, "x[i] * 2.0")}, "t", true);
  EXPECT_EQ(print_proc(c.proc), s);
  Rewrite one = bind_expr(p, std::vector<Cursor>{find_cursor(p, "x[i] * 2.0")}, "t");
  EXPECT_TRUE(has(print_proc(one.proc), "z[i] = x[i] * 2.0 - 1.0"));
}

TEST(Buffers, BindExprRefusesWriteInBetween) {
  Proc p = mod().proc("be_written");
  std::string m = test::scheduling_error_message([&] { bind_expr(p, "x[i] * 2.0", "t"); });
  EXPECT_TRUE(has(m, "'x', which it reads, is written in between")) << m;
  // Twin: cse from the first occurrence stops at the write.
  Rewrite r = bind_expr(p, std::vector<Cursor>{find_cursor(p, "x[i] * 2.0")}, "t", true);
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "y[i] = t")) << s;
  EXPECT_TRUE(has(s, "z[i] = x[i] * 2.0")) << s;
  test::expect_same_results(p, r.proc, {{"n", 4}}, "bind_expr_cse_stops");
  m = test::scheduling_error_message([&] { bind_expr(p, "i", "t"); });
  EXPECT_TRUE(has(m, "expected a data expression")) << m;
}

}  // namespace
}  // namespace exo
