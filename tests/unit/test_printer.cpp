// Printer: exact text for hand-built procs (and parse/print round trips when
// the front end is available).
#include <gtest/gtest.h>

#include <memory>

#include "exo/hardware.h"
#include "exo/loopir.h"
#include "exo/printer.h"

namespace exo {
namespace {

Type idx_t() { return Type::scalar(ScalarKind::Index); }
Type size_t_() { return Type::scalar(ScalarKind::Size); }
Type f32() { return Type::scalar(ScalarKind::F32); }

Expr rd(const Sym& s, ScalarKind k = ScalarKind::Index) { return read_var(s, k); }
Expr rdx(const Sym& s, std::vector<Expr> idx, ScalarKind k = ScalarKind::F32) {
  return make_expr<ReadNode>(s, std::move(idx), Type::scalar(k), SrcInfo{});
}
Expr real(double v, ScalarKind k = ScalarKind::R) { return make_expr<ConstNode>(v, Type::scalar(k), SrcInfo{}); }
Stmt loop(const Sym& i, Expr lo, Expr hi, Block body, LoopMode m = LoopMode::Seq) {
  return make_stmt<ForNode>(i, std::move(lo), std::move(hi), std::move(body), m, SrcInfo{});
}
FnArg arg(const Sym& s, Type t, MemoryPtr m = nullptr) { return FnArg{s, std::move(t), std::move(m), SrcInfo{}}; }

Proc sgemm() {
  Sym M("M"), N("N"), K("K"), C("C"), A("A"), B("B"), i("i"), j("j"), k("k");
  auto p = std::make_shared<ProcNode>();
  p->name = "example_sgemm";
  p->args = {arg(M, size_t_()), arg(N, size_t_()), arg(K, size_t_()),
             arg(C, Type::tensor(ScalarKind::F32, {rd(M, ScalarKind::Size), rd(N, ScalarKind::Size)}), dram()),
             arg(A, Type::tensor(ScalarKind::F32, {rd(M, ScalarKind::Size), rd(K, ScalarKind::Size)}), dram()),
             arg(B, Type::tensor(ScalarKind::F32, {rd(K, ScalarKind::Size), rd(N, ScalarKind::Size)}), dram())};
  p->preds = {binop(BinOpKind::Eq, make_expr<StrideExprNode>(A, 1, Type::scalar(ScalarKind::Stride), SrcInfo{}),
                    int_const(1))};
  Stmt red = make_stmt<ReduceNode>(
      C, f32(), std::vector<Expr>{rd(i), rd(j)},
      binop(BinOpKind::Mul, rdx(A, {rd(i), rd(k)}), rdx(B, {rd(k), rd(j)})), SrcInfo{});
  p->body = {loop(i, int_const(0), rd(M, ScalarKind::Size),
                  {loop(j, int_const(0), rd(N, ScalarKind::Size),
                        {loop(k, int_const(0), rd(K, ScalarKind::Size), {red})})})};
  return p;
}

TEST(Printer, Sgemm) {
  EXPECT_EQ(print_proc(sgemm()),
            "def example_sgemm(M: size, N: size, K: size, C: f32[M, N] @ DRAM, A: f32[M, K] @ DRAM, "
            "B: f32[K, N] @ DRAM):\n"
            "    assert stride(A, 1) == 1\n"
            "    for i in seq(0, M):\n"
            "        for j in seq(0, N):\n"
            "            for k in seq(0, K):\n"
            "                C[i, j] += A[i, k] * B[k, j]\n");
}

TEST(Printer, Precedence) {
  Sym a("a"), b("b"), c("c");
  auto A = rd(a), B = rd(b), C = rd(c);
  using K = BinOpKind;
  EXPECT_EQ(print_expr(binop(K::Sub, A, binop(K::Sub, B, C))), "a - (b - c)");
  EXPECT_EQ(print_expr(binop(K::Sub, binop(K::Sub, A, B), C)), "a - b - c");
  EXPECT_EQ(print_expr(binop(K::Div, A, binop(K::Mul, B, C))), "a / (b * c)");
  EXPECT_EQ(print_expr(binop(K::Mul, binop(K::Add, A, B), C)), "(a + b) * c");
  EXPECT_EQ(print_expr(binop(K::Add, A, binop(K::Mul, B, C))), "a + b * c");
  EXPECT_EQ(print_expr(binop(K::Mod, binop(K::Div, A, int_const(4)), int_const(2))), "a / 4 % 2");
  EXPECT_EQ(print_expr(make_expr<USubNode>(binop(K::Add, A, B), idx_t(), SrcInfo{})), "-(a + b)");
  EXPECT_EQ(print_expr(binop(K::Mul, make_expr<USubNode>(A, idx_t(), SrcInfo{}), B)), "-a * b");
  EXPECT_EQ(print_expr(binop(K::Sub, A, make_expr<USubNode>(B, idx_t(), SrcInfo{}))), "a - -b");
  auto lt = binop(K::Lt, A, B);
  EXPECT_EQ(print_expr(binop(K::Or, binop(K::And, lt, binop(K::Eq, A, C)), bool_const(true))),
            "a < b and a == c or True");
  EXPECT_EQ(print_expr(binop(K::And, lt, binop(K::Or, lt, bool_const(false)))), "a < b and (a < b or False)");
  EXPECT_EQ(print_expr(binop(K::Eq, lt, bool_const(true))), "(a < b) == True");
}

TEST(Printer, Constants) {
  EXPECT_EQ(print_expr(real(2.0)), "2.0");
  EXPECT_EQ(print_expr(real(0.5, ScalarKind::F32)), "0.5");
  EXPECT_EQ(print_expr(real(0.1, ScalarKind::F64)), "0.1");
  EXPECT_EQ(print_expr(real(1e-5)), "1e-05");
  EXPECT_EQ(print_expr(real(1.5e20)), "1.5e+20");
  EXPECT_EQ(print_expr(real(123456.0)), "123456.0");
  EXPECT_EQ(print_expr(real(-3.25)), "-3.25");
  EXPECT_EQ(print_expr(real(0.0001)), "0.0001");
  EXPECT_EQ(print_expr(int_const(42)), "42");
  EXPECT_EQ(print_expr(int_const(-7)), "-7");
  EXPECT_EQ(print_expr(bool_const(true)), "True");
  EXPECT_EQ(print_expr(bool_const(false)), "False");
}

TEST(Printer, WindowsAllocsCallsConfigsExterns) {
  Sym n("n"), x("x"), y("y"), t("t"), i("i"), w("w");
  auto cfg = std::make_shared<const Config>("Cfg", std::vector<Config::Field>{{"scale", ScalarKind::F32, {}}});
  auto callee = std::make_shared<ProcNode>();
  callee->name = "foo";
  ExternPtr sel;
  for (auto& [nm, e] : builtin_externs())
    if (nm == "select") sel = e;
  ASSERT_TRUE(sel);

  auto p = std::make_shared<ProcNode>();
  p->name = "bar";
  p->args = {arg(n, size_t_()),
             arg(x, Type::tensor(ScalarKind::F32, {rd(n, ScalarKind::Size), int_const(16)}), dram()),
             arg(y, Type::tensor(ScalarKind::F32, {int_const(8)}, true), dram())};
  Expr win = make_expr<WindowExprNode>(
      x, std::vector<WAccess>{{false, rd(i), {}}, {true, int_const(0), int_const(8)}},
      Type::tensor(ScalarKind::F32, {int_const(8)}, true), SrcInfo{});
  Expr cfgread = make_expr<ReadConfigNode>(cfg, "scale", f32(), SrcInfo{});
  Expr ext = make_expr<ExternCallNode>(
      sel, std::vector<Expr>{real(0.0), rdx(t, {int_const(3)}), cfgread, real(1.0)}, f32(), SrcInfo{});
  p->body = {
      make_stmt<AllocNode>(t, Type::tensor(ScalarKind::F32, {int_const(16)}), dram(), SrcInfo{}),
      make_stmt<WriteConfigNode>(cfg, "scale", real(2.0), SrcInfo{}),
      loop(i, int_const(0), rd(n, ScalarKind::Size),
           {make_stmt<WindowStmtNode>(w, win, SrcInfo{}),
            make_stmt<CallNode>(callee, std::vector<Expr>{rd(n, ScalarKind::Size), win}, SrcInfo{}),
            make_stmt<AssignNode>(t, f32(), std::vector<Expr>{rd(i)}, ext, SrcInfo{})},
           LoopMode::Par),
      make_stmt<IfNode>(binop(BinOpKind::Lt, rd(n, ScalarKind::Size), int_const(4)), Block{},
                        Block{make_stmt<PassNode>(SrcInfo{})}, SrcInfo{})};
  EXPECT_EQ(print_proc(p),
            "def bar(n: size, x: f32[n, 16] @ DRAM, y: [f32][8] @ DRAM):\n"
            "    t: f32[16] @ DRAM\n"
            "    Cfg.scale = 2.0\n"
            "    for i in par(0, n):\n"
            "        w = x[i, 0:8]\n"
            "        foo(n, x[i, 0:8])\n"
            "        t[i] = select(0.0, t[3], Cfg.scale, 1.0)\n"
            "    if n < 4:\n"
            "        pass\n"
            "    else:\n"
            "        pass\n");
}

TEST(Printer, NameClashes) {
  Sym n("n"), x("x"), i1("i"), i2("i"), i3("i"), a1("a"), a2("a");
  auto p = std::make_shared<ProcNode>();
  p->name = "clash";
  p->args = {arg(n, size_t_()), arg(x, Type::tensor(ScalarKind::F32, {rd(n, ScalarKind::Size)}), dram())};
  auto asg = [&](const Sym& v) {
    return make_stmt<AssignNode>(x, f32(), std::vector<Expr>{rd(v)}, real(1.0), SrcInfo{});
  };
  p->body = {
      make_stmt<AllocNode>(a1, f32(), dram(), SrcInfo{}),
      make_stmt<AllocNode>(a2, f32(), dram(), SrcInfo{}),
      make_stmt<AssignNode>(a2, f32(), std::vector<Expr>{}, rd(a1, ScalarKind::F32), SrcInfo{}),
      loop(i1, int_const(0), rd(n, ScalarKind::Size), {loop(i2, int_const(0), rd(i1), {asg(i2), asg(i1)})}),
      loop(i3, int_const(0), rd(n, ScalarKind::Size), {asg(i3)}),
  };
  EXPECT_EQ(print_proc(p),
            "def clash(n: size, x: f32[n] @ DRAM):\n"
            "    a: f32 @ DRAM\n"
            "    a_1: f32 @ DRAM\n"
            "    a_1 = a\n"
            "    for i in seq(0, n):\n"
            "        for i_1 in seq(0, i):\n"
            "            x[i_1] = 1.0\n"
            "            x[i] = 1.0\n"
            "    for i in seq(0, n):\n"
            "        x[i] = 1.0\n");
  // Byte-stable: printing twice gives the same text.
  EXPECT_EQ(print_proc(p), print_proc(p));
}

TEST(Printer, InstrAndEmptyBody) {
  Sym dst("dst"), src("src");
  auto p = std::make_shared<ProcNode>();
  p->name = "load8";
  p->args = {arg(dst, Type::tensor(ScalarKind::F32, {int_const(8)}, true), dram()),
             arg(src, Type::tensor(ScalarKind::F32, {int_const(8)}, true), dram())};
  p->instr = InstrInfo{"{dst_data} = _mm256_loadu_ps(&{src_data});\n// \"quoted\" \\", ""};
  EXPECT_EQ(print_proc(p),
            "@instr(\"{dst_data} = _mm256_loadu_ps(&{src_data});\\n// \\\"quoted\\\" \\\\\")\n"
            "def load8(dst: [f32][8] @ DRAM, src: [f32][8] @ DRAM):\n"
            "    pass\n");
  p->instr->c_global = "#include <immintrin.h>";
  EXPECT_NE(print_proc(p).find(", c_global=\"#include <immintrin.h>\")\n"), std::string::npos);
}

TEST(Printer, StmtIndent) {
  Sym x("x");
  Stmt s = make_stmt<AssignNode>(x, f32(), std::vector<Expr>{}, real(3.0), SrcInfo{});
  EXPECT_EQ(print_stmt(s), "x = 3.0\n");
  EXPECT_EQ(print_stmt(s, 2), "        x = 3.0\n");
  EXPECT_EQ(print_type(Type::tensor(ScalarKind::I8, {int_const(4), int_const(2)}, true)), "[i8][4, 2]");
}

}  // namespace
}  // namespace exo

// ---------------------------------------------------------------------------
// Round trips through the front end: parse -> print -> parse -> print is a
// fixed point, for hand-written sources and for every corpus file.
// ---------------------------------------------------------------------------

#include <filesystem>
#include <fstream>
#include <sstream>

#include "exo/exo.h"

namespace exo {
namespace {

// The `@config` classes of a source, verbatim (the printer prints procs only).
std::string config_blocks(const std::string& src) {
  std::istringstream in(src);
  std::string line, out;
  bool in_cfg = false;
  while (std::getline(in, line)) {
    if (line.rfind("@config", 0) == 0) in_cfg = true;
    else if (in_cfg && !line.empty() && line[0] != ' ' && line.rfind("class", 0) != 0) in_cfg = false;
    if (in_cfg) out += line + "\n";
  }
  return out;
}

std::string print_module(const Module& m) {
  std::string out;
  for (auto& p : m.procs()) out += (p->instr ? "" : "@proc\n") + print_proc(p) + "\n";
  return out;
}

void expect_fixed_point(const std::string& src, const std::string& what) {
  Module m1 = Module::from_string(src, what);
  std::string t1 = print_module(m1);
  Module m2 = Module::from_string(config_blocks(src) + t1, what + " (printed)");
  std::string t2 = print_module(m2);
  EXPECT_EQ(t1, t2) << what;
}

TEST(PrinterRoundTrip, HandWritten) {
  expect_fixed_point(R"(
N = 8

@instr("{dst_data} = _mm256_loadu_ps(&{src_data});\n", c_global="#include <immintrin.h>")
def load8(dst: [f32][8] @ DRAM, src: [f32][8] @ DRAM):
    assert stride(src, 0) == 1
    for i in seq(0, 8):
        dst[i] = src[i]

@proc
def kernel(n: size, m: size, x: f32[n, N] @ DRAM, y: f64[m] @ DRAM, b: bool):
    assert n >= 1 and m > n - (m - 2) / 3
    t: f32[N] @ DRAM
    load8(t, x[0, 0:8])
    for i in par(0, n):
        w = x[i, 0:N]
        for j in seq(0, N):
            w[j] = -(t[j] - w[j] * 2.5) / (1.0 + t[j])
    for i in seq(0, m):
        if b and i % 3 == 1:
            y[i] = 0.001
        elif i < 2:
            y[i] += -y[i] * 1e-07
        else:
            pass
)",
                     "<hand>");
}

TEST(PrinterRoundTrip, Corpus) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(EXO_TEST_DATA_DIR) / "corpus";
  if (!fs::exists(dir)) GTEST_SKIP() << "no corpus";
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".exo") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  int tried = 0;
  for (auto& f : files) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      Module::from_string(ss.str(), f.string());
    } catch (const Error&) {
      continue;  // a corpus file the checker refuses is not the printer's business
    }
    ++tried;
    expect_fixed_point(ss.str(), f.string());
  }
  EXPECT_GT(tried, 0);
}

}  // namespace
}  // namespace exo
