#include "analysis/formula.h"

#include <atomic>
#include <numeric>
#include <sstream>

#include "exo/checked_int.h"

namespace exo::analysis {

namespace {

Formula make(FKind k) {
  auto n = std::make_shared<FormulaNode>();
  n->kind = k;
  return n;
}

// Coefficients are within +-(2^63 - 1), so the negation cannot overflow.
long long coeff_gcd(const Affine& e) {
  long long g = 0;
  for (auto& [s, c] : e.terms) g = std::gcd(g, c < 0 ? -c : c);
  return g;
}

}  // namespace

Affine::Affine(long long c) : constant(c) {
  if (!int_in_range(c)) *this = overflowed();
}

Affine Affine::overflowed() {
  Affine a;
  a.overflow = true;
  return a;
}

Affine Affine::var(const Sym& s, long long coeff) {
  if (!int_in_range(coeff)) return overflowed();
  Affine a;
  if (coeff != 0) a.terms[s] = coeff;
  return a;
}

long long Affine::coeff(const Sym& s) const {
  auto it = terms.find(s);
  return it == terms.end() ? 0 : it->second;
}

Affine Affine::operator+(const Affine& o) const {
  if (overflow || o.overflow) return overflowed();
  Affine r = *this;
  auto k = checked_add(r.constant, o.constant);
  if (!k) return overflowed();
  r.constant = *k;
  for (auto& [s, c] : o.terms) {
    auto v = checked_add(r.coeff(s), c);
    if (!v) return overflowed();
    if (*v == 0) r.terms.erase(s);
    else r.terms[s] = *v;
  }
  return r;
}

Affine Affine::operator-(const Affine& o) const { return *this + o.scaled(-1); }

Affine Affine::scaled(long long k) const {
  if (overflow || !int_in_range(k)) return overflowed();
  Affine r;
  if (k == 0) return r;
  auto kc = checked_mul(constant, k);
  if (!kc) return overflowed();
  r.constant = *kc;
  for (auto& [s, c] : terms) {
    auto v = checked_mul(c, k);
    if (!v) return overflowed();
    r.terms[s] = *v;
  }
  return r;
}

std::string Affine::key() const {
  std::ostringstream os;
  if (overflow) {
    // Never equal to another key: an overflowed value is not any particular one.
    static std::atomic<uint64_t> fresh{0};
    os << "overflow#" << ++fresh;
    return os.str();
  }
  for (auto& [s, c] : terms) os << c << "*v" << s.id() << "+";
  os << constant;
  return os.str();
}

Formula f_true() {
  static const Formula t = make(FKind::True);
  return t;
}

Formula f_false() {
  static const Formula f = make(FKind::False);
  return f;
}

Formula f_unknown() { return f_boolvar(Sym("$overflow")); }

Formula f_ge0(Affine e) {
  if (e.overflow) return f_unknown();
  if (e.is_const()) return e.constant >= 0 ? f_true() : f_false();
  // Over the integers g*x + c >= 0 iff x + floor(c/g) >= 0: dividing out the gcd
  // both tightens the bound and canonicalizes equivalent atoms.
  long long g = coeff_gcd(e);
  if (g > 1) {
    for (auto& [s, c] : e.terms) c /= g;
    e.constant = floor_div(e.constant, g);
  }
  auto n = std::make_shared<FormulaNode>();
  n->kind = FKind::Ge0;
  n->e = std::move(e);
  return n;
}

Formula f_eq0(Affine e) {
  if (e.overflow) return f_unknown();
  if (e.is_const()) return e.constant == 0 ? f_true() : f_false();
  long long g = coeff_gcd(e);
  if (g > 1) {
    if (e.constant % g != 0) return f_false();
    for (auto& [s, c] : e.terms) c /= g;
    e.constant /= g;
  }
  // Sign-normalize so that e == 0 and -e == 0 share one form.
  if (e.terms.begin()->second < 0) e = -e;
  auto n = std::make_shared<FormulaNode>();
  n->kind = FKind::Eq0;
  n->e = std::move(e);
  return n;
}

Formula f_boolvar(const Sym& v) {
  auto n = std::make_shared<FormulaNode>();
  n->kind = FKind::BoolVar;
  n->var = v;
  return n;
}

Formula f_prod_def(const Sym& p, Affine a, Affine b) {
  // Without a definition p is unconstrained, which is sound wherever it is assumed.
  if (a.overflow || b.overflow) return f_true();
  auto n = std::make_shared<FormulaNode>();
  n->kind = FKind::ProdDef;
  n->var = p;
  n->e = std::move(a);
  n->e2 = std::move(b);
  return n;
}

namespace {
Formula junction(FKind kind, std::vector<Formula> args) {
  const bool is_and = kind == FKind::And;
  std::vector<Formula> flat;
  for (auto& a : args) {
    if (is_and ? is_true(a) : is_false(a)) continue;
    if (is_and ? is_false(a) : is_true(a)) return a;
    if (a->kind == kind) {
      flat.insert(flat.end(), a->args.begin(), a->args.end());
    } else {
      flat.push_back(a);
    }
  }
  if (flat.empty()) return is_and ? f_true() : f_false();
  if (flat.size() == 1) return flat[0];
  auto n = std::make_shared<FormulaNode>();
  n->kind = kind;
  n->args = std::move(flat);
  return n;
}
}  // namespace

Formula f_and(std::vector<Formula> args) { return junction(FKind::And, std::move(args)); }
Formula f_or(std::vector<Formula> args) { return junction(FKind::Or, std::move(args)); }

Formula f_not(const Formula& f) {
  switch (f->kind) {
    case FKind::True: return f_false();
    case FKind::False: return f_true();
    case FKind::Ge0: return f_ge0(-f->e - Affine(1));
    case FKind::Eq0: return f_or(f_ge0(f->e - Affine(1)), f_ge0(-f->e - Affine(1)));
    case FKind::BoolVar: {
      auto n = std::make_shared<FormulaNode>(*f);
      n->kind = FKind::NotVar;
      return n;
    }
    case FKind::NotVar: return f_boolvar(f->var);
    case FKind::And:
    case FKind::Or: {
      std::vector<Formula> neg;
      for (auto& a : f->args) neg.push_back(f_not(a));
      return f->kind == FKind::And ? f_or(std::move(neg)) : f_and(std::move(neg));
    }
    case FKind::ProdDef:
      break;
  }
  // A definition is never negated: definitions only appear as assumptions.
  return f_false();
}

bool is_true(const Formula& f) { return f->kind == FKind::True; }
bool is_false(const Formula& f) { return f->kind == FKind::False; }

void collect_vars(const Affine& a, std::set<Sym>& out) {
  for (auto& [s, c] : a.terms) out.insert(s);
}

void collect_vars(const Formula& f, std::set<Sym>& out) {
  switch (f->kind) {
    case FKind::True:
    case FKind::False: return;
    case FKind::Ge0:
    case FKind::Eq0: collect_vars(f->e, out); return;
    case FKind::BoolVar:
    case FKind::NotVar: out.insert(f->var); return;
    case FKind::ProdDef:
      out.insert(f->var);
      collect_vars(f->e, out);
      collect_vars(f->e2, out);
      return;
    case FKind::And:
    case FKind::Or:
      for (auto& a : f->args) collect_vars(a, out);
      return;
  }
}

namespace {

void key_affine(const Affine& a, std::map<Sym, std::string>& rename, std::ostream& os) {
  for (auto& [s, c] : a.terms) {
    auto it = rename.find(s);
    if (it == rename.end()) it = rename.emplace(s, "x" + std::to_string(rename.size())).first;
    os << c << it->second << "+";
  }
  os << a.constant;
}

void key_rec(const Formula& f, std::map<Sym, std::string>& rename, std::ostream& os) {
  auto name = [&](const Sym& s) -> const std::string& {
    auto it = rename.find(s);
    if (it == rename.end()) it = rename.emplace(s, "x" + std::to_string(rename.size())).first;
    return it->second;
  };
  switch (f->kind) {
    case FKind::True: os << "T"; return;
    case FKind::False: os << "F"; return;
    case FKind::Ge0: os << "G("; key_affine(f->e, rename, os); os << ")"; return;
    case FKind::Eq0: os << "E("; key_affine(f->e, rename, os); os << ")"; return;
    case FKind::BoolVar: os << "B" << name(f->var); return;
    case FKind::NotVar: os << "N" << name(f->var); return;
    case FKind::ProdDef:
      os << "P" << name(f->var) << "(";
      key_affine(f->e, rename, os);
      os << ")(";
      key_affine(f->e2, rename, os);
      os << ")";
      return;
    case FKind::And:
    case FKind::Or:
      os << (f->kind == FKind::And ? "A[" : "O[");
      for (auto& a : f->args) {
        key_rec(a, rename, os);
        os << ",";
      }
      os << "]";
      return;
  }
}

}  // namespace

std::string formula_key(const Formula& f, std::map<Sym, std::string>& rename) {
  std::ostringstream os;
  key_rec(f, rename, os);
  return os.str();
}

std::string affine_text(const Affine& a) {
  if (a.overflow) return "<integer overflow>";
  std::ostringstream os;
  bool first = true;
  for (auto& [s, c] : a.terms) {
    long long m = c;
    if (!first) {
      os << (m < 0 ? " - " : " + ");
      if (m < 0) m = -m;
    } else if (m < 0) {
      os << "-";
      m = -m;
    }
    if (m != 1) os << m << "*";
    os << s.name();
    first = false;
  }
  if (first) {
    os << a.constant;
  } else if (a.constant != 0) {
    os << (a.constant < 0 ? " - " : " + ") << (a.constant < 0 ? -a.constant : a.constant);
  }
  return os.str();
}

std::string formula_text(const Formula& f) {
  switch (f->kind) {
    case FKind::True: return "True";
    case FKind::False: return "False";
    case FKind::Ge0: return affine_text(f->e) + " >= 0";
    case FKind::Eq0: return affine_text(f->e) + " == 0";
    case FKind::BoolVar: return f->var.name();
    case FKind::NotVar: return "not " + f->var.name();
    case FKind::ProdDef:
      return f->var.name() + " == (" + affine_text(f->e) + ") * (" + affine_text(f->e2) + ")";
    case FKind::And:
    case FKind::Or: {
      std::string out;
      for (auto& a : f->args) {
        if (!out.empty()) out += f->kind == FKind::And ? " and " : " or ";
        out += "(" + formula_text(a) + ")";
      }
      return out;
    }
  }
  return "?";
}

}  // namespace exo::analysis
