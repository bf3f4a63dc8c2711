// Sub-procedure primitives on calls: inline_call, call_eqv; and make_instr.
#include "exo/equivalence.h"
#include "exo/schedule/configs.h"
#include "exo/hardware.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "exo/schedule/subprocs.h"
#include "schedule/loops/substitute.h"
#include "schedule/checks/rewrite_checks.h"

namespace exo {
namespace {

std::string q(const std::string& s) { return "'" + s + "'"; }

// What a callee buffer parameter becomes in the caller: a buffer seen through a
// window (whole buffer: no window), or for a scalar parameter an element access.
struct BufferArg {
  Sym buf;
  std::vector<WAccess> window;  // empty: the whole buffer, same indices
  std::vector<Expr> elem_idx;   // scalar parameter: the element's indices
  bool scalar = false;
};

Expr add(const Expr& a, const Expr& b) {
  long long v;
  if (rewrite_detail::const_value(a, v) && v == 0) return b;
  if (rewrite_detail::const_value(b, v) && v == 0) return a;
  return binop(BinOpKind::Add, a, b);
}

// Rewrites accesses to the callee's buffer parameters into accesses of the
// caller's buffers: through a window, x[i] is A[p, lo + i].
class BufferInliner : public IRMutator {
 public:
  std::map<Sym, BufferArg> params;

  std::vector<Expr> indices(const BufferArg& a, const std::vector<Expr>& idx) {
    if (a.scalar) return a.elem_idx;
    if (a.window.empty()) return idx;
    std::vector<Expr> out;
    size_t k = 0;
    for (auto& w : a.window) out.push_back(w.is_interval ? add(w.lo, idx.at(k++)) : w.lo);
    return out;
  }

  Expr mutate(const Expr& e) override {
    Expr m = mutate_children(e);
    if (auto* r = m.as<ReadNode>()) {
      auto it = params.find(r->name);
      if (it == params.end()) return m;
      if (r->idx.empty() && !it->second.scalar) {
        // The whole parameter passed on to another call.
        if (it->second.window.empty()) return make_expr<ReadNode>(it->second.buf, r->idx, r->type, r->srcinfo);
        return make_expr<WindowExprNode>(it->second.buf, it->second.window, r->type, r->srcinfo);
      }
      return make_expr<ReadNode>(it->second.buf, indices(it->second, r->idx), r->type, r->srcinfo);
    }
    if (auto* w = m.as<WindowExprNode>()) {
      auto it = params.find(w->name);
      if (it == params.end()) return m;
      const BufferArg& a = it->second;
      if (a.window.empty()) return make_expr<WindowExprNode>(a.buf, w->idx, w->type, w->srcinfo);
      std::vector<WAccess> out;
      size_t k = 0;
      for (auto& outer : a.window) {
        if (!outer.is_interval) {
          out.push_back(outer);
          continue;
        }
        const WAccess& inner = w->idx.at(k++);
        WAccess c;
        c.is_interval = inner.is_interval;
        c.lo = add(outer.lo, inner.lo);
        if (inner.is_interval) c.hi = add(outer.lo, inner.hi);
        out.push_back(c);
      }
      return make_expr<WindowExprNode>(a.buf, out, w->type, w->srcinfo);
    }
    if (auto* s = m.as<StrideExprNode>()) {
      auto it = params.find(s->name);
      if (it == params.end()) return m;
      int dim = s->dim;
      if (!it->second.window.empty()) {
        int seen = 0;
        for (size_t d = 0; d < it->second.window.size(); ++d)
          if (it->second.window[d].is_interval && seen++ == s->dim) dim = static_cast<int>(d);
      }
      return make_expr<StrideExprNode>(it->second.buf, dim, s->type, s->srcinfo);
    }
    return m;
  }

  Block mutate_stmt(const Stmt& s) override {
    Stmt m = mutate_children(s);
    if (auto* a = m.as<AssignNode>()) {
      auto it = params.find(a->name);
      if (it == params.end()) return {m};
      return {make_stmt<AssignNode>(it->second.buf, a->type, indices(it->second, a->idx), a->rhs, a->srcinfo)};
    }
    if (auto* a = m.as<ReduceNode>()) {
      auto it = params.find(a->name);
      if (it == params.end()) return {m};
      return {make_stmt<ReduceNode>(it->second.buf, a->type, indices(it->second, a->idx), a->rhs, a->srcinfo)};
    }
    return {m};
  }
};

const CallNode* located_call(const char* prim, const Proc& p, const Cursor& c) {
  if (!c.is_stmt()) scheduling_error(prim, p, c, "expected a call statement");
  auto* call = resolve_stmt(p, c).as<CallNode>();
  if (!call) scheduling_error(prim, p, c, "expected a call statement");
  return call;
}

// Why a and b do not have the same signature ("" when they do); shapes are
// compared with b's arguments renamed to a's.
std::string signature_difference(const Proc& a, const Proc& b) {
  if (a->args.size() != b->args.size())
    return q(b->name) + " takes " + std::to_string(b->args.size()) + " arguments, " + q(a->name) + " takes " +
           std::to_string(a->args.size());
  rewrite_detail::Subst rename;
  for (size_t k = 0; k < a->args.size(); ++k)
    rename.exprs[b->args[k].name] = read_var(a->args[k].name, a->args[k].type.base);
  for (size_t k = 0; k < a->args.size(); ++k) {
    const FnArg &x = a->args[k], &y = b->args[k];
    std::string tx = print_type(x.type), ty = print_type(rename.mutate_type(y.type));
    std::string mx = x.mem ? x.mem->name() : "", my = y.mem ? y.mem->name() : "";
    if (tx != ty || mx != my)
      return "argument " + std::to_string(k) + " is " + q(y.name.name() + ": " + ty + (my.empty() ? "" : " @ " + my)) +
             " in " + b->name + " but " + q(x.name.name() + ": " + tx + (mx.empty() ? "" : " @ " + mx)) + " in " +
             a->name;
  }
  return "";
}

}  // namespace

Rewrite inline_call(const Proc& p, const Cursor& c) {
  const char* prim = "inline";
  // Step 1. Locate.
  const CallNode* call = located_call(prim, p, c);
  const Proc& callee = call->proc;
  // Step 2. Nothing to check: inlining is always meaning-preserving (the
  // callee's preconditions held at the call and are dropped).
  // Step 3. Build: control arguments substituted and locals renamed apart, then
  // buffer parameters mapped onto the caller's buffers.
  rewrite_detail::Subst subst;
  subst.freshen = true;
  BufferInliner buffers;
  for (size_t k = 0; k < callee->args.size(); ++k) {
    const FnArg& a = callee->args[k];
    const Expr& arg = call->args[k];
    if (!a.type.is_tensor && !is_data_kind(a.type.base)) {
      subst.exprs[a.name] = arg;
      continue;
    }
    BufferArg b;
    if (auto* r = arg.as<ReadNode>()) {
      b.buf = r->name;
      if (!a.type.is_tensor) {
        b.scalar = true;
        b.elem_idx = r->idx;
      }
    } else if (auto* w = arg.as<WindowExprNode>()) {
      b.buf = w->name;
      b.window = w->idx;
    } else {
      scheduling_error(prim, p, c, "cannot inline: argument " + q(a.name.name()) + " is " + q(print_expr(arg)));
    }
    buffers.params[a.name] = b;
  }
  Block body = buffers.mutate_block(subst.mutate_block(callee->body));
  if (body.empty()) body.push_back(make_stmt<PassNode>(call->srcinfo));
  // Step 4. Replace.
  return rewrite_detail::keeping_definition_rules(prim, p, c, splice_rewrite(p, c.path, 1, body));
}

Rewrite call_eqv(const Proc& p, const Cursor& c, const Proc& eqv_proc) {
  const char* prim = "call_eqv";
  const CallNode* call = located_call(prim, p, c);
  const Proc& callee = call->proc;
  std::string diff = signature_difference(callee, eqv_proc);
  if (!diff.empty())
    scheduling_error(prim, p, c, q(eqv_proc->name) + " does not have the signature of " + q(callee->name) + ": " + diff);
  if (!equivalent(callee, eqv_proc))
    scheduling_error(prim, p, c,
                     q(eqv_proc->name) + " is not known to be equivalent to " + q(callee->name) +
                         " (it was not scheduled from it, nor asserted equivalent)");
  // The two may leave some config fields different: the caller must not read
  // them before writing them; where their value may outlive the caller, the
  // caller in turn differs from its class in them.
  StmtPath gap = c.path;
  gap.back().index += 1;
  Stmt repl = make_stmt<CallNode>(eqv_proc, call->args, call->srcinfo);
  Proc swapped = replace_stmt(p, c.path, repl);
  std::vector<std::pair<ConfigPtr, std::string>> open;
  for (auto& [config, field] : config_changes_between(callee, eqv_proc)) {
    // Both leave the field provably holding one value here: nothing changes.
    if (same_config_value_at(p, swapped, gap, config, field)) continue;
    StmtPath reader;
    FieldFate fate = config_field_after(p, gap, config, field, &reader);
    if (fate == FieldFate::Read)
      scheduling_error(prim, p, Cursor::stmt(reader),
                       q(eqv_proc->name) + " and " + q(callee->name) + " may leave '" + config->name() + "." + field +
                           "' different, and the marked statement may read it before any other write of it");
    if (fate == FieldFate::Open) open.emplace_back(config, field);
  }
  Rewrite r = rewrite_detail::keeping_definition_rules(prim, p, c, Rewrite{swapped, identity_forward()});
  for (auto& [config, field] : open) r.proc = with_config_change(r.proc, config, field);
  return r;
}

Rewrite make_instr(const Proc& p, const std::string& c_instr, const std::string& c_global) {
  if (c_instr.empty()) argument_error("make_instr", 1, "instr", "expected an instruction macro (a non-empty string)");
  // Same meaning: the proc stays in its equivalence class.
  auto n = std::make_shared<ProcNode>(*p);
  n->instr = InstrInfo{c_instr, c_global};
  return Rewrite{n, identity_forward()};
}

}  // namespace exo
