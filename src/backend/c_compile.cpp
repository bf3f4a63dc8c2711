// compile_to_c: the translation unit and header around the compiled procs.
//
// Layout follows exo-lang's run_compile so harnesses and diffs line up: the
// header holds the context struct, window structs and public prototypes; the
// source holds helpers, instruction/memory/extern globals, private prototypes
// and the bodies, with procs in name order.

#include <algorithm>
#include <functional>
#include <unordered_set>

#include "exo/precision_check.h"
#include "backend/c_codegen.h"
#include "exo/analysis.h"
#include "exo/backend.h"
#include "exo/names.h"

namespace exo {

namespace {

using backend::ProcCompiler;
using backend::UnitState;

std::string sanitize(const std::string& s) {
  std::string out = s;
  for (auto& c : out)
    if (!is_name_char(c)) c = '_';
  return out;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string join_lines(const std::vector<std::string>& v) {
  std::string out;
  for (size_t k = 0; k < v.size(); ++k) out += (k ? "\n" : "") + v[k];
  return out;
}

// Calls in a block, in program order.
void for_each_call(const Block& b, const std::function<void(const CallNode&)>& f) {
  for (auto& s : b) {
    if (auto c = s.as<CallNode>()) f(*c);
    else if (auto i = s.as<IfNode>()) { for_each_call(i->body, f); for_each_call(i->orelse, f); }
    else if (auto l = s.as<ForNode>()) for_each_call(l->body, f);
  }
}

// The exported procs and everything they call, each once.
std::vector<Proc> all_procs(const std::vector<Proc>& roots) {
  std::vector<Proc> out;
  std::unordered_set<const ProcNode*> seen;
  std::function<void(const Proc&, std::vector<const ProcNode*>&)> walk =
      [&](const Proc& p, std::vector<const ProcNode*>& stack) {
        if (std::find(stack.begin(), stack.end(), p.get()) != stack.end())
          EXO_FAIL(ErrorKind::Type, p->srcinfo, "found call cycle involving " << p->name);
        if (!seen.insert(p.get()).second) return;
        out.push_back(p);
        if (p->instr) return;
        stack.push_back(p.get());
        for_each_call(p->body, [&](const CallNode& c) { walk(c.proc, stack); });
        stack.pop_back();
      };
  for (auto& p : roots) {
    std::vector<const ProcNode*> stack;
    walk(p, stack);
  }
  std::stable_sort(out.begin(), out.end(), [](const Proc& a, const Proc& b) { return a->name < b->name; });
  return out;
}

void collect_mems_block(const Block& b, std::map<std::string, MemoryPtr>& mems) {
  for (auto& s : b) {
    if (auto a = s.as<AllocNode>()) {
      MemoryPtr m = a->mem ? a->mem : dram();
      mems.emplace(m->name(), m);
    } else if (auto i = s.as<IfNode>()) {
      collect_mems_block(i->body, mems);
      collect_mems_block(i->orelse, mems);
    } else if (auto l = s.as<ForNode>()) {
      collect_mems_block(l->body, mems);
    }
  }
}

void collect_configs_e(const Expr& e, std::map<std::string, ConfigPtr>& out, const SrcInfo& where);
void collect_configs_block(const Block& b, std::map<std::string, ConfigPtr>& out);

void add_config(const ConfigPtr& c, std::map<std::string, ConfigPtr>& out, const SrcInfo& where) {
  auto [it, fresh] = out.emplace(c->name(), c);
  if (!fresh && it->second != c) EXO_FAIL(ErrorKind::Type, where, "multiple configs named " << c->name());
}

void collect_configs_e(const Expr& e, std::map<std::string, ConfigPtr>& out, const SrcInfo& where) {
  if (!e) return;
  if (auto r = e.as<ReadConfigNode>()) add_config(r->config, out, e->srcinfo);
  else if (auto rd = e.as<ReadNode>()) { for (auto& i : rd->idx) collect_configs_e(i, out, where); }
  else if (auto u = e.as<USubNode>()) collect_configs_e(u->arg, out, where);
  else if (auto b = e.as<BinOpNode>()) { collect_configs_e(b->lhs, out, where); collect_configs_e(b->rhs, out, where); }
  else if (auto x = e.as<ExternCallNode>()) { for (auto& a : x->args) collect_configs_e(a, out, where); }
  else if (auto w = e.as<WindowExprNode>()) {
    for (auto& a : w->idx) { collect_configs_e(a.lo, out, where); collect_configs_e(a.hi, out, where); }
  }
}

void collect_configs_block(const Block& b, std::map<std::string, ConfigPtr>& out) {
  for (auto& s : b) {
    const SrcInfo& w = s->srcinfo;
    if (auto a = s.as<AssignNode>()) { for (auto& i : a->idx) collect_configs_e(i, out, w); collect_configs_e(a->rhs, out, w); }
    else if (auto r = s.as<ReduceNode>()) { for (auto& i : r->idx) collect_configs_e(i, out, w); collect_configs_e(r->rhs, out, w); }
    else if (auto wc = s.as<WriteConfigNode>()) { add_config(wc->config, out, w); collect_configs_e(wc->rhs, out, w); }
    else if (auto i = s.as<IfNode>()) { collect_configs_e(i->cond, out, w); collect_configs_block(i->body, out); collect_configs_block(i->orelse, out); }
    else if (auto f = s.as<ForNode>()) { collect_configs_e(f->lo, out, w); collect_configs_e(f->hi, out, w); collect_configs_block(f->body, out); }
    else if (auto c = s.as<CallNode>()) { for (auto& a : c->args) collect_configs_e(a, out, w); }
    else if (auto ws = s.as<WindowStmtNode>()) collect_configs_e(ws->rhs, out, w);
  }
}

const char* kHelperFloorDiv =
    "\nstatic int exo_floor_div(int num, int quot) {\n"
    "  int off = (num>=0)? 0 : quot-1;\n"
    "  return (num-off)/quot;\n"
    "}\n";
// Exo's `%` on indices is the non-negative modulo of floor division.
const char* kHelperFloorMod =
    "\nstatic int exo_floor_mod(int num, int quot) {\n"
    "  int r = num % quot;\n"
    "  return (r < 0)? r + quot : r;\n"
    "}\n";

// A unit whose index constants need more than 32 bits (backend::kWideIndex):
// the index type must hold them, which this typedef checks when the C is
// compiled (a negative array size otherwise), and the floor helpers take the
// index type instead of exo-lang's `int`, which would truncate them.
const char* kHelperWideIndex =
    "\n/* Index constants below need more than 32 bits: int_fast32_t must hold them. */\n"
    "typedef char exo_index_type_holds_64_bits[sizeof(int_fast32_t) >= 8 ? 1 : -1];\n";
const char* kHelperFloorDivWide =
    "\nstatic int_fast32_t exo_floor_div(int_fast32_t num, int_fast32_t quot) {\n"
    "  int_fast32_t off = (num>=0)? 0 : quot-1;\n"
    "  return (num-off)/quot;\n"
    "}\n";
const char* kHelperFloorModWide =
    "\nstatic int_fast32_t exo_floor_mod(int_fast32_t num, int_fast32_t quot) {\n"
    "  int_fast32_t r = num % quot;\n"
    "  return (r < 0)? r + quot : r;\n"
    "}\n";

const char* kHeaderPrelude =
    "\n#include <stdint.h>\n"
    "#include <stdbool.h>\n"
    "\n"
    "// EXO_ASSUME(e): a precondition of the procedure, told to the C compiler so\n"
    "// it may optimise with it; it is not checked at run time.\n"
    "#ifndef EXO_ASSUME\n"
    "#  if defined(__clang__)\n"
    "#    define EXO_ASSUME(e) __builtin_assume(e)\n"
    "#  elif defined(__GNUC__)\n"
    "#    define EXO_ASSUME(expr) \\\n"
    "      ((void)((expr) ? 1 : (__builtin_unreachable(), 1)))\n"
    "#  else\n"
    "#    define EXO_ASSUME(e) ((void)0)\n"
    "#  endif\n"
    "#endif\n"
    "\n";

// Scheduling can leave a local that is set but never read (a dead staging
// buffer, an accumulator of a removed use); that is not worth a warning.
const char* kUnusedLocalsPragmas =
    "#if defined(__clang__)\n"
    "#pragma clang diagnostic ignored \"-Wunknown-warning-option\"\n"
    "#endif\n"
    "#if defined(__GNUC__)\n"
    "#pragma GCC diagnostic ignored \"-Wunused-variable\"\n"
    "#pragma GCC diagnostic ignored \"-Wunused-but-set-variable\"\n"
    "#endif\n";

// The instruction template is quoted inside a C comment: keep it from closing it.
std::string comment_safe(std::string s) {
  for (size_t k = 0; (k = s.find("*/", k)) != std::string::npos;) s.replace(k, 2, "* /");
  for (size_t k = 0; (k = s.find("/*", k)) != std::string::npos;) s.replace(k, 2, "/ *");
  return s;
}

// Appends `s` unless an identical block is already there (several memories or
// externs share includes; emitting each once keeps the output tidy).
void push_unique(std::vector<std::string>& v, const std::string& s) {
  if (s.empty()) return;
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

CCode compile_to_c(const std::vector<Proc>& procs, const std::string& stem) {
  std::string lib = sanitize(stem);
  std::vector<Proc> list = all_procs(procs);
  std::unordered_set<const ProcNode*> exported;
  for (auto& p : procs) exported.insert(p.get());

  UnitState unit;
  std::map<std::string, MemoryPtr> mems;
  std::map<std::string, ConfigPtr> configs;
  for (size_t k = 0; k < list.size(); ++k) {
    const Proc& p = list[k];
    if (k > 0 && list[k - 1]->name == p->name)
      EXO_FAIL(ErrorKind::Api, p->srcinfo, "multiple procs named " << p->name);
    unit.global_names.insert(p->name);
    for (auto& a : p->args)
      if (a.type.is_numeric()) {
        MemoryPtr m = a.mem ? a.mem : dram();
        mems.emplace(m->name(), m);
      }
    collect_mems_block(p->body, mems);
    if (!p->instr) collect_configs_block(p->body, configs);
  }

  // Context struct: one member struct per config; absent when no config is used.
  std::string ctxt_name = "void";
  std::vector<std::string> ctxt_def;
  if (!configs.empty()) {
    ctxt_name = lib + "_Context";
    ctxt_def = {"typedef struct " + ctxt_name + " { ", ""};
    for (auto& [name, c] : configs) {
      if (!c->readwrite()) {
        ctxt_def.push_back("// config '" + name + "' not materialized");
        ctxt_def.push_back("");
        continue;
      }
      ctxt_def.push_back("    struct " + name + " {");
      for (auto& f : c->fields())
        ctxt_def.push_back("        " + std::string(f.type == ScalarKind::R ? "float" : c_type_name(f.type)) +
                           " " + f.name + ";");
      ctxt_def.push_back("    } " + name + ";");
      ctxt_def.push_back("");
    }
    ctxt_def.push_back("} " + ctxt_name + ";");
  }

  // Last line of defence before emitting OpenMP: every par loop is race-free,
  // however it was made (source, parallelize_loop, or a rewrite of either).
  for (auto& p : list)
    if (!p->instr) check_par_loops(p);
  // Data precisions agree where C would convert silently (as exo-lang's
  // precision pass; the frontend leaves this to code generation).
  for (auto& p : list)
    if (!p->instr) check_precisions(p);

  std::vector<std::string> public_decls, private_decls, bodies, instr_globals;
  for (auto& p : list) {
    if (p->instr) {
      std::string argstr;
      for (size_t k = 0; k < p->args.size(); ++k) argstr += (k ? "," : "") + p->args[k].name.name();
      bodies.insert(bodies.end(), {"", "/* relying on the following instruction...\"",
                                   p->name + "(" + argstr + ")", comment_safe(p->instr->c_instr), "*/"});
      push_unique(instr_globals, p->instr->c_global);
      continue;
    }
    bool is_public = exported.count(p.get()) > 0;
    ProcCompiler comp(p, ctxt_name, is_public, unit);
    (is_public ? public_decls : private_decls).push_back(comp.decl());
    bodies.push_back(comp.def());
  }

  std::vector<std::string> helper_code;
  bool wide = unit.helpers.count(backend::kWideIndex) > 0;
  if (wide) helper_code.push_back(kHelperWideIndex);
  if (unit.helpers.count("exo_floor_div")) helper_code.push_back(wide ? kHelperFloorDivWide : kHelperFloorDiv);
  if (unit.helpers.count("exo_floor_mod")) helper_code.push_back(wide ? kHelperFloorModWide : kHelperFloorMod);
  if (unit.helpers.count("exo_par_for")) helper_code.push_back(backend::kParRuntime);
  std::vector<std::string> memory_code, extern_code, struct_defs;
  for (auto& [name, m] : mems) push_unique(memory_code, m->global_());
  for (auto& [key, fe] : unit.externs) push_unique(extern_code, fe.first->globl(fe.second));
  for (auto& [name, def] : unit.win_structs) struct_defs.push_back(def);

  std::string guard = upper(lib) + "_H";
  std::string decls = std::string(kHeaderPrelude) + join_lines(ctxt_def) + "\n" + join_lines(struct_defs) +
                      "\n" + join_lines(public_decls) + "\n";
  CCode out;
  out.decls = decls;
  out.h = "\n#pragma once\n#ifndef " + guard + "\n#define " + guard + "\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n" +
          decls + "\n\n#ifdef __cplusplus\n}\n#endif\n#endif  // " + guard + "\n";

  std::vector<std::string> groups;
  for (auto* g : {&helper_code, &instr_globals, &memory_code, &extern_code, &private_decls, &bodies})
    if (!g->empty()) groups.push_back(join_lines(*g));
  out.c = "#include \"" + stem + ".h\"\n\n" + kUnusedLocalsPragmas + "\n" + join_lines(groups) + "\n";
  return out;
}

}  // namespace exo
