// Typechecker tests: well-typed programs produce the expected LoopIR (kinds,
// types, shapes, windows, memories, configs, calls); ill-typed ones fail with
// ErrorKind::Type at the exact position of the offending code.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "exo/backend.h"
#include "exo/frontend.h"
#include "exo/hardware.h"
#include "exo/loopir.h"
#include "exo/printer.h"
#include "exo/scope.h"

using namespace exo;

namespace {

// Typechecks every definition of `src` in order, binding each result into the
// scope so later procs can call earlier ones. Returns the last proc.
struct Program {
  Scope scope = Scope::with_builtins();
  std::map<std::string, Proc> procs;
  std::map<std::string, ConfigPtr> configs;

  Proc load(const std::string& src) {
    uast::UModule m = parse_module(src);
    Proc last;
    for (auto& d : m.decls) {
      if (auto* p = std::get_if<uast::UProc>(&d)) {
        last = typecheck_proc(*p, scope);
        procs[last->name] = last;
        scope.bind_proc(last);
      } else if (auto* c = std::get_if<uast::UConfig>(&d)) {
        ConfigPtr cfg = typecheck_config(*c);
        configs[cfg->name()] = cfg;
        scope.bind_config(cfg);
      } else if (auto* k = std::get_if<uast::UConstDef>(&d)) {
        bool is_int = k->value->const_kind == uast::UExpr::ConstKind::Int;
        scope.bind_const(k->name, is_int ? ConstValue::integer(k->value->ival) : ConstValue::real(k->value->fval));
      }
    }
    return last;
  }
};

Proc check(const std::string& src) { return Program().load(src); }

// Expects a type error whose message contains `substr`, reported at line:col.
void expect_type_error(const std::string& src, const std::string& substr, int line, int col) {
  SCOPED_TRACE(src);
  try {
    check(src);
    ADD_FAILURE() << "expected a type error containing '" << substr << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Type) << e.what();
    EXPECT_NE(e.message().find(substr), std::string::npos) << e.what();
    EXPECT_EQ(e.where().line, line) << e.what();
    EXPECT_EQ(e.where().col, col) << e.what();
  }
}

// Expects the proc to be accepted and its C generation to fail with a
// precision error whose list names `substr` at line:col (as exo-lang, which
// checks precisions when it generates C).
void expect_precision_error(const std::string& src, const std::string& substr, int line, int col) {
  SCOPED_TRACE(src);
  Proc p = check(src);
  try {
    compile_to_c({p}, "precision");
    ADD_FAILURE() << "expected a precision error containing '" << substr << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Type) << e.what();
    EXPECT_NE(e.message().find("Errors occurred during precision checking"), std::string::npos) << e.what();
    std::string at = ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + substr;
    EXPECT_NE(e.message().find(at), std::string::npos) << e.what();
  }
}

void expect_type_error_uast(const uast::UProc& p, const std::string& substr, int line, int col) {
  try {
    Scope scope = Scope::with_builtins();
    typecheck_proc(p, scope);
    ADD_FAILURE() << "expected a type error containing '" << substr << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Type) << e.what();
    EXPECT_NE(e.message().find(substr), std::string::npos) << e.what();
    EXPECT_EQ(e.where().line, line) << e.what();
    EXPECT_EQ(e.where().col, col) << e.what();
  }
}

template <class T>
const T* as(const Stmt& s) {
  const T* p = s.as<T>();
  EXPECT_NE(p, nullptr) << "statement is a " << stmt_kind_name(s->kind);
  return p;
}
template <class T>
const T* as(const Expr& e) {
  const T* p = e.as<T>();
  EXPECT_NE(p, nullptr) << "expression is a " << expr_kind_name(e->kind);
  return p;
}

double const_val(const Expr& e) {
  auto* c = e.as<ConstNode>();
  EXPECT_NE(c, nullptr);
  return c ? c->as_double() : -1;
}

bool reads(const Expr& e, const Sym& s) {
  auto* r = e.as<ReadNode>();
  return r && r->name == s && r->idx.empty();
}

}  // namespace

// ---------------------------------------------------------------------------
// Well-typed programs
// ---------------------------------------------------------------------------

TEST(Typecheck, MatmulArgsAndBody) {
  Proc p = check(R"(
@proc
def sgemm(M: size, N: size, K: size, C: f32[M, N] @ DRAM, A: f32[M, K], B: f32[K, N] @ DRAM):
    for i in seq(0, M):
        for j in par(0, N):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]
)");
  ASSERT_EQ(p->args.size(), 6u);
  EXPECT_EQ(p->name, "sgemm");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(p->args[i].type.base, ScalarKind::Size);
    EXPECT_FALSE(p->args[i].type.is_tensor);
    EXPECT_EQ(p->args[i].mem, nullptr);
  }
  const FnArg& C = p->args[3];
  EXPECT_TRUE(C.type.is_tensor);
  EXPECT_FALSE(C.type.is_window);
  EXPECT_EQ(C.type.base, ScalarKind::F32);
  ASSERT_EQ(C.type.rank(), 2u);
  EXPECT_TRUE(reads(C.type.shape[0], p->args[0].name));
  EXPECT_TRUE(reads(C.type.shape[1], p->args[1].name));
  EXPECT_EQ(C.mem, dram());
  EXPECT_EQ(p->args[4].mem, dram());  // default memory

  ASSERT_EQ(p->body.size(), 1u);
  auto* fi = as<ForNode>(p->body[0]);
  EXPECT_EQ(fi->mode, LoopMode::Seq);
  EXPECT_EQ(const_val(fi->lo), 0);
  EXPECT_EQ(fi->lo->type.base, ScalarKind::Int);
  EXPECT_TRUE(reads(fi->hi, p->args[0].name));
  EXPECT_EQ(fi->srcinfo.line, 4);
  auto* fj = as<ForNode>(fi->body[0]);
  EXPECT_EQ(fj->mode, LoopMode::Par);
  auto* fk = as<ForNode>(fj->body[0]);
  auto* red = as<ReduceNode>(fk->body[0]);
  EXPECT_EQ(red->name, C.name);
  EXPECT_EQ(red->type.base, ScalarKind::F32);
  ASSERT_EQ(red->idx.size(), 2u);
  EXPECT_TRUE(reads(red->idx[0], fi->iter));
  EXPECT_EQ(red->idx[0]->type.base, ScalarKind::Index);
  auto* mul = as<BinOpNode>(red->rhs);
  EXPECT_EQ(mul->op, BinOpKind::Mul);
  EXPECT_EQ(mul->type.base, ScalarKind::F32);
  auto* a = as<ReadNode>(mul->lhs);
  EXPECT_EQ(a->name, p->args[4].name);
  EXPECT_TRUE(reads(a->idx[1], fk->iter));
  EXPECT_EQ(red->srcinfo.line, 7);
  EXPECT_EQ(red->srcinfo.col, 17);
}

TEST(Typecheck, ScalarsAllocsAndLiterals) {
  Proc p = check(R"(
@proc
def foo(n: size, x: f32, y: i8 @ DRAM, z: R, b: bool, s: stride, k: int, A: f64[n]):
    t: f32
    buf: f32[16, n + 1] @ DRAM_STACK
    t = 2
    x = t * 2.5 + x
    for i in seq(0, n):
        A[i] = -A[i]
)");
  ASSERT_EQ(p->args.size(), 8u);
  EXPECT_EQ(p->args[1].type.base, ScalarKind::F32);
  EXPECT_EQ(p->args[1].mem, dram());
  EXPECT_EQ(p->args[2].type.base, ScalarKind::I8);
  EXPECT_EQ(p->args[3].type.base, ScalarKind::R);
  EXPECT_EQ(p->args[4].type.base, ScalarKind::Bool);
  EXPECT_EQ(p->args[4].mem, nullptr);
  EXPECT_EQ(p->args[5].type.base, ScalarKind::Stride);
  EXPECT_EQ(p->args[6].type.base, ScalarKind::Int);
  auto* t = as<AllocNode>(p->body[0]);
  EXPECT_EQ(t->type.base, ScalarKind::F32);
  EXPECT_FALSE(t->type.is_tensor);
  EXPECT_EQ(t->mem, dram());
  auto* buf = as<AllocNode>(p->body[1]);
  ASSERT_EQ(buf->type.rank(), 2u);
  EXPECT_EQ(const_val(buf->type.shape[0]), 16);
  auto* sh1 = as<BinOpNode>(buf->type.shape[1]);
  EXPECT_EQ(sh1->type.base, ScalarKind::Size);
  EXPECT_EQ(buf->mem, dram_stack());
  // An integer literal in a data position is an R constant.
  auto* as1 = as<AssignNode>(p->body[2]);
  EXPECT_EQ(as1->name, t->name);
  EXPECT_TRUE(as1->idx.empty());
  EXPECT_EQ(as1->rhs->type.base, ScalarKind::R);
  auto* as2 = as<AssignNode>(p->body[3]);
  EXPECT_EQ(as2->rhs->type.base, ScalarKind::F32);
  auto* neg = as<AssignNode>(as<ForNode>(p->body[4])->body[0]);
  EXPECT_EQ(neg->rhs->kind, ExprKind::USub);
  EXPECT_EQ(neg->rhs->type.base, ScalarKind::F64);
  // Each binding got a fresh symbol.
  EXPECT_NE(t->name, buf->name);
}

TEST(Typecheck, IndexArithmeticTypes) {
  Proc p = check(R"(
@proc
def f(n: size, m: index, A: f32[4 * n + 2]):
    assert n >= 1 and m < n
    for i in seq(0, n / 2):
        A[i * 2 + i % 3] = 0.0
        A[4 * i - (m + 1)] = 1.0
)");
  ASSERT_EQ(p->preds.size(), 1u);
  auto* conj = as<BinOpNode>(p->preds[0]);
  EXPECT_EQ(conj->op, BinOpKind::And);
  EXPECT_EQ(conj->type.base, ScalarKind::Bool);
  auto* shape = as<BinOpNode>(p->args[2].type.shape[0]);
  EXPECT_EQ(shape->type.base, ScalarKind::Size);
  auto* loop = as<ForNode>(p->body[0]);
  EXPECT_EQ(loop->hi->type.base, ScalarKind::Size);
  auto* a0 = as<AssignNode>(loop->body[0]);
  EXPECT_EQ(a0->idx[0]->type.base, ScalarKind::Index);
  auto* sum = as<BinOpNode>(a0->idx[0]);
  EXPECT_EQ(as<BinOpNode>(sum->rhs)->op, BinOpKind::Mod);
}

TEST(Typecheck, WindowStatementsAndWindowTypes) {
  Proc p = check(R"(
@proc
def w(n: size, A: f32[n, 16] @ DRAM, B: [f32][n, 8] @ DRAM):
    for i in seq(0, n):
        row = A[i, 4:12]
        row[0] = B[i, 1]
        full = A[:, :]
        tail = A[i, 8:]
        part = A[i]
    sub = B[0:2, 2:8]
)");
  EXPECT_TRUE(p->args[2].type.is_window);
  auto* loop = as<ForNode>(p->body[0]);
  auto* ws = as<WindowStmtNode>(loop->body[0]);
  auto* we = as<WindowExprNode>(ws->rhs);
  EXPECT_EQ(we->name, p->args[1].name);
  ASSERT_EQ(we->idx.size(), 2u);
  EXPECT_FALSE(we->idx[0].is_interval);
  EXPECT_TRUE(we->idx[1].is_interval);
  EXPECT_EQ(const_val(we->idx[1].lo), 4);
  EXPECT_EQ(const_val(we->idx[1].hi), 12);
  EXPECT_TRUE(we->type.is_tensor);
  EXPECT_TRUE(we->type.is_window);
  EXPECT_EQ(we->type.base, ScalarKind::F32);
  ASSERT_EQ(we->type.rank(), 1u);
  EXPECT_EQ(const_val(we->type.shape[0]), 8);
  // Writes through the window name resolve to the window's symbol.
  auto* wr = as<AssignNode>(loop->body[1]);
  EXPECT_EQ(wr->name, ws->name);
  // Omitted bounds are 0 and the dimension size.
  auto* full = as<WindowExprNode>(as<WindowStmtNode>(loop->body[2])->rhs);
  ASSERT_EQ(full->type.rank(), 2u);
  EXPECT_TRUE(reads(full->type.shape[0], p->args[0].name));
  EXPECT_EQ(const_val(full->type.shape[1]), 16);
  EXPECT_EQ(const_val(full->idx[0].lo), 0);
  auto* tail = as<WindowExprNode>(as<WindowStmtNode>(loop->body[3])->rhs);
  EXPECT_EQ(const_val(tail->type.shape[0]), 8);
  // `A[i]` on a rank-2 buffer is the window `A[i, :]`.
  auto* part = as<WindowExprNode>(as<WindowStmtNode>(loop->body[4])->rhs);
  ASSERT_EQ(part->idx.size(), 2u);
  EXPECT_TRUE(part->idx[1].is_interval);
  EXPECT_EQ(const_val(part->type.shape[0]), 16);
  // Windows of windows.
  auto* sub = as<WindowExprNode>(as<WindowStmtNode>(p->body[1])->rhs);
  EXPECT_EQ(sub->name, p->args[2].name);
  EXPECT_EQ(const_val(sub->type.shape[0]), 2);
  EXPECT_EQ(const_val(sub->type.shape[1]), 6);
}

TEST(Typecheck, IfElifElseAndBoolOps) {
  Proc p = check(R"(
@proc
def g(n: size, flag: bool, x: f32[n]):
    for i in seq(0, n):
        if i < 2 or flag:
            x[i] = 1.0
        elif not flag:
            x[i] = 2.0
        else:
            pass
)");
  auto* loop = as<ForNode>(p->body[0]);
  auto* iff = as<IfNode>(loop->body[0]);
  EXPECT_EQ(iff->cond->type.base, ScalarKind::Bool);
  ASSERT_EQ(iff->orelse.size(), 1u);
  auto* elif = as<IfNode>(iff->orelse[0]);
  auto* neg = as<BinOpNode>(elif->cond);
  EXPECT_EQ(neg->op, BinOpKind::Eq);  // `not flag` is `flag == False`
  EXPECT_EQ(const_val(neg->rhs), 0);
  EXPECT_EQ(neg->rhs->type.base, ScalarKind::Bool);
  ASSERT_EQ(elif->orelse.size(), 1u);
  EXPECT_EQ(elif->orelse[0]->kind, StmtKind::Pass);
}

TEST(Typecheck, StrideExternsAndConstants) {
  Program prog;
  prog.scope.bind_const("TILE", ConstValue::integer(8));
  prog.scope.bind_const("ALPHA", ConstValue::real(0.5));
  Proc p = prog.load(R"(
@proc
def h(n: size, A: [f32][n, 8], y: f32[n]):
    assert stride(A, 1) == 1
    for i in seq(0, n / TILE):
        y[i] = select(0.0, A[i, 0], A[i, 1], ALPHA * y[i])
        y[i] = sin(y[i])
)");
  auto* pred = as<BinOpNode>(p->preds[0]);
  auto* st = as<StrideExprNode>(pred->lhs);
  EXPECT_EQ(st->dim, 1);
  EXPECT_EQ(st->name, p->args[1].name);
  EXPECT_EQ(st->type.base, ScalarKind::Stride);
  auto* loop = as<ForNode>(p->body[0]);
  auto* div = as<BinOpNode>(loop->hi);
  EXPECT_EQ(const_val(div->rhs), 8);
  EXPECT_EQ(div->rhs->type.base, ScalarKind::Int);
  auto* sel = as<ExternCallNode>(as<AssignNode>(loop->body[0])->rhs);
  EXPECT_EQ(sel->fn->name(), "select");
  EXPECT_EQ(sel->args.size(), 4u);
  EXPECT_EQ(sel->type.base, ScalarKind::F32);
  auto* alpha = as<BinOpNode>(sel->args[3]);
  EXPECT_EQ(const_val(alpha->lhs), 0.5);
  EXPECT_EQ(alpha->lhs->type.base, ScalarKind::R);
  auto* s = as<ExternCallNode>(as<AssignNode>(loop->body[1])->rhs);
  EXPECT_EQ(s->fn->name(), "sin");
}

TEST(Typecheck, ConfigsReadAndWrite) {
  Program prog;
  Proc p = prog.load(R"(
@config
class Cfg:
    scale: f32
    n: index
    on: bool

@proc
def set_cfg(m: size, x: f32[m]):
    Cfg.n = m - 1
    Cfg.on = True
    Cfg.scale = x[0]
    for i in seq(0, Cfg.n):
        x[i] = x[i] * Cfg.scale
)");
  ConfigPtr cfg = prog.configs.at("Cfg");
  ASSERT_EQ(cfg->fields().size(), 3u);
  EXPECT_EQ(cfg->find("n")->type, ScalarKind::Index);
  EXPECT_TRUE(cfg->readwrite());
  auto* w0 = as<WriteConfigNode>(p->body[0]);
  EXPECT_EQ(w0->config, cfg);
  EXPECT_EQ(w0->field, "n");
  EXPECT_EQ(w0->rhs->type.base, ScalarKind::Size);
  auto* w1 = as<WriteConfigNode>(p->body[1]);
  EXPECT_EQ(w1->rhs->type.base, ScalarKind::Bool);
  auto* loop = as<ForNode>(p->body[3]);
  auto* rc = as<ReadConfigNode>(loop->hi);
  EXPECT_EQ(rc->field, "n");
  EXPECT_EQ(rc->type.base, ScalarKind::Index);
  auto* mul = as<BinOpNode>(as<AssignNode>(loop->body[0])->rhs);
  EXPECT_EQ(as<ReadConfigNode>(mul->rhs)->type.base, ScalarKind::F32);
}

TEST(Typecheck, CallsWithBuffersWindowsAndScalars) {
  Program prog;
  Proc p = prog.load(R"(
@proc
def kernel(n: size, alpha: f32, x: [f32][n] @ DRAM, y: [f32][n, 4]):
    for i in seq(0, n):
        x[i] = alpha * y[i, 0]

@proc
def caller(m: size, a: f32, A: f32[m, 8], B: f32[8, 4], C: R[4]):
    for j in seq(0, m):
        kernel(8, a, A[j, :], B)
        kernel(4, A[j, 0], A[j, 2:6], B[0:4, :])
        kernel(4, C[0], C, B[4:8, 0:4])
)");
  Proc kernel = prog.procs.at("kernel");
  auto* loop = as<ForNode>(p->body[0]);
  auto* c0 = as<CallNode>(loop->body[0]);
  EXPECT_EQ(c0->proc, kernel);
  ASSERT_EQ(c0->args.size(), 4u);
  EXPECT_EQ(const_val(c0->args[0]), 8);
  EXPECT_EQ(c0->args[0]->type.base, ScalarKind::Int);
  EXPECT_TRUE(reads(c0->args[1], p->args[1].name));
  auto* win = as<WindowExprNode>(c0->args[2]);
  EXPECT_EQ(const_val(win->type.shape[0]), 8);
  auto* whole = as<ReadNode>(c0->args[3]);
  EXPECT_TRUE(whole->idx.empty());
  EXPECT_TRUE(whole->type.is_tensor);
  EXPECT_EQ(whole->type.rank(), 2u);
  auto* c1 = as<CallNode>(loop->body[1]);
  auto* elem = as<ReadNode>(c1->args[1]);  // a buffer element as a scalar argument
  EXPECT_EQ(elem->idx.size(), 2u);
  EXPECT_EQ(as<WindowExprNode>(c1->args[3])->type.rank(), 2u);
  // R data (default precision) is accepted where f32 is expected.
  auto* c2 = as<CallNode>(loop->body[2]);
  EXPECT_EQ(as<ReadNode>(c2->args[2])->type.base, ScalarKind::R);
}

TEST(Typecheck, InstrAndCustomMemory) {
  Program prog;
  Proc p = prog.load(R"(
@instr("{dst_data} = {src_data};")
def copy4(dst: [f32][4] @ DRAM_STATIC, src: [f32][4] @ DRAM):
    for i in seq(0, 4):
        dst[i] = src[i]
)");
  ASSERT_TRUE(p->instr.has_value());
  EXPECT_EQ(p->instr->c_instr, "{dst_data} = {src_data};");
  EXPECT_EQ(p->args[0].mem, dram_static());
}

TEST(Typecheck, ShadowingAndBlockScopes) {
  Proc p = check(R"(
@proc
def s(n: size, x: f32[n]):
    for i in seq(0, n):
        t: f32
        t = x[i]
        x[i] = t
    for i in seq(0, n):
        t: f32[2]
        t[0] = x[i]
)");
  auto* l0 = as<ForNode>(p->body[0]);
  auto* l1 = as<ForNode>(p->body[1]);
  EXPECT_NE(l0->iter, l1->iter);
  EXPECT_NE(as<AllocNode>(l0->body[0])->name, as<AllocNode>(l1->body[0])->name);
  EXPECT_EQ(as<AllocNode>(l1->body[0])->type.rank(), 1u);
}

TEST(Typecheck, ControlParametersAndIntScaling) {
  Program prog;
  prog.scope.bind_const("DEBUG", ConstValue::boolean(true));
  Proc p = prog.load(R"(
@proc
def callee(k: int, b: bool, s: stride, A: [f32][k]):
    pass

@proc
def caller(n: size, k: int, A: f32[n, k * n]):
    callee(k, DEBUG and n > 1, stride(A, 0), A[0, 0:k])
    callee(2 * k, False, 1, A[1, 0:k])
)");
  EXPECT_EQ(p->args[2].type.shape[1]->type.base, ScalarKind::Size);  // int * size
  auto* c0 = as<CallNode>(p->body[0]);
  auto* conj = as<BinOpNode>(c0->args[1]);
  EXPECT_EQ(conj->lhs->type.base, ScalarKind::Bool);
  EXPECT_EQ(const_val(conj->lhs), 1);
  EXPECT_EQ(c0->args[2]->kind, ExprKind::StrideExpr);
  auto* c1 = as<CallNode>(p->body[1]);
  EXPECT_EQ(c1->args[0]->type.base, ScalarKind::Int);
  EXPECT_EQ(c1->args[2]->type.base, ScalarKind::Int);
}

// The printer's output of typechecked LoopIR parses and typechecks back to the
// same program (this is what lets `not` be represented as `== False`).
TEST(Typecheck, PrintedProcRoundTrips) {
  Program prog;
  Proc p = prog.load(R"(
@config
class Cfg:
    scale: f32
    n: index

@proc
def kernel(n: size, alpha: f32, x: [f32][n] @ DRAM, y: [f32][n, 4]):
    for i in seq(0, n):
        x[i] = alpha * y[i, 0]

@proc
def f(n: size, flag: bool, A: f32[n, 16] @ DRAM, B: [f32][n, 8], C: f32[16, 4]):
    assert stride(B, 1) == 1 and n >= 2
    Cfg.n = n - 1
    for i in seq(0, n / 2):
        row = A[i, 4:12]
        part = A[i]
        row[0] = -B[i, 1] * 2 + Cfg.scale
        if not flag or i % 4 == 0:
            t: f32[8] @ DRAM_STACK
            t[0] = select(0.0, row[1], row[2], 3.0)
        kernel(8, A[i, 0], part[0:8], C[0:8, :])
)");
  std::string once = print_proc(p);
  auto m = parse_module("@proc\n" + once);
  Proc again = typecheck_proc(std::get<uast::UProc>(m.decls.at(0)), prog.scope);
  EXPECT_EQ(print_proc(again), once);
}

TEST(Typecheck, ConfigDefinition) {
  uast::UConfig c;
  c.name = "K";
  c.readwrite = false;
  c.fields = {{"a", "f32", {}}, {"b", "size", {}}, {"c", "stride", {}}};
  ConfigPtr cfg = typecheck_config(c);
  EXPECT_FALSE(cfg->readwrite());
  EXPECT_EQ(cfg->find("c")->type, ScalarKind::Stride);
  c.fields.push_back({"a", "i8", SrcInfo(nullptr, 7, 5)});
  try {
    typecheck_config(c);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Type);
    EXPECT_NE(e.message().find("duplicate field 'a'"), std::string::npos);
    EXPECT_EQ(e.where().line, 7);
  }
  c.fields = {{"z", "f32[4]", SrcInfo(nullptr, 3, 5)}};
  EXPECT_THROW(typecheck_config(c), Error);
}

// ---------------------------------------------------------------------------
// Ill-typed programs
// ---------------------------------------------------------------------------

TEST(TypecheckErrors, UndefinedName) {
  expect_type_error(R"(
@proc
def f(n: size, x: f32[n]):
    for i in seq(0, n):
        x[i] = Q
)",
                    "name 'Q' is not defined", 5, 16);
}

TEST(TypecheckErrors, WrongNumberOfIndices) {
  expect_type_error(R"(
@proc
def f(M: size, N: size, A: f32[M, N]):
    for i in seq(0, M):
        A[i] = 1.0
)",
                    "expected lvalue access of variable 'A' (f32[M, N]) with 2 indices, got 1", 5, 9);
  expect_type_error(R"(
@proc
def f(M: size, A: f32[M], y: f32):
    y = A[0, 1] + 1.0
)",
                    "expected access of variable 'A' (f32[M]) with 1 indices, got 2", 4, 9);
}

TEST(TypecheckErrors, AssignToLoopIteratorAndControl) {
  expect_type_error(R"(
@proc
def f(n: size):
    for i in seq(0, n):
        i = 3
)",
                    "cannot assign/reduce to loop iterator 'i'", 5, 9);
  expect_type_error(R"(
@proc
def f(n: size, x: f32):
    n = x
)",
                    "cannot assign/reduce to control value 'n'", 4, 5);
}

TEST(TypecheckErrors, AssignToUndefined) {
  expect_type_error(R"(
@proc
def f(n: size):
    zz = 1.0
)",
                    "unable to disambiguate assignment to undefined variable 'zz'", 4, 5);
}

TEST(TypecheckErrors, MixingIndexAndData) {
  expect_type_error(R"(
@proc
def f(n: size, x: f32[n]):
    for i in seq(0, n):
        x[i] = x[i] + i
)",
                    "cannot mix 'i' of type index with data value", 5, 23);
  expect_type_error(R"(
@proc
def f(n: size, x: f32[n]):
    for i in seq(0, n):
        x[i] = i
)",
                    "expected a numeric data value", 5, 16);
}

TEST(TypecheckErrors, NonAffineIndex) {
  expect_type_error(R"(
@proc
def f(n: size, m: size, x: f32[n * m]):
    pass
)",
                    "cannot multiply two non-constant indexing/sizing expressions", 3, 32);
  expect_type_error(R"(
@proc
def f(n: size, m: size, x: f32[n]):
    for i in seq(0, n / m):
        pass
)",
                    "cannot divide or modulo by a non-constant value 'm'", 4, 25);
  expect_type_error(R"(
@proc
def f(n: size, x: f32[n]):
    for i in seq(0, n % 0):
        pass
)",
                    "zero or a negative value", 4, 25);
}

TEST(TypecheckErrors, IndexWithData) {
  expect_type_error(R"(
@proc
def f(n: size, x: f32[n], y: f32):
    x[y] = 1.0
)",
                    "expected an index expression for an index, got 'y' of type f32", 4, 7);
}

TEST(TypecheckErrors, ComparisonOfData) {
  expect_type_error(R"(
@proc
def f(n: size, x: f32[n]):
    if x[0] < 1.0:
        pass
)",
                    "expected 'index' or 'size' argument to comparison op '<'", 4, 8);
}

TEST(TypecheckErrors, ConditionNotBool) {
  expect_type_error(R"(
@proc
def f(n: size):
    if n + 1:
        pass
)",
                    "expected a bool expression for an if condition", 4, 8);
}

TEST(TypecheckErrors, DuplicateArgument) {
  // The parser already rejects repeated names; UAST built by other front ends
  // (Python) reaches the typechecker directly, so check it there too.
  auto m = parse_module("@proc\ndef f(n: size, m: index):\n    pass\n");
  auto p = std::get<uast::UProc>(m.decls[0]);
  p.args[1].name = "n";
  expect_type_error_uast(p, "duplicate argument 'n'", 2, 16);
}

TEST(TypecheckErrors, UnknownAndNonMemory) {
  expect_type_error(R"(
@proc
def f(n: size, x: f32[n] @ NOPE):
    pass
)",
                    "memory 'NOPE' is not defined", 3, 28);
  expect_type_error(R"(
@proc
def f(n: size, x: f32[n] @ select):
    pass
)",
                    "'select' is not a memory", 3, 28);
}

TEST(TypecheckErrors, ShapeUsesLaterArgument) {
  expect_type_error(R"(
@proc
def f(x: f32[n], n: size):
    pass
)",
                    "name 'n' is not defined", 3, 14);
}

TEST(TypecheckErrors, ProcAndMemoryInExpression) {
  expect_type_error(R"(
@proc
def g(n: size):
    pass

@proc
def f(n: size, x: f32[n]):
    x[0] = g(n)
)",
                    "cannot call procedure 'g' inside an expression", 8, 12);
  expect_type_error(R"(
@proc
def f(n: size, x: f32[n]):
    x[0] = DRAM
)",
                    "'DRAM' is a memory", 4, 12);
}

TEST(TypecheckErrors, CallArityAndArgumentKinds) {
  const char* callee = R"(
@proc
def foo(n: size, a: f32, x: [f32][n], y: f32[n]):
    pass
)";
  expect_type_error(std::string(callee) + R"(
@proc
def f(n: size, x: f32[n]):
    foo(n, x[0], x)
)",
                    "'foo' expects 4 arguments, got 3", 8, 5);
  expect_precision_error(std::string(callee) + R"(
@proc
def f(n: size, x: f32[n], q: i8[n]):
    foo(n, x[0], q, x)
)",
                         "argument 3 of 'foo' is i8, its parameter 'x' f32", 8, 18);
  expect_type_error(std::string(callee) + R"(
@proc
def f(n: size, x: f32[n]):
    foo(n, 2.0 * x[0], x, x)
)",
                    "argument 2 of 'foo': expected scalar arguments to be simply variable names for now", 8, 12);
  // A window to a tensor parameter type-checks; the bounds check proves it
  // dense (tests/errors/bounds_window_not_dense.exo).
  EXPECT_NO_THROW(check(std::string(callee) + R"(
@proc
def f(n: size, x: f32[n]):
    foo(n, x[0], x, x[0:n])
)"));
  expect_type_error(std::string(callee) + R"(
@proc
def f(n: size, x: f32[n], z: f32[n, n]):
    foo(x[0], x[0], x, x)
)",
                    "argument 1 of 'foo': expected size or index type expression", 8, 9);
  expect_type_error(std::string(callee) + R"(
@proc
def f(n: size, x: f32[n], z: f32[n, n]):
    foo(n, x[0], z, x)
)",
                    "argument 3 of 'foo': expected argument of type a window or tensor of 1 dimension", 8, 18);
}

TEST(TypecheckErrors, Configs) {
  const char* cfg = R"(
@config
class Cfg:
    a: f32
    n: index
)";
  expect_type_error(std::string(cfg) + R"(
@proc
def f(x: f32):
    Cfg.zz = x
)",
                    "config 'Cfg' has no field 'zz'", 9, 5);
  expect_type_error(std::string(cfg) + R"(
@proc
def f(x: f32):
    Cfg.n = x
)",
                    "expected an index expression for config field 'Cfg.n'", 9, 13);
  expect_type_error(std::string(cfg) + R"(
@proc
def f(n: size):
    for i in seq(0, n):
        Cfg.n = i + 1
)",
                    "must not depend on the loop iterator 'i'", 10, 17);
  expect_type_error(R"(
@config(readwrite=False)
class RO:
    a: f32

@proc
def f(x: f32):
    RO.a = x
)",
                    "is read-only", 8, 5);
}

TEST(TypecheckErrors, WindowMisuse) {
  expect_type_error(R"(
@proc
def f(n: size, x: f32[n, n]):
    x[0, 0] = x[0] * 2.0
)",
                    "expected access of variable 'x' (f32[n, n]) with 2 indices, got 1", 4, 15);
  expect_type_error(R"(
@proc
def f(n: size, x: f32):
    y = x[0:2]
)",
                    "cannot take a window of argument 'x' of type f32", 4, 9);
  expect_type_error(R"(
@proc
def f(n: size, x: f32[n, 8], y: f32):
    y = x[0, 0:8]
)",
                    "'x[0, 0:8]' of type [f32][8] cannot be used as the right-hand side of '='", 4, 9);
}

TEST(TypecheckErrors, StrideAndExterns) {
  expect_type_error(R"(
@proc
def f(n: size, x: f32[n]):
    assert stride(x, 1) == 1
    pass
)",
                    "dimension 1 is out of range for 'x'", 4, 22);
  expect_type_error(R"(
@proc
def f(n: size, x: f32[n]):
    x[0] = sin(x[0], x[1])
)",
                    "extern function 'sin': expected 1 argument, got 2", 4, 12);
}

TEST(TypecheckErrors, PrecisionMismatch) {
  expect_precision_error(R"(
@proc
def f(n: size, x: f32[n], y: f64[n]):
    x[0] = x[1] + y[0]
)",
                         "'x[1] + y[0]' computes between f32 and f64", 4, 12);
  // A call passing data of another precision than its parameter's.
  expect_precision_error(R"(
@proc
def g(n: size, x: f32[n]):
    pass

@proc
def f(n: size, x: f64[n]):
    g(n, x)
)",
                         "argument 2 of 'g' is f64, its parameter 'x' f32", 8, 10);
}

TEST(TypecheckErrors, AllocOfControlType) {
  auto m = parse_module("@proc\ndef f(n: size):\n    k: f32\n");
  auto p = std::get<uast::UProc>(m.decls[0]);
  auto s = std::make_shared<uast::UStmt>(*p.body[0]);
  s->type.base = "index";
  p.body[0] = s;
  expect_type_error_uast(p, "cannot allocate 'k' of control type index", 3, 8);
}

TEST(TypecheckErrors, WindowAsAssignTarget) {
  auto m = parse_module("@proc\ndef f(n: size, x: f32[n, n]):\n    x[0, 0] = 1.0\n");
  auto p = std::get<uast::UProc>(m.decls[0]);
  auto s = std::make_shared<uast::UStmt>(*p.body[0]);
  auto lhs = std::make_shared<uast::UExpr>(*s->lhs);
  lhs->idx[0].is_slice = true;
  lhs->idx[0].lo = lhs->idx[0].pt;
  lhs->idx[0].hi = lhs->idx[0].pt;
  s->lhs = lhs;
  p.body[0] = s;
  expect_type_error_uast(p, "cannot assign to a window of 'x'", 3, 7);
}

TEST(TypecheckErrors, NoCrashOnMalformedUast) {
  uast::UProc p;
  p.name = "f";
  auto s = std::make_shared<uast::UStmt>();
  s->kind = uast::UStmtKind::Assign;
  s->srcinfo = SrcInfo(nullptr, 2, 5);
  p.body.push_back(s);
  expect_type_error_uast(p, "missing assignment target", 2, 5);
}
