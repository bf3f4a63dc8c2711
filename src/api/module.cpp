// The C++ API's Module: a file of definitions, parsed, typechecked and checked in
// source order, each definition seeing the ones before it.

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "exo/exo.h"

namespace exo {

namespace {

// Module-level constants: literals and arithmetic over earlier constants.
ConstValue eval_const(const uast::UExprPtr& e, const Scope& scope) {
  using K = uast::UExprKind;
  switch (e->kind) {
    case K::Const: {
      ScalarKind k = e->const_kind == uast::UExpr::ConstKind::Int    ? ScalarKind::Int
                     : e->const_kind == uast::UExpr::ConstKind::Bool ? ScalarKind::Bool
                                                                     : ScalarKind::R;
      return {e->val, k};
    }
    case K::USub: {
      ConstValue v = eval_const(e->args.at(0), scope);
      return {-v.value, v.kind};
    }
    case K::Name: {
      auto entry = scope.lookup(e->name);
      if (entry) {
        if (auto* c = std::get_if<ConstValue>(&*entry)) return *c;
      }
      EXO_FAIL(ErrorKind::Type, e->srcinfo, "'" << e->name << "' is not a constant");
    }
    case K::BinOp: {
      ConstValue a = eval_const(e->args.at(0), scope), b = eval_const(e->args.at(1), scope);
      bool is_int = a.kind == ScalarKind::Int && b.kind == ScalarKind::Int;
      ScalarKind k = is_int ? ScalarKind::Int : ScalarKind::R;
      switch (e->op) {
        case BinOpKind::Add: return {a.value + b.value, k};
        case BinOpKind::Sub: return {a.value - b.value, k};
        case BinOpKind::Mul: return {a.value * b.value, k};
        case BinOpKind::Div:
          if (b.value == 0) EXO_FAIL(ErrorKind::Type, e->srcinfo, "division by zero in constant");
          if (is_int) {
            long long q = static_cast<long long>(a.value) / static_cast<long long>(b.value);
            if ((static_cast<long long>(a.value) % static_cast<long long>(b.value) != 0) &&
                ((a.value < 0) != (b.value < 0)))
              q -= 1;
            return {static_cast<double>(q), k};
          }
          return {a.value / b.value, k};
        default:
          break;
      }
      EXO_FAIL(ErrorKind::Type, e->srcinfo, "unsupported operator in module constant");
    }
    default:
      EXO_FAIL(ErrorKind::Type, e->srcinfo, "module-level names may only be bound to constants");
  }
}

}  // namespace

Module Module::from_string(const std::string& text, const std::string& filename, const Scope* base) {
  static const Scope builtins = Scope::with_builtins();
  SourceOrigin origin;
  origin.filename = filename;
  uast::UModule um = parse_module(text, origin);

  Module m;
  Scope scope(base ? base : &builtins);
  for (const auto& decl : um.decls) {
    if (auto* up = std::get_if<uast::UProc>(&decl)) {
      if (scope.lookup(up->name) && std::holds_alternative<Proc>(*scope.lookup(up->name)) &&
          m.has_proc(up->name))
        EXO_FAIL(ErrorKind::Type, up->srcinfo, "procedure '" << up->name << "' is defined twice");
      Proc p = typecheck_proc(*up, scope);
      check_proc(p);
      scope.bind_proc(p);
      m.procs_.push_back(p);
    } else if (auto* uc = std::get_if<uast::UConfig>(&decl)) {
      ConfigPtr c = typecheck_config(*uc);
      scope.bind_config(c);
      m.configs_.push_back(c);
    } else if (auto* k = std::get_if<uast::UConstDef>(&decl)) {
      scope.bind_const(k->name, eval_const(k->value, scope));
    }
  }
  return m;
}

Module Module::from_file(const std::string& path, const Scope* base) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    EXO_FAIL(ErrorKind::Api, SrcInfo(), "cannot read '" << path << "': it is a directory, not an Exo source file");
  std::ifstream in(path, std::ios::binary);
  if (!in) EXO_FAIL(ErrorKind::Api, SrcInfo(), "cannot open '" << path << "': " << std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) EXO_FAIL(ErrorKind::Api, SrcInfo(), "cannot read '" << path << "': " << std::strerror(errno));
  std::string text = ss.str();
  if (text.find('\0') != std::string::npos)
    EXO_FAIL(ErrorKind::Api, SrcInfo(), "cannot read '" << path << "': not a text file (it contains NUL bytes)");
  return from_string(text, path, base);
}

bool Module::has_proc(const std::string& name) const {
  for (auto& p : procs_)
    if (p->name == name) return true;
  return false;
}

Proc Module::proc(const std::string& name) const {
  for (auto& p : procs_)
    if (p->name == name) return p;
  std::string known;
  for (auto& p : procs_) known += (known.empty() ? "" : ", ") + p->name;
  EXO_FAIL(ErrorKind::Api, SrcInfo(),
           "no procedure named '" << name << "' (defined: " << (known.empty() ? "none" : known) << ")");
}

void compile_c(const std::vector<Proc>& procs, const std::string& dir, const std::string& stem) {
  CCode code = compile_to_c(procs, stem);
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) EXO_FAIL(ErrorKind::Api, SrcInfo(), "cannot create directory '" << dir << "': " << ec.message());
  for (auto& [ext, text] : {std::pair<std::string, const std::string&>{".c", code.c}, {".h", code.h}}) {
    std::string path = (fs::path(dir) / (stem + ext)).string();
    std::ofstream out(path);
    if (!out) EXO_FAIL(ErrorKind::Api, SrcInfo(), "cannot write '" << path << "': " << std::strerror(errno));
    out << text;
    out.close();
    if (!out) EXO_FAIL(ErrorKind::Api, SrcInfo(), "cannot write '" << path << "'");
  }
}

}  // namespace exo
