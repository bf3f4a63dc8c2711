// One procedure to C: signature, preconditions and statements.

#include "backend/c_codegen.h"
#include "exo/ir_mutator.h"

namespace exo::backend {

namespace {

std::string ctype_of(ScalarKind k) {
  return k == ScalarKind::R ? "float" : std::string(c_type_name(k));
}

// Every Sym a statement mentions: reads, windows, strides, call arguments and
// the buffers it writes or allocates (what decides where a buffer is freed).
class MentionedNames : public IRVisitor {
 public:
  explicit MentionedNames(std::set<uint64_t>& out) : out_(out) {}
  using IRVisitor::visit;

 protected:
  void visit(const ReadNode& n) override {
    out_.insert(n.name.id());
    IRVisitor::visit(n);
  }
  void visit(const WindowExprNode& n) override {
    out_.insert(n.name.id());
    IRVisitor::visit(n);
  }
  void visit(const StrideExprNode& n) override { out_.insert(n.name.id()); }
  void visit(const AssignNode& n) override {
    out_.insert(n.name.id());
    IRVisitor::visit(n);
  }
  void visit(const ReduceNode& n) override {
    out_.insert(n.name.id());
    IRVisitor::visit(n);
  }
  void visit(const AllocNode& n) override {
    out_.insert(n.name.id());
    IRVisitor::visit(n);
  }

 private:
  std::set<uint64_t>& out_;
};

// For each statement of a block, the allocations of the block freed right after
// it: a buffer is freed after the last statement that mentions it or a window
// of it (so a memory with few registers can reuse one), newest first.
std::vector<std::vector<const AllocNode*>> frees_after(const Block& b) {
  std::map<uint64_t, size_t> last_use;            // alloc id -> index of last mention
  std::map<uint64_t, uint64_t> root_of;           // alloc or window id -> alloc id
  std::vector<const AllocNode*> allocs;
  for (size_t k = 0; k < b.size(); ++k) {
    std::set<uint64_t> names;
    collect_mentioned_names(b[k], names);
    if (auto a = b[k].as<AllocNode>()) {
      root_of[a->name.id()] = a->name.id();
      allocs.push_back(a);
    }
    if (auto w = b[k].as<WindowStmtNode>())
      if (auto we = w->rhs.as<WindowExprNode>(); we && root_of.count(we->name.id()))
        root_of[w->name.id()] = root_of[we->name.id()];
    for (uint64_t n : names)
      if (auto it = root_of.find(n); it != root_of.end()) last_use[it->second] = k;
  }
  std::vector<std::vector<const AllocNode*>> out(b.size());
  for (auto it = allocs.rbegin(); it != allocs.rend(); ++it) out[last_use[(*it)->name.id()]].push_back(*it);
  return out;
}

// A procedure allocating in a memory that hands out chunks must be a leaf: a
// callee (other than an instruction) would hand out the same chunks again.
void check_chunk_memories_in_leaf(const ProcNode& p) {
  bool chunks = false, calls = false;
  for_each_stmt(p.body, [&](const Stmt& s) {
    if (auto* a = s.as<AllocNode>(); a && a->mem && a->mem->hands_out_chunks()) chunks = true;
    if (auto* c = s.as<CallNode>(); c && !c->proc->instr) calls = true;
  });
  if (chunks && calls)
    EXO_FAIL(ErrorKind::MemGen, p.srcinfo,
             "Cannot generate static memory in non-leaf procs: '" << p.name
                                                                 << "' allocates chunks of a static memory and calls "
                                                                    "another procedure, which would take the same ones");
}

// n + 1 for a decimal numeral of any length, without leading zeros (as Python's
// str(int(n) + 1), which exo-lang's renaming uses): "x_007" -> "x_8",
// "x_99999999999999999999" -> "x_100000000000000000000".
std::string decimal_successor(const std::string& digits) {
  size_t nz = digits.find_first_not_of('0');
  std::string n = nz == std::string::npos ? "0" : digits.substr(nz);
  for (size_t k = n.size(); k-- > 0;) {
    if (n[k] != '9') {
      ++n[k];
      return n;
    }
    n[k] = '0';
  }
  return "1" + n;
}

}  // namespace

void collect_mentioned_names(const Stmt& s, std::set<uint64_t>& out) { MentionedNames(out).visit(s); }

ProcCompiler::ProcCompiler(const Proc& proc, const std::string& ctxt_name, bool is_public,
                           UnitState& unit)
    : proc_(proc), unit_(unit), ctxt_type_(ctxt_name) {
  env_.emplace_back();
  names_.emplace_back();
  check_chunk_memories_in_leaf(*proc);

  std::vector<std::string> arg_strs{ctxt_name + " *ctxt"};
  std::vector<std::string> comments;
  for (auto& a : proc->args) {
    VarInfo info;
    info.type = a.type;
    info.mem = a.mem ? a.mem : (a.type.is_numeric() ? dram() : nullptr);
    if (a.type.base == ScalarKind::Size && !a.type.is_tensor) info.lo = 1;
    if (a.type.is_real_scalar()) info.scalar_ref = true;
    info.root = a.name.id();
    bool writes = a.type.is_numeric() && is_written(a.name);
    if (!a.type.is_numeric())
      info.ctype = ctype_of(a.type.base);
    else if (a.type.is_window)
      info.ctype = "struct " + window_type_name(a.type.base, a.type.rank(), !writes);
    else
      info.ctype = (writes ? "" : "const ") + ctype_of(a.type.base) + "*";
    std::string cname = new_varname(a.name, info);
    if (!a.type.is_numeric()) {
      arg_strs.push_back(ctype_of(a.type.base) + " " + cname);
      comments.push_back(cname + " : " + exo_type_str(a.type));
      continue;
    }
    if (a.type.is_window) {
      arg_strs.push_back("struct " + window_type_name(a.type.base, a.type.rank(), !writes) + " " + cname);
    } else {
      arg_strs.push_back((writes ? "" : "const ") + ctype_of(a.type.base) + "* " + cname);
    }
    comments.push_back(cname + " : " + exo_type_str(a.type) + (a.mem ? " @" + a.mem->name() : ""));
  }

  for (auto& pred : proc->preds) {
    if (pred.as<ConstNode>()) continue;
    auto b = pred.as<BinOpNode>();
    if (b && b->op == BinOpKind::Eq && b->lhs.as<StrideExprNode>() && b->rhs.as<ConstNode>()) {
      auto st = b->lhs.as<StrideExprNode>();
      known_strides_[{st->name.id(), st->dim}] = b->rhs.as<ConstNode>()->ival;
      add_line("// assert " + exo_expr_str(pred));
    } else {
      // Informs the C compiler on a best-effort basis, like exo-lang.
      add_line("EXO_ASSUME(" + comp_e(pred) + ");");
    }
  }

  comp_block(proc->body);

  std::string comment = "// " + proc->name + "(\n";
  for (size_t k = 0; k < comments.size(); ++k) comment += (k ? ",\n" : "") + std::string("//     ") + comments[k];
  comment += "\n// )\n";
  std::string args;
  for (size_t k = 0; k < arg_strs.size(); ++k) args += (k ? ", " : "") + arg_strs[k];
  std::string head = std::string(is_public ? "" : "static ") + "void " + proc->name + "( " + args + " )";
  decl_ = comment + head + ";\n";
  def_.clear();
  for (auto& o : outlined_) def_ += o;
  def_ += comment + head + " {\n";
  for (auto& l : lines_) def_ += l + "\n";
  def_ += "}\n";
}

// ---- names and scopes --------------------------------------------------------

std::string ProcCompiler::new_varname(const Sym& s, VarInfo info) {
  auto lookup = [&](const std::string& n) -> const std::string* {
    for (auto it = names_.rbegin(); it != names_.rend(); ++it) {
      auto f = it->find(n);
      if (f != it->end()) return &f->second;
    }
    return nullptr;
  };
  auto taken = [&](const std::string& n) {
    return lookup(n) != nullptr || is_reserved_c_name(n) || unit_.global_names.count(n);
  };
  std::string nm = s.name();
  if (taken(nm)) {
    // Same renaming scheme as exo-lang: x -> x_1 -> x_2 ...
    const std::string* prev = lookup(nm);
    std::string cand = prev ? *prev : nm;
    if (has_reserved_c_prefix(cand)) cand = "v" + cand;
    while (taken(cand)) {
      size_t us = cand.rfind('_');
      bool numbered = us != std::string::npos && us + 1 < cand.size() &&
                      cand.find_first_not_of("0123456789", us + 1) == std::string::npos;
      cand = numbered ? cand.substr(0, us + 1) + decimal_successor(cand.substr(us + 1)) : cand + "_1";
    }
    names_.back()[nm] = cand;
    nm = cand;
  }
  names_.back()[nm] = nm;
  info.cname = nm;
  env_.back()[s.id()] = std::move(info);
  return nm;
}

const ProcCompiler::VarInfo& ProcCompiler::var(const Sym& s) const {
  for (auto it = env_.rbegin(); it != env_.rend(); ++it) {
    auto f = it->find(s.id());
    if (f != it->end()) return f->second;
  }
  EXO_FAIL(ErrorKind::Internal, SrcInfo(), "backend: unbound variable " << s.name() << " in " << proc_->name);
}

void ProcCompiler::push_scope() {
  env_.emplace_back();
  names_.emplace_back();
}

void ProcCompiler::pop_scope() {
  env_.pop_back();
  names_.pop_back();
}

void ProcCompiler::add_line(const std::string& line) {
  if (!line.empty()) lines_.push_back(tab_ + line);
}

bool ProcCompiler::is_written(const Sym& buffer) const {
  uint64_t root = buffer.id();
  for (auto it = env_.rbegin(); it != env_.rend(); ++it) {
    auto f = it->find(buffer.id());
    if (f != it->end()) {
      root = f->second.root ? f->second.root : root;
      break;
    }
  }
  return unit_.writes.writes(proc_.get()).count(root) > 0;
}

// ---- statements -------------------------------------------------------------

void ProcCompiler::comp_block(const Block& b) {
  auto frees = frees_after(b);
  for (size_t k = 0; k < b.size(); ++k) {
    comp_stmt(b[k]);
    for (const AllocNode* a : frees[k]) {
      MemoryPtr mem = a->mem ? a->mem : dram();
      add_line(mem->free(var(a->name).cname, ctype_of(a->type.base), shape_strs(a->type.shape), a->srcinfo));
    }
  }
}

void ProcCompiler::comp_stmt(const Stmt& s) { StmtCases::dispatch(s); }

void ProcCompiler::visit(const PassNode&, const Stmt&) { add_line("; // NO-OP"); }

void ProcCompiler::visit(const AssignNode& a, const Stmt& s) { comp_update(s, a.name, a.type, a.idx, a.rhs, true); }

void ProcCompiler::visit(const ReduceNode& r, const Stmt& s) { comp_update(s, r.name, r.type, r.idx, r.rhs, false); }

void ProcCompiler::comp_update(const Stmt& s, const Sym& name, const Type& ltype, const std::vector<Expr>& idx,
                             const Expr& rhs_e, bool is_assign) {
  const VarInfo& v = var(name);
  if (v.mem && (is_assign ? !v.mem->can_write() : !v.mem->can_reduce()))
    EXO_FAIL(ErrorKind::MemGen, s->srcinfo,
             "cannot " << (is_assign ? "write" : "reduce") << " to buffer '" << name.name()
                       << "' in memory '" << v.mem->name() << "'");
  std::string lhs = v.scalar_ref ? "*" + v.cname : (!v.type.is_tensor ? v.cname : access_str(name, idx));
  ScalarKind lk = ltype.base == ScalarKind::R ? v.type.base : ltype.base;
  if (lk == ScalarKind::R) lk = ScalarKind::F32;
  std::string rhs = comp_e(rhs_e, 0, lk);
  ScalarKind rk = rhs_e->type.base;
  if (rk != ScalarKind::R && rk != lk && is_data_kind(rk)) rhs = "(" + ctype_of(lk) + ")(" + rhs + ")";
  add_line(lhs + (is_assign ? " = " : " += ") + rhs + ";");
}

void ProcCompiler::visit(const WriteConfigNode& w, const Stmt& s) {
  if (!w.config->readwrite())
    EXO_FAIL(ErrorKind::Type, s->srcinfo, "cannot write to config '" << w.config->name() << "'");
  const Config::Field* f = w.config->find(w.field);
  EXO_ASSERT(f, "unknown config field " << w.field);
  std::string rhs = comp_e(w.rhs, 0, f->type);
  ScalarKind rk = w.rhs->type.base;
  if (is_data_kind(f->type) && rk != ScalarKind::R && rk != f->type)
    rhs = "(" + ctype_of(f->type) + ")(" + rhs + ")";
  add_line("ctxt->" + w.config->name() + "." + w.field + " = " + rhs + ";");
}

void ProcCompiler::visit(const WindowStmtNode& ws, const Stmt&) {
  auto we = ws.rhs.as<WindowExprNode>();
  EXO_ASSERT(we, "window statement without a window expression");
  const VarInfo& src = var(we->name);
  bool is_const = !is_written(we->name);
  std::string rhs = comp_e(ws.rhs);
  VarInfo info;
  info.type = ws.rhs->type;
  info.type.is_window = true;
  info.mem = src.mem;
  info.root = src.root ? src.root : we->name.id();
  std::string wname = window_type_name(info.type.base, info.type.rank(), is_const);
  info.ctype = "struct " + wname;
  std::string nm = new_varname(ws.name, info);
  add_line("struct " + wname + " " + nm + " = " + rhs + ";");
}

void ProcCompiler::visit(const IfNode& i, const Stmt&) {
  add_line("if (" + comp_e(i.cond) + ") {");
  push_scope();
  tab_ += "  ";
  comp_block(i.body);
  tab_.resize(tab_.size() - 2);
  pop_scope();
  if (!i.orelse.empty()) {
    add_line("} else {");
    push_scope();
    tab_ += "  ";
    comp_block(i.orelse);
    tab_.resize(tab_.size() - 2);
    pop_scope();
  }
  add_line("}");
}

// Register arrays (buffers of memories only instructions touch, e.g. an AVX2
// `C_reg[6][2]`) stay in registers only when every index is a constant, which
// needs the loops that index them fully unrolled. clang does that by itself;
// gcc stops at its size heuristics and keeps the array on the stack, so loops
// of a small constant trip count whose iterator indexes such a buffer ask for
// it. Returns the trip count to unroll by, or nothing.
std::optional<int64_t> ProcCompiler::register_unroll_trip(const ForNode& f) const {
  constexpr int64_t kMaxTrip = 32;
  if (f.mode != LoopMode::Seq) return std::nullopt;
  auto lo = f.lo.as<ConstNode>(), hi = f.hi.as<ConstNode>();
  if (!lo || !hi) return std::nullopt;
  int64_t trip = hi->ival - lo->ival;
  if (trip < 2 || trip > kMaxTrip) return std::nullopt;
  std::set<uint64_t> body_registers;
  for_each_stmt(f.body, [&](const Stmt& s) {
    if (auto a = s.as<AllocNode>(); a && a->mem && !a->mem->can_read()) body_registers.insert(a->name.id());
  });
  auto is_register = [&](const Sym& x) {
    if (body_registers.count(x.id())) return true;
    for (auto it = env_.rbegin(); it != env_.rend(); ++it)
      if (auto v = it->find(x.id()); v != it->end()) return v->second.mem && !v->second.mem->can_read();
    return false;
  };
  auto indexed_by_iter = [&](const Sym& x, const std::vector<Expr>& idx) {
    if (!is_register(x)) return false;
    for (const Expr& i : idx)
      if (mentions(i, f.iter)) return true;
    return false;
  };
  bool found = false;
  for_each_stmt(f.body, [&](const Stmt& s) {
    if (auto a = s.as<AssignNode>()) found |= indexed_by_iter(a->name, a->idx);
    if (auto r = s.as<ReduceNode>()) found |= indexed_by_iter(r->name, r->idx);
  });
  for_each_expr(f.body, [&](const Expr& e) {
    if (auto r = e.as<ReadNode>()) found |= indexed_by_iter(r->name, r->idx);
    if (auto w = e.as<WindowExprNode>()) {
      std::vector<Expr> idx;
      for (const WAccess& a : w->idx) {
        idx.push_back(a.lo);
        if (a.is_interval) idx.push_back(a.hi);
      }
      found |= indexed_by_iter(w->name, idx);
    }
  });
  if (!found) return std::nullopt;
  return trip;
}

void ProcCompiler::visit(const ForNode& f, const Stmt&) {
  std::string lo = comp_e(f.lo), hi = comp_e(f.hi);
  push_scope();
  VarInfo info;
  info.type = Type::scalar(ScalarKind::Index);
  info.lo = lower(f.lo);
  if (auto h = upper(f.hi)) info.hi = *h - 1;
  info.ctype = "int_fast32_t";
  if (f.mode == LoopMode::Par && comp_par_loop(f, lo, hi)) {
    pop_scope();
    return;
  }
  std::string it = new_varname(f.iter, info);
  if (f.mode == LoopMode::Par) add_line("#pragma omp parallel for");
  if (auto trip = register_unroll_trip(f)) add_line("#pragma GCC unroll " + std::to_string(*trip));
  add_line("for (int_fast32_t " + it + " = " + lo + "; " + it + " < " + hi + "; " + it + "++) {");
  tab_ += "  ";
  comp_block(f.body);
  tab_.resize(tab_.size() - 2);
  pop_scope();
  add_line("}");
}

void ProcCompiler::visit(const AllocNode& a, const Stmt&) {
  VarInfo info;
  info.type = a.type;
  info.mem = a.mem ? a.mem : dram();
  info.root = a.name.id();
  // Buffers of DRAM and of its kinds (the built-in ones, and user memories
  // that are a DRAM, whose code reaches them as DRAM's does) are plain C
  // objects: a tensor is reached through a pointer to its first element
  // (whatever its storage), a scalar by value.
  if (info.mem == dram() || info.mem->is_a(*dram()))
    info.ctype = ctype_of(a.type.base) + (a.type.is_tensor ? "*" : "");
  auto shape = shape_strs(a.type.shape);
  std::string nm = new_varname(a.name, info);
  add_line(info.mem->alloc(nm, ctype_of(a.type.base), shape, a.srcinfo));
}

void ProcCompiler::visit(const CallNode& c, const Stmt&) { comp_call(c); }

std::string ProcCompiler::comp_fnarg(const Expr& e, const ProcNode& callee, size_t i) {
  const FnArg& param = callee.args[i];
  if (param.type.is_window) {
    bool is_const = !unit_.writes.writes(&callee).count(param.name.id());
    return window_literal(e, is_const);
  }
  if (param.type.is_tensor && e->type.is_window) {
    // A window to a dense parameter (its strides are proven dense): the address
    // of its first element.
    if (auto* w = e.as<WindowExprNode>()) return "&" + window_fields(w->name, w->idx, e->srcinfo).first;
    return var(e.as<ReadNode>()->name).cname + ".data";
  }
  if (auto r = e.as<ReadNode>(); r && r->idx.empty()) {
    const VarInfo& v = var(r->name);
    if (!v.type.is_tensor && is_data_kind(v.type.base) && !v.scalar_ref) return "&" + v.cname;
    return v.cname;
  }
  if (auto r = e.as<ReadNode>(); r && param.type.is_real_scalar() && var(r->name).type.is_tensor)
    return "&" + access_str(r->name, r->idx);
  // A config field passed for a scalar data parameter (which the callee only
  // reads): its address in the context struct.
  if (auto* rc = e.as<ReadConfigNode>(); rc && !param.type.is_tensor && is_data_kind(param.type.base))
    return "&" + visit(*rc, e, 0, param.type.base);
  ScalarKind want = is_data_kind(param.type.base) ? param.type.base : ScalarKind::F32;
  return comp_e(e, 0, want);
}

void ProcCompiler::comp_call(const CallNode& c) {
  const ProcNode& callee = *c.proc;
  EXO_ASSERT(callee.args.size() == c.args.size(), "call to " << callee.name << " with wrong arity");
  // A buffer must live where the callee's argument says: an instruction's C
  // treats it as that memory's storage (a register, an accelerator address).
  for (size_t k = 0; k < c.args.size(); ++k) {
    const FnArg& param = callee.args[k];
    if (!param.mem || !is_data_kind(param.type.base)) continue;
    const Sym* base = nullptr;
    if (auto* w = c.args[k].as<WindowExprNode>()) base = &w->name;
    else if (auto* r = c.args[k].as<ReadNode>(); r && (param.type.is_tensor || r->idx.empty())) base = &r->name;
    if (!base) continue;
    const MemoryPtr& have = var(*base).mem;
    // Memories the CPU reads directly are all plain C storage to a callee.
    if (have && !have->is_a(*param.mem) && !(have->can_read() && param.mem->can_read()))
      EXO_FAIL(ErrorKind::MemGen, c.srcinfo,
               "argument '" << param.name.name() << "' of " << callee.name << " is in " << param.mem->name()
                            << ", but '" << base->name() << "' is in " << have->name()
                            << " (set_memory can move it)");
  }
  std::vector<std::string> args;
  for (size_t k = 0; k < c.args.size(); ++k) args.push_back(comp_fnarg(c.args[k], callee, k));
  if (!callee.instr) {
    std::string line = callee.name + "(ctxt";
    for (auto& a : args) line += "," + a;
    add_line(line + ");");
    return;
  }
  std::map<std::string, std::string> d;
  for (size_t k = 0; k < args.size(); ++k) {
    const std::string& pname = callee.args[k].name.name();
    d[pname] = "(" + args[k] + ")";
    if (callee.args[k].type.is_window) {
      std::string data;
      bool is_const = !unit_.writes.writes(&callee).count(callee.args[k].name.id());
      window_literal(c.args[k], is_const, &data);
      d[pname + "_data"] = data;
      Sym base = c.args[k].as<WindowExprNode>() ? c.args[k].as<WindowExprNode>()->name
                                                : c.args[k].as<ReadNode>()->name;
      d[pname + "_int"] = var(base).cname;
    } else {
      d[pname + "_data"] = "(" + args[k] + ")";
    }
  }
  add_line(format_template(callee.instr->c_instr, d, callee.name, c.srcinfo));
}

}  // namespace exo::backend
