// Parser tests: valid programs (checking the UAST), fragments, patterns, and
// malformed inputs with their exact error positions.
#include <gtest/gtest.h>

#include <string>

#include "exo/frontend.h"

using namespace exo;
using namespace exo::uast;

namespace {

const UProc& proc_at(const UModule& m, size_t i) { return std::get<UProc>(m.decls.at(i)); }

UProc parse_one_proc(const std::string& src) {
  UModule m = parse_module(src);
  EXPECT_EQ(m.decls.size(), 1u);
  return std::get<UProc>(m.decls.at(0));
}

// Checks the parse fails with a Parse error at (line, col) whose message has `needle`.
void expect_parse_error(const std::function<void()>& f, const std::string& needle, int line,
                        int col) {
  try {
    f();
    ADD_FAILURE() << "expected a parse error containing '" << needle << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Parse) << e.what();
    EXPECT_NE(e.message().find(needle), std::string::npos) << "message: " << e.message();
    EXPECT_EQ(e.where().line, line) << e.what();
    EXPECT_EQ(e.where().col, col) << e.what();
  }
}

void module_error(const std::string& src, const std::string& needle, int line, int col) {
  expect_parse_error([&] { parse_module(src); }, needle, line, col);
}

const char* kSgemm = R"(from __future__ import annotations
from exo import *

@proc
def example_sgemm(
    M: size,
    N: size,
    K: size,
    C: f32[M, N] @ DRAM,
    A: f32[M, K] @ DRAM,
    B: f32[K, N] @ DRAM,
):
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]
)";

}  // namespace

// ---------------------------------------------------------------------------
// Valid programs

TEST(ParserModule, Sgemm) {
  SourceOrigin o;
  o.filename = "sgemm.py";
  UModule m = parse_module(kSgemm, o);
  ASSERT_EQ(m.decls.size(), 1u);
  const UProc& p = proc_at(m, 0);
  EXPECT_EQ(p.name, "example_sgemm");
  EXPECT_EQ(p.decorator, ProcDecorator::Proc);
  ASSERT_EQ(p.args.size(), 6u);
  EXPECT_EQ(p.args[0].name, "M");
  EXPECT_EQ(p.args[0].type.base, "size");
  EXPECT_FALSE(p.args[0].type.is_tensor);
  const UType& c = p.args[3].type;
  EXPECT_EQ(c.base, "f32");
  EXPECT_TRUE(c.is_tensor);
  EXPECT_FALSE(c.is_window);
  ASSERT_EQ(c.shape.size(), 2u);
  EXPECT_EQ(c.shape[0]->kind, UExprKind::Name);
  EXPECT_EQ(c.shape[1]->name, "N");
  EXPECT_EQ(c.mem, "DRAM");
  EXPECT_EQ(p.args[3].srcinfo.line, 9);
  EXPECT_EQ(p.args[3].srcinfo.col, 5);
  EXPECT_EQ(c.mem_srcinfo.col, 20);
  EXPECT_EQ(p.srcinfo.line, 5);
  EXPECT_EQ(p.srcinfo.filename(), "sgemm.py");

  ASSERT_EQ(p.body.size(), 1u);
  const UStmt& li = *p.body[0];
  EXPECT_EQ(li.kind, UStmtKind::For);
  EXPECT_EQ(li.name, "i");
  EXPECT_EQ(li.loop_mode, "seq");
  EXPECT_EQ(li.lo->ival, 0);
  EXPECT_EQ(li.hi->name, "M");
  EXPECT_EQ(li.srcinfo.line, 13);
  EXPECT_EQ(li.srcinfo.col, 5);
  const UStmt& red = *li.body[0]->body[0]->body[0];
  EXPECT_EQ(red.kind, UStmtKind::Reduce);
  EXPECT_EQ(red.lhs->kind, UExprKind::Index);
  EXPECT_EQ(red.lhs->name, "C");
  ASSERT_EQ(red.lhs->idx.size(), 2u);
  EXPECT_FALSE(red.lhs->idx[0].is_slice);
  EXPECT_EQ(red.lhs->idx[1].pt->name, "j");
  EXPECT_EQ(red.rhs->kind, UExprKind::BinOp);
  EXPECT_EQ(red.rhs->op, BinOpKind::Mul);
  EXPECT_EQ(red.srcinfo.line, 16);
  EXPECT_EQ(red.srcinfo.col, 17);
  EXPECT_EQ(red.rhs->srcinfo.col, 28);
  // One shared file name for the whole parse.
  EXPECT_EQ(red.srcinfo.file.get(), p.srcinfo.file.get());
}

TEST(ParserModule, OriginOffsets) {
  SourceOrigin o;
  o.filename = "user.py";
  o.first_line = 40;
  o.col_offset = 4;
  UProc p = std::get<UProc>(
      parse_module("@proc\ndef f(x: f32):\n    x = 1.0\n", o).decls.at(0));
  EXPECT_EQ(p.srcinfo.line, 41);
  EXPECT_EQ(p.srcinfo.col, 5);
  EXPECT_EQ(p.body[0]->srcinfo.line, 42);
  EXPECT_EQ(p.body[0]->srcinfo.col, 9);
}

TEST(ParserModule, InstrConfigConstsDocstrings) {
  const char* src = R"(
"""A module docstring."""
import exo
from exo.platforms.x86 import (
    mm256_loadu_ps,
    DRAM,
)

N_TILE = 16
HALF = N_TILE // 2
NEG = -1.5e-3

@config
class ConfigLoad:
    """Load state."""
    src_stride : stride
    scale : f32

@config(readwrite=False)
class ConstCfg:
    n : size

@config
class Empty:
    pass

@instr("{dst_data} = _mm256_loadu_ps(&{src_data});")
def mm256_loadu_ps(dst: [f32][8] @ AVX2, src: [f32][8] @ DRAM):
    """Load 8 floats."""
    assert stride(src, 0) == 1
    assert stride(dst, 0) == 1

    for i in seq(0, 8):  # copy
        dst[i] = src[i]

@instr("acc({x});", "#include <acc.h>")
def acc(x: f32 @ DRAM):
    pass

@instr('tmpl({x});'
       ' more', c_global="""static int g;
int h;""")
def acc2(x: f32 @ DRAM) -> None:
    pass
)";
  UModule m = parse_module(src);
  ASSERT_EQ(m.decls.size(), 9u);
  const auto& n = std::get<UConstDef>(m.decls[0]);
  EXPECT_EQ(n.name, "N_TILE");
  EXPECT_EQ(n.value->ival, 16);
  EXPECT_EQ(n.value->const_kind, UExpr::ConstKind::Int);
  EXPECT_EQ(n.srcinfo.line, 9);
  const auto& half = std::get<UConstDef>(m.decls[1]);
  EXPECT_EQ(half.value->op, BinOpKind::Div);
  const auto& neg = std::get<UConstDef>(m.decls[2]);
  EXPECT_EQ(neg.value->kind, UExprKind::USub);
  EXPECT_EQ(neg.value->args[0]->const_kind, UExpr::ConstKind::Float);
  EXPECT_DOUBLE_EQ(neg.value->args[0]->fval, 1.5e-3);

  const auto& cfg = std::get<UConfig>(m.decls[3]);
  EXPECT_EQ(cfg.name, "ConfigLoad");
  EXPECT_TRUE(cfg.readwrite);
  ASSERT_EQ(cfg.fields.size(), 2u);
  EXPECT_EQ(cfg.fields[0].name, "src_stride");
  EXPECT_EQ(cfg.fields[0].type, "stride");
  EXPECT_EQ(cfg.fields[1].type, "f32");
  EXPECT_EQ(cfg.fields[1].srcinfo.line, 17);
  EXPECT_FALSE(std::get<UConfig>(m.decls[4]).readwrite);
  EXPECT_TRUE(std::get<UConfig>(m.decls[5]).fields.empty());

  const UProc& ld = proc_at(m, 6);
  EXPECT_EQ(ld.decorator, ProcDecorator::Instr);
  EXPECT_EQ(ld.c_instr, "{dst_data} = _mm256_loadu_ps(&{src_data});");
  EXPECT_EQ(ld.docstring, "Load 8 floats.");
  EXPECT_TRUE(ld.args[0].type.is_window);
  EXPECT_TRUE(ld.args[0].type.is_tensor);
  EXPECT_EQ(ld.args[0].type.mem, "AVX2");
  ASSERT_EQ(ld.preds.size(), 2u);
  EXPECT_EQ(ld.preds[0]->op, BinOpKind::Eq);
  EXPECT_EQ(ld.preds[0]->args[0]->kind, UExprKind::Call);
  EXPECT_EQ(ld.preds[0]->args[0]->name, "stride");
  EXPECT_EQ(ld.preds[0]->args[0]->args.size(), 2u);
  ASSERT_EQ(ld.body.size(), 1u);

  const UProc& a = proc_at(m, 7);
  EXPECT_EQ(a.c_instr, "acc({x});");
  EXPECT_EQ(a.c_global, "#include <acc.h>");
  EXPECT_EQ(a.args[0].type.mem, "DRAM");
  EXPECT_FALSE(a.args[0].type.is_tensor);
  EXPECT_EQ(a.body[0]->kind, UStmtKind::Pass);
  const UProc& a2 = proc_at(m, 8);
  EXPECT_EQ(a2.c_instr, "tmpl({x}); more");
  EXPECT_EQ(a2.c_global, "static int g;\nint h;");
}

TEST(ParserModule, StatementsOfAllKinds) {
  const char* src = R"(@proc
def kernel(n: size, m: index, flag: bool, s: stride, k: int, x: R[n] @ DRAM,
           y: [i8][n, 4], z: f64, w: ui8[2], v: ui16[2], u: i32[2], h: f16[2],):
    assert n >= 4 and n % 4 == 0
    acc: f32[16] @ AVX2
    t : R
    c : f32 @ DRAM
    ConfigLoad.scale = 2.0
    acc[0] = ConfigLoad.scale
    win = x[0:4]
    col = y[:, 1]
    tail = y[2:, :3]
    for i in par(0, n / 4):
        if i < 2:
            x[i] = -x[i] + relu(x[i])
        elif i == 3 or not flag:
            pass
        else:
            x[i] = select(0.0, x[i], 1.0, x[i])
    for j in seq(0, 4): t = 0.0; t += 1.0
    callee(n, x[0:4], acc, y[i, 0:8])
    x[n - 1] = (x[0] + 2) * 3 % 4 // 5
)";
  UProc p = parse_one_proc(src);
  ASSERT_EQ(p.args.size(), 12u);
  EXPECT_EQ(p.args[6].type.base, "i8");
  EXPECT_TRUE(p.args[6].type.is_window);
  EXPECT_EQ(p.args[6].type.mem, "");
  EXPECT_EQ(p.args[11].type.base, "f16");
  ASSERT_EQ(p.preds.size(), 1u);
  EXPECT_EQ(p.preds[0]->op, BinOpKind::And);

  const UBlock& b = p.body;
  ASSERT_EQ(b.size(), 12u);
  EXPECT_EQ(b[0]->kind, UStmtKind::Alloc);
  EXPECT_EQ(b[0]->name, "acc");
  EXPECT_EQ(b[0]->type.mem, "AVX2");
  EXPECT_EQ(b[0]->type.shape[0]->ival, 16);
  EXPECT_EQ(b[1]->type.base, "R");
  EXPECT_EQ(b[2]->type.mem, "DRAM");
  EXPECT_FALSE(b[2]->type.is_tensor);
  EXPECT_EQ(b[3]->kind, UStmtKind::Assign);
  EXPECT_EQ(b[3]->lhs->kind, UExprKind::Attr);
  EXPECT_EQ(b[3]->lhs->name, "ConfigLoad");
  EXPECT_EQ(b[3]->lhs->field, "scale");
  EXPECT_EQ(b[4]->rhs->kind, UExprKind::Attr);

  const UExpr& win = *b[5]->rhs;
  EXPECT_EQ(win.kind, UExprKind::Index);
  ASSERT_EQ(win.idx.size(), 1u);
  EXPECT_TRUE(win.idx[0].is_slice);
  EXPECT_EQ(win.idx[0].lo->ival, 0);
  EXPECT_EQ(win.idx[0].hi->ival, 4);
  const UExpr& col = *b[6]->rhs;
  EXPECT_TRUE(col.idx[0].is_slice);
  EXPECT_EQ(col.idx[0].lo, nullptr);
  EXPECT_EQ(col.idx[0].hi, nullptr);
  EXPECT_FALSE(col.idx[1].is_slice);
  const UExpr& tail = *b[7]->rhs;
  EXPECT_NE(tail.idx[0].lo, nullptr);
  EXPECT_EQ(tail.idx[0].hi, nullptr);
  EXPECT_EQ(tail.idx[1].lo, nullptr);
  EXPECT_NE(tail.idx[1].hi, nullptr);

  const UStmt& par = *b[8];
  EXPECT_EQ(par.loop_mode, "par");
  EXPECT_EQ(par.hi->op, BinOpKind::Div);
  const UStmt& iff = *par.body[0];
  EXPECT_EQ(iff.kind, UStmtKind::If);
  EXPECT_EQ(iff.rhs->op, BinOpKind::Lt);
  const UExpr& neg = *iff.body[0]->rhs;
  EXPECT_EQ(neg.op, BinOpKind::Add);
  EXPECT_EQ(neg.args[0]->kind, UExprKind::USub);
  EXPECT_EQ(neg.args[1]->kind, UExprKind::Call);
  EXPECT_EQ(neg.args[1]->name, "relu");
  ASSERT_EQ(iff.orelse.size(), 1u);
  const UStmt& elif = *iff.orelse[0];
  EXPECT_EQ(elif.kind, UStmtKind::If);
  EXPECT_EQ(elif.rhs->op, BinOpKind::Or);
  EXPECT_EQ(elif.rhs->args[1]->kind, UExprKind::Not);
  EXPECT_EQ(elif.body[0]->kind, UStmtKind::Pass);
  ASSERT_EQ(elif.orelse.size(), 1u);
  EXPECT_EQ(elif.orelse[0]->rhs->name, "select");
  EXPECT_EQ(elif.orelse[0]->rhs->args.size(), 4u);

  const UStmt& one_line = *b[9];
  ASSERT_EQ(one_line.body.size(), 2u);
  EXPECT_EQ(one_line.body[1]->kind, UStmtKind::Reduce);
  const UStmt& call = *b[10];
  EXPECT_EQ(call.kind, UStmtKind::Call);
  EXPECT_EQ(call.rhs->name, "callee");
  ASSERT_EQ(call.rhs->args.size(), 4u);
  EXPECT_TRUE(call.rhs->args[3]->idx[1].is_slice);
  // (x[0] + 2) * 3 % 4 // 5 is left-associative: ((((x0 + 2) * 3) % 4) // 5)
  const UExpr& arith = *b[11]->rhs;
  EXPECT_EQ(arith.op, BinOpKind::Div);
  EXPECT_EQ(arith.args[0]->op, BinOpKind::Mod);
  EXPECT_EQ(arith.args[0]->args[0]->op, BinOpKind::Mul);
  EXPECT_EQ(arith.args[0]->args[0]->args[0]->op, BinOpKind::Add);
  EXPECT_EQ(b[11]->lhs->idx[0].pt->op, BinOpKind::Sub);
}

TEST(ParserModule, CommentsContinuationsAndTabs) {
  const char* src =
      "# leading comment\n"
      "@proc  # trailing comment\n"
      "def f(n: size,  # a comment inside the parens\n"
      "      x: f32[n]):\n"
      "    # a comment line at another indentation\n"
      "        # and another\n"
      "\n"
      "    x[0] = 1.0 + \\\n"
      "        2.0\n"
      "    if n > 2:\n"
      "\tx[1] = .5\n"
      "    x[2] = 1e3\n";
  UProc p = parse_one_proc(src);
  ASSERT_EQ(p.body.size(), 3u);
  EXPECT_EQ(p.body[0]->rhs->op, BinOpKind::Add);
  EXPECT_DOUBLE_EQ(p.body[1]->body[0]->rhs->fval, 0.5);
  EXPECT_EQ(p.body[2]->rhs->const_kind, UExpr::ConstKind::Float);
  EXPECT_DOUBLE_EQ(p.body[2]->rhs->fval, 1000.0);
}

TEST(ParserModule, MultipleProcsAndNoTrailingNewline) {
  UModule m = parse_module(
      "@proc\ndef a(x: f32):\n    x = 0.0\n@exo.proc\ndef b(x: f32):\n    a(x)");
  ASSERT_EQ(m.decls.size(), 2u);
  EXPECT_EQ(proc_at(m, 1).body[0]->kind, UStmtKind::Call);
  EXPECT_TRUE(parse_module("").decls.empty());
  // An undecorated def (as the printer writes procs) is a @proc.
  UModule printed = parse_module("def g(x: f32):\n    x = 0.0\n");
  EXPECT_EQ(proc_at(printed, 0).decorator, ProcDecorator::Proc);
  EXPECT_TRUE(parse_module("# only a comment\n\nimport exo\n").decls.empty());
}

TEST(ParserModule, CrlfEscapesAndKeywordInstr) {
  UModule m = parse_module(
      "@instr(c_instr='a\\n\\tb \\'q\\'', c_global=r'\\d')\r\n"
      "def f(x: f32):\r\n"
      "    x = 0x10\r\n");
  const UProc& p = proc_at(m, 0);
  EXPECT_EQ(p.c_instr, "a\n\tb 'q'");
  EXPECT_EQ(p.c_global, "\\d");
  EXPECT_EQ(p.body[0]->rhs->ival, 16);
  EXPECT_EQ(p.body[0]->srcinfo.line, 3);
  EXPECT_EQ(p.body[0]->rhs->srcinfo.col, 9);
}

TEST(ParserModule, ChainedComparisonMeansConjunction) {
  // As in Python (and the reference): `0 < n <= 8` is `0 < n and n <= 8`.
  UExprPtr c = parse_expr_fragment("0 < n <= 8");
  ASSERT_EQ(c->kind, UExprKind::BinOp);
  EXPECT_EQ(c->op, BinOpKind::And);
  EXPECT_EQ(c->args[0]->op, BinOpKind::Lt);
  EXPECT_EQ(c->args[1]->op, BinOpKind::Le);
  EXPECT_EQ(c->args[1]->args[0]->name, "n");
  // Parenthesized comparisons are ordinary operands.
  UExprPtr e = parse_expr_fragment("(a < b) == c");
  EXPECT_EQ(e->op, BinOpKind::Eq);
  EXPECT_EQ(e->args[0]->op, BinOpKind::Lt);
}

TEST(ParserModule, Precedence) {
  UExprPtr e = parse_expr_fragment("a + b * -c < d or not e and f == 2");
  // or(lt(a + b * (-c), d), and(not e, f == 2))
  EXPECT_EQ(e->op, BinOpKind::Or);
  const UExpr& lt = *e->args[0];
  EXPECT_EQ(lt.op, BinOpKind::Lt);
  EXPECT_EQ(lt.args[0]->op, BinOpKind::Add);
  EXPECT_EQ(lt.args[0]->args[1]->op, BinOpKind::Mul);
  EXPECT_EQ(lt.args[0]->args[1]->args[1]->kind, UExprKind::USub);
  const UExpr& andx = *e->args[1];
  EXPECT_EQ(andx.op, BinOpKind::And);
  EXPECT_EQ(andx.args[0]->kind, UExprKind::Not);
  EXPECT_EQ(andx.args[1]->op, BinOpKind::Eq);
  EXPECT_EQ(e->srcinfo.col, 1);
  EXPECT_EQ(andx.srcinfo.col, 19);  // at its left operand, `not e`
  UExprPtr t = parse_expr_fragment("True");
  EXPECT_EQ(t->const_kind, UExpr::ConstKind::Bool);
  EXPECT_EQ(t->ival, 1);
  UExprPtr s = parse_expr_fragment("stride(A, 0)");
  EXPECT_EQ(s->kind, UExprKind::Call);
  EXPECT_EQ(s->args[0]->name, "A");
  UExprPtr paren = parse_expr_fragment("(1 + 2) * 3");
  EXPECT_EQ(paren->op, BinOpKind::Mul);
  EXPECT_EQ(paren->args[0]->op, BinOpKind::Add);
}

// ---------------------------------------------------------------------------
// Fragments

TEST(ParserFragment, Statements) {
  UBlock b = parse_stmt_fragment("x[i] = 0.0\nfor j in seq(0, 4): y[j] += x[j]");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0]->kind, UStmtKind::Assign);
  EXPECT_EQ(b[1]->kind, UStmtKind::For);
  EXPECT_EQ(b[1]->body[0]->kind, UStmtKind::Reduce);
  // Indented fragments are dedented.
  UBlock c = parse_stmt_fragment("    x = 1.0\n    if c:\n        y = 2.0\n");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1]->body.size(), 1u);
  // Outside patterns `_` is an ordinary name.
  UExprPtr e = parse_expr_fragment("_ + 1");
  EXPECT_EQ(e->args[0]->kind, UExprKind::Name);
}

// ---------------------------------------------------------------------------
// Patterns

TEST(ParserPattern, ForHole) {
  UPattern p = parse_pattern("for i in _: _");
  ASSERT_TRUE(p.stmts);
  EXPECT_EQ(p.expr, nullptr);
  EXPECT_EQ(p.occurrence, -1);
  ASSERT_EQ(p.stmts->size(), 1u);
  const UStmt& f = *(*p.stmts)[0];
  EXPECT_EQ(f.kind, UStmtKind::For);
  EXPECT_EQ(f.name, "i");
  EXPECT_EQ(f.loop_mode, "_");
  EXPECT_EQ(f.lo->kind, UExprKind::Hole);
  EXPECT_EQ(f.hi->kind, UExprKind::Hole);
  ASSERT_EQ(f.body.size(), 1u);
  EXPECT_EQ(f.body[0]->kind, UStmtKind::Hole);
}

TEST(ParserPattern, ForSeqAndNested) {
  UPattern p = parse_pattern("for i in seq(0, n): _");
  const UStmt& f = *(*p.stmts)[0];
  EXPECT_EQ(f.loop_mode, "seq");
  EXPECT_EQ(f.hi->name, "n");
  UPattern q = parse_pattern("for i in _:\n    for j in _: _");
  const UStmt& outer = *(*q.stmts)[0];
  ASSERT_EQ(outer.body.size(), 1u);
  EXPECT_EQ(outer.body[0]->kind, UStmtKind::For);
  EXPECT_EQ(outer.body[0]->name, "j");
  EXPECT_EQ(outer.body[0]->body[0]->kind, UStmtKind::Hole);
}

TEST(ParserPattern, AllocAssignReduce) {
  UPattern a = parse_pattern("C_reg : _");
  const UStmt& al = *(*a.stmts)[0];
  EXPECT_EQ(al.kind, UStmtKind::Alloc);
  EXPECT_EQ(al.name, "C_reg");
  EXPECT_EQ(al.type.base, "_");
  UPattern b = parse_pattern("A[_] = _");
  const UStmt& as = *(*b.stmts)[0];
  EXPECT_EQ(as.kind, UStmtKind::Assign);
  EXPECT_EQ(as.lhs->name, "A");
  EXPECT_EQ(as.lhs->idx[0].pt->kind, UExprKind::Hole);
  EXPECT_EQ(as.rhs->kind, UExprKind::Hole);
  UPattern c = parse_pattern("C[_] += _");
  EXPECT_EQ((*c.stmts)[0]->kind, UStmtKind::Reduce);
  UPattern d = parse_pattern("x = _ #2");
  EXPECT_EQ(d.occurrence, 2);
  EXPECT_EQ((*d.stmts)[0]->lhs->name, "x");
  UPattern e = parse_pattern("if c: _");
  EXPECT_EQ((*e.stmts)[0]->kind, UStmtKind::If);
}

TEST(ParserPattern, CallsExpressionsAndOccurrences) {
  UPattern c = parse_pattern("foo(_) #2");
  EXPECT_EQ(c.occurrence, 2);
  ASSERT_TRUE(c.stmts);
  const UStmt& call = *(*c.stmts)[0];
  EXPECT_EQ(call.kind, UStmtKind::Call);
  EXPECT_EQ(call.rhs->name, "foo");
  EXPECT_EQ(call.rhs->args[0]->kind, UExprKind::Hole);

  UPattern h = parse_pattern("_ #1");
  EXPECT_EQ(h.occurrence, 1);
  ASSERT_NE(h.expr, nullptr);
  EXPECT_FALSE(h.stmts);
  EXPECT_EQ(h.expr->kind, UExprKind::Hole);

  UPattern a = parse_pattern("a + _");
  ASSERT_NE(a.expr, nullptr);
  EXPECT_EQ(a.expr->op, BinOpKind::Add);
  EXPECT_EQ(a.expr->args[1]->kind, UExprKind::Hole);

  UPattern s = parse_pattern("stride(A, 0)");
  ASSERT_NE(s.expr, nullptr);
  UPattern idx = parse_pattern("x[_] #0");
  EXPECT_EQ(idx.occurrence, 0);
  EXPECT_EQ(idx.expr->kind, UExprKind::Index);
  UPattern sp = parse_pattern("y[i] * 2 #  12  ");
  EXPECT_EQ(sp.occurrence, 12);
  EXPECT_EQ(sp.expr->op, BinOpKind::Mul);
}

TEST(ParserPattern, StatementSequenceAndPositions) {
  SourceOrigin o;
  o.filename = "sched.py";
  o.first_line = 10;
  UPattern p = parse_pattern("x = 1.0\n_\ny += x", o);
  ASSERT_EQ(p.stmts->size(), 3u);
  EXPECT_EQ((*p.stmts)[1]->kind, UStmtKind::Hole);
  EXPECT_EQ((*p.stmts)[2]->srcinfo.line, 12);
  EXPECT_EQ((*p.stmts)[2]->srcinfo.filename(), "sched.py");
}

// ---------------------------------------------------------------------------
// Malformed inputs

TEST(ParserErrors, Layout) {
  module_error("@proc\ndef f(x: f32):\n    x = 1.0\n        x = 2.0\n", "unexpected indent", 4, 9);
  module_error("@proc\ndef f(x: f32):\n    if x:\n        x = 1.0\n      x = 2.0\n",
               "unindent does not match", 5, 7);
  module_error("@proc\ndef f(x: f32):\nx = 1.0\n", "expected an indented block after 'def'", 3, 1);
  module_error("@proc\ndef f(x: f32):\n    for i in seq(0, 4):\n    x = 1.0\n",
               "expected an indented block after 'for'", 4, 5);
  module_error("@proc\ndef f(x: f32):\n    x = 'abc\n", "unterminated string", 3, 9);
  module_error("@proc\ndef f(x: f32):\n    \"\"\"doc\n\n", "unterminated string", 3, 5);
  module_error("@proc\ndef f(x: f32[4):\n    pass\n", "does not match opening '['", 2, 15);
  module_error("@proc\ndef f(x: f32:\n    pass\n", "'(' was never closed", 2, 6);
  module_error("@proc\ndef f(x: f32):\n    x = 1.0 $ 2\n", "unexpected character '$'", 3, 13);
  module_error("@proc\ndef f(x: f32):\n    x = 1.0)\n", "unmatched ')'", 3, 12);
}

TEST(ParserErrors, TopLevel) {
  module_error("class C:\n    x: f32\n", "must be decorated with @config", 1, 1);
  module_error("@foo\ndef f(x: f32):\n    pass\n", "unknown decorator '@foo'", 1, 2);
  module_error("print(3)\n", "at top level", 1, 1);
  module_error("@proc\nclass C:\n    x: f32\n", "must decorate a function", 2, 1);
  module_error("@instr\ndef f(x: f32):\n    pass\n", "expects a C instruction template", 1, 2);
  module_error("@instr(3)\ndef f(x: f32):\n    pass\n", "to be a string", 1, 8);
  module_error("@config\nclass C:\n    x : R\n", "expected one of the following types", 3, 9);
  module_error("@config\nclass C(Base):\n    x : f32\n", "no base classes", 2, 9);
  module_error("N = foo(3)\n", "must be constants", 1, 5);
  module_error("@config(readwrite=1)\nclass C:\n    x : f32\n", "True or False", 1, 19);
}

TEST(ParserErrors, Signatures) {
  module_error("@proc\ndef f(x):\n    pass\n", "expected argument to be typed", 2, 8);
  module_error("@proc\ndef f(*x: f32):\n    pass\n", "do not support *args", 2, 7);
  module_error("@proc\ndef f(x: g32):\n    pass\n", "unknown type 'g32'", 2, 10);
  module_error("@proc\ndef f(n: size @ DRAM):\n    pass\n", "memory locations", 2, 15);
  module_error("@proc\ndef f(n: f32) -> int:\n    pass\n", "return types", 2, 18);
  module_error("@proc\ndef f(n: f32)\n    pass\n", "expected ':' after procedure signature", 2, 14);
  module_error("@proc\ndef f(n: f32 = 3):\n    pass\n", "default argument", 2, 14);
  module_error("@proc\ndef f(n: [f32][4]):\n    x: [f32][4]\n", "only be used in a procedure signature", 3, 8);
  module_error("@proc\ndef f(n: size):\n    x: size\n", "Cannot allocate", 3, 8);
}

TEST(ParserErrors, Statements) {
  const std::string hdr = "@proc\ndef f(n: size, x: f32[n]):\n";
  module_error(hdr + "    for i in seq(0, n)\n        pass\n", "expected ':' after for header", 3, 23);
  module_error(hdr + "    for i in range(0, n):\n        pass\n", "seq(lo, hi)", 3, 14);
  module_error(hdr + "    for i in seq(0):\n        pass\n", "expects exactly 2 arguments", 3, 19);
  module_error(hdr + "    for i in seq(, n):\n        pass\n", "expected an index expression in seq(lo, hi)", 3, 18);
  module_error(hdr + "    pass\n    assert n > 1\n", "assert is only allowed at the beginning", 4, 5);
  module_error(hdr + "    assert n > 1, \"msg\"\n", "should not have messages", 3, 17);
  module_error(hdr + "    x[0] -= 1.0\n", "only += reductions", 3, 10);
  module_error(hdr + "    x[0:2] = 1.0\n", "windowing on left-hand-side", 3, 7);
  module_error(hdr + "    x[0] + 1.0\n", "expected a statement, found an expression", 3, 5);
  module_error(hdr + "    if n != 2:\n        pass\n", "unsupported binary operator: '!='", 3, 10);
  module_error(hdr + "    x[0] = x[0] ** 2\n", "'**'", 3, 17);
  module_error(hdr + "    while n:\n        pass\n", "unsupported statement 'while'", 3, 5);
  module_error(hdr + "    else:\n        pass\n", "'else' without a matching 'if'", 3, 5);
  module_error(hdr + "    x[0] = 1.0 = 2.0\n", "only one expression on the left", 3, 16);
  module_error(hdr + "    y: f32 = 1.0\n", "should not have a value assigned", 3, 12);
  module_error(hdr + "    x[0] = x[0:1:2]\n", "not x[i:j:k]", 3, 17);
  module_error(hdr + "    x[0] = (1, 2)\n", "tuples are not supported", 3, 14);
  module_error(hdr + "    if n > 1:\n        pass\n    elif:\n        pass\n", "expected an expression", 5, 9);
  module_error(hdr + "    x[0] = 1.0 x\n", "unexpected 'x'", 3, 16);
  module_error(hdr + "    x[0] = 1abc\n", "invalid number literal", 3, 12);
  module_error(hdr + "    f(n, k=2)\n", "keyword arguments", 3, 12);
  module_error(hdr + "    x[] = 1.0\n", "expected an index expression", 3, 7);
  module_error(hdr + "    for i in seq(0, n): for j in seq(0, n): pass\n", "compound statement", 3, 25);
}

TEST(ParserErrors, Fragments) {
  expect_parse_error([] { parse_expr_fragment("a +"); }, "expected an expression", 1, 4);
  expect_parse_error([] { parse_expr_fragment("a b"); }, "after expression", 1, 3);
  expect_parse_error([] { parse_expr_fragment(""); }, "expected an expression", 1, 1);
  expect_parse_error([] { parse_stmt_fragment(""); }, "at least one statement", 1, 1);
  expect_parse_error([] { parse_pattern("for i in _ _"); }, "expected ':' after for header", 1, 12);
  expect_parse_error([] { parse_pattern("   "); }, "empty pattern", 1, 4);
  SourceOrigin o;
  o.first_line = 7;
  o.col_offset = 2;
  expect_parse_error([&] { parse_pattern("x = = 1", o); }, "expected an expression", 7, 7);
}

TEST(ParserErrors, NeverCrashes) {
  // Deep nesting fails cleanly instead of overflowing the stack.
  std::string deep(100000, '(');
  expect_parse_error([&] { parse_expr_fragment(deep + "1" + std::string(100000, ')')); }, "nested too deeply", 1, 201);
  std::string minus(100000, '-');
  expect_parse_error([&] { parse_expr_fragment(minus + "1"); }, "nested too deeply", 1, 200);
  // Garbage of many shapes: only Parse errors, never anything else.
  const char* inputs[] = {"@", "@proc", "@proc\n", "@proc\ndef", "@proc\ndef f(", "@proc\ndef f(x:",
                          "@proc\ndef f(x: f32[", "@proc\ndef f() :", ")", "]", "\"", "'''",
                          "\\", "x\\y", "@config\nclass", "@config\nclass C:\n", "@config\nclass C: x: f32",
                          "N =", "N = 1 2", "\t\tx = 1", "import", "from (", "@proc\ndef f():\n  pass\n pass",
                          "@instr(c_instr=\"a\", c_instr=\"b\")\ndef f():\n pass", "\x01", "0x", "1e", "1.5.5"};
  for (const char* in : inputs) {
    try {
      parse_module(in);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Parse) << in << ": " << e.what();
    }
    for (auto fn : {+[](const char* s) { parse_pattern(s); }, +[](const char* s) { parse_stmt_fragment(s); },
                    +[](const char* s) { parse_expr_fragment(s); }}) {
      try {
        fn(in);
      } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Parse) << in << ": " << e.what();
      }
    }
  }
}
