// Lowering LoopIR procs into the interpreter's slot-resolved, C-typed form.
//
// Data expressions are typed the way the C backend emits them: a buffer read
// has its element type, a literal or index value used as data adopts the type
// of the expression around it (exo's precision rule: `x * 2.0` with x: f32 is
// float arithmetic on `(float)2.0`), and binary operations follow C's usual
// arithmetic conversions.

#include <optional>
#include <unordered_map>

#include "exo/printer.h"
#include "interp/interp_internal.h"

namespace exo::interp {

namespace {

bool is_control(const Type& t) { return !t.is_tensor && (is_index_kind(t.base)); }
bool is_boolean(const Type& t) { return !t.is_tensor && t.base == ScalarKind::Bool; }

class ProcCompiler {
 public:
  ProcCompiler(CProgram& prog, CProc& out) : prog_(prog), out_(out) {}

  void run(const Proc& p) {
    out_.proc = p;
    for (auto& a : p->args) {
      CProc::Arg ca;
      ca.is_view = a.type.is_tensor || is_data_kind(a.type.base);
      ca.slot = define(a.name, ca.is_view);
      out_.args.push_back(std::move(ca));
    }
    // Shapes may mention any size argument, so compile them after all are bound.
    for (size_t i = 0; i < p->args.size(); ++i)
      for (auto& d : p->args[i].type.shape) out_.args[i].shape.push_back(ctrl(d));
    for (auto& pr : p->preds) out_.preds.push_back(boolean(pr));
    out_.body = block(p->body);
  }

 private:
  int define(const Sym& s, bool is_view) {
    auto it = slots_.find(s.id());
    if (it != slots_.end() && it->second.first == is_view) return it->second.second;
    int slot = is_view ? out_.n_views++ : out_.n_ints++;
    slots_[s.id()] = {is_view, slot};
    return slot;
  }
  int lookup(const Sym& s, bool is_view, const SrcInfo& where) {
    auto it = slots_.find(s.id());
    EXO_ASSERT(it != slots_.end() && it->second.first == is_view,
               "interpreter: unbound " << (is_view ? "buffer " : "variable ") << s.name() << " at "
                                       << where.str());
    return it->second.second;
  }

  // The data kind an expression has on its own, or nullopt when it adopts the
  // kind of its context (literals, index values, generic R arithmetic on them).
  std::optional<ScalarKind> natural(const Expr& e) {
    const Type& t = e->type;
    switch (e->kind) {
      case ExprKind::Read:
        if (is_data_kind(t.base)) return t.base == ScalarKind::R ? ScalarKind::F32 : t.base;
        return std::nullopt;
      case ExprKind::Const:
        if (is_data_kind(t.base) && t.base != ScalarKind::R) return t.base;
        return std::nullopt;
      case ExprKind::USub:
        return natural(e.as<USubNode>()->arg);
      case ExprKind::BinOp: {
        auto* b = e.as<BinOpNode>();
        return combine(natural(b->lhs), natural(b->rhs));
      }
      case ExprKind::ExternCall: {
        if (is_data_kind(t.base) && t.base != ScalarKind::R) return t.base;
        std::optional<ScalarKind> k;
        for (auto& a : e.as<ExternCallNode>()->args) k = combine(k, natural(a));
        return k;
      }
      case ExprKind::ReadConfig:
        if (is_data_kind(t.base)) return t.base == ScalarKind::R ? ScalarKind::F32 : t.base;
        return std::nullopt;
      default:
        return std::nullopt;
    }
  }
  static std::optional<ScalarKind> combine(std::optional<ScalarKind> a, std::optional<ScalarKind> b) {
    if (!a) return b;
    if (!b) return a;
    return common_kind(*a, *b);
  }

  CExpr node(EOp op, const Expr& src) {
    CExpr c;
    c.op = op;
    c.src = src;
    return c;
  }

  // An index/size/int/stride expression, evaluated in int64.
  CExpr ctrl(const Expr& e) {
    switch (e->kind) {
      case ExprKind::Const: {
        CExpr c = node(EOp::IConst, e);
        c.ival = e.as<ConstNode>()->ival;
        return c;
      }
      case ExprKind::Read: {
        auto* r = e.as<ReadNode>();
        EXO_ASSERT(r->idx.empty() && !is_data_kind(e->type.base),
                   "interpreter: data read " << print_expr(e) << " used as an index");
        CExpr c = node(EOp::IVar, e);
        c.slot = lookup(r->name, false, e->srcinfo);
        return c;
      }
      case ExprKind::USub: {
        CExpr c = node(EOp::INeg, e);
        c.kids.push_back(ctrl(e.as<USubNode>()->arg));
        return c;
      }
      case ExprKind::BinOp: {
        auto* b = e.as<BinOpNode>();
        EOp op;
        switch (b->op) {
          case BinOpKind::Add: op = EOp::IAdd; break;
          case BinOpKind::Sub: op = EOp::ISub; break;
          case BinOpKind::Mul: op = EOp::IMul; break;
          case BinOpKind::Div: op = EOp::IDiv; break;
          case BinOpKind::Mod: op = EOp::IMod; break;
          default: EXO_FAIL(ErrorKind::Internal, e->srcinfo, "interpreter: boolean " << print_expr(e) << " used as an index");
        }
        CExpr c = node(op, e);
        c.kids.push_back(ctrl(b->lhs));
        c.kids.push_back(ctrl(b->rhs));
        return c;
      }
      case ExprKind::StrideExpr: {
        auto* s = e.as<StrideExprNode>();
        CExpr c = node(EOp::IStride, e);
        c.slot = lookup(s->name, true, e->srcinfo);
        c.dim = s->dim;
        return c;
      }
      case ExprKind::ReadConfig: {
        auto* rc = e.as<ReadConfigNode>();
        CExpr c = node(EOp::IConfig, e);
        c.cfg = prog_.config_key(rc->config->name(), rc->field);
        return c;
      }
      default:
        EXO_FAIL(ErrorKind::Internal, e->srcinfo, "interpreter: " << print_expr(e) << " is not an index expression");
    }
  }

  CExpr boolean(const Expr& e) {
    switch (e->kind) {
      case ExprKind::Const: {
        CExpr c = node(EOp::BConst, e);
        c.ival = e.as<ConstNode>()->ival != 0;
        return c;
      }
      case ExprKind::Read: {
        CExpr c = node(EOp::BVar, e);
        c.slot = lookup(e.as<ReadNode>()->name, false, e->srcinfo);
        return c;
      }
      case ExprKind::ReadConfig: {
        auto* rc = e.as<ReadConfigNode>();
        CExpr c = node(EOp::BConfig, e);
        c.cfg = prog_.config_key(rc->config->name(), rc->field);
        return c;
      }
      case ExprKind::BinOp: {
        auto* b = e.as<BinOpNode>();
        if (binop_is_logical(b->op)) {
          CExpr c = node(b->op == BinOpKind::And ? EOp::BAnd : EOp::BOr, e);
          c.kids.push_back(boolean(b->lhs));
          c.kids.push_back(boolean(b->rhs));
          return c;
        }
        EXO_ASSERT(binop_is_comparison(b->op), "interpreter: " << print_expr(e) << " is not a condition");
        const Type& lt = b->lhs->type;
        const Type& rt = b->rhs->type;
        CExpr c;
        if (is_boolean(lt) || is_boolean(rt)) {
          c = node(EOp::BCmp, e);
          c.kids.push_back(boolean(b->lhs));
          c.kids.push_back(boolean(b->rhs));
        } else if (is_data_kind(lt.base) || is_data_kind(rt.base)) {
          // Like the C backend, literals compared with literals compare as float.
          auto k = combine(natural(b->lhs), natural(b->rhs)).value_or(ScalarKind::F32);
          c = node(EOp::DCmp, e);
          c.kids.push_back(data(b->lhs, k));
          c.kids.push_back(data(b->rhs, k));
        } else {
          c = node(EOp::ICmp, e);
          c.kids.push_back(ctrl(b->lhs));
          c.kids.push_back(ctrl(b->rhs));
        }
        c.cmp = b->op;
        return c;
      }
      default:
        EXO_FAIL(ErrorKind::Internal, e->srcinfo, "interpreter: " << print_expr(e) << " is not a condition");
    }
  }

  // A data expression computed in C type of kind `ctx` unless it has its own.
  CExpr data(const Expr& e, ScalarKind ctx) {
    ScalarKind k = natural(e).value_or(ctx);
    if (is_control(e->type) && e->kind != ExprKind::Const) {
      CExpr c = node(EOp::DFromInt, e);
      c.kind = ctx;
      c.ct = ct_of_kind(ctx);
      c.kids.push_back(ctrl(e));
      return c;
    }
    CExpr c;
    switch (e->kind) {
      case ExprKind::Const:
        c = node(EOp::DConst, e);
        c.dval = convert_to_kind(e.as<ConstNode>()->as_double(), k);
        break;
      case ExprKind::Read: {
        auto* r = e.as<ReadNode>();
        c = node(EOp::DLoad, e);
        c.slot = lookup(r->name, true, e->srcinfo);
        for (auto& i : r->idx) c.kids.push_back(ctrl(i));
        break;
      }
      case ExprKind::USub:
        c = node(EOp::DNeg, e);
        c.kids.push_back(data(e.as<USubNode>()->arg, k));
        break;
      case ExprKind::BinOp: {
        auto* b = e.as<BinOpNode>();
        switch (b->op) {
          case BinOpKind::Add: c = node(EOp::DAdd, e); break;
          case BinOpKind::Sub: c = node(EOp::DSub, e); break;
          case BinOpKind::Mul: c = node(EOp::DMul, e); break;
          case BinOpKind::Div: c = node(EOp::DDiv, e); break;
          case BinOpKind::Mod: c = node(EOp::DMod, e); break;
          default: EXO_FAIL(ErrorKind::Internal, e->srcinfo, "interpreter: condition " << print_expr(e) << " used as data");
        }
        c.kids.push_back(data(b->lhs, k));
        c.kids.push_back(data(b->rhs, k));
        break;
      }
      case ExprKind::ExternCall: {
        auto* x = e.as<ExternCallNode>();
        c = node(EOp::DExtern, e);
        c.ext = x->fn.get();
        std::optional<ScalarKind> ak;
        for (auto& a : x->args) ak = combine(ak, natural(a));
        for (auto& a : x->args) c.kids.push_back(data(a, ak.value_or(k)));
        break;
      }
      case ExprKind::ReadConfig: {
        auto* rc = e.as<ReadConfigNode>();
        c = node(EOp::DConfig, e);
        c.cfg = prog_.config_key(rc->config->name(), rc->field);
        break;
      }
      default:
        EXO_FAIL(ErrorKind::Internal, e->srcinfo, "interpreter: " << print_expr(e) << " is not a data expression");
    }
    c.kind = k;
    c.ct = ct_of_kind(k);
    return c;
  }

  CWindow window(const Expr& e) {
    auto* w = e.as<WindowExprNode>();
    EXO_ASSERT(w, "interpreter: expected a window expression");
    CWindow cw;
    cw.slot = lookup(w->name, true, e->srcinfo);
    cw.src = e;
    for (auto& a : w->idx) {
      CWindow::Acc acc;
      acc.interval = a.is_interval;
      acc.lo = ctrl(a.lo);
      if (a.is_interval) acc.hi = ctrl(a.hi);
      cw.idx.push_back(std::move(acc));
    }
    return cw;
  }

  CArg call_arg(const Expr& e, const FnArg& formal) {
    CArg a;
    if (e->kind == ExprKind::WindowExpr) {
      a.kind = CArg::Window;
      a.win = window(e);
      return a;
    }
    if (formal.type.is_tensor || is_data_kind(formal.type.base)) {
      auto* r = e.as<ReadNode>();
      if (r && (r->idx.empty() ? true : !formal.type.is_tensor)) {
        // A whole buffer, a scalar buffer, or one element passed by reference.
        a.kind = r->idx.empty() ? CArg::WholeView : CArg::ElemRef;
        a.slot = lookup(r->name, true, e->srcinfo);
        for (auto& i : r->idx) a.e.kids.push_back(ctrl(i));
        a.e.src = e;
        return a;
      }
      a.kind = CArg::Temp;
      a.temp_kind = formal.type.base;
      a.e = data(e, formal.type.base);
      return a;
    }
    if (is_boolean(formal.type)) {
      a.kind = CArg::Bool;
      a.e = boolean(e);
      return a;
    }
    a.kind = CArg::Int;
    a.e = ctrl(e);
    return a;
  }

  CStmt stmt(const Stmt& s) {
    CStmt c;
    c.src = s;
    switch (s->kind) {
      case StmtKind::Pass:
        c.op = SOp::Pass;
        break;
      case StmtKind::Assign:
      case StmtKind::Reduce: {
        bool assign = s->kind == StmtKind::Assign;
        const Sym& name = assign ? s.as<AssignNode>()->name : s.as<ReduceNode>()->name;
        const Type& t = assign ? s.as<AssignNode>()->type : s.as<ReduceNode>()->type;
        const auto& idx = assign ? s.as<AssignNode>()->idx : s.as<ReduceNode>()->idx;
        const Expr& rhs = assign ? s.as<AssignNode>()->rhs : s.as<ReduceNode>()->rhs;
        c.op = assign ? SOp::Assign : SOp::Reduce;
        c.slot = lookup(name, true, s->srcinfo);
        for (auto& i : idx) c.idx.push_back(ctrl(i));
        ScalarKind lk = t.base == ScalarKind::R ? ScalarKind::F32 : t.base;
        c.rhs = data(rhs, lk);
        c.kind = lk;
        c.red_ct = ct_of_kind(common_kind(lk, c.rhs.kind));
        break;
      }
      case StmtKind::WriteConfig: {
        auto* w = s.as<WriteConfigNode>();
        c.op = SOp::WriteConfig;
        c.cfg = prog_.config_key(w->config->name(), w->field);
        const Config::Field* f = w->config->find(w->field);
        c.kind = f ? f->type : w->rhs->type.base;
        if (c.kind == ScalarKind::Bool) c.rhs = boolean(w->rhs);
        else if (is_index_kind(c.kind)) c.rhs = ctrl(w->rhs);
        else c.rhs = data(w->rhs, c.kind == ScalarKind::R ? ScalarKind::F32 : c.kind);
        break;
      }
      case StmtKind::If: {
        auto* i = s.as<IfNode>();
        c.op = SOp::If;
        c.rhs = boolean(i->cond);
        c.body = block(i->body);
        c.orelse = block(i->orelse);
        break;
      }
      case StmtKind::For: {
        auto* f = s.as<ForNode>();
        c.op = SOp::For;
        c.rhs = ctrl(f->lo);
        c.hi = ctrl(f->hi);
        c.slot = define(f->iter, false);
        c.body = block(f->body);
        break;
      }
      case StmtKind::Alloc: {
        auto* a = s.as<AllocNode>();
        c.op = SOp::Alloc;
        for (auto& d : a->type.shape) c.idx.push_back(ctrl(d));
        c.kind = a->type.base == ScalarKind::R ? ScalarKind::F32 : a->type.base;
        c.slot = define(a->name, true);
        break;
      }
      case StmtKind::Call: {
        auto* call = s.as<CallNode>();
        c.op = SOp::Call;
        EXO_ASSERT(call->args.size() == call->proc->args.size(),
                   "interpreter: call of " << call->proc->name << " with wrong arity");
        for (size_t i = 0; i < call->args.size(); ++i) c.args.push_back(call_arg(call->args[i], call->proc->args[i]));
        c.callee = prog_.compile(call->proc);
        break;
      }
      case StmtKind::WindowStmt: {
        auto* w = s.as<WindowStmtNode>();
        c.op = SOp::Window;
        c.win = window(w->rhs);
        c.slot = define(w->name, true);
        break;
      }
    }
    return c;
  }

  std::vector<CStmt> block(const Block& b) {
    std::vector<CStmt> out;
    out.reserve(b.size());
    for (auto& s : b) out.push_back(stmt(s));
    return out;
  }

  CProgram& prog_;
  CProc& out_;
  std::unordered_map<uint64_t, std::pair<bool, int>> slots_;
};

}  // namespace

const CProc* CProgram::compile(const Proc& p) {
  for (auto& [k, v] : procs_)
    if (k == p.get()) return v.get();
  auto cp = std::make_unique<CProc>();
  CProc* raw = cp.get();
  procs_.emplace_back(p.get(), std::move(cp));
  ProcCompiler(*this, *raw).run(p);
  return raw;
}

const std::pair<std::string, std::string>* CProgram::config_key(const std::string& cfg, const std::string& field) {
  for (auto& k : keys_)
    if (k->first == cfg && k->second == field) return k.get();
  keys_.push_back(std::make_unique<std::pair<std::string, std::string>>(cfg, field));
  return keys_.back().get();
}

}  // namespace exo::interp
