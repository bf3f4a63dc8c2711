// Backend utilities: window structs, literal formatting, instruction templates,
// Exo-style type strings for comments, reserved names and write analysis.

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "backend/c_codegen.h"

namespace exo::backend {

namespace {

const char* window_shorthand(ScalarKind k) {
  switch (k) {
    case ScalarKind::F16: return "f16";
    case ScalarKind::F64: return "f64";
    case ScalarKind::I8: return "i8";
    case ScalarKind::UI8: return "ui8";
    case ScalarKind::UI16: return "ui16";
    case ScalarKind::I32: return "i32";
    default: return "f32";  // f32 and the unresolved generic R
  }
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

WinStruct window_struct(ScalarKind base, size_t rank, bool is_const) {
  std::string name = "exo_win_" + std::to_string(rank) + window_shorthand(base) + (is_const ? "c" : "");
  std::string ctype(base == ScalarKind::R ? "float" : std::string(c_type_name(base)));
  std::string guard = upper(name);
  std::string def = "#ifndef " + guard + "\n#define " + guard + "\nstruct " + name + "{\n    " +
                    (is_const ? "const " : "") + ctype + " * const data;\n" +
                    "    const int_fast32_t strides[" + std::to_string(rank) + "];\n};\n#endif";
  return {name, def};
}

namespace {

// Python's repr() layout of shortest round-trip digits given in scientific form
// ("1.5e+00"): positional for exponents in [-4, 16), scientific otherwise.
std::string repr_layout(std::string sci) {
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t epos = sci.find('e');
  std::string mant = sci.substr(0, epos);
  int exp10 = std::atoi(sci.c_str() + epos + 1);
  std::string digits;
  for (char c : mant)
    if (c != '.') digits += c;
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out;
  if (exp10 >= -4 && exp10 < 16) {
    if (exp10 >= 0) {
      std::string ip = digits.substr(0, std::min<size_t>(digits.size(), exp10 + 1));
      while (ip.size() < static_cast<size_t>(exp10 + 1)) ip += '0';
      std::string fp = digits.size() > static_cast<size_t>(exp10 + 1) ? digits.substr(exp10 + 1) : "0";
      out = ip + "." + fp;
    } else {
      out = "0." + std::string(-exp10 - 1, '0') + digits;
    }
  } else {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
    out += eb;
  }
  return neg ? "-" + out : out;
}

}  // namespace

std::string py_float_repr(double v) {
  EXO_ASSERT(std::isfinite(v), "non-finite constant reached the C backend");
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  return repr_layout(std::string(buf, r.ptr));
}

std::string c_float_literal(float v) {
  EXO_ASSERT(std::isfinite(v), "non-finite constant reached the C backend");
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  return repr_layout(std::string(buf, r.ptr)) + "f";
}

std::string format_template(const std::string& tmpl, const std::map<std::string, std::string>& vals,
                            const std::string& instr_name, const SrcInfo& where) {
  std::string out;
  for (size_t k = 0; k < tmpl.size(); ++k) {
    char c = tmpl[k];
    if (c == '{' && k + 1 < tmpl.size() && tmpl[k + 1] == '{') {
      out += '{';
      ++k;
    } else if (c == '}' && k + 1 < tmpl.size() && tmpl[k + 1] == '}') {
      out += '}';
      ++k;
    } else if (c == '{') {
      size_t end = tmpl.find('}', k);
      if (end == std::string::npos)
        EXO_FAIL(ErrorKind::Type, where, "instruction " << instr_name << ": unmatched '{' in C template");
      std::string key = tmpl.substr(k + 1, end - k - 1);
      auto it = vals.find(key);
      if (it == vals.end())
        EXO_FAIL(ErrorKind::Type, where,
                 "instruction " << instr_name << ": C template refers to unknown argument '{" << key
                                << "}'");
      out += it->second;
      k = end;
    } else {
      out += c;
    }
  }
  return out;
}

namespace {
int py_prec(BinOpKind op) { return binop_precedence(op); }

std::string expr_str(const Expr& e, int prec) {
  if (auto r = e.as<ReadNode>()) {
    std::string s = r->name.name();
    if (!r->idx.empty()) {
      s += "[";
      for (size_t k = 0; k < r->idx.size(); ++k) s += (k ? ", " : "") + expr_str(r->idx[k], 0);
      s += "]";
    }
    return s;
  }
  if (auto c = e.as<ConstNode>()) {
    if (c->type.base == ScalarKind::Bool) return c->ival != 0 ? "True" : "False";
    if (c->is_int()) return std::to_string(c->ival);
    if (c->fval == std::floor(c->fval) && !is_real_kind(c->type.base) && std::fabs(c->fval) < 1e15)
      return std::to_string(static_cast<long long>(c->fval));
    return py_float_repr(c->fval);
  }
  if (auto u = e.as<USubNode>()) {
    std::string s = "-" + expr_str(u->arg, 100);
    return prec > 80 ? "(" + s + ")" : s;
  }
  if (auto b = e.as<BinOpNode>()) {
    int p = py_prec(b->op);
    std::string s = expr_str(b->lhs, p) + " " + binop_symbol(b->op) + " " + expr_str(b->rhs, p + 1);
    return p < prec ? "(" + s + ")" : s;
  }
  if (auto x = e.as<ExternCallNode>()) {
    std::string s = x->fn->name() + "(";
    for (size_t k = 0; k < x->args.size(); ++k) s += (k ? ", " : "") + expr_str(x->args[k], 0);
    return s + ")";
  }
  if (auto w = e.as<WindowExprNode>()) {
    std::string s = w->name.name() + "[";
    for (size_t k = 0; k < w->idx.size(); ++k) {
      s += k ? ", " : "";
      s += w->idx[k].is_interval ? expr_str(w->idx[k].lo, 0) + ":" + expr_str(w->idx[k].hi, 0)
                                 : expr_str(w->idx[k].lo, 0);
    }
    return s + "]";
  }
  if (auto st = e.as<StrideExprNode>()) return "stride(" + st->name.name() + ", " + std::to_string(st->dim) + ")";
  if (auto rc = e.as<ReadConfigNode>()) return rc->config->name() + "." + rc->field;
  return "?";
}
}  // namespace

std::string exo_expr_str(const Expr& e) { return expr_str(e, 0); }

std::string exo_type_str(const Type& t) {
  std::string base(scalar_kind_name(t.base));
  if (!t.is_tensor) return base;
  if (t.is_window) base = "[" + base + "]";
  base += "[";
  for (size_t k = 0; k < t.shape.size(); ++k) base += (k ? ", " : "") + exo_expr_str(t.shape[k]);
  return base + "]";
}

bool is_reserved_c_name(const std::string& s) {
  static const std::set<std::string> kNames = {
      // C and C++ keywords
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
      "case", "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept",
      "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
      "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast",
      "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
      "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
      "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
      "reinterpret_cast", "requires", "restrict", "return", "short", "signed", "sizeof", "static",
      "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local",
      "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using",
      "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq", "_Bool", "_Complex",
      "_Float16", "_Imaginary", "_Alignas", "_Alignof", "_Atomic", "_Generic", "_Noreturn",
      "_Static_assert", "_Thread_local",
      // names the generated code itself uses
      "ctxt", "malloc", "free", "sizeof", "memcpy", "printf", "sin", "cos", "sqrt", "exp", "expf",
      "fmaxf", "sigmoid", "NULL", "EXO_ASSUME", "int_fast32_t", "int8_t", "uint8_t", "uint16_t",
      "int32_t", "min", "max", "near", "far"};
  return kNames.count(s) || has_reserved_c_prefix(s);
}

bool has_reserved_c_prefix(const std::string& s) {
  if (s.rfind("exo_", 0) == 0 || s.rfind("__", 0) == 0) return true;
  return s.size() >= 2 && s[0] == '_' && std::isupper(static_cast<unsigned char>(s[1]));
}

// ---------------------------------------------------------------------------

namespace {
struct WriteCollector {
  WriteAnalysis& wa;
  std::unordered_map<uint64_t, uint64_t> alias;  // window variable -> buffer
  std::set<uint64_t>& out;

  uint64_t root(const Sym& s) const {
    auto it = alias.find(s.id());
    return it == alias.end() ? s.id() : it->second;
  }
  void block(const Block& b) {
    for (auto& s : b) stmt(s);
  }
  void stmt(const Stmt& s) {
    if (auto a = s.as<AssignNode>()) out.insert(root(a->name));
    else if (auto r = s.as<ReduceNode>()) out.insert(root(r->name));
    else if (auto i = s.as<IfNode>()) { block(i->body); block(i->orelse); }
    else if (auto f = s.as<ForNode>()) block(f->body);
    else if (auto w = s.as<WindowStmtNode>()) {
      if (auto we = w->rhs.as<WindowExprNode>()) alias[w->name.id()] = root(we->name);
    } else if (auto c = s.as<CallNode>()) {
      const auto& callee_writes = wa.writes(c->proc.get());
      for (size_t k = 0; k < c->args.size() && k < c->proc->args.size(); ++k) {
        if (!callee_writes.count(c->proc->args[k].name.id())) continue;
        if (auto rd = c->args[k].as<ReadNode>()) out.insert(root(rd->name));
        else if (auto we = c->args[k].as<WindowExprNode>()) out.insert(root(we->name));
      }
    }
  }
};
}  // namespace

const std::set<uint64_t>& WriteAnalysis::writes(const ProcNode* p) {
  auto it = memo_.find(p);
  if (it != memo_.end()) return it->second;
  static const std::set<uint64_t> kEmpty;
  if (in_progress_.count(p)) return kEmpty;  // call cycles are reported elsewhere
  in_progress_.insert(p);
  std::set<uint64_t> out;
  WriteCollector wc{*this, {}, out};
  wc.block(p->body);
  in_progress_.erase(p);
  return memo_.emplace(p, std::move(out)).first->second;
}

}  // namespace exo::backend
