// set_precision, set_window, set_memory: change one attribute of a buffer's
// declaration (and, for the precision, of every access to it).
#include <cassert>
#include <set>

#include "exo/analysis.h"
#include "exo/equivalence.h"
#include "exo/ir_mutator.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"

namespace exo {
namespace {

struct Target {
  Sym name;
  Type type;
  Cursor where;  // the Alloc, or Invalid for an argument
  SrcInfo srcinfo;
};

Target resolve(const std::string& prim, const Proc& p, const BufferRef& b) {
  if (b.arg >= 0) {
    EXO_ASSERT(b.arg < static_cast<int>(p->args.size()), "argument index out of range");
    auto& a = p->args[b.arg];
    return Target{a.name, a.type, Cursor::invalid(), a.srcinfo};
  }
  auto* a = resolve_stmt(p, b.alloc).as<AllocNode>();
  if (!a) scheduling_error(prim, p, b.alloc, "expected an allocation or an argument");
  return Target{a->name, a->type, b.alloc, a->srcinfo};
}

void require_data(const std::string& prim, const Proc& p, const Target& t) {
  if (!t.type.is_numeric())
    scheduling_error(prim, p, t.where,
                     "'" + t.name.name() + "' is not a data buffer (its type is " + print_type(t.type) + ")");
}

// The buffer and every window statement naming part of it (transitively).
std::set<Sym> with_windows(const Proc& p, const Sym& buf) {
  std::set<Sym> out{buf};
  for_each_stmt(p->body, [&](const Stmt& s) {
    if (auto* w = s.as<WindowStmtNode>())
      if (auto* e = w->rhs.as<WindowExprNode>(); e && out.count(e->name)) out.insert(w->name);
  });
  return out;
}

ScalarKind effective(ScalarKind k) { return k == ScalarKind::R ? ScalarKind::F32 : k; }

// Calls passing one of `names` (whole, as a window, or an element as a scalar):
// calls `f(call path, argument, parameter)` for each.
void for_each_call_use(const Proc& p, const std::set<Sym>& names,
                       const std::function<void(const StmtPath&, const Expr&, const FnArg&)>& f) {
  for (auto& path : all_stmt_paths(p)) {
    auto* c = resolve_stmt(p, path).as<CallNode>();
    if (!c || !c->proc) continue;
    for (size_t k = 0; k < c->args.size() && k < c->proc->args.size(); ++k) {
      const Expr& a = c->args[k];
      Sym n;
      if (auto* r = a.as<ReadNode>()) n = r->name;
      else if (auto* w = a.as<WindowExprNode>()) n = w->name;
      if (n.valid() && names.count(n) && a->type.is_numeric()) f(path, a, c->proc->args[k]);
    }
  }
}

Type with_base(Type t, ScalarKind k) {
  t.base = k;
  return t;
}

// Every access to one of `names` gets element type `k`.
class Retype : public IRMutator {
 public:
  Retype(std::set<Sym> names, ScalarKind k) : names_(std::move(names)), k_(k) {}

  Expr mutate(const Expr& e) override {
    Expr m = mutate_children(e);
    if (auto* r = m.as<ReadNode>(); r && names_.count(r->name))
      return make_expr<ReadNode>(r->name, r->idx, with_base(r->type, k_), r->srcinfo);
    if (auto* w = m.as<WindowExprNode>(); w && names_.count(w->name))
      return make_expr<WindowExprNode>(w->name, w->idx, with_base(w->type, k_), w->srcinfo);
    return m;
  }

  Block mutate_stmt(const Stmt& s) override {
    Stmt m = mutate_children(s);
    if (auto* a = m.as<AssignNode>(); a && names_.count(a->name))
      return {make_stmt<AssignNode>(a->name, with_base(a->type, k_), a->idx, a->rhs, a->srcinfo)};
    if (auto* a = m.as<ReduceNode>(); a && names_.count(a->name))
      return {make_stmt<ReduceNode>(a->name, with_base(a->type, k_), a->idx, a->rhs, a->srcinfo)};
    if (auto* a = m.as<AllocNode>(); a && names_.count(a->name))
      return {make_stmt<AllocNode>(a->name, with_base(a->type, k_), a->mem, a->srcinfo)};
    return {m};
  }

 private:
  std::set<Sym> names_;
  ScalarKind k_;
};

// Re-declares the target: the argument's type/memory, or the Alloc statement.
Proc redeclare(const Proc& p, const BufferRef& b, const Type& t, const MemoryPtr& mem) {
  if (b.arg >= 0) {
    auto out = std::make_shared<ProcNode>(*p);
    out->args[b.arg].type = t;
    out->args[b.arg].mem = mem;
    return out;
  }
  auto* a = resolve_stmt(p, b.alloc).as<AllocNode>();
  return replace_stmt(p, b.alloc.path, make_stmt<AllocNode>(a->name, t, mem, a->srcinfo));
}

MemoryPtr current_mem(const Proc& p, const BufferRef& b) {
  if (b.arg >= 0) return p->args[b.arg].mem;
  return resolve_stmt(p, b.alloc).as<AllocNode>()->mem;
}

}  // namespace

BufferRef find_buffer(const std::string& primitive, const Proc& p, const std::string& name) {
  (void)primitive;
  if (is_plain_name(name) && name.find('#') == std::string::npos)
    for (size_t k = 0; k < p->args.size(); ++k)
      if (p->args[k].name.name() == name) return BufferRef{static_cast<int>(k), Cursor::invalid()};
  return BufferRef{-1, find_alloc(p, name)};
}

// ---------------------------------------------------------------------------

Rewrite set_precision(const Proc& p, const BufferRef& b, ScalarKind type) {
  const std::string prim = "set_precision";
  assert(is_data_kind(type));  // arguments are checked by the primitive records
  // Step 1. Locate.
  Target t = resolve(prim, p, b);
  require_data(prim, p, t);
  // Step 2. Check: callees keep the precision they were written for.
  std::set<Sym> names = with_windows(p, t.name);
  for_each_call_use(p, names, [&](const StmtPath& path, const Expr& a, const FnArg& param) {
    if (effective(param.type.base) != effective(type))
      scheduling_error(prim, p, Cursor::stmt(path),
                       "'" + print_expr(a) + "' is passed to '" + param.name.name() + "' of type " +
                           print_type(param.type) + ", which would not match the new precision " +
                           std::string(scalar_kind_name(type)));
  });
  // Step 3. Build: the declaration and every access.
  Proc q = redeclare(p, b, with_base(t.type, type), current_mem(p, b));
  Retype rt(names, type);
  auto out = std::make_shared<ProcNode>(*q);
  out->body = rt.mutate_block(q->body);
  // Values round differently (and an argument's type changes): a new class, so
  // call_eqv does not swap this proc in for the original. A local buffer whose
  // values stay the same (f32 for R, which is f32, or its own type) keeps it.
  bool same_values = effective(t.type.base) == effective(type);
  if (!(same_values && (b.arg < 0 || t.type.base == type))) { out->eqv_class = new_eqv_class(); out->eqv_config_changes.clear(); }
  // Step 4. Every statement stays where it was.
  return Rewrite{out, identity_forward()};
}

Rewrite set_window(const Proc& p, const BufferRef& b, bool is_window) {
  const std::string prim = "set_window";
  Target t = resolve(prim, p, b);
  if (b.arg < 0)
    scheduling_error(prim, p, t.where,
                     "'" + t.name.name() + "' is an allocation: only arguments can be windows");
  if (!t.type.is_tensor)
    scheduling_error(prim, p, t.where,
                     "cannot change windowing of the non-tensor argument '" + t.name.name() + "' of type " +
                         print_type(t.type));
  if (t.type.is_window == is_window) return Rewrite{p, identity_forward()};
  // A window cannot be passed where a dense tensor is expected.
  if (is_window)
    for_each_call_use(p, {t.name}, [&](const StmtPath& path, const Expr& a, const FnArg& param) {
      if (a.as<ReadNode>() && param.type.is_tensor && !param.type.is_window)
        scheduling_error(prim, p, Cursor::stmt(path),
                         "'" + t.name.name() + "' is passed to '" + param.name.name() + "' of type " +
                             print_type(param.type) + ", which is not a window");
    });
  Type nt = t.type;
  nt.is_window = is_window;
  Proc q = redeclare(p, b, nt, current_mem(p, b));
  // Whole-buffer reads (call arguments) carry the argument's type.
  struct Rewin : IRMutator {
    Sym name;
    bool win;
    Expr mutate(const Expr& e) override {
      Expr m = mutate_children(e);
      auto* r = m.as<ReadNode>();
      if (!r || r->name != name || !r->type.is_tensor) return m;
      Type ty = r->type;
      ty.is_window = win;
      return make_expr<ReadNode>(r->name, r->idx, ty, r->srcinfo);
    }
  } rw;
  rw.name = t.name;
  rw.win = is_window;
  auto out = std::make_shared<ProcNode>(*q);
  out->body = rw.mutate_block(q->body);
  { out->eqv_class = new_eqv_class(); out->eqv_config_changes.clear(); }  // the argument's type is part of the interface
  Proc result = out;
  check_proc(result);  // stride assertions now read the new layout
  return Rewrite{result, identity_forward()};
}

Rewrite set_memory(const Proc& p, const BufferRef& b, const MemoryPtr& mem) {
  const std::string prim = "set_memory";
  assert(mem);  // arguments are checked by the primitive records
  Target t = resolve(prim, p, b);
  require_data(prim, p, t);
  Proc q = redeclare(p, b, t.type, mem);
  // An argument's memory is part of the interface; an allocation's is not (the
  // values are the same, so the proc stays equivalent, as scheduled kernels with
  // buffers moved to registers must remain swappable by call_eqv).
  if (b.arg >= 0) q = with_new_eqv_class(q);
  return Rewrite{q, identity_forward()};
}

}  // namespace exo
