// Bounds and precondition checking (check_proc), through source text and
// through hand-built LoopIR, plus the solver's cache and cheap-path counters.

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "exo/exo.h"

namespace exo {
namespace {

Module accept(const std::string& src) {
  try {
    return Module::from_string(src);
  } catch (const Error& e) {
    ADD_FAILURE() << "unexpected error: " << e.what();
    return Module();
  }
}

std::optional<Error> refuse(const std::string& src) {
  try {
    Module::from_string(src);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "program accepted, expected a refusal:\n" << src;
  return std::nullopt;
}

void expect_refused(const std::string& src, ErrorKind kind, int line, int col,
                    const std::string& fragment) {
  auto e = refuse(src);
  if (!e) return;
  EXPECT_EQ(e->kind(), kind) << e->what();
  EXPECT_EQ(e->where().line, line) << e->what();
  EXPECT_EQ(e->where().col, col) << e->what();
  EXPECT_NE(e->message().find(fragment), std::string::npos)
      << "message lacks '" << fragment << "': " << e->what();
}

// ---------------------------------------------------------------------------
// Accepted programs
// ---------------------------------------------------------------------------

TEST(BoundsAccept, Matmul) {
  accept(R"(
@proc
def matmul(M: size, N: size, K: size, A: f32[M, K], B: f32[K, N], C: f32[M, N]):
    for i in seq(0, M):
        for j in seq(0, N):
            C[i, j] = 0.0
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]
)");
}

TEST(BoundsAccept, TiledWithGuards) {
  accept(R"(
@proc
def tiled(N: size, A: f32[N], B: f32[N]):
    for io in seq(0, (N + 3) / 4):
        for ii in seq(0, 4):
            if io * 4 + ii < N:
                B[io * 4 + ii] = A[4 * io + ii]
)");
}

TEST(BoundsAccept, PerfectSplitUnderPrecondition) {
  accept(R"(
@proc
def split(N: size, A: f32[N]):
    assert N % 4 == 0
    for io in seq(0, N / 4):
        for ii in seq(0, 4):
            A[4 * io + ii] = 0.0
)");
}

TEST(BoundsAccept, FloorDivAndModIndices) {
  accept(R"(
@proc
def divmod(N: size, A: f32[(N + 3) / 4, 4]):
    for i in seq(0, N):
        A[i / 4, i % 4] = 1.0
)");
}

TEST(BoundsAccept, WindowsAndCallsWithWindows) {
  accept(R"(
@proc
def axpy(n: size, a: f32, x: [f32][n], y: [f32][n]):
    assert stride(y, 0) == 1
    for i in seq(0, n):
        y[i] += a * x[i]

@proc
def rows(M: size, N: size, a: f32, X: f32[M, N], Y: f32[M, N]):
    for i in seq(0, M):
        axpy(N, a, X[i, 0:N], Y[i, :])
        w = X[i, 1:N]
        for j in seq(0, N - 1):
            Y[i, j] = w[j]

@proc
def tiles(T: size, a: f32, A: f32[4 * T, 8]):
    for t in seq(0, T):
        tile = A[4 * t:4 * t + 4, 0:8]
        for r in seq(0, 3):
            axpy(8, a, tile[r, :], A[4 * t + r + 1, :])
)");
}

TEST(BoundsAccept, CalleePreconditionImpliedByCaller) {
  accept(R"(
@proc
def g(n: size, x: f32[n]):
    assert n % 4 == 0
    for i in seq(0, n):
        x[i] = 0.0

@proc
def f(m: size, y: f32[m]):
    assert m % 8 == 0
    g(m, y)
)");
}

TEST(BoundsAccept, EmptyLoopsAndBranches) {
  accept(R"(
@proc
def f(n: size, A: f32[n], B: f32[n]):
    for i in seq(0, 0):
        A[i + 100] = 0.0
    for i in seq(n, n):
        A[i] = 0.0
    for i in seq(0, 2 * n):
        if i < n:
            A[i] = 1.0
        else:
            B[i - n] = 1.0
)");
}

TEST(BoundsAccept, AllocationsAndConfigs) {
  accept(R"(
@config
class Cfg:
    off: index

@proc
def set_off():
    Cfg.off = 1

@proc
def f(n: size, x: f32[n + 1]):
    tmp: f32[n, 4]
    set_off()
    for i in seq(0, n):
        tmp[i, 3] = x[i + Cfg.off]
)");
}

// ---------------------------------------------------------------------------
// Refused programs
// ---------------------------------------------------------------------------

TEST(BoundsRefuse, ReadPastUpperBound) {
  expect_refused(R"(@proc
def f(M: size, K: size, A: f32[M, K], B: f32[M, K]):
    for i in seq(0, M):
        for k in seq(0, K):
            B[i, k] = A[i + 1, k]
)",
                 ErrorKind::Bounds, 5, 23,
                 "A[i + 1, k]: index 'i + 1' of dimension 0 may be out of bounds [0, M) "
                 "(could not prove i + 1 < M under 0 <= i < M");
}

TEST(BoundsRefuse, CounterexampleIsShown) {
  expect_refused(R"(@proc
def f(n: size, A: f32[n]):
    for i in seq(0, n):
        A[i + 1] = 0.0
)",
                 ErrorKind::Bounds, 4, 9, "fails when n = ");
}

TEST(BoundsRefuse, ReadBelowZero) {
  expect_refused(R"(@proc
def f(n: size, A: f32[n], B: f32[n]):
    for i in seq(0, n):
        B[i] = A[i - 1]
)",
                 ErrorKind::Bounds, 4, 16, "could not prove 0 <= i - 1");
}

TEST(BoundsRefuse, WriteInTooLongLoop) {
  expect_refused(R"(@proc
def f(n: size, B: f32[n]):
    for i in seq(0, n + 1):
        B[i] = 0.0
)",
                 ErrorKind::Bounds, 4, 9, "B[i]: index 'i' of dimension 0");
}

TEST(BoundsRefuse, WrongGuard) {
  expect_refused(R"(@proc
def f(n: size, A: f32[n]):
    for i in seq(0, n + 4):
        if i <= n:
            A[i] = 0.0
)",
                 ErrorKind::Bounds, 5, 13, "i <= n");
}

TEST(BoundsRefuse, ElseBranchOutOfBounds) {
  expect_refused(R"(@proc
def f(n: size, A: f32[n]):
    for i in seq(0, n + 1):
        if i < n:
            A[i] = 0.0
        else:
            A[i] = 1.0
)",
                 ErrorKind::Bounds, 7, 13, "not (i < n)");
}

TEST(BoundsRefuse, FloorDivision) {
  expect_refused(R"(@proc
def f(n: size, A: f32[n / 2]):
    assert n >= 2
    for i in seq(0, n):
        A[i / 2] = 0.0
)",
                 ErrorKind::Bounds, 5, 9, "index 'i / 2'");
}

TEST(BoundsRefuse, WindowIntervalTooLong) {
  expect_refused(R"(@proc
def f(n: size, A: f32[n, 8]):
    for i in seq(0, n):
        w = A[i, 4:12]
)",
                 ErrorKind::Bounds, 4, 13, "window interval '4:12' of dimension 1 may be out of bounds [0, 8]");
}

TEST(BoundsRefuse, WindowPointOutOfRange) {
  expect_refused(R"(@proc
def f(n: size, A: f32[n, 8]):
    w = A[n, 0:8]
)",
                 ErrorKind::Bounds, 3, 9, "window point 'n' of dimension 0");
}

TEST(BoundsRefuse, AccessThroughWindowStatement) {
  expect_refused(R"(@proc
def f(n: size, A: f32[n, 8]):
    for i in seq(0, n):
        w = A[i, 2:6]
        w[4] = 0.0
)",
                 ErrorKind::Bounds, 5, 9, "w[4]: index '4' of dimension 0 may be out of bounds [0, 6 - 2)");
}

TEST(BoundsRefuse, CallWindowShape) {
  expect_refused(R"(@proc
def g(x: [f32][4]):
    pass

@proc
def f(n: size, A: f32[n, 8]):
    for i in seq(0, n):
        g(A[i, 0:5])
)",
                 ErrorKind::Bounds, 8, 9, "has extent '5' in dimension 0");
}

TEST(BoundsRefuse, CallBufferShape) {
  expect_refused(R"(@proc
def g(n: size, x: f32[n + 1]):
    pass

@proc
def f(n: size, x: f32[n]):
    g(n, x)
)",
                 ErrorKind::Bounds, 7, 5, "could not prove n == n + 1");
}

TEST(BoundsRefuse, CallSizeNotPositive) {
  expect_refused(R"(@proc
def g(k: size):
    pass

@proc
def f(n: size):
    for i in seq(0, n):
        g(i)
)",
                 ErrorKind::Bounds, 8, 9, "size argument 'k' = 'i' may not be positive");
}

TEST(BoundsRefuse, CalleePrecondition) {
  expect_refused(R"(@proc
def g(n: size, x: f32[n]):
    assert n % 4 == 0
    pass

@proc
def f(m: size, x: f32[m]):
    g(m, x)
)",
                 ErrorKind::Precondition, 8, 5, "precondition 'n % 4 == 0' of g may not hold");
}

TEST(BoundsRefuse, CalleeStridePrecondition) {
  expect_refused(R"(@proc
def g(x: [f32][4]):
    assert stride(x, 0) == 1
    pass

@proc
def f(A: f32[4, 4]):
    for j in seq(0, 4):
        g(A[0:4, j])
)",
                 ErrorKind::Precondition, 9, 9, "stride(A, 0) == 1");
}

TEST(BoundsRefuse, ContradictoryPreconditions) {
  expect_refused(R"(@proc
def f(n: size, x: f32[n]):
    assert n < 4
    assert n > 8
    pass
)",
                 ErrorKind::Precondition, 3, 12, "contradictory");
}

TEST(BoundsRefuse, PreconditionFalseForPositiveSizes) {
  expect_refused(R"(@proc
def f(n: size):
    assert n < 1
    pass
)",
                 ErrorKind::Precondition, 3, 12, "can never hold");
}

TEST(BoundsRefuse, AllocationExtentNotPositive) {
  expect_refused(R"(@proc
def f(n: size):
    tmp: f32[n - 1]
    pass
)",
                 ErrorKind::Bounds, 3, 5, "allocation of tmp: extent 'n - 1' of dimension 0 may not be positive");
}

// ---------------------------------------------------------------------------
// Hand-built LoopIR and solver counters
// ---------------------------------------------------------------------------

// for i in seq(0, n): A[i + off] = 0.0, with A: f32[n + 2]
Proc make_shifted_write(long long off) {
  Sym n("n"), A("A"), i("i");
  SrcInfo where(std::make_shared<const std::string>("<ir>"), 3, 9);
  Expr nr = read_var(n, ScalarKind::Size);
  Expr ir = read_var(i, ScalarKind::Index);
  Stmt write = make_stmt<AssignNode>(A, Type::scalar(ScalarKind::F32),
                                     std::vector<Expr>{binop(BinOpKind::Add, ir, int_const(off))},
                                     make_expr<ConstNode>(0.0, Type::scalar(ScalarKind::F32), SrcInfo()),
                                     where);
  Stmt loop = make_stmt<ForNode>(i, int_const(0), nr, Block{write}, LoopMode::Seq, SrcInfo());
  auto p = std::make_shared<ProcNode>();
  p->name = "shifted";
  p->args.push_back(FnArg{n, Type::scalar(ScalarKind::Size), nullptr, SrcInfo()});
  p->args.push_back(FnArg{A, Type::tensor(ScalarKind::F32, {binop(BinOpKind::Add, nr, int_const(2))}), nullptr,
                          SrcInfo()});
  p->body = {loop};
  return p;
}

TEST(BoundsIR, HandBuiltProc) {
  EXPECT_NO_THROW(check_proc(make_shifted_write(2)));
  try {
    check_proc(make_shifted_write(3));
    ADD_FAILURE() << "expected a bounds error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Bounds);
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(e.message().find("i + 3 < n + 2"), std::string::npos) << e.what();
  }
}

TEST(BoundsSolver, CheapCasesNeedNoSolver) {
  SolverStats before = solver_stats();
  accept(R"(
@proc
def mm(M: size, N: size, K: size, A: f32[M, K], B: f32[K, N], C: f32[M, N]):
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                if i * 4 + k < M:
                    C[i, j] += A[i, k] * B[k, j]
)");
  check_proc(make_shifted_write(1));
  SolverStats after = solver_stats();
  EXPECT_GT(after.queries, before.queries);
  EXPECT_EQ(after.solver_calls, before.solver_calls);
}

TEST(BoundsSolver, RepeatedQueriesHitTheCache) {
  // i / 4 < (N + 3) / 4 needs integer reasoning beyond bound elimination.
  const std::string src = R"(
@proc
def divmod(N: size, A: f32[(N + 3) / 4, 4]):
    for i in seq(0, N):
        A[i / 4, i % 4] = 1.0
)";
  accept(src);
  SolverStats mid = solver_stats();
  accept(src);  // fresh symbols, same query shapes
  SolverStats after = solver_stats();
  EXPECT_GT(after.queries, mid.queries);
  EXPECT_GT(after.cache_hits, mid.cache_hits);
  EXPECT_EQ(after.solver_calls, mid.solver_calls);
}

TEST(BoundsSolver, StatsReport) {
  SolverStats s = solver_stats();
  std::printf("solver stats: queries=%ld solver_calls=%ld cache_hits=%ld\n", s.queries, s.solver_calls,
              s.cache_hits);
  EXPECT_LE(s.solver_calls + s.cache_hits, s.queries);
}

}  // namespace
}  // namespace exo
