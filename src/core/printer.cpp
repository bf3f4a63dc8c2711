// LoopIR -> Exo source text.
//
// The layout follows exo-lang's printer after its yapf pass (4-space indents,
// `x: f32[n] @ DRAM`, `for i in seq(0, n):`, minimal parentheses), so golden
// outputs written against the reference implementation compare equal. Unlike
// the reference, `@instr` procs print their decorator (not a comment) so the
// text parses back to the same proc.

#include "exo/printer.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "exo/hardware.h"

namespace exo {

std::string python_float_repr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, res.ptr);
  bool neg = false;
  if (s[0] == '-') {
    neg = true;
    s = s.substr(1);
  }
  size_t epos = s.find('e');
  std::string mant = s.substr(0, epos);
  int exp = std::stoi(s.substr(epos + 1));
  std::string digits;
  for (char c : mant)
    if (c != '.') digits += c;
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out;
  if (exp >= -4 && exp < 16) {
    if (exp < 0) {
      out = "0." + std::string(-exp - 1, '0') + digits;
    } else if (static_cast<int>(digits.size()) <= exp + 1) {
      out = digits + std::string(exp + 1 - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
    }
  } else {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    out += eb;
  }
  return neg ? "-" + out : out;
}

namespace {

// Unary minus binds tighter than every binary operator Exo has.
constexpr int kUSubPrec = 80;

// A Python string literal (double quotes) whose value is exactly `s`.
std::string python_string_literal(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char b[8];
          std::snprintf(b, sizeof b, "\\x%02x", c);
          out += b;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// Names of Syms, scoped like the program. A Sym keeps the first name it was
// given; a distinct Sym whose display name is already visible gets `name_1`,
// `name_2`, ... Sibling scopes may reuse names (two sequential loops both print
// `i`), which keeps printed programs readable and stable.
class NameEnv {
 public:
  NameEnv() { scopes_.emplace_back(); }
  void push() { scopes_.emplace_back(); }
  void pop() { scopes_.pop_back(); }

  std::string name(const Sym& s) {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      auto f = it->syms.find(s.id());
      if (f != it->syms.end()) return f->second;
    }
    return bind(s);
  }

  // Gives `s` a name in the innermost scope.
  std::string bind(const Sym& s) {
    const std::string& base = s.name();
    std::string cand = base;
    int num = 1;
    if (auto c = lookup_count(base)) num = *c;
    while (visible(cand)) cand = base + "_" + std::to_string(num++);
    auto& top = scopes_.back();
    top.syms[s.id()] = cand;
    top.used[base] = num;
    if (cand != base) top.used[cand] = 1;
    return cand;
  }

 private:
  struct Level {
    std::unordered_map<uint64_t, std::string> syms;
    std::map<std::string, int> used;  // visible name -> next suffix to try
  };
  bool visible(const std::string& n) const {
    for (auto& l : scopes_)
      if (l.used.count(n)) return true;
    return false;
  }
  std::optional<int> lookup_count(const std::string& n) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      auto f = it->used.find(n);
      if (f != it->used.end()) return f->second;
    }
    return std::nullopt;
  }
  std::vector<Level> scopes_;
};

class Printer {
 public:
  std::string expr(const Expr& e, int prec = 0) {
    switch (e->kind) {
      case ExprKind::Read: {
        auto* r = e.as<ReadNode>();
        std::string s = env_.name(r->name);
        if (!r->idx.empty()) s += "[" + expr_list(r->idx) + "]";
        return s;
      }
      case ExprKind::Const:
        return constant(*e.as<ConstNode>(), prec);
      case ExprKind::USub: {
        std::string s = "-" + expr(e.as<USubNode>()->arg, kUSubPrec);
        return prec > kUSubPrec ? "(" + s + ")" : s;
      }
      case ExprKind::BinOp: {
        auto* b = e.as<BinOpNode>();
        int p = binop_precedence(b->op);
        // Left-associative: the right operand needs parentheses at equal
        // precedence (`a - (b - c)`). Comparisons do not associate at all in
        // Python (`a < b < c` is a chain), so both sides get them there.
        int lp = binop_is_comparison(b->op) ? p + 1 : p;
        std::string s = expr(b->lhs, lp) + " " + binop_symbol(b->op) + " " + expr(b->rhs, p + 1);
        return p < prec ? "(" + s + ")" : s;
      }
      case ExprKind::ExternCall: {
        auto* c = e.as<ExternCallNode>();
        return (c->fn ? c->fn->name() : std::string("_anon_")) + "(" + expr_list(c->args) + ")";
      }
      case ExprKind::WindowExpr: {
        auto* w = e.as<WindowExprNode>();
        std::string s = env_.name(w->name) + "[";
        for (size_t i = 0; i < w->idx.size(); ++i) {
          if (i) s += ", ";
          s += expr(w->idx[i].lo);
          if (w->idx[i].is_interval) s += ":" + expr(w->idx[i].hi);
        }
        return s + "]";
      }
      case ExprKind::StrideExpr: {
        auto* st = e.as<StrideExprNode>();
        return "stride(" + env_.name(st->name) + ", " + std::to_string(st->dim) + ")";
      }
      case ExprKind::ReadConfig: {
        auto* rc = e.as<ReadConfigNode>();
        return (rc->config ? rc->config->name() : std::string("_cfg_")) + "." + rc->field;
      }
    }
    return "?";
  }

  std::string type(const Type& t) {
    std::string base(scalar_kind_name(t.base));
    if (!t.is_tensor) return base;
    if (t.is_window) base = "[" + base + "]";
    return base + "[" + expr_list(t.shape) + "]";
  }

  void stmt(const Stmt& s, int indent, std::string& out) {
    std::string pad(4 * indent, ' ');
    switch (s->kind) {
      case StmtKind::Pass:
        out += pad + "pass\n";
        return;
      case StmtKind::Assign:
      case StmtKind::Reduce: {
        bool assign = s->kind == StmtKind::Assign;
        const Sym& name = assign ? s.as<AssignNode>()->name : s.as<ReduceNode>()->name;
        const auto& idx = assign ? s.as<AssignNode>()->idx : s.as<ReduceNode>()->idx;
        const Expr& rhs = assign ? s.as<AssignNode>()->rhs : s.as<ReduceNode>()->rhs;
        std::string lhs = env_.name(name);
        if (!idx.empty()) lhs += "[" + expr_list(idx) + "]";
        out += pad + lhs + (assign ? " = " : " += ") + expr(rhs) + "\n";
        return;
      }
      case StmtKind::WriteConfig: {
        auto* w = s.as<WriteConfigNode>();
        out += pad + (w->config ? w->config->name() : std::string("_cfg_")) + "." + w->field + " = " +
               expr(w->rhs) + "\n";
        return;
      }
      case StmtKind::WindowStmt: {
        auto* w = s.as<WindowStmtNode>();
        std::string rhs = expr(w->rhs);  // before binding: the rhs cannot see the new name
        out += pad + env_.bind(w->name) + " = " + rhs + "\n";
        return;
      }
      case StmtKind::Alloc: {
        auto* a = s.as<AllocNode>();
        std::string ty = type(a->type);
        out += pad + env_.bind(a->name) + ": " + ty + mem_suffix(a->mem) + "\n";
        return;
      }
      case StmtKind::Call: {
        auto* c = s.as<CallNode>();
        out += pad + (c->proc ? c->proc->name : std::string("_anon_")) + "(" + expr_list(c->args) + ")\n";
        return;
      }
      case StmtKind::If: {
        auto* i = s.as<IfNode>();
        out += pad + "if " + expr(i->cond) + ":\n";
        sub_block(i->body, indent + 1, out);
        if (!i->orelse.empty()) {
          out += pad + "else:\n";
          sub_block(i->orelse, indent + 1, out);
        }
        return;
      }
      case StmtKind::For: {
        auto* f = s.as<ForNode>();
        std::string lo = expr(f->lo), hi = expr(f->hi);
        env_.push();
        out += pad + "for " + env_.bind(f->iter) + " in " + (f->mode == LoopMode::Par ? "par(" : "seq(") + lo +
               ", " + hi + "):\n";
        block(f->body, indent + 1, out);
        env_.pop();
        return;
      }
    }
  }

  void block(const Block& b, int indent, std::string& out) {
    if (b.empty()) {
      out += std::string(4 * indent, ' ') + "pass\n";
      return;
    }
    for (auto& s : b) stmt(s, indent, out);
  }

  void sub_block(const Block& b, int indent, std::string& out) {
    env_.push();
    block(b, indent, out);
    env_.pop();
  }

  std::string proc(const ProcNode& p) {
    std::string out;
    if (p.instr) {
      out += "@instr(" + python_string_literal(p.instr->c_instr);
      if (!p.instr->c_global.empty()) out += ", c_global=" + python_string_literal(p.instr->c_global);
      out += ")\n";
    }
    std::string args;
    for (size_t i = 0; i < p.args.size(); ++i) {
      const FnArg& a = p.args[i];
      if (i) args += ", ";
      std::string ty = type(a.type);  // shapes refer to earlier args only
      args += env_.bind(a.name) + ": " + ty;
      // Every argument but sizes and indices lives in a memory (DRAM for bool,
      // stride and int scalars), as exo-lang prints it.
      bool in_memory = a.type.is_tensor || (a.type.base != ScalarKind::Size && a.type.base != ScalarKind::Index);
      if (in_memory) args += a.mem && (a.type.is_tensor || a.type.is_numeric()) ? mem_suffix(a.mem) : " @ DRAM";
    }
    out += "def " + p.name + "(" + args + "):\n";
    for (auto& pred : p.preds) out += "    assert " + expr(pred) + "\n";
    if (p.body.empty() && !p.preds.empty()) return out;  // asserts alone form a valid body
    block(p.body, 1, out);
    return out;
  }

 private:
  static std::string mem_suffix(const MemoryPtr& m) { return m ? " @ " + m->name() : ""; }

  std::string expr_list(const std::vector<Expr>& es) {
    std::string s;
    for (size_t i = 0; i < es.size(); ++i) {
      if (i) s += ", ";
      s += expr(es[i]);
    }
    return s;
  }

  std::string constant(const ConstNode& c, int prec) {
    std::string s;
    ScalarKind k = c.type.base;
    if (k == ScalarKind::Bool) {
      s = c.ival != 0 ? "True" : "False";
    } else if (c.is_int()) {
      s = std::to_string(c.ival);
    } else if ((c.from_int || !is_real_kind(k)) && c.fval == std::trunc(c.fval) && std::fabs(c.fval) < 1e15) {
      s = std::to_string(static_cast<long long>(c.fval));  // an integer data value (i8 ... i32)
    } else {
      s = python_float_repr(c.fval);
    }
    // A negative literal is a unary minus to the parser: parenthesize it where a
    // unary minus would need it.
    if (s[0] == '-' && prec > kUSubPrec) s = "(" + s + ")";
    return s;
  }

  NameEnv env_;
};

}  // namespace

std::string print_proc(const Proc& p) {
  if (!p) return "<null proc>\n";
  return Printer().proc(*p);
}

std::string print_stmt(const Stmt& s, int indent) {
  std::string out;
  Printer().stmt(s, indent, out);
  return out;
}

std::string print_block(const Block& b, int indent) {
  std::string out;
  Printer().block(b, indent, out);
  return out;
}

std::string print_expr(const Expr& e) { return Printer().expr(e); }

std::string print_type(const Type& t) { return Printer().type(t); }

}  // namespace exo
