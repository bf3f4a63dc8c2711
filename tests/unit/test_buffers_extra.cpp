// resize_dim, unroll_buffer, sink_alloc, delete_buffer, extract_subproc: results
// unchanged on random inputs; each refusal next to a near-identical accepted case.
#include <gtest/gtest.h>

#include "exo/buffers_extra.h"
#include "exo/exo.h"
#include "exo/printer.h"
#include "exo/rewrite.h"
#include "support/schedule_check.h"

namespace exo {
namespace {

const char* kSrc = R"(
@proc
def copy4(dst: [f32][4] @ DRAM, src: [f32][4] @ DRAM):
    for k in seq(0, 4):
        dst[k] = src[k]

@proc
def sum_all(n: size, a: f32[n] @ DRAM, out: f32 @ DRAM):
    for k in seq(0, n):
        out += a[k]

@proc
def shift(n: size, x: f32[n + 4] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32[16] @ DRAM
        for j in seq(0, 4):
            t[j + 2] = x[i + j]
        y[i] = t[2] + t[5]

@proc
def win(n: size, x: f32[n, 4] @ DRAM, y: f32[n, 4] @ DRAM):
    t: f32[n + 8, 4] @ DRAM
    for i in seq(0, n):
        copy4(t[i + 8, 0:4], x[i, 0:4])
    for i in seq(0, n):
        copy4(y[i, 0:4], t[i + 8, 0:4])

@proc
def whole(n: size, x: f32[n] @ DRAM, y: f32 @ DRAM):
    t: f32[n] @ DRAM
    for i in seq(0, n):
        t[i] = x[i] * 3.0
    sum_all(n, t, y)

@proc
def blur(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    buf: f32[n] @ DRAM
    for i in seq(0, n):
        buf[i] = x[i] * 2.0
        if i >= 2:
            y[i] = buf[i] + buf[i - 1] + buf[i - 2]

@proc
def rows(n: size, m: size, x: f32[n, m] @ DRAM, y: f32[n, m] @ DRAM):
    lines: f32[n + 1, m] @ DRAM
    for j in seq(0, m):
        lines[0, j] = 0.0
    for i in seq(0, n):
        for j in seq(0, m):
            lines[i + 1, j] = x[i, j]
        for j in seq(0, m):
            y[i, j] = lines[i + 1, j] - lines[i, j]
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

bool has(const std::string& s, const std::string& what) {
  return s.find(what) != std::string::npos;
}

// ---------------------------------------------------------------------------
// resize_dim
// ---------------------------------------------------------------------------

TEST(ResizeDim, ShrinksAndShifts) {
  Proc p = mod().proc("shift");
  Rewrite r = resize_dim(p, "t", 0, "4", "2");
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "t: f32[4] @ DRAM")) << s;
  EXPECT_TRUE(has(s, "t[j] = x[i + j]")) << s;
  EXPECT_TRUE(has(s, "y[i] = t[0] + t[3]")) << s;
  test::expect_same_results(p, r.proc, {{"n", 5}}, "resize_shift");
  // One slot short on either side: refused.
  std::string m = test::scheduling_error_message([&] { resize_dim(p, "t", 0, "4", "3"); });
  EXPECT_TRUE(has(m, "resize_dim: the access t[j + 2] may fall outside [3, 7) in dimension 0"))
      << m;
  m = test::scheduling_error_message([&] { resize_dim(p, "t", 0, "3", "2"); });
  EXPECT_TRUE(has(m, "may fall outside [2, 5)")) << m;
}

TEST(ResizeDim, SymbolicSizeAndWindows) {
  Proc p = mod().proc("win");
  Rewrite r = resize_dim(p, "t", 0, "n", "8");
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "t: f32[n, 4] @ DRAM")) << s;
  EXPECT_TRUE(has(s, "copy4(t[i, 0:4], x[i, 0:4])")) << s;
  test::expect_same_results(p, r.proc, {{"n", 3}}, "resize_win");
  std::string m = test::scheduling_error_message([&] { resize_dim(p, "t", 0, "n", "7"); });
  EXPECT_TRUE(has(m, "'i + 8 < 7 + n' is not provable") || has(m, "is not provable")) << m;
  // A size that may be zero is refused.
  m = test::scheduling_error_message([&] { resize_dim(p, "t", 0, "n - 1", "8"); });
  EXPECT_TRUE(has(m, "the new size must be positive")) << m;
}

TEST(ResizeDim, RefusesWholeBufferCalls) {
  Proc p = mod().proc("whole");
  std::string m = test::scheduling_error_message([&] { resize_dim(p, "t", 0, "n", "0"); });
  EXPECT_TRUE(has(m, "'t' is passed whole to a call")) << m;
  // The same buffer with the call inlined by hand resizes.
  Proc q = mod().proc("shift");
  EXPECT_NO_THROW(resize_dim(q, "t", 0, "6", "0"));
}

TEST(ResizeDim, BadArguments) {
  Proc p = mod().proc("shift");
  try {
    resize_dim(p, "t", 1, "4", "0");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Api);
    EXPECT_TRUE(has(e.message(), "argument 2, 'dim_idx' to resize_dim")) << e.message();
  }
}

TEST(ResizeDim, FoldSlidingWindow) {
  Proc p = mod().proc("blur");
  Rewrite r = resize_dim(p, "buf", 0, "3", "0", true);
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "buf: f32[3] @ DRAM")) << s;
  EXPECT_TRUE(has(s, "buf[i % 3] = x[i] * 2.0")) << s;
  test::expect_same_results(p, r.proc, {{"n", 9}}, "fold_blur");
  // Two slots cannot hold three live values.
  std::string m = test::scheduling_error_message([&] { resize_dim(p, "buf", 0, "2", "0", true); });
  EXPECT_TRUE(has(m, "cannot fold dimension 0 of 'buf' to 2: the access buf[i - 2]")) << m;
}

TEST(ResizeDim, FoldLineBuffer) {
  Proc p = mod().proc("rows");
  Rewrite r = resize_dim(p, "lines", 0, "2", "0", true);
  std::string s = print_proc(r.proc);
  EXPECT_TRUE(has(s, "lines: f32[2, m] @ DRAM")) << s;
  test::expect_same_results(p, r.proc, {{"n", 5}, {"m", 3}}, "fold_rows");
  std::string m =
      test::scheduling_error_message([&] { resize_dim(p, "lines", 0, "1", "0", true); });
  EXPECT_TRUE(has(m, "cannot fold dimension 0 of 'lines' to 1")) << m;
  // A non-constant size cannot fold.
  try {
    resize_dim(p, "lines", 0, "n", "0", true);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_TRUE(has(e.message(), "fold=True needs a positive constant size")) << e.message();
  }
}

}  // namespace
}  // namespace exo
