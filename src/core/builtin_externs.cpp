// The standard externs (exo-lang's exo.libs.externs): their typing, their C and
// their meaning for the interpreter. The C spellings follow exo-lang exactly so
// generated code is interchangeable.

#include <cmath>

#include "exo/hardware.h"

namespace exo {

namespace {

std::string cast(const std::string& t, const std::string& a) { return "(" + t + ")" + a; }
std::string cast_paren(const std::string& t, const std::string& a) {
  return "(" + t + ")(" + a + ")";
}

// Externs are pure values: one shared class parameterized by small lambdas keeps
// the table below readable.
using CompileFn = std::string (*)(const std::vector<std::string>&, const std::string&);
using GloblFn = std::string (*)(const std::string&);
using InterpFn = double (*)(const std::vector<double>&);

class BuiltinExtern : public Extern {
 public:
  BuiltinExtern(std::string name, size_t arity, bool allow_control, CompileFn c, GloblFn g,
                InterpFn i)
      : name_(std::move(name)), arity_(arity), allow_control_(allow_control), compile_(c),
        globl_(g), interp_(i) {}
  std::string name() const override { return name_; }
  size_t arity() const override { return arity_; }
  ScalarKind typecheck(const std::vector<ScalarKind>& args, const SrcInfo& where) const override {
    if (!allow_control_) return Extern::typecheck(args, where);
    if (args.size() != arity_)
      EXO_FAIL(ErrorKind::Type, where,
               name_ << ": expected " << arity_ << " arguments, got " << args.size());
    for (size_t k = 0; k < args.size(); ++k)
      if (!is_data_kind(args[k]) && !is_index_kind(args[k]))
        EXO_FAIL(ErrorKind::Type, where,
                 name_ << ": expected argument " << k + 1
                       << " to be a real scalar value or control flow value, but got type "
                       << scalar_kind_name(args[k]));
    return args.back();
  }
  std::string compile(const std::vector<std::string>& args,
                      const std::string& prim_type) const override {
    return compile_(args, prim_type);
  }
  std::string globl(const std::string& prim_type) const override { return globl_(prim_type); }
  double interpret(const std::vector<double>& args) const override { return interp_(args); }

 private:
  std::string name_;
  size_t arity_;
  bool allow_control_;
  CompileFn compile_;
  GloblFn globl_;
  InterpFn interp_;
};

std::string math_h(const std::string&) { return "#include <math.h>"; }

std::string min_max_globl(const std::string& fn, const std::string& t, const char* pick) {
  return t + " _" + fn + "_" + t + "(" + t + " x," + t + " v) {\n" + "    if (x < v) return " +
         pick + ";\n" + "    else return " + (pick[0] == 'x' ? "v" : "x") + ";\n}\n";
}

std::vector<std::pair<std::string, ExternPtr>> make_builtins() {
  std::vector<std::pair<std::string, ExternPtr>> out;
  auto add = [&](std::string name, size_t arity, bool allow_control, CompileFn c, GloblFn g,
                 InterpFn i) {
    out.emplace_back(name, std::make_shared<BuiltinExtern>(name, arity, allow_control, c, g, i));
  };

  add("sin", 1, false,
      [](const std::vector<std::string>& a, const std::string& t) {
        return "sin(" + cast(t, a[0]) + ")";
      },
      math_h, [](const std::vector<double>& a) { return std::sin(a[0]); });

  // Not in exo-lang's library; spelled like its `sin`.
  add("cos", 1, false,
      [](const std::vector<std::string>& a, const std::string& t) {
        return "cos(" + cast(t, a[0]) + ")";
      },
      math_h, [](const std::vector<double>& a) { return std::cos(a[0]); });

  add("relu", 1, false,
      [](const std::vector<std::string>& a, const std::string& t) {
        return "_relu_" + t + "(" + cast(t, a[0]) + ")";
      },
      [](const std::string& t) {
        return t + " _relu_" + t + "(" + t + " x) {\n    if (x > 0.0) return x;\n" +
               "    else return 0.0;\n}\n";
      },
      [](const std::vector<double>& a) { return a[0] > 0 ? a[0] : 0.0; });

  add("select", 4, false,
      [](const std::vector<std::string>& a, const std::string& t) {
        return "_select_" + t + "(" + cast(t, a[0]) + ", " + cast(t, a[1]) + ", " +
               cast(t, a[2]) + ", " + cast(t, a[3]) + ")";
      },
      [](const std::string& t) {
        return t + " _select_" + t + "(" + t + " x," + t + " v," + t + " y," + t + " z) {\n" +
               "    if (x < v) return y;\n    else return z;\n}\n";
      },
      [](const std::vector<double>& a) { return a[0] < a[1] ? a[2] : a[3]; });

  add("expf", 1, false,
      [](const std::vector<std::string>& a, const std::string& t) {
        return "expf(" + cast_paren(t, a[0]) + ")";
      },
      math_h, [](const std::vector<double>& a) { return std::exp(a[0]); });

  add("fmaxf", 2, false,
      [](const std::vector<std::string>& a, const std::string& t) {
        return "fmaxf(" + cast_paren(t, a[0]) + ", " + cast_paren(t, a[1]) + ")";
      },
      math_h, [](const std::vector<double>& a) { return std::fmax(a[0], a[1]); });

  add("sigmoid", 1, false,
      [](const std::vector<std::string>& a, const std::string& t) {
        return "sigmoid(" + cast_paren(t, a[0]) + ")";
      },
      [](const std::string& t) {
        return "\n#include <math.h>\n" + t + " sigmoid(" + t + " x) {\n" +
               "    return 1 / (1 + exp(-x));\n}\n";
      },
      [](const std::vector<double>& a) { return 1.0 / (1.0 + std::exp(-a[0])); });

  add("sqrt", 1, false,
      [](const std::vector<std::string>& a, const std::string& t) {
        return "sqrt(" + cast_paren(t, a[0]) + ")";
      },
      math_h, [](const std::vector<double>& a) { return std::sqrt(a[0]); });

  add("intmin", 2, true,
      [](const std::vector<std::string>& a, const std::string& t) {
        return "_intmin_" + t + "(" + cast(t, a[0]) + ", " + cast(t, a[1]) + ")";
      },
      [](const std::string& t) { return min_max_globl("intmin", t, "x"); },
      [](const std::vector<double>& a) { return a[0] < a[1] ? a[0] : a[1]; });

  add("intmax", 2, true,
      [](const std::vector<std::string>& a, const std::string& t) {
        return "_intmax_" + t + "(" + cast(t, a[0]) + ", " + cast(t, a[1]) + ")";
      },
      [](const std::string& t) { return min_max_globl("intmax", t, "v"); },
      [](const std::vector<double>& a) { return a[0] < a[1] ? a[1] : a[0]; });

  return out;
}

}  // namespace

// The common rule of exo-lang's externs: a fixed number of real scalar arguments,
// the result having the type of the last one.
ScalarKind Extern::typecheck(const std::vector<ScalarKind>& args, const SrcInfo& where) const {
  if (args.size() != arity())
    EXO_FAIL(ErrorKind::Type, where,
             name() << ": expected " << arity() << (arity() == 1 ? " argument" : " arguments")
                    << ", got " << args.size());
  for (size_t k = 0; k < args.size(); ++k)
    if (!is_data_kind(args[k]))
      EXO_FAIL(ErrorKind::Type, where,
               name() << ": expected argument " << k + 1
                      << " to be a real scalar value, but got type " << scalar_kind_name(args[k]));
  if (args.empty()) EXO_FAIL(ErrorKind::Type, where, name() << ": expected arguments");
  return args.back();
}

const std::vector<std::pair<std::string, ExternPtr>>& builtin_externs() {
  static const auto table = make_builtins();
  return table;
}

}  // namespace exo
