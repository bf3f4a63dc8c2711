// Interpreter: numerics follow the generated C, windows alias, calls bind,
// and every failure is an exo::Error rather than memory corruption.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "exo/exo.h"
#include "../../src/interp/interp_internal.h"  // binary16 helpers

namespace exo {
namespace {

Proc parse(const std::string& text, const std::string& name) { return Module::from_string(text).proc(name); }

std::vector<float> random_floats(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

InterpBuffer buf(std::vector<float>& v, std::vector<int64_t> shape) {
  return InterpBuffer::dense(ScalarKind::F32, v.data(), std::move(shape));
}

ErrorKind error_kind_of(const std::function<void()>& f, std::string* msg = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (msg) *msg = e.what();
    return e.kind();
  }
  ADD_FAILURE() << "expected an exo::Error";
  return ErrorKind::Internal;
}

TEST(Interp, MatmulMatchesCppLoopBitForBit) {
  Proc p = parse(R"(
@proc
def sgemm(M: size, N: size, K: size, C: f32[M, N] @ DRAM, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM):
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]
)",
                 "sgemm");
  const int n = 64;
  auto A = random_floats(n * n, 1), B = random_floats(n * n, 2), C = random_floats(n * n, 3);
  std::vector<float> ref = C;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k) ref[i * n + j] += A[i * n + k] * B[k * n + j];
  interpret(p, {int64_t{n}, int64_t{n}, int64_t{n}, buf(C, {n, n}), buf(A, {n, n}), buf(B, {n, n})});
  EXPECT_EQ(0, std::memcmp(ref.data(), C.data(), C.size() * sizeof(float)));
}

TEST(Interp, WindowsCallsAndInstrs) {
  Module m = Module::from_string(R"(
@instr("vec4_double({dst_data}, {src_data});")
def vec4_double(dst: [f32][4] @ DRAM, src: [f32][4] @ DRAM):
    assert stride(dst, 0) == 1
    for i in seq(0, 4):
        dst[i] = src[i] * 2.0

@proc
def scale_rows(n: size, x: f32[n, 8] @ DRAM, y: f32[n, 8] @ DRAM):
    for i in seq(0, n):
        for h in seq(0, 2):
            vec4_double(y[i, 4 * h:4 * h + 4], x[i, 4 * h:4 * h + 4])

@proc
def col_copy(n: size, x: f32[n, 8] @ DRAM, y: f32[n] @ DRAM):
    w = x[0:n, 3]
    for i in seq(0, n):
        y[i] = w[i]
)");
  const int n = 5;
  auto x = random_floats(n * 8, 7);
  std::vector<float> y(n * 8, 0.f);
  interpret(m.proc("scale_rows"), {int64_t{n}, buf(x, {n, 8}), buf(y, {n, 8})});
  for (int i = 0; i < n * 8; ++i) EXPECT_EQ(y[i], x[i] * 2.0f);

  std::vector<float> col(n, 0.f);
  interpret(m.proc("col_copy"), {int64_t{n}, buf(x, {n, 8}), buf(col, {n})});
  for (int i = 0; i < n; ++i) EXPECT_EQ(col[i], x[i * 8 + 3]);
}

TEST(Interp, StridedWindowArgument) {
  Proc p = parse(R"(
@proc
def sum_cols(n: size, A: [f32][n, 2] @ DRAM, out: f32[n] @ DRAM):
    for i in seq(0, n):
        out[i] = A[i, 0] + A[i, 1]
)",
                 "sum_cols");
  // A 4x2 window with row stride 5 and column stride 2 into a 20-element buffer.
  std::vector<float> data(20);
  for (int i = 0; i < 20; ++i) data[i] = static_cast<float>(i);
  InterpBuffer w{ScalarKind::F32, data.data(), {4, 2}, {5, 2}};
  std::vector<float> out(4, 0.f);
  interpret(p, {int64_t{4}, w, buf(out, {4})});
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i], data[5 * i] + data[5 * i + 2]);
}

TEST(Interp, ScalarsByReferenceAndAllocs) {
  Module m = Module::from_string(R"(
@proc
def add_scalar(x: f32, y: f32):
    x += y

@proc
def vec_add_scalar(n: size, v: f32[n], s: f32):
    for i in seq(0, n):
        t: f32
        t = v[i]
        add_scalar(t, s)
        v[i] = t

@proc
def mat_add_scalar(m: size, n: size, A: f32[m, n], s: f32[m]):
    for i in seq(0, m):
        tmp: f32[n]
        for j in seq(0, n):
            tmp[j] = A[i, j]
        vec_add_scalar(n, tmp, s[i])
        for j in seq(0, n):
            A[i, j] = tmp[j]
)");
  auto A = random_floats(15, 3), s = random_floats(3, 4);
  auto ref = A;
  interpret(m.proc("mat_add_scalar"), {int64_t{3}, int64_t{5}, buf(A, {3, 5}), buf(s, {3})});
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) EXPECT_EQ(A[i * 5 + j], ref[i * 5 + j] + s[i]);
}

TEST(Interp, ConfigsAndMissingConfig) {
  Module m = Module::from_string(R"(
@config
class ConfigScale:
    factor: f32
    offset: index

@proc
def set_scale(f: f32):
    ConfigScale.factor = f
    ConfigScale.offset = 1

@proc
def scaled_copy(n: size, x: f32[n + 1], y: f32[n], f: f32):
    set_scale(f)
    for i in seq(0, n):
        y[i] = x[i + 1] * ConfigScale.factor

@proc
def read_only(n: size, y: f32[n]):
    for i in seq(0, n):
        y[i] = ConfigScale.factor
)");
  auto x = random_floats(6, 9);
  std::vector<float> y(5), f{1.5f};
  ConfigState st;
  interpret(m.proc("scaled_copy"), {int64_t{5}, buf(x, {6}), buf(y, {5}), buf(f, {})}, &st);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(y[i], x[i + 1] * 1.5f);
  EXPECT_EQ((st[{"ConfigScale", "offset"}]), 1.0);
  ConfigState empty;
  std::string msg;
  EXPECT_EQ(error_kind_of([&] { interpret(m.proc("read_only"), {int64_t{5}, buf(y, {5})}, &empty); }, &msg),
            ErrorKind::Api);
  EXPECT_NE(msg.find("ConfigScale.factor"), std::string::npos) << msg;
}

TEST(Interp, Externs) {
  Proc p = parse(R"(
@proc
def activations(n: size, x: f32[n], r: f32[n], m: f32[n]):
    for i in seq(0, n):
        r[i] = relu(x[i])
        m[i] = select(x[i], 0.0, x[i] * 2.0, -x[i])
)",
                 "activations");
  auto x = random_floats(17, 5);
  std::vector<float> r(17), mm(17);
  interpret(p, {int64_t{17}, buf(x, {17}), buf(r, {17}), buf(mm, {17})});
  for (int i = 0; i < 17; ++i) {
    EXPECT_EQ(r[i], x[i] > 0 ? x[i] : 0.0f);
    EXPECT_EQ(mm[i], x[i] < 0 ? x[i] * 2.0f : -x[i]);
  }
}

TEST(Interp, IntegerWrapAround) {
  Module m = Module::from_string(R"(
@proc
def add_i8(n: size, x: i8[n], y: i8[n]):
    for i in seq(0, n):
        y[i] = x[i] + y[i] * 2

@proc
def mac_ui8(n: size, x: ui8[n], y: ui8[n]):
    for i in seq(0, n):
        y[i] += x[i] * 3

@proc
def div_i32(n: size, x: i32[n], y: i32[n]):
    for i in seq(0, n):
        y[i] = x[i] / 4
)");
  std::vector<int8_t> x8{100, -100, 127, -128}, y8{100, -100, 1, -1};
  interpret(m.proc("add_i8"), {int64_t{4}, InterpBuffer::dense(ScalarKind::I8, x8.data(), {4}),
                               InterpBuffer::dense(ScalarKind::I8, y8.data(), {4})});
  EXPECT_EQ(y8, (std::vector<int8_t>{static_cast<int8_t>(300), static_cast<int8_t>(-300), static_cast<int8_t>(129),
                                     static_cast<int8_t>(-130)}));
  std::vector<uint8_t> xu{200, 1}, yu{100, 255};
  interpret(m.proc("mac_ui8"), {int64_t{2}, InterpBuffer::dense(ScalarKind::UI8, xu.data(), {2}),
                                InterpBuffer::dense(ScalarKind::UI8, yu.data(), {2})});
  EXPECT_EQ(yu, (std::vector<uint8_t>{static_cast<uint8_t>(700), static_cast<uint8_t>(258)}));
  std::vector<int32_t> xi{-7, 7, -8}, yi(3);
  interpret(m.proc("div_i32"), {int64_t{3}, InterpBuffer::dense(ScalarKind::I32, xi.data(), {3}),
                                InterpBuffer::dense(ScalarKind::I32, yi.data(), {3})});
  EXPECT_EQ(yi, (std::vector<int32_t>{-1, 1, -2}));  // C truncating division on data
}

TEST(Interp, HalfPrecision) {
  using interp::double_to_half;
  using interp::half_to_double;
  EXPECT_EQ(double_to_half(1.0), 0x3c00);
  EXPECT_EQ(double_to_half(-2.0), 0xc000);
  EXPECT_EQ(double_to_half(65504.0), 0x7bff);
  EXPECT_EQ(double_to_half(65520.0), 0x7c00);      // rounds to infinity
  EXPECT_EQ(double_to_half(65519.99), 0x7bff);
  EXPECT_EQ(double_to_half(1.0 + 1.0 / 2048), 0x3c00);  // tie -> even
  EXPECT_EQ(double_to_half(1.0 + 3.0 / 2048), 0x3c02);  // tie -> even (up)
  EXPECT_EQ(double_to_half(std::ldexp(1.0, -24)), 0x0001);
  EXPECT_EQ(double_to_half(std::ldexp(1.0, -25)), 0x0000);      // tie -> even (zero)
  EXPECT_EQ(double_to_half(std::ldexp(1.5, -25)), 0x0001);
  EXPECT_EQ(double_to_half(std::ldexp(1023.5, -24)), 0x0400);   // rounds up into the normals
  EXPECT_EQ(double_to_half(0.1), 0x2e66);
  for (uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff)) continue;  // NaNs
    ASSERT_EQ(double_to_half(half_to_double(static_cast<uint16_t>(h))), h);
  }

  Proc p = parse(R"(
@proc
def scale_f16(n: size, x: f16[n], y: f16[n]):
    for i in seq(0, n):
        y[i] = x[i] * x[i] + y[i]
)",
                 "scale_f16");
  std::vector<uint16_t> x{double_to_half(1.1), double_to_half(3.0)}, y{double_to_half(0.001), double_to_half(-9.0)};
  std::vector<uint16_t> expect;
  for (int i = 0; i < 2; ++i) {
    // C with _Float16: computed in float, rounded once on the store.
    float a = static_cast<float>(half_to_double(x[i])), b = static_cast<float>(half_to_double(y[i]));
    expect.push_back(double_to_half(a * a + b));
  }
  interpret(p, {int64_t{2}, InterpBuffer::dense(ScalarKind::F16, x.data(), {2}),
                InterpBuffer::dense(ScalarKind::F16, y.data(), {2})});
  EXPECT_EQ(y, expect);
}

TEST(Interp, FloorDivModOfNegatives) {
  Proc p = parse(R"(
@proc
def gather(x: f32[4], y: f32[8], z: f32[8]):
    for i in seq(0, 8):
        y[i] = x[(i - 4) / 3 + 2]
        z[i] = x[(i - 4) % 3]
)",
                 "gather");
  std::vector<float> x{10, 20, 30, 40}, y(8), z(8);
  interpret(p, {buf(x, {4}), buf(y, {8}), buf(z, {8})});
  EXPECT_EQ(y, (std::vector<float>{10, 20, 20, 20, 30, 30, 30, 40}));
  EXPECT_EQ(z, (std::vector<float>{30, 10, 20, 30, 10, 20, 30, 10}));
}

TEST(Interp, PreconditionsAndArgumentChecks) {
  Proc p = parse(R"(
@proc
def blocked(n: size, x: f32[n] @ DRAM):
    assert n % 4 == 0
    for i in seq(0, n):
        x[i] = 1.0
)",
                 "blocked");
  std::vector<float> x(8);
  std::string msg;
  EXPECT_EQ(error_kind_of([&] { interpret(p, {int64_t{6}, buf(x, {6})}, nullptr); }, &msg), ErrorKind::Api);
  EXPECT_NE(msg.find("n % 4 == 0"), std::string::npos) << msg;
  EXPECT_EQ(error_kind_of([&] { interpret(p, {int64_t{8}, buf(x, {7})}); }, &msg), ErrorKind::Api);
  EXPECT_NE(msg.find("shape"), std::string::npos) << msg;
  EXPECT_EQ(error_kind_of([&] { interpret(p, {int64_t{8}}); }), ErrorKind::Api);
  EXPECT_EQ(error_kind_of([&] { interpret(p, {buf(x, {8}), int64_t{8}}); }), ErrorKind::Api);
  std::vector<double> xd(8);
  EXPECT_EQ(error_kind_of([&] { interpret(p, {int64_t{8}, InterpBuffer::dense(ScalarKind::F64, xd.data(), {8})}); }),
            ErrorKind::Api);
  interpret(p, {int64_t{8}, buf(x, {8})});
  EXPECT_EQ(x, std::vector<float>(8, 1.0f));
}

// Out-of-bounds accesses can only come from hand-built IR (the checker rejects
// them in source), so build `for i in seq(0, n + 1): x[i] = 1.0` directly.
TEST(Interp, OutOfBoundsIsAnError) {
  Sym n("n"), x("x"), i("i"), w("w");
  auto file = std::make_shared<const std::string>("oob.py");
  SrcInfo at(file, 7, 9);
  auto size = [&] { return read_var(n, ScalarKind::Size); };
  auto p = std::make_shared<ProcNode>();
  p->name = "oob";
  p->args = {FnArg{n, Type::scalar(ScalarKind::Size), nullptr, {}},
             FnArg{x, Type::tensor(ScalarKind::F32, {size()}), dram(), {}}};
  Stmt body = make_stmt<AssignNode>(x, Type::scalar(ScalarKind::F32), std::vector<Expr>{read_var(i, ScalarKind::Index)},
                                    make_expr<ConstNode>(1.0, Type::scalar(ScalarKind::R), SrcInfo{}), at);
  p->body = {make_stmt<ForNode>(i, int_const(0), binop(BinOpKind::Add, size(), int_const(1)), Block{body},
                                LoopMode::Seq, SrcInfo{})};
  std::vector<float> data(5, 0.f);
  data.push_back(-7.f);  // a guard element just past the buffer
  try {
    interpret(p, {int64_t{5}, InterpBuffer::dense(ScalarKind::F32, data.data(), {5})});
    FAIL() << "expected a bounds error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Bounds);
    EXPECT_EQ(e.where().line, 7);
    EXPECT_NE(std::string(e.what()).find("x[i] = 1.0"), std::string::npos) << e.what();
  }
  EXPECT_EQ(data[5], -7.f);

  // A window reaching past the buffer: w = x[2:n + 2].
  auto q = std::make_shared<ProcNode>(*p);
  Expr win = make_expr<WindowExprNode>(
      x, std::vector<WAccess>{{true, int_const(2), binop(BinOpKind::Add, size(), int_const(2))}},
      Type::tensor(ScalarKind::F32, {size()}, true), at);
  q->body = {make_stmt<WindowStmtNode>(w, win, at)};
  EXPECT_EQ(error_kind_of([&] { interpret(q, {int64_t{5}, InterpBuffer::dense(ScalarKind::F32, data.data(), {5})}); }),
            ErrorKind::Bounds);
}

TEST(Interp, FreshAllocationsArePoisoned) {
  Proc p = parse(R"(
@proc
def uninit(y: f32[2]):
    t: f32[2]
    t[0] = 1.0
    y[0] = t[0]
    y[1] = t[1]
)",
                 "uninit");
  std::vector<float> y(2, 0.f);
  interpret(p, {buf(y, {2})});
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_TRUE(std::isnan(y[1]));
}

TEST(Interp, MixedPrecisionFollowsC) {
  Proc p = parse(R"(
@proc
def mixed(x: f64[1], y: f32[1], z: f32[1]):
    y[0] = x[0]
    z[0] = y[0] * 0.1 + y[0]
)",
                 "mixed");
  std::vector<double> x{1.0 / 3.0};
  std::vector<float> y(1), z(1);
  interpret(p, {InterpBuffer::dense(ScalarKind::F64, x.data(), {1}), buf(y, {1}), buf(z, {1})});
  float yf = static_cast<float>(1.0 / 3.0);
  EXPECT_EQ(y[0], yf);
  EXPECT_EQ(z[0], yf * 0.1f + yf);  // float arithmetic with (float)0.1
}

}  // namespace
}  // namespace exo
