// stage_mem: staged blocks compute the same results (load/store, zero + add-back,
// points and windows); refusals name the window or the access, each with a legal twin.
#include <gtest/gtest.h>

#include <cstdio>

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
def gemm(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
    assert M % 8 == 0
    assert N % 16 == 0
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]

@proc
def rowsum(n: size, m: size, x: f32[n, m] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, m):
            y[i] += x[i, j] * 2.0

@proc
def scale(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n):
        x[i] = x[i] * 3.0 + 1.0

@proc
def add1(m: size, v: [f32][m] @ DRAM):
    for j in seq(0, m):
        v[j] = v[j] + 1.0

@proc
def rows_call(n: size, x: f32[n, 8] @ DRAM):
    for i in seq(0, n):
        add1(8, x[i, 0:8])
        x[i, 3] = x[i, 2] * 2.0

@proc
def partial(n: size, x: f32[n, 8] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, 8):
            if j < 5:
                x[i, j] = 2.0

@proc
def fill(n: size, x: f32[n, 8] @ DRAM, y: f32[n, 8] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, 8):
            x[i, j] = y[i, j] * 2.0
        for j in seq(1, 8):
            y[i, j] = 3.0

@proc
def tail_fill(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for io in seq(0, (n + 3) / 4):
        for ii in seq(0, 4):
            if ii + 4 * io < n:
                x[ii + 4 * io] = y[ii + 4 * io] * 2.0
        for ii in seq(0, 4):
            if ii + 4 * io < n - 1:
                y[ii + 4 * io] = 1.0

@proc
def scalar_out(n: size, flag: bool, x: f32[n] @ DRAM, r: f32 @ DRAM):
    r = 0.5
    for i in seq(0, n):
        x[i] = r
        r += x[i]

@proc
def scalar_maybe(n: size, flag: bool, x: f32[n] @ DRAM, r: f32 @ DRAM):
    if flag:
        r = 0.5
    for i in seq(0, n):
        x[i] = r * 2.0

@proc
def escaping(n: size, x: f32[n, 8] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] += 1.0
        xr = x[i, 0:8]
        xr[3] = y[i]

@proc
def aliased(n: size, x: f32[n, 8] @ DRAM):
    for i in seq(0, n):
        xr = x[i, 0:8]
        for j in seq(0, 8):
            x[i, j] = xr[j] + 1.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

// gemm tiled 8 x 16 with the k loop innermost: for io, jo, ii, ji, k.
Proc tiled_gemm() {
  Proc p = mod().proc("gemm");
  p = split_loop(p, "i", 8, "io", "ii", "guard", true).proc;
  p = split_loop(p, "j", 16, "jo", "ji", "guard", true).proc;
  return reorder_loops(p, "ii jo").proc;
}

bool has(const std::string& s, const std::string& sub) { return s.find(sub) != std::string::npos; }

TEST(StageMem, GemmTileReduceOnlyLoadedAndStored) {
  // Without accum a reduced window is loaded and stored back (the reference's default).
  Proc before = mod().proc("gemm");
  Proc p = tiled_gemm();
  Rewrite r = stage_mem(p, "for ii in _: _", "C[8*io:8*io+8, 16*jo:16*jo+16]", "C_reg");
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "C_reg: f32[8, 16] @ DRAM")) << s;
  EXPECT_TRUE(has(s, "C_reg[i0, i1] = C[8 * io + i0, 16 * jo + i1]")) << s;
  EXPECT_TRUE(has(s, "C_reg[ii, ji] += A[")) << s;
  EXPECT_TRUE(has(s, "C[8 * io + i0, 16 * jo + i1] = C_reg[i0, i1]")) << s;
  EXPECT_FALSE(has(s, "= 0.0")) << s;
  test::expect_same_results(before, r.proc, {{"M", 16}, {"N", 32}, {"K", 5}}, "stage_gemm_c_load");
}

TEST(StageMem, GemmTileReduceOnlyAccumZeroAndAddBack) {
  Proc before = mod().proc("gemm");
  Proc p = tiled_gemm();
  Rewrite r = stage_mem(p, "for ii in _: _", "C[8*io:8*io+8, 16*jo:16*jo+16]", "C_reg", true);
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "C_reg[i0, i1] = 0.0")) << s;
  EXPECT_TRUE(has(s, "C_reg[ii, ji] += A[")) << s;
  EXPECT_TRUE(has(s, "C[8 * io + i0, 16 * jo + i1] += C_reg[i0, i1]")) << s;
  test::expect_same_results(before, r.proc, {{"M", 16}, {"N", 32}, {"K", 5}}, "stage_gemm_c");
}

TEST(StageMem, GemmReadOnlyWindowIsLoadedNotStored) {
  Proc before = mod().proc("gemm");
  Proc p = tiled_gemm();
  Rewrite r = stage_mem(p, "for ii in _: _", "A[8*io:8*io+8, 0:K]", "A_tile");
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "A_tile: f32[8, K] @ DRAM")) << s;
  EXPECT_TRUE(has(s, "A_tile[i0, i1] = A[8 * io + i0, i1]")) << s;
  EXPECT_FALSE(has(s, "A[8 * io + i0, i1] = A_tile")) << s;
  test::expect_same_results(before, r.proc, {{"M", 8}, {"N", 16}, {"K", 7}}, "stage_gemm_a");
  // Staging the whole k loop's B panel as well, then C on top: still the same.
  Rewrite r2 = stage_mem(r.proc, "for k in _: _", "B[0:K, 16*jo + ji]", "B_col");
  test::expect_same_results(before, r2.proc, {{"M", 8}, {"N", 32}, {"K", 3}}, "stage_gemm_b");
}

TEST(StageMem, PointCoordinatesAndScalars) {
  Proc p = mod().proc("rowsum");
  Rewrite r = stage_mem(p, "for j in _: _", "x[i, 0:m]", "xr");
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "xr: f32[m] @ DRAM")) << s;
  EXPECT_TRUE(has(s, "y[i] += xr[j] * 2.0")) << s;
  test::expect_same_results(p, r.proc, {{"n", 3}, {"m", 5}}, "stage_row");
  // A single element becomes a scalar, zeroed and added back.
  Rewrite r2 = stage_mem(r.proc, "for j in _: _", "y[i]", "acc", true);
  std::string s2 = print_proc(r2.proc);
  EXPECT_TRUE(has(s2, "acc: f32 @ DRAM")) << s2;
  EXPECT_TRUE(has(s2, "y[i] += acc")) << s2;
  test::expect_same_results(p, r2.proc, {{"n", 4}, {"m", 3}}, "stage_scalar");
}

TEST(StageMem, ReadWriteBlockIsLoadedAndStored) {
  Proc p = mod().proc("scale");
  Rewrite r = stage_mem(p, "for i in _: _", "x[0:n]", "xs");
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "xs[i0] = x[i0]")) << s;
  EXPECT_TRUE(has(s, "x[i0] = xs[i0]")) << s;
  test::expect_same_results(p, r.proc, {{"n", 6}}, "stage_rw");
  // accum needs a reduce-only block: here the block reads and writes.
  std::string m = test::scheduling_error_message([&] { stage_mem(p, "for i in _: _", "x[0:n]", "xs", true); });
  EXPECT_TRUE(has(m, "accum=True needs the block to only reduce")) << m;
  EXPECT_TRUE(has(m, "x[i]")) << m;
}

TEST(StageMem, WriteOnlyBlockStillLoadsUnwrittenElements) {
  Proc p = mod().proc("partial");
  Rewrite r = stage_mem(p, "for j in _: _", "x[i, 0:8]", "xs");
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "xs[i0] = x[i, i0]")) << s;
  EXPECT_TRUE(has(s, "x[i, i0] = xs[i0]")) << s;
  test::expect_same_results(p, r.proc, {{"n", 3}}, "stage_partial_write");
}

TEST(StageMem, BlockWritingTheWholeWindowNeedsNoLoad) {
  Proc p = mod().proc("fill");
  // The j loop assigns every element of x[i, 0:8]: nothing to load.
  Rewrite r = stage_mem(p, "for j in _: _", "x[i, 0:8]", "xs");
  std::string s = print_proc(r.proc);
  EXPECT_FALSE(has(s, "xs[i0] = x[i, i0]")) << s;
  EXPECT_TRUE(has(s, "x[i, i0] = xs[i0]")) << s;
  test::expect_same_results(p, r.proc, {{"n", 3}}, "stage_fill");
  // Both loops of the i loop, over the whole 2-D window: still no load.
  Rewrite all = stage_mem(p, "for i in _: _", "x[0:n, 0:8]", "xs");
  s = print_proc(all.proc);
  EXPECT_FALSE(has(s, "= x[i0, i1]")) << s;
  test::expect_same_results(p, all.proc, {{"n", 3}}, "stage_fill_2d");
  // The second loop starts at 1: y[i, 0] keeps its value, so y is loaded.
  Rewrite part = stage_mem(p, "for j in _: _ #1", "y[i, 0:8]", "ys");
  s = print_proc(part.proc);
  EXPECT_TRUE(has(s, "ys[i0] = y[i, i0]")) << s;
  test::expect_same_results(p, part.proc, {{"n", 3}}, "stage_fill_part");
}

TEST(StageMem, GuardedWritesOfEveryInBoundsElementNeedNoLoad) {
  Proc p = mod().proc("tail_fill");
  // The guard skips only elements past the end of x, which the guarded store
  // skips too: no load.
  Rewrite r = stage_mem(p, "for ii in _: _", "x[4*io:4*io+4]", "xs");
  std::string s = print_proc(r.proc);
  EXPECT_FALSE(has(s, "xs[i0] = x[4 * io + i0]")) << s;
  EXPECT_TRUE(has(s, "x[4 * io + i0] = xs[i0]")) << s;
  for (long long n : {5, 8}) test::expect_same_results(p, r.proc, {{"n", n}}, "stage_tail_" + std::to_string(n));
  // A guard that also skips an element inside y: y is loaded first.
  Rewrite part = stage_mem(p, "for ii in _: _ #1", "y[4*io:4*io+4]", "ys");
  s = print_proc(part.proc);
  EXPECT_TRUE(has(s, "ys[i0] = y[4 * io + i0]")) << s;
  for (long long n : {5, 8}) test::expect_same_results(p, part.proc, {{"n", n}}, "stage_tail_part_" + std::to_string(n));
}

TEST(StageMem, ScalarsStageAndAFirstAssignmentNeedsNoLoad) {
  Proc p = mod().proc("scalar_out");
  Cursor body = Cursor::block({PathStep{false, 0}}, 2);
  Rewrite r = stage_mem(p, body, "r", "t");
  std::string s = print_proc(r.proc);
  EXPECT_FALSE(has(s, "t = r")) << s;  // the block starts by assigning r
  EXPECT_TRUE(has(s, "r = t")) << s;
  test::expect_same_results(p, r.proc, {{"n", 4}, {"flag", 1}}, "stage_scalar");
  // A conditional first assignment may not run: r is loaded.
  Proc q = mod().proc("scalar_maybe");
  Rewrite maybe = stage_mem(q, Cursor::block({PathStep{false, 0}}, 2), "r", "t");
  s = print_proc(maybe.proc);
  EXPECT_TRUE(has(s, "t = r")) << s;
  for (long long flag : {0, 1})
    test::expect_same_results(q, maybe.proc, {{"n", 3}, {"flag", flag}}, "stage_scalar_maybe_" + std::to_string(flag));
}

TEST(StageMem, WindowsPassedToCallsAreRedirected) {
  Proc p = mod().proc("rows_call");
  Cursor first = find_stmt(p, "add1(_)");
  Cursor last = find_stmt(p, "x[_] = _");
  Rewrite r = stage_mem(p, stmt_range(p, first, last), "x[i, 0:8]", "xrow");
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "add1(8, xrow[0:8])")) << s;
  EXPECT_TRUE(has(s, "xrow[3] = xrow[2] * 2.0")) << s;
  test::expect_same_results(p, r.proc, {{"n", 3}}, "stage_call");
  // The staged block's cursor follows it past the allocation and the load.
  Cursor moved = r.forward(first);
  EXPECT_TRUE(resolve_stmt(r.proc, moved).as<CallNode>()) << moved.str();
}

TEST(StageMem, GuardsTheCopiesOfAWindowReachingOutOfBounds) {
  // One row more than the tile: the last tile's window may leave C, so its
  // copies are guarded; the block's own accesses stay inside C.
  Proc p = tiled_gemm();
  Rewrite r = stage_mem(p, "for ii in _: _", "C[8*io:8*io+9, 16*jo:16*jo+16]", "C_reg");
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "if 8 * io + i0 < M:")) << s;
  EXPECT_FALSE(has(s, "16 * jo + i1 < N")) << s;  // that bound is provable: no guard
  test::expect_same_results(mod().proc("gemm"), r.proc, {{"M", 16}, {"N", 16}, {"K", 3}}, "stage_overhang");
}

// A window that may be empty would stage into an allocation of extent 0:
// refused, where the same window of one more row is accepted.
TEST(StageMem, RefusesWindowThatMayBeEmpty) {
  Proc p = mod().proc("rowsum");
  std::string m = test::scheduling_error_message([&] { stage_mem(p, "for j in _: _", "x[i, 0:0]", "xs"); });
  EXPECT_TRUE(has(m, "may be empty")) << m;
  EXPECT_TRUE(has(m, "'0 < 0' is not provable")) << m;
  std::string mi = test::scheduling_error_message([&] { stage_mem(p, "for j in _: _", "x[0:i, 0:m]", "xs"); });
  EXPECT_TRUE(has(mi, "'0 < i' is not provable")) << mi;
  Rewrite ok = stage_mem(p, "for j in _: _", "x[i, 0:m]", "xs");
  test::expect_same_results(p, ok.proc, {{"n", 3}, {"m", 4}}, "stage_nonempty");
}

TEST(StageMem, GuardsTheTailTile) {
  // A guarded split of a symbolic loop: the last tile's window may leave x;
  // its copies are guarded and the results equal the original's for sizes
  // that are and are not multiples of the tile.
  Proc p = mod().proc("scale");
  Proc g = split_loop(p, "i", 4, "io", "ii").proc;
  Rewrite r = stage_mem(g, "for ii in _: _", "x[4*io:4*io+4]", "xt");
  EXPECT_TRUE(has(print_proc(r.proc), "if 4 * io + i0 < n:")) << print_proc(r.proc);
  for (int n : {10, 12}) test::expect_same_results(p, r.proc, {{"n", n}}, "stage_tail_" + std::to_string(n));
  // With n % 4 == 0 nothing needs a guard.
  Proc g4 = split_loop(add_assertion(p, "n % 4 == 0"), "i", 4, "io", "ii").proc;
  Rewrite r4 = stage_mem(g4, "for ii in _: _", "x[4*io:4*io+4]", "xt");
  EXPECT_FALSE(has(print_proc(r4.proc), "i0 < n")) << print_proc(r4.proc);
  test::expect_same_results(add_assertion(p, "n % 4 == 0"), r4.proc, {{"n", 12}}, "stage_guarded");
}

TEST(StageMem, RefusesAccessOutsideWindow) {
  Proc p = tiled_gemm();
  std::string m = test::scheduling_error_message(
      [&] { stage_mem(p, "for ii in _: _", "C[8*io:8*io+4, 16*jo:16*jo+16]", "C_reg"); });
  EXPECT_TRUE(has(m, "the access C[8 * io + ii, 16 * jo + ji] may be outside the window")) << m;
  EXPECT_TRUE(has(m, "'8 * io + ii < 8 * io + 4' is not provable")) << m;
  // Staging only the first half of the rows around the right block is legal.
  Proc q = split_loop(p, "ii", 4, "iio", "iii", "guard", true).proc;
  Rewrite r = stage_mem(q, "for iii in _: _", "C[8*io+4*iio:8*io+4*iio+4, 16*jo:16*jo+16]", "C_half");
  test::expect_same_results(mod().proc("gemm"), r.proc, {{"M", 8}, {"N", 16}, {"K", 2}}, "stage_half");
}

TEST(StageMem, RefusesOtherNamesOfTheStorage) {
  Proc p = mod().proc("aliased");
  std::string m = test::scheduling_error_message([&] { stage_mem(p, "for j in _: _", "x[i, 0:8]", "xs"); });
  EXPECT_TRUE(has(m, "through 'xr'")) << m;
  // Legal twin: a block that also declares the window is redirected as a whole.
  Rewrite r = stage_mem(p, "xr = _\nfor j in _: _", "x[i, 0:8]", "xs");
  test::expect_same_results(p, r.proc, {{"n", 3}}, "stage_alias_block");
}

TEST(StageMem, ArgumentErrors) {
  Proc p = mod().proc("scale");
  EXPECT_THROW(stage_mem(p, "for i in _: _", "q[0:n]", "xs"), Error);
  EXPECT_THROW(stage_mem(p, "for i in _: _", "x[0:n, 0:1]", "xs"), Error);
}

}  // namespace
}  // namespace exo

namespace exo {
namespace {

// Three stagings in a tiled gemm schedule compose.
TEST(StageMem, ThreeStagesOnTiledGemm) {
  Proc p = tiled_gemm();
  Rewrite c = stage_mem(p, "for ii in _: _", "C[8*io:8*io+8, 16*jo:16*jo+16]", "C_reg");
  Rewrite a = stage_mem(c.proc, "for ii in _: _", "A[8*io:8*io+8, 0:K]", "A_tile");
  Rewrite b = stage_mem(a.proc, "for ii in _: _", "B[0:K, 16*jo:16*jo+16]", "B_tile");
  test::expect_same_results(mod().proc("gemm"), b.proc, {{"M", 8}, {"N", 16}, {"K", 3}}, "stage_three");
}

// A window declared in the block and used after it would keep pointing at the
// staged copy once it is stored back: refused; staging its uses too is fine.
TEST(StageMem, RefusesWindowDeclaredInBlockAndUsedAfter) {
  Proc p = mod().proc("escaping");
  std::string m =
      test::scheduling_error_message([&] { stage_mem(p, "y[i] += _\nxr = _", "x[i, 0:8]", "xs"); });
  EXPECT_TRUE(has(m, "the window 'xr' of 'x' is declared in the block and used after it")) << m;
  Rewrite r = stage_mem(p, "y[i] += _\nxr = _\nxr[_] = _", "x[i, 0:8]", "xs");
  test::expect_same_results(p, r.proc, {{"n", 3}}, "stage_escaping_window");
}

}  // namespace
}  // namespace exo
