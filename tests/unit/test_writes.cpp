// Statement primitives: merge_writes, split_write, fold_into_reduce,
// lift_reduce_constant, inline_assign, and cursor forwarding through them.
// Results are compared with the original on random inputs; each refusal has an
// accepted twin that differs only in what the check looks at.
#include <gtest/gtest.h>

#include "exo/exo.h"
#include "exo/schedule/exprs.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

bool has(const Proc& p, const std::string& text) {
  return print_proc(p).find(text) != std::string::npos;
}

// ---------------------------------------------------------------------------
// merge_writes, split_write, fold_into_reduce
// ---------------------------------------------------------------------------

const char* kWrites = R"(
@proc
def set_add(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i]
        y[i] += z[i]

@proc
def add_add(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] += x[i] * 2.0
        y[i] += z[i]

@proc
def add_set(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] += x[i]
        y[i] = z[i]

@proc
def set_set(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i]
        y[i] = z[i] + 1.0

@proc
def self_read(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i]
        y[i] += y[i] * z[i]

@proc
def window_read(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    w = y[0:n]
    for i in seq(0, n):
        y[i] = x[i]
        y[i] += w[i]

@proc
def other_elem(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i]
        y[n - 1 - i] += z[i]

@proc
def same_elem(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        if i == n - 1 - i:
            y[i] = x[i]
            y[n - 1 - i] += z[i]

@proc
def sum_write(n: size, x: f32[n] @ DRAM, y: f32[n + 1] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] + z[i]
        y[i] += x[i] + y[i + 1]
        y[i] = x[i] + y[i]
        y[i] = y[i] + z[i]
        y[i] = z[i] + y[i]
        y[i] = x[i] * z[i]
)";

const Module& wmod() {
  static Module m = Module::from_string(kWrites);
  return m;
}

Cursor loop_body_block(const Proc& p) {
  Cursor loop = find_cursor(p, "for i in _: _");
  StmtPath path = loop.path;
  path.push_back(PathStep{false, 0});
  return Cursor::block(path, 2);
}

TEST(MergeWrites, AllFourCases) {
  struct Case {
    const char* proc;
    const char* expect;
  } cases[] = {{"set_add", "y[i] = x[i] + z[i]\n"},
               {"add_add", "y[i] += x[i] * 2.0 + z[i]\n"},
               {"add_set", "y[i] = z[i]\n"},
               {"set_set", "y[i] = z[i] + 1.0\n"}};
  for (auto& k : cases) {
    Proc p = wmod().proc(k.proc);
    Cursor block = loop_body_block(p);
    Rewrite r = merge_writes(p, block);
    EXPECT_TRUE(has(r.proc, k.expect)) << k.proc << "\n" << print_proc(r.proc);
    test::expect_same_results(p, r.proc, {{"n", 6}}, std::string("merge_") + k.proc);
  }
}

TEST(MergeWrites, RefusesWhenTheSecondReadsTheLocation) {
  std::string m = test::scheduling_error_message(
      [&] { merge_writes(wmod().proc("self_read"), loop_body_block(wmod().proc("self_read"))); });
  EXPECT_NE(
      m.find("merge_writes: expected the right hand side of the second statement to not depend"),
      std::string::npos)
      << m;
  EXPECT_NE(m.find("it reads 'y[i]'"), std::string::npos) << m;
  // Through a window of the same buffer.
  Proc w = wmod().proc("window_read");
  m = test::scheduling_error_message([&] { merge_writes(w, loop_body_block(w)); });
  EXPECT_NE(m.find("it reads 'w[i]'"), std::string::npos) << m;
  // Twin: reading another buffer is accepted (set_add above).
}

TEST(MergeWrites, NeedsProvablySameIndices) {
  Proc p = wmod().proc("other_elem");
  std::string m = test::scheduling_error_message([&] { merge_writes(p, loop_body_block(p)); });
  EXPECT_NE(m.find("expected the left hand side's indices to be the same"), std::string::npos) << m;
  // Twin: under a condition making them equal.
  Proc q = wmod().proc("same_elem");
  Cursor iff = find_cursor(q, "if _: _");
  StmtPath path = iff.path;
  path.push_back(PathStep{false, 0});
  Rewrite r = merge_writes(q, Cursor::block(path, 2));
  EXPECT_TRUE(has(r.proc, "y[i] = x[i] + z[i]")) << print_proc(r.proc);
  test::expect_same_results(q, r.proc, {{"n", 7}}, "merge_same_elem");
  // Argument errors: not writes, different buffers, not two statements.
  try {
    merge_writes(q, Cursor::block(iff.path, 1));
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Api);
    EXPECT_NE(std::string(e.what()).find(
                  "argument 1, 'block_cursor' to merge_writes: expected a block of 2"),
              std::string::npos)
        << e.what();
  }
}

TEST(SplitWrite, SplitsAdditions) {
  Proc p = wmod().proc("sum_write");
  Rewrite r = split_write(p, "y[_] = x[_] + z[_]");
  EXPECT_TRUE(has(r.proc, "y[i] = x[i]\n        y[i] += z[i]\n")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 5}}, "split_assign");
  // A reduction, whose second term reads another element of the buffer.
  Rewrite r2 = split_write(p, "y[_] += _");
  EXPECT_TRUE(has(r2.proc, "y[i] += x[i]\n        y[i] += y[i + 1]\n")) << print_proc(r2.proc);
  test::expect_same_results(p, r2.proc, {{"n", 5}}, "split_reduce");
}

TEST(SplitWrite, RefusesWhenTheSecondTermReadsTheElement) {
  Proc p = wmod().proc("sum_write");
  std::string m = test::scheduling_error_message([&] { split_write(p, "y[_] = x[_] + y[_]"); });
  EXPECT_NE(
      m.find("split_write: the second term 'y[i]' reads 'y[i]', which may be the element written"),
      std::string::npos)
      << m;
  m = test::scheduling_error_message([&] { split_write(p, "y[_] = x[_] * z[_]"); });
  EXPECT_NE(m.find("Expected the rhs of the statement to be an addition"), std::string::npos) << m;
  // Twin of the first: `y[i + 1]` is provably another element (SplitsAdditions).
}

TEST(FoldIntoReduce, FoldsSelfAddition) {
  Proc p = wmod().proc("sum_write");
  Rewrite r = fold_into_reduce(p, "y[_] = y[_] + z[_]");
  EXPECT_TRUE(has(r.proc, "y[i] += z[i]\n        y[i] = z[i] + y[i]")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 5}}, "fold");
  // The read must be the left operand (as the reference) and the same element.
  std::string m =
      test::scheduling_error_message([&] { fold_into_reduce(p, "y[_] = z[_] + y[_]"); });
  EXPECT_NE(m.find("the lhs of the addition, 'z[i]', is not a read of the element assigned (y[i])"),
            std::string::npos)
      << m;
  m = test::scheduling_error_message([&] { fold_into_reduce(p, "y[_] = x[_] * z[_]"); });
  EXPECT_NE(m.find("The rhs of the assignment must be an add"), std::string::npos) << m;
  try {
    fold_into_reduce(p, "y[_] += _");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "argument 1, 'assign' to fold_into_reduce: expected an assignment"),
              std::string::npos)
        << e.what();
  }
}

// ---------------------------------------------------------------------------
// lift_reduce_constant
// ---------------------------------------------------------------------------

const char* kLift = R"(
@proc
def add_to(acc: f32 @ DRAM, v: f32 @ DRAM):
    acc += v

@proc
def dot_call(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM, out: f32):
    acc: f32 @ DRAM
    acc = 0.0
    for i in seq(0, n):
        acc += a * x[i]
        add_to(acc, y[i])
    out = acc

@proc
def dot_call_other(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM, out: f32):
    acc: f32 @ DRAM
    acc = 0.0
    for i in seq(0, n):
        acc += a * x[i]
        add_to(y[i], x[i])
    out = acc

@proc
def dot(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM, out: f32):
    acc: f32 @ DRAM
    acc = 0.0
    for i in seq(0, n):
        acc += a * x[i]
        if i < 3:
            acc += a * y[i]
    out = acc

@proc
def dot_init1(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM, out: f32):
    acc: f32 @ DRAM
    acc = 1.0
    for i in seq(0, n):
        acc += a * x[i]
    out = acc

@proc
def dot_mixed(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM, out: f32):
    acc: f32 @ DRAM
    acc = 0.0
    for i in seq(0, n):
        acc += a * x[i]
        acc += 2.0 * y[i]
    out = acc

@proc
def dot_const(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM, out: f32):
    acc: f32 @ DRAM
    acc = 0.0
    for i in seq(0, n):
        acc += 2.0 * x[i]
        acc += 2.0 * y[i]
    out = acc

@proc
def dot_var(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM, out: f32):
    acc: f32 @ DRAM
    acc = 0.0
    for i in seq(0, n):
        acc += x[i] * y[i]
    out = acc

@proc
def dot_written(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM, out: f32):
    acc: f32 @ DRAM
    acc = 0.0
    for i in seq(0, n):
        acc += a * x[i]
        a = y[i]
    out = acc

@proc
def dot_reads(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM, out: f32):
    acc: f32 @ DRAM
    acc = 0.0
    for i in seq(0, n):
        acc += a * x[i]
        y[i] = acc
    out = acc

@proc
def rows(n: size, m: size, s: f32[m] @ DRAM, x: f32[m, n] @ DRAM, out: f32[m] @ DRAM):
    acc: f32[m] @ DRAM
    for j in seq(0, m):
        acc[j] = 0.0
        for i in seq(0, n):
            acc[j] += s[j] * x[j, i]
        out[j] = acc[j]

@proc
def rows_guarded(n: size, m: size, s: f32[n] @ DRAM, x: f32[m, n] @ DRAM, out: f32[m] @ DRAM):
    acc: f32[m] @ DRAM
    for j in seq(0, m):
        acc[j] = 0.0
        for i in seq(0, n):
            if j < n:
                acc[j] += s[j] * x[j, i]
        out[j] = acc[j]
)";

const Module& lmod() {
  static Module m = Module::from_string(kLift);
  return m;
}

const char* kInitLoop = "acc = _\nfor i in _: _";

TEST(LiftReduceConstant, LiftsTheCommonFactor) {
  Proc p = lmod().proc("dot");
  Rewrite r = lift_reduce_constant(p, kInitLoop);
  EXPECT_TRUE(has(r.proc, "acc += x[i]\n")) << print_proc(r.proc);
  EXPECT_TRUE(has(r.proc, "acc += y[i]\n")) << print_proc(r.proc);
  EXPECT_TRUE(has(r.proc, "    acc = a * acc\n    out = acc")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 6}}, "lift_dot");
  Proc c = lmod().proc("dot_const");
  Rewrite rc = lift_reduce_constant(c, kInitLoop);
  EXPECT_TRUE(has(rc.proc, "acc = 2.0 * acc")) << print_proc(rc.proc);
  test::expect_same_results(c, rc.proc, {{"n", 6}}, "lift_const");
  // An element of a buffer, scaled by a read indexed outside the loop.
  Proc w = lmod().proc("rows");
  Rewrite rw = lift_reduce_constant(w, "acc[_] = _\nfor i in _: _");
  EXPECT_TRUE(has(rw.proc, "acc[j] = s[j] * acc[j]")) << print_proc(rw.proc);
  test::expect_same_results(w, rw.proc, {{"n", 5}, {"m", 3}}, "lift_rows");
}

TEST(LiftReduceConstant, Refusals) {
  std::string m = test::scheduling_error_message(
      [&] { lift_reduce_constant(lmod().proc("dot_init1"), kInitLoop); });
  EXPECT_NE(m.find("the assignment must set the initial value 0"), std::string::npos) << m;
  m = test::scheduling_error_message(
      [&] { lift_reduce_constant(lmod().proc("dot_mixed"), kInitLoop); });
  EXPECT_NE(m.find("have different constants: 'a' and '2.0'"), std::string::npos) << m;
  m = test::scheduling_error_message(
      [&] { lift_reduce_constant(lmod().proc("dot_var"), kInitLoop); });
  EXPECT_NE(m.find("x[i] depends on the variable i which is defined within the loop"),
            std::string::npos)
      << m;
  m = test::scheduling_error_message(
      [&] { lift_reduce_constant(lmod().proc("dot_written"), kInitLoop); });
  EXPECT_NE(m.find("it is a buffer that is written in the loop body: 'a'"), std::string::npos) << m;
  m = test::scheduling_error_message(
      [&] { lift_reduce_constant(lmod().proc("dot_reads"), kInitLoop); });
  EXPECT_NE(m.find("is read in the loop body"), std::string::npos) << m;
  // A call reducing into x: its reductions are not of the form `x += c * e` (twin:
  // a call reducing into another buffer).
  m = test::scheduling_error_message(
      [&] { lift_reduce_constant(lmod().proc("dot_call"), kInitLoop); });
  EXPECT_NE(m.find("a call in the loop body reduces into 'acc'"), std::string::npos) << m;
  Proc other = lmod().proc("dot_call_other");
  Rewrite ro = lift_reduce_constant(other, kInitLoop);
  test::expect_same_results(other, ro.proc, {{"n", 6}}, "lift_call_other");
  // The factor is only in bounds under the loop's guard.
  m = test::scheduling_error_message(
      [&] { lift_reduce_constant(lmod().proc("rows_guarded"), "acc[_] = _\nfor i in _: _"); });
  EXPECT_NE(m.find("reading the factor after the loop is not provably safe"), std::string::npos)
      << m;
  // Twins: `dot` and `rows` above.
}

// ---------------------------------------------------------------------------
// inline_assign
// ---------------------------------------------------------------------------

const char* kInline = R"(
@proc
def tmp(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32 @ DRAM
        t = x[i] * 2.0
        y[i] = t + t
        for k in seq(0, 2):
            y[i] += t

@proc
def tmp_clobber(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32 @ DRAM
        t = x[i] * 2.0
        x[i] = 0.0
        y[i] = t

@proc
def tmp_late(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32 @ DRAM
        t = x[i] * 2.0
        y[i] = t
        x[i] = 0.0

@proc
def tmp_loop(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32 @ DRAM
        t = x[0] * 2.0
        for k in seq(0, n):
            x[k] = t

@proc
def arg_write(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i]
        z[i] = y[i]

@proc
def outer(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    t: f32[n] @ DRAM
    for i in seq(0, n):
        t[i] = x[i]
        y[i] = t[i] * 3.0
    for i in seq(0, n):
        z[i] = t[i]

@proc
def outer_only(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    t: f32[n] @ DRAM
    for i in seq(0, n):
        t[i] = x[i]
        y[i] = t[i] * 3.0

@proc
def consume(v: f32 @ DRAM, out: f32 @ DRAM):
    out = v

@proc
def passed(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32 @ DRAM
        t = x[i] * 2.0
        consume(t, y[i])

@proc
def prev_iter(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    t: f32[n] @ DRAM
    for i in seq(0, n):
        t[i] = x[i]
        if i > 0:
            y[i] = t[i] + t[i - 1]

@proc
def pair(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32[2] @ DRAM
        t[1] = 1.0
        t[0] = x[i]
        y[i] = t[0] + t[1]

@proc
def pair_unknown(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32[2] @ DRAM
        t[1] = 1.0
        t[0] = x[i]
        for k in seq(0, 2):
            y[i] += t[k]

@proc
def rewritten(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32 @ DRAM
        t = x[i]
        t = t * 2.0
        y[i] = t
)";

const Module& imod() {
  static Module m = Module::from_string(kInline);
  return m;
}

TEST(InlineAssign, SubstitutesTheValue) {
  Proc p = imod().proc("tmp");
  Rewrite r = inline_assign(p, "t = _");
  EXPECT_TRUE(has(r.proc, "y[i] = x[i] * 2.0 + x[i] * 2.0\n")) << print_proc(r.proc);
  EXPECT_TRUE(has(r.proc, "y[i] += x[i] * 2.0\n")) << print_proc(r.proc);
  EXPECT_FALSE(has(r.proc, "t = ")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 5}}, "inline_tmp");
  // The value may read x itself: `t = t * 2.0` reads the t that stays.
  Proc w = imod().proc("rewritten");
  Rewrite rw = inline_assign(w, "t = t * _");
  EXPECT_TRUE(has(rw.proc, "y[i] = t * 2.0")) << print_proc(rw.proc);
  test::expect_same_results(w, rw.proc, {{"n", 5}}, "inline_self");
  // Other elements proven different stay.
  Proc q = imod().proc("pair");
  Rewrite rq = inline_assign(q, "t[0] = _");
  EXPECT_TRUE(has(rq.proc, "y[i] = x[i] + t[1]")) << print_proc(rq.proc);
  test::expect_same_results(q, rq.proc, {{"n", 5}}, "inline_pair");
}

TEST(InlineAssign, RefusesWhenTheValueChangesBeforeAUse) {
  std::string m =
      test::scheduling_error_message([&] { inline_assign(imod().proc("tmp_clobber"), "t = _"); });
  EXPECT_NE(m.find("inline_assign: cannot inline 't': 'x[i] * 2.0' would be evaluated after 'x[i] "
                   "= 0.0' changes"),
            std::string::npos)
      << m;
  // Twin: the write comes after the last use.
  Proc late = imod().proc("tmp_late");
  Rewrite r = inline_assign(late, "t = _");
  test::expect_same_results(late, r.proc, {{"n", 5}}, "inline_late");
  // A loop reading t after it wrote what the value reads.
  m = test::scheduling_error_message([&] { inline_assign(imod().proc("tmp_loop"), "t = _"); });
  EXPECT_NE(m.find("this statement reads it and writes what 'x[0] * 2.0' reads"), std::string::npos)
      << m;
}

TEST(InlineAssign, TheDeletedWriteMustBeInvisible) {
  // An argument: the caller sees it.
  std::string m =
      test::scheduling_error_message([&] { inline_assign(imod().proc("arg_write"), "y[_] = _"); });
  EXPECT_NE(m.find("'y' is not an allocation"), std::string::npos) << m;
  // Allocated outside the loop and read by a later loop.
  m = test::scheduling_error_message([&] { inline_assign(imod().proc("outer"), "t[_] = _"); });
  EXPECT_NE(m.find("'t' is allocated outside this block and read elsewhere"), std::string::npos)
      << m;
  // Twin: no other reader.
  Proc o = imod().proc("outer_only");
  Rewrite r = inline_assign(o, "t[_] = _");
  EXPECT_TRUE(has(r.proc, "y[i] = x[i] * 3.0")) << print_proc(r.proc);
  test::expect_same_results(o, r.proc, {{"n", 5}}, "inline_outer");
  // Passed to a call (by reference): it cannot become a value.
  m = test::scheduling_error_message([&] { inline_assign(imod().proc("passed"), "t = _"); });
  EXPECT_NE(m.find("'t' is windowed or passed to a call"), std::string::npos) << m;
  // Another element, written by this assignment in an earlier iteration.
  m = test::scheduling_error_message([&] { inline_assign(imod().proc("prev_iter"), "t[_] = _"); });
  EXPECT_NE(m.find("a read of another element may see this assignment from an earlier iteration"),
            std::string::npos)
      << m;
  // A read that may or may not be the element.
  m = test::scheduling_error_message(
      [&] { inline_assign(imod().proc("pair_unknown"), "t[0] = _"); });
  EXPECT_NE(m.find("'t[k]' may or may not be the element 't[0]'"), std::string::npos) << m;
  // Written again afterwards.
  m = test::scheduling_error_message([&] { inline_assign(imod().proc("rewritten"), "t = x[_]"); });
  EXPECT_NE(m.find("because the buffer is written afterwards"), std::string::npos) << m;
}

// ---------------------------------------------------------------------------
// Cursor forwarding through the statement edits
// ---------------------------------------------------------------------------

TEST(ExprsForwarding, StatementsAndExpressionsFollowTheEdits) {
  // merge_writes: the merged reduction keeps the second statement's cursor, and
  // an expression of its right-hand side moves under the new `+`.
  Proc p = wmod().proc("add_add");
  Cursor second = find_stmt(p, "y[_] += z[_]");
  Cursor z = Cursor::expr(second.path, {1});
  Rewrite r = merge_writes(p, loop_body_block(p));
  Cursor s2 = r.forward(second);
  ASSERT_TRUE(s2.valid());
  EXPECT_EQ(print_stmt(resolve_stmt(r.proc, s2)), "y[i] += x[i] * 2.0 + z[i]\n");
  Cursor z2 = r.forward(z);
  ASSERT_TRUE(z2.valid());
  EXPECT_EQ(print_expr(resolve_expr(r.proc, z2)), "z[i]");
  EXPECT_FALSE(r.forward(find_stmt(p, "y[_] += x[_] * _")).valid());
  // fold_into_reduce: the added term keeps its cursor; the dropped read is gone.
  Proc f = wmod().proc("sum_write");
  Cursor fold = find_stmt(f, "y[_] = y[_] + z[_]");
  Rewrite rf = fold_into_reduce(f, fold);
  Cursor term = rf.forward(Cursor::expr(fold.path, {1, 1}));
  ASSERT_TRUE(term.valid());
  EXPECT_EQ(print_expr(resolve_expr(rf.proc, term)), "z[i]");
  EXPECT_FALSE(rf.forward(Cursor::expr(fold.path, {1, 0})).valid());
  // split_write: later statements shift by one; the split statement is gone.
  Cursor later = find_stmt(f, "y[_] = x[_] * z[_]");
  Rewrite rs = split_write(f, "y[_] = x[_] + z[_]");
  Cursor l2 = rs.forward(later);
  ASSERT_TRUE(l2.valid());
  EXPECT_EQ(print_stmt(resolve_stmt(rs.proc, l2)), "y[i] = x[i] * z[i]\n");
  // inline_assign: the assignment is gone, the statements after it follow.
  Proc t = imod().proc("tmp");
  Cursor use = find_stmt(t, "y[_] = _");
  Rewrite ri = inline_assign(t, "t = _");
  EXPECT_FALSE(ri.forward(find_stmt(t, "t = _")).valid());
  Cursor u2 = ri.forward(use);
  ASSERT_TRUE(u2.valid());
  EXPECT_EQ(print_stmt(resolve_stmt(ri.proc, u2)), "y[i] = x[i] * 2.0 + x[i] * 2.0\n");
  // lift_reduce_constant: the loop keeps its cursor, the statement after it shifts.
  Proc d = lmod().proc("dot");
  Cursor loop = find_loop(d, "i");
  Cursor out = find_stmt(d, "out = _");
  Rewrite rl = lift_reduce_constant(d, kInitLoop);
  EXPECT_EQ(resolve_stmt(rl.proc, rl.forward(loop))->kind, StmtKind::For);
  EXPECT_EQ(print_stmt(resolve_stmt(rl.proc, rl.forward(out))), "out = acc\n");
}

}  // namespace
}  // namespace exo
