// The C++ API's Module: a file of definitions, parsed, typechecked and checked in
// source order, each definition seeing the ones before it.

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "exo/exo.h"

#include <cmath>

#include "exo/checked_int.h"

namespace exo {

namespace {

// Module-level constants: literals and arithmetic over earlier constants.
// Integer arithmetic is exact (an overflow is an error at the operator); real
// arithmetic must stay finite.
ConstValue eval_const(const uast::UExprPtr& e, const Scope& scope) {
  using K = uast::UExprKind;
  auto real_of = [](const ConstValue& v) { return v.kind == ScalarKind::R ? v.fval : static_cast<double>(v.ival); };
  auto finite = [&](double v) {
    if (!std::isfinite(v))
      EXO_FAIL(ErrorKind::Type, e->srcinfo, "module constant is not finite (the real arithmetic overflows)");
    return ConstValue::real(v);
  };
  auto exact = [&](std::optional<int64_t> v, const char* what) {
    if (!v) EXO_FAIL(ErrorKind::Type, e->srcinfo, "integer overflow in module constant: the " << what
                                                      << " is outside +-(2^63 - 1)");
    return ConstValue::integer(*v);
  };
  switch (e->kind) {
    case K::Const:
      switch (e->const_kind) {
        case uast::UExpr::ConstKind::Int: return ConstValue::integer(e->ival);
        case uast::UExpr::ConstKind::Bool: return ConstValue::boolean(e->ival != 0);
        case uast::UExpr::ConstKind::Float: return ConstValue::real(e->fval);
      }
      EXO_FAIL(ErrorKind::Internal, e->srcinfo, "module constant of an unknown kind");
    case K::USub: {
      ConstValue v = eval_const(e->args.at(0), scope);
      if (v.kind == ScalarKind::R) return ConstValue::real(-v.fval);
      if (v.kind == ScalarKind::Int) return exact(checked_neg(v.ival), "negation");
      EXO_FAIL(ErrorKind::Type, e->srcinfo, "cannot negate a boolean module constant");
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
      if (a.kind == ScalarKind::Bool || b.kind == ScalarKind::Bool)
        EXO_FAIL(ErrorKind::Type, e->srcinfo, "unsupported operator in module constant");
      bool is_int = a.kind == ScalarKind::Int && b.kind == ScalarKind::Int;
      if (is_int) {
        int64_t x = a.ival, y = b.ival;
        switch (e->op) {
          case BinOpKind::Add: return exact(checked_add(x, y), "sum");
          case BinOpKind::Sub: return exact(checked_sub(x, y), "difference");
          case BinOpKind::Mul: return exact(checked_mul(x, y), "product");
          case BinOpKind::Div: {
            if (y == 0) EXO_FAIL(ErrorKind::Type, e->srcinfo, "division by zero in constant");
            return exact(checked_floor_div(x, y), "quotient");  // Python's //
          }
          default: break;
        }
        EXO_FAIL(ErrorKind::Type, e->srcinfo, "unsupported operator in module constant");
      }
      double x = real_of(a), y = real_of(b);
      switch (e->op) {
        case BinOpKind::Add: return finite(x + y);
        case BinOpKind::Sub: return finite(x - y);
        case BinOpKind::Mul: return finite(x * y);
        case BinOpKind::Div:
          if (y == 0) EXO_FAIL(ErrorKind::Type, e->srcinfo, "division by zero in constant");
          return finite(x / y);
        default: break;
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
      check_proc_definition(p);
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
