// extract_subproc: a block becomes a new proc, called where the block was.
#include "exo/equivalence.h"
#include <cassert>
#include <map>
#include <set>

#include "exo/schedule/allocations.h"
#include "exo/schedule/subprocs.h"
#include "exo/schedule/match.h"
#include "exo/names.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/buffers/uses.h"
#include "schedule/buffers/accesses.h"
#include "schedule/loops/dependence.h"
#include "schedule/loops/substitute.h"

namespace exo {
namespace {

using namespace buffers_detail;

const char* kPrim = "extract_subproc";

// A name defined outside the block, with what a parameter for it needs.
struct EnvEntry {
  Sym name;
  Type type;
  MemoryPtr mem;
  SrcInfo srcinfo;
  Sym storage;  // the buffer whose storage it is (itself unless a window)
};

// Names visible at the statement `path`, in order of definition (arguments,
// then enclosing loop iterators, allocations and windows as they appear), and
// the facts known there (preconditions, loop ranges, branch conditions).
void environment(const Proc& p, const StmtPath& path, std::vector<EnvEntry>& env,
                 std::vector<Expr>& facts) {
  std::map<Sym, size_t> at;
  auto add = [&](EnvEntry e) {
    at[e.name] = env.size();
    env.push_back(std::move(e));
  };
  for (auto& a : p->args) add({a.name, a.type, a.mem, a.srcinfo, a.name});
  facts = p->preds;
  const Block* b = &p->body;
  for (size_t k = 0; k < path.size() && b; ++k) {
    const int i = path[k].index;
    for (int j = 0; j < i && j < static_cast<int>(b->size()); ++j) {
      const Stmt& s = (*b)[j];
      if (auto* a = s.as<AllocNode>()) add({a->name, a->type, a->mem, a->srcinfo, a->name});
      if (auto* w = s.as<WindowStmtNode>()) {
        auto* src = w->rhs.as<WindowExprNode>();
        auto it = src ? at.find(src->name) : at.end();
        MemoryPtr mem = it != at.end() ? env[it->second].mem : nullptr;
        Sym storage = it != at.end() ? env[it->second].storage : w->name;
        add({w->name, w->rhs->type, mem, w->srcinfo, storage});
      }
    }
    if (k + 1 == path.size()) break;
    const Stmt& s = (*b)[i];
    if (auto* f = s.as<ForNode>()) {
      add({f->iter, Type::scalar(ScalarKind::Index), nullptr, f->srcinfo, f->iter});
      Expr it = read_var(f->iter, ScalarKind::Index, f->srcinfo);
      facts.push_back(binop(BinOpKind::Le, f->lo, it, f->srcinfo));
      facts.push_back(binop(BinOpKind::Lt, it, f->hi, f->srcinfo));
      b = &f->body;
    } else if (auto* c = s.as<IfNode>()) {
      bool orelse = path[k + 1].orelse;
      // Written `cond == True` / `cond == False`, as the reference prints them.
      facts.push_back(binop(BinOpKind::Eq, c->cond, bool_const(!orelse, c->srcinfo), c->srcinfo));
      b = orelse ? &c->orelse : &c->body;
    } else {
      b = nullptr;
    }
  }
}

// Names an expression reads; false if it reads a config field (which a fact
// about the caller's state cannot promise inside the callee).
bool free_names(const Expr& e, std::set<Sym>& out) {
  if (e.as<ReadConfigNode>()) return false;
  if (auto* r = e.as<ReadNode>()) out.insert(r->name);
  if (auto* s = e.as<StrideExprNode>()) out.insert(s->name);
  for (auto& k : expr_children(e))
    if (!free_names(k, out)) return false;
  return true;
}

}  // namespace

ExtractedSubproc extract_subproc(const Proc& p, const Cursor& c, const std::string& name,
                                 bool include_asserts) {
  // Step 1. Locate the block and what is defined around it.
  assert(is_valid_new_name(name));  // arguments are checked by the primitive records
  if (!(c.is_stmt() || c.is_block()) || !is_valid_in(p, c))
    scheduling_error(kPrim, p, c, "expected a statement or a block to extract");
  std::vector<Stmt> stmts = resolve_stmts(p, c);
  Block body(stmts.begin(), stmts.end());
  const int count = static_cast<int>(body.size());
  std::vector<EnvEntry> env;
  std::vector<Expr> facts;
  environment(p, c.path, env, facts);

  // Step 2. Check: what the block declares is not used after it.
  {
    const Block* parent = resolve_parent_block(p, c.path);
    Block rest(parent->begin() + c.index() + count, parent->end());
    std::set<Sym> later = rewrite_detail::names_used(rest);
    for (auto& d : rewrite_detail::declared_names(body))
      if (later.count(d))
        scheduling_error(kPrim, p, c,
                         "the block declares '" + d.name() +
                             "', which is used after it; it cannot move into a subproc");
  }

  // Step 3. The parameters: names from outside the block that it uses, plus
  // those their shapes use, in order of definition.
  std::set<Sym> used = rewrite_detail::names_used(body);
  for (bool grew = true; grew;) {
    grew = false;
    for (auto& e : env) {
      if (!used.count(e.name)) continue;
      for (auto& d : e.type.shape) {
        std::set<Sym> more;
        free_names(d, more);
        for (auto& m : more) grew |= used.insert(m).second;
      }
    }
  }
  std::vector<FnArg> params;
  std::vector<Expr> args;
  std::map<Sym, std::string> storage;  // storage buffer -> the parameter using it
  SrcInfo si = body.front()->srcinfo;
  for (auto& e : env) {
    if (!used.count(e.name)) continue;
    bool data = e.type.is_tensor || is_data_kind(e.type.base);
    if (data) {
      auto [it, fresh] = storage.emplace(e.storage, e.name.name());
      if (!fresh)
        scheduling_error(kPrim, p, c,
                         "'" + it->second + "' and '" + e.name.name() +
                             "' share storage; as two parameters of the subproc they would alias");
    }
    params.push_back(FnArg{e.name, e.type, data ? e.mem : nullptr, e.srcinfo});
    args.push_back(make_expr<ReadNode>(e.name, std::vector<Expr>{}, e.type, si));
  }
  std::set<Sym> param_names;
  for (auto& a : params) param_names.insert(a.name);
  std::vector<Expr> preds;
  if (include_asserts)
    for (auto& f : facts) {
      std::set<Sym> names;
      if (!free_names(f, names)) continue;
      bool inside = true;
      for (auto& n : names) inside = inside && param_names.count(n);
      if (inside) preds.push_back(f);
    }

  // Step 4. Build the subproc and replace the block by a call to it.
  auto sub = std::make_shared<ProcNode>();
  sub->name = name;
  sub->args = params;
  sub->preds = preds;
  sub->body = body;
  sub->srcinfo = si;
  sub->eqv_class = new_eqv_class();  // what is scheduled from it may replace its calls
  Proc subproc = sub;
  Rewrite r = splice_rewrite(p, c.path, count, {make_stmt<CallNode>(subproc, args, si)});
  // The call site must satisfy the subproc's assertions (facts of the site).
  recheck(kPrim, p, c, r.proc);
  return ExtractedSubproc{r, subproc};
}

}  // namespace exo
