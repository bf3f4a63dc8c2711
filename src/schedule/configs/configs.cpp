// Configuration primitives: bind_config, configwrite_root, configwrite_after,
// delete_config. All four change the value a config field holds after one point
// of the proc; check_field_change decides whether anything can observe that.
#include "exo/schedule/configs.h"

#include <algorithm>
#include <cassert>
#include <functional>
#include <optional>
#include <set>

#include "analysis/facts.h"
#include "exo/equivalence.h"
#include "exo/frontend.h"
#include "exo/ir_functor.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/buffers/uses.h"
#include "schedule/cursors/visible_names.h"
#include "schedule/loops/substitute.h"
#include "schedule/checks/rewrite_checks.h"

namespace exo {
namespace {

using rewrite_detail::const_value;
using analysis::provable_at;

// One config field, compared by config identity and field name.
struct Field {
  const Config* config;
  std::string field;
  std::string name() const { return config->name() + "." + field; }
  bool is(const ConfigPtr& c, const std::string& f) const { return c.get() == config && f == field; }
};

StmtPath child(const StmtPath& owner, bool orelse, int i) {
  StmtPath p = owner;
  p.push_back(PathStep{orelse, i});
  return p;
}

bool expr_reads(const Expr& e, const Field& f) {
  if (auto* r = e.as<ReadConfigNode>(); r && f.is(r->config, r->field)) return true;
  for (auto& k : expr_children(e))
    if (expr_reads(k, f)) return true;
  return false;
}

// The statement's own expressions (not its sub-blocks), evaluated before it acts.
bool own_exprs_read(const Stmt& s, const Field& f) {
  for (auto& e : stmt_exprs(s))
    if (expr_reads(e, f)) return true;
  if (auto* a = s.as<AllocNode>())
    for (auto& e : a->type.shape)
      if (expr_reads(e, f)) return true;
  return false;
}

// A loop provably runs at least once (`path` locates it in `p`; inside a callee,
// p is null and only constant bounds count).
bool loop_runs(const ForNode& l, const Proc* p, const StmtPath& path) {
  long long lo, hi;
  if (const_value(l.lo, lo) && const_value(l.hi, hi)) return lo < hi;
  return p && provable_at(*p, path, binop(BinOpKind::Lt, l.lo, l.hi));
}

// ---------------------------------------------------------------------------
// Who sees a field's value after a point: scanning the code that runs next.
// ---------------------------------------------------------------------------

// Open: neither read nor written on every path; Read: may be read before any
// write (the reader's path in `at`); Killed: written on every path before a read.
enum class Scan { Open, Read, Killed };

Scan scan_block(const Block& b, int from, const Field& f, const Proc* p, const StmtPath& owner, bool orelse,
                StmtPath& at);

// What one statement does to the field (`path` locates it; `at` receives the
// reader's path on Scan::Read).
class ScanStmt : public StmtFunctor<Scan(const StmtPath&, StmtPath&)> {
 public:
  ScanStmt(const Field& f, const Proc* p) : f_(f), p_(p) {}

  Scan operator()(const Stmt& s, const StmtPath& path, StmtPath& at) {
    if (own_exprs_read(s, f_)) {
      at = path;
      return Scan::Read;
    }
    return dispatch(s, path, at);
  }

 protected:
  Scan visit(const WriteConfigNode& w, const Stmt&, const StmtPath&, StmtPath&) override {
    return f_.is(w.config, w.field) ? Scan::Killed : Scan::Open;
  }
  Scan visit(const IfNode& c, const Stmt&, const StmtPath& path, StmtPath& at) override {
    Scan a = scan_block(c.body, 0, f_, p_, path, false, at);
    if (a == Scan::Read) return a;
    Scan b = scan_block(c.orelse, 0, f_, p_, path, true, at);
    if (b == Scan::Read) return b;
    return a == Scan::Killed && b == Scan::Killed ? Scan::Killed : Scan::Open;
  }
  Scan visit(const ForNode& l, const Stmt&, const StmtPath& path, StmtPath& at) override {
    // Every iteration scans the same body: a read before the body's first
    // definite write shows in the first iteration already.
    Scan a = scan_block(l.body, 0, f_, p_, path, false, at);
    if (a == Scan::Read) return a;
    return a == Scan::Killed && loop_runs(l, p_, path) ? Scan::Killed : Scan::Open;
  }
  Scan visit(const CallNode& c, const Stmt&, const StmtPath& path, StmtPath& at) override {
    if (!c.proc) return Scan::Open;
    // The callee's preconditions are read when it is called.
    for (auto& pr : c.proc->preds)
      if (expr_reads(pr, f_)) {
        at = path;
        return Scan::Read;
      }
    StmtPath inner;
    Scan a = scan_block(c.proc->body, 0, f_, nullptr, {}, false, inner);
    if (a == Scan::Read) at = path;  // the reader is inside the callee: mark the call
    return a;
  }
  // Assignments, allocations, windows, pass: the field is untouched.
  Scan visit_default(const Stmt&, const StmtPath&, StmtPath&) override { return Scan::Open; }

 private:
  const Field& f_;
  const Proc* p_;
};

Scan scan_block(const Block& b, int from, const Field& f, const Proc* p, const StmtPath& owner, bool orelse,
                StmtPath& at) {
  for (int i = from; i < static_cast<int>(b.size()); ++i) {
    Scan r = ScanStmt(f, p)(b[i], p ? child(owner, orelse, i) : StmtPath{}, at);
    if (r != Scan::Open) return r;
  }
  return Scan::Open;
}

// Scans everything that may run after the gap `gap` of p: the rest of its block,
// later iterations of each enclosing loop (their whole body), then the code after
// each enclosing statement, up to the end of the proc.
Scan scan_after(const Proc& p, StmtPath gap, const Field& f, StmtPath& at) {
  while (true) {
    const Block* b = resolve_parent_block(p, gap);
    StmtPath owner(gap.begin(), gap.end() - 1);
    Scan r = scan_block(*b, gap.back().index, f, &p, owner, gap.back().orelse, at);
    if (r != Scan::Open) return r;
    if (owner.empty()) return Scan::Open;
    if (auto* l = resolve_stmt(p, owner).as<ForNode>()) {
      // Later iterations may or may not run: only a read counts.
      if (scan_block(l->body, 0, f, &p, owner, false, at) == Scan::Read) return Scan::Read;
    }
    gap = owner;
    gap.back().index += 1;
  }
}

// ---------------------------------------------------------------------------
// Which value a field provably holds before a statement: a forward pass whose
// values are expressions meaning the same everywhere in the proc (constants,
// control arguments, strides, data arguments the proc never writes).
// ---------------------------------------------------------------------------

using Known = std::optional<Expr>;

// Whether a and b are the same expression over constants, scalars, strides and
// arithmetic; externs, windows and config reads never count as known values.
bool same_known_value(const Expr& a, const Expr& b) {
  if (!a.as<ReadNode>() && !a.as<ConstNode>() && !a.as<BinOpNode>() && !a.as<StrideExprNode>() &&
      !a.as<USubNode>())
    return false;
  if (!same_expr_node(a, b)) return false;
  auto ka = expr_children(a), kb = expr_children(b);
  if (ka.size() != kb.size()) return false;
  for (size_t i = 0; i < ka.size(); ++i)
    if (!same_known_value(ka[i], kb[i])) return false;
  return true;
}

Known join(const Known& a, const Known& b) {
  if (a && b && same_known_value(*a, *b)) return a;
  return std::nullopt;
}

bool proc_writes_arg(const Proc& callee, const Sym& arg);

// Whether running `p` may write the field (directly or in a callee).
bool may_write_field(const Proc& p, const Field& f) {
  bool writes = false;
  for_each_stmt(p->body, [&](const Stmt& s) {
    if (auto* w = s.as<WriteConfigNode>(); w && f.is(w->config, w->field)) writes = true;
    if (auto* c = s.as<CallNode>(); c && (!c->proc || (c->proc != p && may_write_field(c->proc, f)))) writes = true;
  });
  return writes;
}

class ValueFlow {
 public:
  ValueFlow(const Proc& p, const Field& f, StmtPath target) : p_(p), f_(f), target_(std::move(target)) {
    for (auto& a : p->args) {
      if (!a.type.is_tensor) stable_.insert(a.name);
      strides_.insert(a.name);  // an argument's strides are fixed for the call
    }
    // A data argument the proc writes (or hands to a callee) is no constant.
    for_each_stmt(p->body, [&](const Stmt& s) {
      if (auto* a = s.as<AssignNode>()) stable_.erase(a->name);
      if (auto* a = s.as<ReduceNode>()) stable_.erase(a->name);
      if (auto* c = s.as<CallNode>())
        for (size_t k = 0; k < c->args.size(); ++k)
          if (auto* r = c->args[k].as<ReadNode>(); r && r->type.is_numeric())
            if (!c->proc || k >= c->proc->args.size() || proc_writes_arg(c->proc, c->proc->args[k].name))
              stable_.erase(r->name);
    });
  }

  // The known value before `target` (a statement or the gap at a block's end).
  Known before_target() {
    block(p_->body, std::nullopt, {}, false, true);
    return at_target_;
  }

 private:
  bool stable(const Expr& e) const {
    if (auto* r = e.as<ReadNode>()) return r->idx.empty() && stable_.count(r->name);
    if (auto* s = e.as<StrideExprNode>()) return strides_.count(s->name) > 0;
    if (!e.as<ConstNode>() && !e.as<BinOpNode>() && !e.as<USubNode>()) return false;
    for (auto& k : expr_children(e))
      if (!stable(k)) return false;
    return true;
  }

  Known block(const Block& b, Known in, const StmtPath& owner, bool orelse, bool record) {
    for (int i = 0; i < static_cast<int>(b.size()); ++i) in = stmt(b[i], in, child(owner, orelse, i), record);
    if (record && child(owner, orelse, static_cast<int>(b.size())) == target_) at_target_ = in;
    return in;
  }

  Known stmt(const Stmt& s, Known in, const StmtPath& path, bool record) {
    if (record && path == target_) at_target_ = in;
    return Transfer(*this).dispatch(s, std::move(in), path, record);
  }

  // The value after one statement, given the value before it.
  class Transfer : public StmtFunctor<Known(Known, const StmtPath&, bool)> {
   public:
    explicit Transfer(ValueFlow& flow) : flow_(flow) {}

   protected:
    Known visit(const WriteConfigNode& w, const Stmt&, Known in, const StmtPath&, bool) override {
      if (!flow_.f_.is(w.config, w.field)) return in;
      return flow_.stable(w.rhs) ? Known(w.rhs) : std::nullopt;
    }
    Known visit(const IfNode& c, const Stmt&, Known in, const StmtPath& path, bool record) override {
      return join(flow_.block(c.body, in, path, false, record), flow_.block(c.orelse, in, path, true, record));
    }
    Known visit(const ForNode& l, const Stmt&, Known in, const StmtPath& path, bool record) override {
      // At the body's start the value is the one before the loop or the one a
      // previous iteration left: one extra pass reaches the fixpoint (a value
      // only goes from known to unknown).
      Known start = in;
      if (!join(start, flow_.block(l.body, start, path, false, false))) start = std::nullopt;
      return join(in, flow_.block(l.body, start, path, false, record));
    }
    Known visit(const CallNode& c, const Stmt&, Known in, const StmtPath&, bool) override {
      return c.proc ? flow_.call(c, in) : in;
    }
    Known visit_default(const Stmt&, Known in, const StmtPath&, bool) override { return in; }

   private:
    ValueFlow& flow_;
  };

  // A callee that may write the field leaves it known only when it writes it on
  // every path with a value over its control parameters, which the arguments fix.
  Known call(const CallNode& c, Known in) {
    if (!may_write_field(c.proc, f_)) return in;
    Known out = ValueFlow(c.proc, f_, {}).block(c.proc->body, std::nullopt, {}, false, false);
    if (!out) return std::nullopt;
    rewrite_detail::Subst sub;
    std::set<Sym> bound;
    for (size_t k = 0; k < c.args.size() && k < c.proc->args.size(); ++k) {
      const FnArg& a = c.proc->args[k];
      if (a.type.is_numeric()) {
        // A scalar passed by reference that the callee never writes: its value
        // is the caller's variable (whether that is stable, `stable` decides).
        auto* r = c.args[k].as<ReadNode>();
        if (a.type.is_tensor || !r || !r->idx.empty() || proc_writes_arg(c.proc, a.name)) continue;
      }
      sub.exprs[a.name] = c.args[k];
      bound.insert(a.name);
    }
    for (auto& a : c.proc->args)
      if (a.type.is_numeric() && !bound.count(a.name) && mentions(*out, a.name)) return std::nullopt;
    Expr v = sub.mutate(*out);
    return stable(v) ? Known(v) : std::nullopt;
  }

  const Proc& p_;
  Field f_;
  StmtPath target_;
  Known at_target_;
  std::set<Sym> stable_;
  std::set<Sym> strides_;
};

// ---------------------------------------------------------------------------
// The shared safety check
// ---------------------------------------------------------------------------

// `q` holds the config write at `write` (the inserted one, or the one about to be
// deleted). Refuses when a later read may see the field's value change; returns
// whether the caller may see it (the field is not overwritten before the end).
bool check_field_change(const char* prim, const Proc& q, const StmtPath& write, bool deleting) {
  auto* w = resolve_stmt(q, write).as<WriteConfigNode>();
  Field f{w->config.get(), w->field};
  // Writing the value the field already holds changes nothing.
  Known held = ValueFlow(q, f, write).before_target();
  if (held && same_known_value(*held, w->rhs)) return false;
  StmtPath gap = write;
  gap.back().index += 1;
  StmtPath reader;
  Scan s = scan_after(q, gap, f, reader);
  if (s == Scan::Read) {
    std::string where = w->srcinfo.known() ? " (at " + w->srcinfo.str() + ")" : "";
    std::string reason =
        deleting ? "cannot delete the write of '" + f.name() + "'" + where +
                       ": the marked statement may read the value it writes (no other write of '" + f.name() +
                       "' comes first on every path)"
                 : "the new write of '" + f.name() + "'" + where +
                       " would be seen by the marked statement, which may read '" + f.name() +
                       "' before any other write of it";
    scheduling_error(prim, q, Cursor::stmt(reader), reason);
  }
  return s == Scan::Open;
}

const Config::Field& lookup_field(const char* prim, int argno, const ConfigPtr& c, const std::string& field) {
  // Arguments are checked by the primitive records.
  (void)prim;
  (void)argno;
  assert(c && c->find(field));
  const Config::Field* f = c->find(field);
  return *f;
}

void check_writable(const char* prim, const Proc& p, const ConfigPtr& c) {
  if (!c->readwrite())
    scheduling_error(prim, p, Cursor::invalid(),
                     "config '" + c->name() + "' is read-only (readwrite=False): procedures may not write it");
}

// `expr` typechecked as a value for the field, over the proc's arguments.
// The value of a config write given as text, typed with the names visible
// where the write goes (`at`: arguments, enclosing loops, earlier allocations).
Expr check_value(const Proc& p, const StmtPath& at, const ConfigPtr& c, const Config::Field& fld,
                 const std::string& text, const Scope* scope) {
  Scope builtins = Scope::with_builtins();
  const Scope& names = scope ? *scope : builtins;
  std::vector<VisibleVar> args = rewrite_detail::visible_vars(p, at);
  uast::UExprPtr ue = parse_expr_fragment(text);
  std::string what = "config field '" + c->name() + "." + fld.name + "' (" + std::string(scalar_kind_name(fld.type)) + ")";
  if (is_data_kind(fld.type)) return typecheck_expr_at(*ue, FragmentType::Data, args, names, what.c_str());
  if (fld.type == ScalarKind::Bool) return typecheck_expr_at(*ue, FragmentType::Bool, args, names, what.c_str());
  if (fld.type != ScalarKind::Stride) return typecheck_expr_at(*ue, FragmentType::Index, args, names, what.c_str());
  Expr e = typecheck_expr_at(*ue, FragmentType::Control, args, names, what.c_str());
  bool stridable = !e->type.is_tensor && (e->type.base == ScalarKind::Int || e->type.base == ScalarKind::Stride);
  if (!stridable)
    throw Error(ErrorKind::Type, e->srcinfo, "expected a stride expression for " + what + ", got '" + print_expr(e) + "'");
  return e;
}

// write_config takes what exo-lang takes: a constant, a stride expression, or
// a scalar data or bool variable. An index value (or an element read) written
// into a config could be meant to vary per iteration; its readers assume not.
void check_plain_value(const Expr& v) {
  if (v.as<ConstNode>() || v.as<StrideExprNode>()) return;
  auto* rd = v.as<ReadNode>();
  if (!rd)
    throw Error(ErrorKind::Type, v->srcinfo,
                "expected the rhs to be read, stride expression, or constant, got '" + print_expr(v) + "'");
  bool scalar_data = rd->idx.empty() && !rd->type.is_tensor && is_data_kind(rd->type.base);
  if (!scalar_data && rd->type.base != ScalarKind::Bool)
    throw Error(ErrorKind::Type, v->srcinfo,
                "cannot write non-real-scalar non-boolean value " + print_expr(v) +
                    " to configuration states, since index and size expressions may depend on loop iteration");
}

// Inserts `c.field = value` at the gap `at` and checks the change.
Rewrite insert_write(const char* prim, const Proc& p, const StmtPath& at, const ConfigPtr& c,
                     const std::string& field, const Expr& value, const SrcInfo& src) {
  Stmt w = make_stmt<WriteConfigNode>(c, field, value, src);
  Rewrite r = splice_rewrite(p, at, 0, {w});
  // A value given as text may read buffer elements: they must be in bounds here.
  std::set<Sym> read;
  std::function<void(const Expr&)> scan = [&](const Expr& e) {
    if (auto* rd = e.as<ReadNode>(); rd && !rd->idx.empty()) read.insert(rd->name);
    for (auto& k : expr_children(e)) scan(k);
  };
  scan(value);
  if (!read.empty()) buffers_detail::recheck(prim, p, Cursor::gap(at), r.proc, &read);
  // A write inside a par loop is shared by its iterations: a race.
  r = rewrite_detail::keeping_definition_rules(prim, p, Cursor::gap(at), r);
  if (check_field_change(prim, r.proc, at, false)) r.proc = with_config_change(r.proc, c, field);
  return r;
}

// Whether `callee` may write its argument `arg` (directly, or through a call).
bool proc_writes_arg(const Proc& callee, const Sym& arg) {
  bool writes = false;
  for_each_stmt(callee->body, [&](const Stmt& s) {
    if (auto* a = s.as<AssignNode>(); a && a->name == arg) writes = true;
    if (auto* a = s.as<ReduceNode>(); a && a->name == arg) writes = true;
    if (auto* c = s.as<CallNode>())
      for (size_t k = 0; k < c->args.size() && k < c->proc->args.size(); ++k) {
        const Expr& e = c->args[k];
        bool passes = (e.as<ReadNode>() && e.as<ReadNode>()->name == arg) ||
                      (e.as<WindowExprNode>() && e.as<WindowExprNode>()->name == arg);
        if (passes && (c->proc == callee || proc_writes_arg(c->proc, c->proc->args[k].name))) writes = true;
      }
  });
  return writes;
}

bool mentions_any(const Expr& e, const std::set<Sym>& xs) {
  if (auto* r = e.as<ReadNode>(); r && xs.count(r->name)) return true;
  for (auto& k : expr_children(e))
    if (mentions_any(k, xs)) return true;
  return false;
}

}  // namespace

Rewrite bind_config(const Proc& p, const Cursor& c, const ConfigPtr& config, const std::string& field) {
  const char* prim = "bind_config";
  // Step 1: locate the expression and the statement evaluating it.
  const Config::Field& fld = lookup_field(prim, 2, config, field);
  Expr e = c.is_expr() ? resolve_expr(p, c) : Expr();
  if (!e) scheduling_error(prim, p, c, "expected an expression");
  auto* rd = e.as<ReadNode>();
  bool data = rd && !rd->type.is_tensor && is_data_kind(rd->type.base);
  bool flag = rd && rd->idx.empty() && rd->type.is_bool();
  if (!data && !flag)
    scheduling_error(prim, p, c,
                     "cannot bind non-real-scalar non-boolean value: expected a read of a data variable or "
                     "element, or of a bool variable; index and size expressions cannot be bound to a config");
  // Step 2: check the value may live in the field here.
  if (rd->type.base != fld.type)
    scheduling_error(prim, p, c,
                     "expected type of expression to bind (" + std::string(scalar_kind_name(fld.type)) + ") to match: '" + print_expr(e) + "' has type " + std::string(scalar_kind_name(rd->type.base)) +
                         " but config field '" + config->name() + "." + field + "' has type " +
                         std::string(scalar_kind_name(fld.type)));
  check_writable(prim, p, config);
  Stmt s = resolve_stmt(p, c);
  if (auto* call = s.as<CallNode>(); call && c.expr_path.size() == 1) {
    // A data argument is passed by reference: the field may stand for it only
    // where the callee never writes it.
    int k = c.expr_path[0];
    if (k < static_cast<int>(call->proc->args.size()) && call->proc->args[k].type.is_numeric() &&
        proc_writes_arg(call->proc, call->proc->args[k].name))
      scheduling_error(prim, p, c,
                       "a data argument of a call is passed by reference, and " + call->proc->name + " writes '" +
                           call->proc->args[k].name.name() + "': it cannot be a config read");
  }
  std::set<Sym> iters;
  for (size_t k = 1; k < c.path.size(); ++k)
    if (auto* l = resolve_stmt(p, StmtPath(c.path.begin(), c.path.begin() + k)).as<ForNode>()) iters.insert(l->iter);
  if (auto* l = s.as<ForNode>()) iters.insert(l->iter);
  if (mentions_any(e, iters))
    scheduling_error(prim, p, c, "cannot bind non-real-scalar non-boolean value: '" + print_expr(e) + "' depends on a loop iterator; a config write may not");
  // Step 3: `config.field = e` before the statement, checked before the read is
  // swapped in (the statement's other reads of the field must not see e).
  Rewrite r = insert_write(prim, p, c.path, config, field, e, e->srcinfo);
  // Step 4: the expression becomes the config read.
  Cursor at = r.forward(c);
  Expr read = make_expr<ReadConfigNode>(config, field, Type::scalar(fld.type), e->srcinfo);
  return Rewrite{replace_expr(r.proc, at, read), r.forward};
}

Rewrite configwrite_root(const Proc& p, const ConfigPtr& config, const std::string& field, const std::string& expr,
                         const Scope* scope) {
  const char* prim = "configwrite_root";
  const Config::Field& fld = lookup_field(prim, 1, config, field);
  check_writable(prim, p, config);
  Expr v = check_value(p, StmtPath{PathStep{false, 0}}, config, fld, expr, scope);
  return insert_write(prim, p, StmtPath{PathStep{false, 0}}, config, field, v, p->srcinfo);
}

Rewrite configwrite_after(const Proc& p, const Cursor& stmt, const ConfigPtr& config, const std::string& field,
                          const std::string& expr, const Scope* scope) {
  const char* prim = "configwrite_after";
  const Config::Field& fld = lookup_field(prim, 2, config, field);
  Stmt s = stmt.is_stmt() ? resolve_stmt(p, stmt) : Stmt();
  if (!s) scheduling_error(prim, p, stmt, "expected a statement");
  check_writable(prim, p, config);
  StmtPath at = stmt.path;
  at.back().index += 1;
  Expr v = check_value(p, at, config, fld, expr, scope);
  return insert_write(prim, p, at, config, field, v, s->srcinfo);
}

Rewrite write_config(const Proc& p, const Cursor& gap, const ConfigPtr& config, const std::string& field,
                     const std::string& expr, const Scope* scope) {
  const char* prim = "write_config";
  const Config::Field& fld = lookup_field(prim, 2, config, field);
  if (!gap.is_gap() || !resolve_parent_block(p, gap.path) ||
      gap.index() > static_cast<int>(resolve_parent_block(p, gap.path)->size()))
    argument_error(prim, 1, "gap_cursor", "expected a gap cursor (stmt.before() or stmt.after())");
  check_writable(prim, p, config);
  Expr v = check_value(p, gap.path, config, fld, expr, scope);
  check_plain_value(v);
  return insert_write(prim, p, gap.path, config, field, v, cursor_srcinfo(p, gap));
}

namespace {

// The config fields `q` writes, when all it does is write config fields
// (directly or through callees that do the same); false otherwise.
bool only_config_writes(const Proc& q, std::vector<std::pair<ConfigPtr, std::string>>& fields) {
  bool only = true;
  for_each_stmt(q->body, [&](const Stmt& s) {
    if (auto* w = s.as<WriteConfigNode>()) {
      std::pair<ConfigPtr, std::string> f{w->config, w->field};
      if (std::find(fields.begin(), fields.end(), f) == fields.end()) fields.push_back(f);
    } else if (auto* c = s.as<CallNode>()) {
      only = only && c->proc && c->proc != q && only_config_writes(c->proc, fields);
    } else if (!s.as<PassNode>()) {
      only = false;
    }
  });
  return only;
}

}  // namespace

Rewrite delete_config(const Proc& p, const Cursor& stmt) {
  const char* prim = "delete_config";
  Stmt s = stmt.is_stmt() ? resolve_stmt(p, stmt) : Stmt();
  std::vector<std::pair<ConfigPtr, std::string>> fields;
  auto* call = s ? s.as<CallNode>() : nullptr;
  if (!s || (!s.as<WriteConfigNode>() && !(call && only_config_writes(call->proc, fields))))
    scheduling_error(prim, p, stmt,
                     "expected a config write `Cfg.field = _` or a call that only writes config fields");
  std::vector<std::pair<ConfigPtr, std::string>> visible;
  if (auto* w = s.as<WriteConfigNode>()) {
    if (check_field_change(prim, p, stmt.path, true)) visible.emplace_back(w->config, w->field);
  } else {
    // Each field the call writes: unchanged when it provably holds the same
    // value before and after the call; else no later read may see the change.
    StmtPath next = stmt.path;
    next.back().index += 1;
    for (auto& [config, field] : fields) {
      Field f{config.get(), field};
      Known before = ValueFlow(p, f, stmt.path).before_target();
      Known after = ValueFlow(p, f, next).before_target();
      if (before && after && same_known_value(*before, *after)) continue;
      StmtPath reader;
      Scan sc = scan_after(p, next, f, reader);
      if (sc == Scan::Read)
        scheduling_error(prim, p, Cursor::stmt(reader),
                         "cannot delete the call: it writes '" + f.name() +
                             "', and the marked statement may read that value (no other write of it comes first on "
                             "every path)");
      if (sc == Scan::Open) visible.emplace_back(config, field);
    }
  }
  // A block never becomes empty: the last statement of a body gives way to `pass`.
  const Block* parent = resolve_parent_block(p, stmt.path);
  Block repl;
  if (parent->size() == 1) repl.push_back(make_stmt<PassNode>(s->srcinfo));
  Rewrite r = splice_rewrite(p, stmt.path, 1, repl);
  for (auto& [config, field] : visible) r.proc = with_config_change(r.proc, config, field);
  return r;
}

FieldFate config_field_after(const Proc& p, const StmtPath& gap, const ConfigPtr& config, const std::string& field,
                             StmtPath* reader) {
  StmtPath at;
  Scan r = scan_after(p, gap, Field{config.get(), field}, at);
  if (r == Scan::Read && reader) *reader = at;
  return r == Scan::Read ? FieldFate::Read : r == Scan::Killed ? FieldFate::Killed : FieldFate::Open;
}

std::optional<Expr> config_value_before(const Proc& p, const StmtPath& at, const ConfigPtr& config,
                                        const std::string& field) {
  return ValueFlow(p, Field{config.get(), field}, at).before_target();
}

bool same_config_value_at(const Proc& a, const Proc& b, const StmtPath& at, const ConfigPtr& config,
                          const std::string& field) {
  Field f{config.get(), field};
  Known x = ValueFlow(a, f, at).before_target();
  if (!x) return false;
  Known y = ValueFlow(b, f, at).before_target();
  return y && same_known_value(*x, *y);
}

}  // namespace exo
