// Per-node dispatch (exo/ir_mutator.h hooks, exo/ir_functor.h functors): a
// pass overriding one node kind still walks every other kind, functors reach
// the hook of the node's own kind with the pass's arguments, and a kind a
// functor does not handle is an internal error rather than a silent default.
#include <gtest/gtest.h>

#include "exo/exo.h"
#include "exo/ir_functor.h"
#include "exo/ir_mutator.h"
#include "support/caught_error.h"

namespace exo {
namespace {

using test::caught;

const char* kSrc = R"(
@proc
def mix(n: size, x: f32[n, 4] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        if i < n - 1:
            y[i] = x[i, 0] + x[i + 1, 3] * 2.0
        else:
            y[i] += -x[i, 1]
)";

const Proc& mix() {
  static Module m = Module::from_string(kSrc);
  static Proc p = m.proc("mix");
  return p;
}

// Counts reads by overriding only the read hook: the defaults must still
// reach the reads under loops, branches, operators and indices.
struct ReadCounter : IRVisitor {
  using IRVisitor::visit;
  std::map<std::string, int> reads;
  void visit(const ReadNode& n) override {
    ++reads[n.name.name()];
    IRVisitor::visit(n);
  }
};

TEST(IRVisitor, OneHookSeesEveryNodeOfItsKind) {
  ReadCounter c;
  c.visit_block(mix()->body);
  // i: the branch condition, the indices of y (2) and of x (3, one inside
  // `i + 1`).
  EXPECT_EQ(c.reads["i"], 6);
  EXPECT_EQ(c.reads["n"], 2);  // the loop's bound and `n - 1`
  EXPECT_EQ(c.reads["x"], 3);
  EXPECT_EQ(c.reads["y"], 0);  // written, never read
}

TEST(IRVisitor, LoopHookOverridesTheDefaultRecursion) {
  struct Shallow : IRVisitor {
    using IRVisitor::visit;
    int loops = 0, reads = 0;
    void visit(const ForNode&) override { ++loops; }  // does not recurse
    void visit(const ReadNode&) override { ++reads; }
  } s;
  s.visit_block(mix()->body);
  EXPECT_EQ(s.loops, 1);
  EXPECT_EQ(s.reads, 0);
}

// Depth of an expression, with the pass's own argument (a cap) threaded
// through every hook.
struct Depth : ExprFunctor<int(int)> {
  int visit(const BinOpNode& n, const Expr&, int cap) override {
    return std::min(cap, 1 + std::max(dispatch(n.lhs, cap), dispatch(n.rhs, cap)));
  }
  int visit(const USubNode& n, const Expr&, int cap) override { return std::min(cap, 1 + dispatch(n.arg, cap)); }
  int visit(const ReadNode&, const Expr&, int) override { return 1; }
  int visit(const ConstNode&, const Expr&, int) override { return 1; }
};

Expr rhs_of(const Stmt& s) {
  if (auto* a = s.as<AssignNode>()) return a->rhs;
  return s.as<ReduceNode>()->rhs;
}

TEST(ExprFunctor, DispatchesToTheNodesOwnKind) {
  auto* loop = mix()->body[0].as<ForNode>();
  auto* branch = loop->body[0].as<IfNode>();
  Expr sum = rhs_of(branch->body[0]);     // x[i, 0] + x[i + 1, 3] * 2.0
  Expr negated = rhs_of(branch->orelse[0]);  // -x[i, 1]
  Depth d;
  EXPECT_EQ(d.dispatch(sum, 100), 3);
  EXPECT_EQ(d.dispatch(negated, 100), 2);
  EXPECT_EQ(d.dispatch(sum, 2), 2);  // the argument reaches every hook
}

TEST(ExprFunctor, AKindWithoutAHookIsAnInternalError) {
  struct OnlyConsts : ExprFunctor<int()> {
    int visit(const ConstNode&, const Expr&) override { return 0; }
  } f;
  auto* loop = mix()->body[0].as<ForNode>();
  auto* branch = loop->body[0].as<IfNode>();
  auto err = caught([&] { f.dispatch(branch->cond); });
  EXPECT_EQ(err.kind, ErrorKind::Internal);
  EXPECT_NE(err.message.find("BinOp"), std::string::npos) << err.message;
}

TEST(StmtFunctor, ReachesEachStatementKind) {
  struct Kinds : StmtFunctor<std::string()> {
    std::string visit(const ForNode& n, const Stmt&) override { return "for(" + all(n.body) + ")"; }
    std::string visit(const IfNode& n, const Stmt&) override {
      return "if(" + all(n.body) + "|" + all(n.orelse) + ")";
    }
    std::string visit(const AssignNode&, const Stmt&) override { return "="; }
    std::string visit(const ReduceNode&, const Stmt&) override { return "+="; }
    std::string all(const Block& b) {
      std::string out;
      for (auto& s : b) out += dispatch(s);
      return out;
    }
  } k;
  EXPECT_EQ(k.all(mix()->body), "for(if(=|+=))");
}

}  // namespace
}  // namespace exo
