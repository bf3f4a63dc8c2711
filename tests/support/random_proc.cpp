#include "support/random_proc.h"

#include <cctype>
#include <sstream>

namespace exo::test {

const std::string& random_proc_library() {
  // The instruction bodies are the vector loops vec_loop() writes; dbl_row has a
  // local so set_precision can make a same-signature, non-equivalent variant.
  static const std::string lib = R"(
@config
class Cfg:
    f: f32

@proc
def scale_row(m: size, dst: [f32][m] @ DRAM, src: [f32][m] @ DRAM):
    for k in seq(0, m):
        dst[k] = src[k] * 2.0

@proc
def acc_row(dst: [f32][8] @ DRAM, src: [f32][8] @ DRAM):
    for k in seq(0, 8):
        dst[k] += src[k]

@proc
def dbl_row(dst: [f32][8] @ DRAM, src: [f32][8] @ DRAM):
    for k in seq(0, 8):
        tmp: f32 @ DRAM
        tmp = src[k] * 2.0
        dst[k] = tmp

@proc
def cfg_row(dst: [f32][8] @ DRAM):
    for k in seq(0, 8):
        dst[k] += Cfg.f

@proc
def set_cfg(v: f32):
    Cfg.f = v * 2.0

@instr("rs_add8(&{dst_data}, &{src_data});", "static void rs_add8(float *d, const float *s) { for (int k = 0; k < 8; ++k) d[k] += s[k]; }")
def add8(dst: [f32][8] @ DRAM, src: [f32][8] @ DRAM):
    assert stride(dst, 0) == 1
    assert stride(src, 0) == 1
    for k in seq(0, 8):
        dst[k] += src[k]

@instr("rs_copy8(&{dst_data}, &{src_data});", "static void rs_copy8(float *d, const float *s) { for (int k = 0; k < 8; ++k) d[k] = s[k]; }")
def copy8(dst: [f32][8] @ DRAM, src: [f32][8] @ DRAM):
    assert stride(dst, 0) == 1
    assert stride(src, 0) == 1
    for k in seq(0, 8):
        dst[k] = src[k]

@instr("rs_dbl8(&{dst_data}, &{src_data});", "static void rs_dbl8(float *d, const float *s) { for (int k = 0; k < 8; ++k) d[k] = s[k] * 2.0f; }")
def dbl8(dst: [f32][8] @ DRAM, src: [f32][8] @ DRAM):
    assert stride(dst, 0) == 1
    assert stride(src, 0) == 1
    for k in seq(0, 8):
        dst[k] = src[k] * 2.0

@instr("(void)&{a_data};")
def nop8(a: [f32][8] @ DRAM):
    pass

)";
  return lib;
}

const std::vector<std::string>& random_proc_subprocs() {
  static const std::vector<std::string> names = {"scale_row", "acc_row", "dbl_row", "cfg_row",
                                                 "set_cfg",   "add8",    "copy8",   "dbl8",
                                                 "nop8"};
  return names;
}

std::string Hazards::str() const {
  std::string s;
  auto add = [&](bool on, const char* name) {
    if (on) s += (s.empty() ? "" : ",") + std::string(name);
  };
  add(negative_extent, "negative_extent");
  add(aliased_call, "aliased_call");
  add(par_race, "par_race");
  return s;
}

int RandomProcGen::pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(r_); }
bool RandomProcGen::coin(int percent) { return pick(100) < percent; }
bool RandomProcGen::hazard(int percent) {
  bool yes = allow_hazards_ && (force_hazard_ || coin(percent));
  force_hazard_ = false;
  return yes;
}
std::string RandomProcGen::fresh(const std::string& base) { return base + std::to_string(next_++); }
std::string RandomProcGen::ind(int d) { return std::string(4 * d, ' '); }

std::string RandomProcGen::proc(const std::string& name, bool divisible, bool allow_hazards) {
  allow_hazards_ = allow_hazards;
  hazards_ = {};
  std::ostringstream os;
  os << "@proc\ndef " << name
     << "(n: size, x: f32[n + 4] @ DRAM, y: f32[n + 4] @ DRAM, A: f32[n + 4, 8] @ DRAM):\n";
  if (divisible) os << "    assert n % 4 == 0\n";
  int count = 2 + pick(3);
  int hazard_at = allow_hazards ? pick(count) : -1;
  for (int k = 0; k < count; ++k) {
    if (k == hazard_at) {  // at least one hazardous shape (others may come by chance)
      force_hazard_ = true;
      switch (pick(3)) {
        case 0: odd_extent_loop(os, 1, {}); break;
        case 1: call(os, 1, {}); break;
        default: par_loop(os, 1, {}); break;
      }
      continue;
    }
    if (coin(50))
      loop(os, 1, {});
    else
      stmt(os, 1, {});
  }
  return os.str();
}

std::string RandomProcGen::row(const Iters& its) {
  std::vector<const Iter*> sym;
  for (auto& i : its)
    if (i.symbolic) sym.push_back(&i);
  if (sym.empty() || coin(15)) return std::to_string(pick(4));
  std::string v = sym[pick(static_cast<int>(sym.size()))]->name;
  if (coin(6)) return coin(50) ? v + " / 2" : "(" + v + " + 3) / 2";  // quasi-affine, < n + 4
  int c = pick(4);
  return c == 0 ? v : v + " + " + std::to_string(c);
}

// `v + c` -> `v + c'` (c' != c), a constant -> another one: the rows of two
// window arguments that must not overlap.
std::string RandomProcGen::other_row(const std::string& r) {
  if (r.find('/') != std::string::npos) return r + " + 1";  // (.. / 2) + 1 != (.. / 2)
  auto plus = r.find(" + ");
  if (plus == std::string::npos) {
    bool constant = !r.empty() && std::isdigit(static_cast<unsigned char>(r[0]));
    if (constant) return std::to_string((std::stoi(r) + 1 + pick(3)) % 4);
    return r + " + " + std::to_string(1 + pick(3));
  }
  int c = std::stoi(r.substr(plus + 3));
  int c2 = (c + 1 + pick(3)) % 4;
  std::string v = r.substr(0, plus);
  return c2 == 0 ? v : v + " + " + std::to_string(c2);
}

std::string RandomProcGen::col(const Iters& its) {
  std::vector<const Iter*> cst;
  for (auto& i : its)
    if (!i.symbolic) cst.push_back(&i);
  if (cst.empty() || coin(15)) return std::to_string(pick(8));
  const Iter& it = *cst[pick(static_cast<int>(cst.size()))];
  if (coin(6)) return it.name + " % 4 + " + std::to_string(pick(5));  // < 8
  return it.name;
}

std::string RandomProcGen::read(const Iters& its) {
  switch (pick(3)) {
    case 0:
      return "x[" + row(its) + "]";
    case 1:
      return "y[" + row(its) + "]";
    default:
      return "A[" + row(its) + ", " + col(its) + "]";
  }
}

std::string RandomProcGen::rhs(const Iters& its) {
  switch (pick(12)) {
    case 0: case 1: case 2:
      return read(its);
    case 3: case 4:
      return read(its) + " * 2.0";
    case 5:
      return "2.0 * " + read(its);
    case 6:  // three terms, for the reassociation primitives
      return read(its) + " + (" + read(its) + " + " + read(its) + ")";
    case 7:
      return "(" + read(its) + " * 0.5) * " + read(its);
    case 8:
      return "select(" + read(its) + ", " + read(its) + ", " + read(its) + ", -" + read(its) + ")";
    case 9:
      return "relu(" + read(its) + ") - " + read(its);
    default:
      return read(its) + " + " + read(its);
  }
}

std::string RandomProcGen::cond(const Iters& its) {
  if (its.empty() || coin(35)) {
    // Some provable from the signature (n >= 1) or from `assert n % 4 == 0`.
    static const char* on_n[] = {"n > 2", "n % 2 == 0", "n >= 1", "n < 3", "n % 4 == 0"};
    return on_n[pick(5)];
  }
  const Iter& v = its[pick(static_cast<int>(its.size()))];
  switch (pick(3)) {
    case 0:
      return v.name + " < " + std::to_string(1 + pick(4));
    case 1:
      return v.name + " % 2 == 0";
    default:
      return v.name + " >= " + std::to_string(pick(3));
  }
}

void RandomProcGen::leaf(std::ostringstream& os, int d, const Iters& its) {
  const char* op = coin(40) ? " += " : " = ";
  switch (pick(3)) {
    case 0:
      os << ind(d) << "y[" << row(its) << "]" << op << rhs(its) << "\n";
      break;
    case 1:
      os << ind(d) << "A[" << row(its) << ", " << col(its) << "]" << op << rhs(its) << "\n";
      break;
    default:
      os << ind(d) << "x[" << row(its) << "]" << op << rhs(its) << "\n";
      break;
  }
}

void RandomProcGen::stmt(std::ostringstream& os, int d, const Iters& its) {
  int kind = pick(100);
  if (kind < 15) return leaf(os, d, its);
  if (kind < 21 && d < 4) {
    os << ind(d) << "if " << cond(its) << ":\n";
    leaf(os, d + 1, its);
    if (coin(40)) {
      os << ind(d) << "else:\n";
      leaf(os, d + 1, its);
    }
    return;
  }
  if (kind < 25) {
    std::string t = fresh("t");
    os << ind(d) << t << ": f32[8] @ DRAM\n";
    std::string c = col(its);
    os << ind(d) << t << "[" << c << "] = " << rhs(its) << "\n";
    os << ind(d) << "y[" << row(its) << "] += " << t << "[" << c << "]\n";
    return;
  }
  if (kind < 31 && d < 3) return loop(os, d, its);
  if (kind < 36) return vec_loop(os, d, its);
  if (kind < 41) {
    staged(os, d, its);
    if (coin(40)) staged(os, d, its);  // a dead buffer next to a new one: data_reuse
    return;
  }
  if (kind < 44) return alloc2d(os, d, its);
  if (kind < 48) return window(os, d, its);
  if (kind < 54) return call(os, d, its);
  if (kind < 59) return config(os, d, its);
  if (kind < 63 && d < 3) return nest(os, d, its);
  if (kind < 67 && d < 3) return guarded_loop(os, d, its);
  if (kind < 71 && d < 3) return carried(os, d, its);
  if (kind < 75 && d < 3) return par_loop(os, d, its);
  if (kind < 78 && d < 3) return odd_extent_loop(os, d, its);
  if (kind < 81) return overlapping_windows(os, d, its);
  if (kind < 84) return accumulator(os, d, its);
  if (kind < 87) return scalar_temp(os, d, its);
  if (kind < 92) return write_pair(os, d, its);
  if (kind < 94) return hoisted_temp(os, d, its);
  if (kind < 96 && d < 3) return if_loop(os, d, its);
  if (kind < 98 && d < 3) return loop_pair(os, d, its);
  if (coin(70)) {  // a buffer nothing uses
    os << ind(d) << fresh("dead") << ": f32[4] @ DRAM\n";
    return;
  }
  os << ind(d) << "pass\n";
}

void RandomProcGen::loop(std::ostringstream& os, int d, Iters its) {
  static const char* names[] = {"i", "j", "k", "l", "p", "q"};
  bool sym = coin(55);
  int extent = 2 + pick(7);
  Iter it{std::string(names[its.size() % 6]) + (its.size() >= 6 ? "x" : ""), sym, extent};
  // Mostly from 0; sometimes from 1 (trip count n - 1 >= 0, or extent - 1).
  std::string lo = coin(15) ? "1" : "0";
  os << ind(d) << "for " << it.name << " in seq(" << lo << ", "
     << (sym ? "n" : std::to_string(extent)) << "):\n";
  its.push_back(it);
  int count = 1 + pick(3);
  for (int k = 0; k < count; ++k) stmt(os, d + 1, its);
}

// `for v in seq(0, 8): A[r1, v] op A[r2, v] (* 2.0)`: the bodies of the library's
// row procs and instructions.
void RandomProcGen::vec_loop(std::ostringstream& os, int d, const Iters& its) {
  std::string v = fresh("v");
  os << ind(d) << "for " << v << " in seq(0, 8):\n";
  std::string dst = "A[" + row(its) + ", " + v + "]", src = "A[" + row(its) + ", " + v + "]";
  switch (pick(3)) {
    case 0:
      os << ind(d + 1) << dst << " += " << src << "\n";
      break;
    case 1:
      os << ind(d + 1) << dst << " = " << src << "\n";
      break;
    default:
      os << ind(d + 1) << dst << " = " << src << " * 2.0\n";
      break;
  }
}

// A row loaded into a fresh 8-element buffer, then used: the shape stage_mem,
// lift_alloc, data_reuse and the dimension primitives work on.
void RandomProcGen::staged(std::ostringstream& os, int d, const Iters& its) {
  std::string t = fresh("s"), v = fresh("v");
  os << ind(d) << t << ": f32[8] @ DRAM\n";
  os << ind(d) << "for " << v << " in seq(0, 8):\n";
  os << ind(d + 1) << t << "[" << v << "] = A[" << row(its) << ", " << v << "]"
     << (coin(50) ? " * 2.0" : "") << "\n";
  switch (pick(3)) {
    case 0: {
      std::string w = fresh("v");
      os << ind(d) << "for " << w << " in seq(0, 8):\n";
      os << ind(d + 1) << "A[" << row(its) << ", " << w << "] += " << t << "[" << w << "]\n";
      break;
    }
    case 1:
      os << ind(d) << "acc_row(A[" << row(its) << ", 0:8], " << t << "[0:8])\n";
      break;
    default:
      os << ind(d) << "y[" << row(its) << "] += " << t << "[" << col(its) << "]\n";
      break;
  }
}

// A 2-D buffer with both rows written, then combined into a row of A.
void RandomProcGen::alloc2d(std::ostringstream& os, int d, const Iters& its) {
  std::string u = fresh("u"), v = fresh("v"), w = fresh("v");
  os << ind(d) << u << ": f32[2, 8] @ DRAM\n";
  os << ind(d) << "for " << v << " in seq(0, 8):\n";
  os << ind(d + 1) << u << "[0, " << v << "] = A[" << row(its) << ", " << v << "]\n";
  os << ind(d + 1) << u << "[1, " << v << "] = A[" << row(its) << ", " << v << "] * 2.0\n";
  os << ind(d) << "for " << w << " in seq(0, 8):\n";
  os << ind(d + 1) << "A[" << row(its) << ", " << w << "] += " << u << "[0, " << w << "] + " << u
     << "[1, " << w << "]\n";
}

void RandomProcGen::window(std::ostringstream& os, int d, const Iters& its) {
  std::string w = fresh("w");
  std::string sym;
  for (auto& i : its)
    if (i.symbolic) sym = i.name;
  bool on_x = !sym.empty() && coin(40);
  int len = on_x ? 4 : 8;
  if (on_x)
    os << ind(d) << w << " = x[" << sym << ":" << sym << " + 4]\n";
  else
    os << ind(d) << w << " = A[" << row(its) << ", 0:8]\n";
  int uses = 1 + pick(2);
  for (int k = 0; k < uses; ++k) {
    std::string e = w + "[" + std::to_string(pick(len)) + "]";
    switch (pick(3)) {
      case 0:
        os << ind(d) << e << " = " << rhs(its) << "\n";
        break;
      case 1:
        os << ind(d) << e << " += " << rhs(its) << "\n";
        break;
      default:
        os << ind(d) << "y[" << row(its) << "] += " << e << "\n";
        break;
    }
  }
}

// Window arguments of one call never overlap, except in procs with hazards
// (then sometimes the same row twice, or two overlapping pieces of x).
void RandomProcGen::call(std::ostringstream& os, int d, const Iters& its) {
  std::string r1 = row(its), r2 = other_row(r1);
  if (hazard(20)) {
    hazards_.aliased_call = true;
    if (coin(50)) {
      static const char* rows[] = {"acc_row", "dbl_row", "add8", "copy8", "dbl8"};
      os << ind(d) << rows[pick(5)] << "(A[" << r1 << ", 0:8], A[" << r1 << ", 0:8])\n";
    } else {  // x has n + 4 >= 5 rows: start at 0 or at an iterator below n
      std::string s = "0";
      for (auto& i : its)
        if (i.symbolic && coin(50)) s = i.name;
      os << ind(d) << "scale_row(4, x[" << s << ":" << s << " + 4], x[" << s << " + 1:" << s
         << " + 5])\n";
    }
    return;
  }
  switch (pick(6)) {
    case 4:  // reads the config inside the callee
      os << ind(d) << "cfg_row(A[" << r1 << ", 0:8])\n";
      break;
    case 5:  // writes the config inside the callee (from x: only outside loops,
             // where the value cannot vary with an iteration)
      if (its.empty())
        os << ind(d) << "set_cfg(x[" << pick(4) << "])\n";
      else
        os << ind(d) << "cfg_row(A[" << r1 << ", 0:8])\n";
      break;
    case 0:
      os << ind(d) << "scale_row(8, A[" << r1 << ", 0:8], A[" << r2 << ", 0:8])\n";
      break;
    case 1:  // one row, disjoint columns
      os << ind(d) << "scale_row(4, A[" << r1 << ", 4:8], A[" << r1 << ", 0:4])\n";
      break;
    default: {
      static const char* rows[] = {"acc_row", "dbl_row", "add8", "copy8", "dbl8"};
      os << ind(d) << rows[pick(5)] << "(A[" << r1 << ", 0:8], A[" << r2 << ", 0:8])\n";
    }
  }
}

// Config writes take constant-index values outside loops and constants inside
// (a value read from x or y there may vary with the iterations: refused);
// reads use them.
void RandomProcGen::config(std::ostringstream& os, int d, const Iters& its) {
  switch (pick(4)) {
    case 0:
      if (its.empty())
        os << ind(d) << "Cfg.f = x[" << pick(4) << "]\n";
      else
        os << ind(d) << "Cfg.f = " << (coin(50) ? "0.5" : "-2.0") << "\n";
      break;
    case 1:
      if (its.empty())
        os << ind(d) << "Cfg.f = y[" << pick(4) << "] * 2.0\n";
      else
        os << ind(d) << "Cfg.f = 3.0\n";
      break;
    case 2:
      os << ind(d) << "y[" << row(its) << "] += Cfg.f\n";
      break;
    default:
      os << ind(d) << "A[" << row(its) << ", " << col(its) << "] = " << read(its) << " * Cfg.f\n";
      break;
  }
}

// A perfect nest whose body has no dependence across iterations (each
// statement touches only its own element, or reduces), so reorder_loops can apply.
void RandomProcGen::nest(std::ostringstream& os, int d, const Iters& its) {
  std::string a = fresh("a"), b = fresh("b");
  os << ind(d) << "for " << a << " in seq(0, n):\n";
  os << ind(d + 1) << "for " << b << " in seq(0, " << 2 + pick(7) << "):\n";
  std::string ab = "A[" + a + ", " + b + "]";
  int count = 1 + pick(2);
  for (int k = 0; k < count; ++k) {
    switch (pick(4)) {
      case 0:
        os << ind(d + 2) << ab << " = " << ab << " * 2.0\n";
        break;
      case 1:
        os << ind(d + 2) << ab << " += x[" << a << " + " << pick(4) << "]\n";
        break;
      case 2:
        os << ind(d + 2) << "y[" << a << "] += " << ab << "\n";
        break;
      default:
        os << ind(d + 2) << ab << " = y[" << a << "]\n";
        break;
    }
  }
  (void)its;
}

// A loop around one guard that does not depend on its iterator, so lift_if can
// apply; when the guarded statement does not use the iterator either and only
// assigns, remove_loop can too.
void RandomProcGen::guarded_loop(std::ostringstream& os, int d, const Iters& its) {
  std::string g = fresh("g");
  os << ind(d) << "for " << g << " in seq(0, " << 2 + pick(3) << "):\n";
  os << ind(d + 1) << "if " << cond(its) << ":\n";
  Iters inner = its;
  bool uses_g = coin(40);
  if (uses_g) inner.push_back(Iter{g, false, 4});
  if (uses_g || coin(25))
    leaf(os, d + 2, inner);
  else  // reads only x: idempotent
    os << ind(d + 2) << (coin(50) ? "A[" + row(its) + ", " + col(its) + "]" : "y[" + row(its) + "]")
       << " = x[" << row(its) << "] * 2.0\n";
  if (coin(30)) {
    os << ind(d + 1) << "else:\n";
    leaf(os, d + 2, inner);
  }
}

}  // namespace exo::test
