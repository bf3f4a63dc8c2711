// `par` loops to C: the body becomes a function of an iteration range, run by
// the exo_par_for runtime (c_par_runtime.cpp), with the variables it uses
// copied into a capture struct.
//
//   struct exo_par_foo_0 { void *ctxt; int_fast32_t n; float* x; };
//   static void exo_par_foo_0_body(void *exo_cap_, int_fast32_t exo_lo, int_fast32_t exo_hi) {
//     ... unpack ...
//     for (int_fast32_t i = exo_lo; i < exo_hi; i++) { <body> }
//   }
//   ...
//   { struct exo_par_foo_0 exo_cap = { ctxt, n, x }; exo_par_for(0, n, exo_par_foo_0_body, &exo_cap); }
//
// A loop whose body uses a variable that cannot be copied that way (a buffer
// in a memory with its own declarations, such as vector registers, or a local
// scalar the body writes) keeps exo-lang's `#pragma omp parallel for`.

#include "backend/c_codegen.h"
#include "exo/ir_mutator.h"

namespace exo::backend {

namespace {

// Syms whose value a block may change in place: assigned, reduced into, or
// passed to a call (a scalar argument is passed by address).
std::set<uint64_t> updated_names(const Block& b) {
  std::set<uint64_t> out;
  for_each_stmt(b, [&](const Stmt& s) {
    if (auto a = s.as<AssignNode>()) out.insert(a->name.id());
    if (auto r = s.as<ReduceNode>()) out.insert(r->name.id());
    if (auto c = s.as<CallNode>())
      for (const Expr& arg : c->args)
        if (auto r = arg.as<ReadNode>(); r && r->idx.empty()) out.insert(r->name.id());
  });
  return out;
}

}  // namespace

bool ProcCompiler::comp_par_loop(const ForNode& f, const std::string& lo, const std::string& hi) {
  // What to copy: every variable of an enclosing scope the body uses, and every
  // control value in scope (array strides in the body's C are built from them).
  std::set<uint64_t> used, updated = updated_names(f.body);
  for (const Stmt& s : f.body) collect_mentioned_names(s, used);
  std::vector<const VarInfo*> captured;
  std::set<std::string> seen;
  for (auto scope = env_.rbegin(); scope != env_.rend(); ++scope)
    for (auto& [id, info] : *scope) {
      if (seen.count(info.cname)) continue;  // shadowed by an inner scope's
      bool is_used = used.count(id) > 0;
      bool is_control = !info.type.is_numeric();
      if (!is_used && !is_control) continue;
      if (info.ctype.empty()) {
        if (is_used) return false;
        continue;
      }
      // A local data scalar is copied by value: the body may only read it.
      if (info.type.is_numeric() && !info.type.is_tensor && !info.type.is_window && !info.scalar_ref &&
          updated.count(id))
        return false;
      seen.insert(info.cname);
      captured.push_back(&info);
    }
  std::sort(captured.begin(), captured.end(),
            [](const VarInfo* a, const VarInfo* b) { return a->cname < b->cname; });

  std::string name = "exo_par_" + proc_->name + "_" + std::to_string(par_loops_++);
  std::vector<std::string> fields{ctxt_type_ + " *ctxt;"}, unpack, inits{"ctxt"};
  for (const VarInfo* v : captured) {
    fields.push_back(v->ctype + " " + v->cname + ";");
    unpack.push_back(v->ctype + " " + v->cname + " = exo_cap->" + v->cname + ";");
    inits.push_back(v->cname);
  }

  // The body, compiled as a loop over [exo_lo, exo_hi) in its own function.
  std::vector<std::string> outer_lines;
  std::swap(lines_, outer_lines);
  std::string outer_tab = tab_;
  tab_ = "  ";
  push_scope();
  VarInfo it_info;
  it_info.type = Type::scalar(ScalarKind::Index);
  it_info.ctype = "int_fast32_t";
  it_info.lo = lower(f.lo);
  if (auto h = upper(f.hi)) it_info.hi = *h - 1;
  std::string it = new_varname(f.iter, it_info);
  add_line("struct " + name + " *exo_cap = exo_cap_;");
  add_line(ctxt_type_ + " *ctxt = exo_cap->ctxt;");
  for (auto& u : unpack) add_line(u);
  add_line("for (int_fast32_t " + it + " = exo_lo; " + it + " < exo_hi; " + it + "++) {");
  tab_ += "  ";
  comp_block(f.body);
  tab_.resize(tab_.size() - 2);
  pop_scope();
  add_line("}");
  std::swap(lines_, outer_lines);
  tab_ = outer_tab;

  std::string text = "struct " + name + " {\n";
  for (auto& fl : fields) text += "  " + fl + "\n";
  text += "};\n";
  text += "static void " + name + "_body(void *exo_cap_, int_fast32_t exo_lo, int_fast32_t exo_hi) {\n";
  for (auto& l : outer_lines) text += l + "\n";
  text += "}\n\n";
  outlined_.push_back(text);
  unit_.helpers.insert("exo_par_for");

  std::string init;
  for (size_t k = 0; k < inits.size(); ++k) init += (k ? ", " : "") + inits[k];
  add_line("{");
  add_line("  struct " + name + " exo_cap = { " + init + " };");
  add_line("  exo_par_for(" + lo + ", " + hi + ", " + name + "_body, &exo_cap);");
  add_line("}");
  return true;
}

}  // namespace exo::backend
