// The random proc generator's shapes for dependences across iterations, par
// loops, loops with odd trip counts, overlapping windows and the expression
// primitives (random_proc.h).
#include <sstream>

#include "support/random_proc.h"

namespace exo::test {

// A loop whose iterations depend on each other (flow, anti, or a recurrence
// through one element): reordering, parallelizing or fissioning it changes
// the results.
void RandomProcGen::carried(std::ostringstream& os, int d, const Iters& its) {
  std::string i = fresh("c");
  bool sym = coin(60);
  os << ind(d) << "for " << i << " in seq(0, " << (sym ? "n" : "3") << "):\n";
  std::string c = col(its);
  switch (pick(5)) {
    case 0:
      os << ind(d + 1) << "x[" << i << " + 1] = x[" << i << "] * 2.0\n";
      break;
    case 1:
      os << ind(d + 1) << "y[" << i << "] += y[" << i << " + 1]\n";
      break;
    case 2:
      os << ind(d + 1) << "A[" << i << " + 1, " << c << "] += A[" << i << ", " << c << "]\n";
      break;
    case 3:
      os << ind(d + 1) << "y[" << pick(4) << "] = y[" << pick(4) << "] * 0.5 + x[" << i << "]\n";
      break;
    default:  // two statements, the second reading what the first wrote one iteration ago
      os << ind(d + 1) << "y[" << i << " + 1] = x[" << i << "] + 1.0\n";
      os << ind(d + 1) << "x[" << i << "] += y[" << i << "]\n";
      break;
  }
}

// `for p in par(0, n)`: each iteration writes only the elements at its own
// row of the buffers it writes, and reads only buffers it does not write (or
// its own row of them), so the iterations are independent. With hazards, some
// bodies race instead.
void RandomProcGen::par_loop(std::ostringstream& os, int d, const Iters& its) {
  std::string p = fresh("p");
  bool sym = coin(70);
  os << ind(d) << "for " << p << " in par(0, " << (sym ? "n" : "2")
     << "):\n";
  if (hazard(25)) {
    hazards_.par_race = true;
    switch (pick(3)) {
      case 0:
        os << ind(d + 1) << "y[0] += x[" << p << "]\n";
        break;
      case 1:
        os << ind(d + 1) << "x[" << p << " + 1] = x[" << p << "] * 2.0\n";
        break;
      default:
        os << ind(d + 1) << "y[" << p << "] = y[" << p << " + 1] + 1.0\n";
        break;
    }
    return;
  }
  int count = 1 + pick(2);
  // x or y written at [p] (reads of the other and of A anywhere), or a row of A
  // written (reads of x and y anywhere).
  switch (pick(3)) {
    case 0:
      for (int k = 0; k < count; ++k)
        os << ind(d + 1) << "y[" << p << "]" << (coin(50) ? " += " : " = ") << "x[" << p << " + "
           << pick(4) << "] * 2.0\n";
      break;
    case 1:
      os << ind(d + 1) << "x[" << p << "] = y[" << p << "] + A[" << p << " + " << pick(4) << ", "
         << pick(8) << "]\n";
      break;
    default: {
      std::string v = fresh("v");
      os << ind(d + 1) << "for " << v << " in seq(0, 8):\n";
      os << ind(d + 2) << "A[" << p << ", " << v << "] += x[" << p << " + " << pick(4)
         << "] * y[" << pick(4) << "]\n";
      break;
    }
  }
  (void)its;
}

// Loops that run zero times (seq(2, 2), seq(n, n)) and, with hazards, loops
// whose bounds may cross (seq(2, n) when n = 1, seq(0, n - 6), seq(3, 1)).
void RandomProcGen::odd_extent_loop(std::ostringstream& os, int d, const Iters& its) {
  std::string z = fresh("z");
  std::string lo, hi;
  if (hazard(50)) {
    hazards_.negative_extent = true;
    static const char* crossing[][2] = {{"2", "n"}, {"0", "n - 6"}, {"3", "1"}, {"n", "n - 1"}};
    auto& b = crossing[pick(4)];
    lo = b[0];
    hi = b[1];
  } else {
    static const char* empty[][2] = {{"2", "2"}, {"n", "n"}, {"0", "n - n"}, {"n + 1", "n + 1"}};
    auto& b = empty[pick(4)];
    lo = b[0];
    hi = b[1];
  }
  os << ind(d) << "for " << z << " in seq(" << lo << ", " << hi << "):\n";
  // The iterator as a row: inside [0, n + 1], so `z + c` with c <= 2 is in bounds.
  std::string c = std::to_string(pick(3));
  os << ind(d + 1) << (coin(50) ? "y[" : "x[") << z << " + " << c << "] = " << rhs(its) << "\n";
}

// Two windows of one buffer that share elements; writes through one are reads
// through the other.
void RandomProcGen::overlapping_windows(std::ostringstream& os, int d, const Iters& its) {
  std::string w1 = fresh("w"), w2 = fresh("w");
  if (coin(50)) {
    std::string r = row(its);
    os << ind(d) << w1 << " = A[" << r << ", 0:6]\n";
    os << ind(d) << w2 << " = A[" << r << ", 2:8]\n";
    os << ind(d) << w1 << "[" << 2 + pick(4) << "] = " << w2 << "[" << pick(4) << "] * 2.0\n";
    os << ind(d) << "y[" << row(its) << "] += " << w2 << "[" << pick(6) << "] + " << w1 << "["
       << pick(6) << "]\n";
  } else {
    // x has n + 4 >= 5 rows: windows of x start at 0, or at an iterator below n.
    std::string s = "0";
    for (auto& i : its)
      if (i.symbolic && coin(50)) s = i.name;
    os << ind(d) << w1 << " = x[" << s << ":" << s << " + 4]\n";
    os << ind(d) << w2 << " = x[" << s << " + 1:" << s << " + 5]\n";
    os << ind(d) << w2 << "[" << pick(3) << "] += " << w1 << "[" << pick(4) << "]\n";
    os << ind(d) << w1 << "[" << pick(4) << "] = " << w2 << "[" << pick(4) << "] + y[" << row(its)
       << "]\n";
  }
}

// A zeroed scalar accumulated over a loop with a constant factor, then used:
// lift_reduce_constant's shape, and inline_assign's when used once.
void RandomProcGen::accumulator(std::ostringstream& os, int d, const Iters& its) {
  std::string a = fresh("acc"), v = fresh("v");
  os << ind(d) << a << ": f32 @ DRAM\n";
  os << ind(d) << a << " = 0.0\n";
  os << ind(d) << "for " << v << " in seq(0, " << (coin(70) ? "8" : "n") << "):\n";
  os << ind(d + 1) << a << " += 2.0 * A[" << row(its) << ", " << v << " % 8]\n";
  os << ind(d) << "y[" << row(its) << "] " << (coin(50) ? "+=" : "=") << " " << a << "\n";
}

// `t = e` then uses of t: inline_assign, bind_expr and the scalar buffer primitives.
void RandomProcGen::scalar_temp(std::ostringstream& os, int d, const Iters& its) {
  std::string t = fresh("t");
  os << ind(d) << t << ": f32 @ DRAM\n";
  os << ind(d) << t << " = " << rhs(its) << "\n";
  os << ind(d) << "y[" << row(its) << "] += " << t << "\n";
  if (coin(50)) os << ind(d) << "A[" << row(its) << ", " << col(its) << "] = " << t << " * 2.0\n";
}

// Two writes of one element in a row (merge_writes), `a = a + e`
// (fold_into_reduce), or `a = b + c` (split_write).
void RandomProcGen::write_pair(std::ostringstream& os, int d, const Iters& its) {
  std::string dst = coin(50) ? "y[" + row(its) + "]" : "A[" + row(its) + ", " + col(its) + "]";
  switch (pick(4)) {
    case 0:
      os << ind(d) << dst << (coin(50) ? " = " : " += ") << read(its) << "\n";
      os << ind(d) << dst << (coin(70) ? " += " : " = ") << rhs(its) << "\n";
      break;
    case 1:
    case 2:
      os << ind(d) << dst << " = " << dst << " + " << rhs(its) << "\n";
      break;
    default:
      os << ind(d) << dst << (coin(50) ? " = " : " += ") << read(its) << " + " << read(its)
         << "\n";
      break;
  }
}

// A buffer allocated before the loop that uses it, each iteration writing it
// before reading it: sink_alloc moves it in.
void RandomProcGen::hoisted_temp(std::ostringstream& os, int d, const Iters& its) {
  std::string t = fresh("h"), i = fresh("i"), v = fresh("v"), w = fresh("v");
  os << ind(d) << t << ": f32[8] @ DRAM\n";
  os << ind(d) << "for " << i << " in seq(0, n):\n";
  os << ind(d + 1) << "for " << v << " in seq(0, 8):\n";
  os << ind(d + 2) << t << "[" << v << "] = A[" << i << " + " << pick(4) << ", " << v
     << "] * 2.0\n";
  os << ind(d + 1) << "for " << w << " in seq(0, 8):\n";
  os << ind(d + 2) << "A[" << i << ", " << w << "] += " << t << "[" << w << "]\n";
  (void)its;
}

// An if around a loop (no else): lift_loop_from_if's shape.
void RandomProcGen::if_loop(std::ostringstream& os, int d, const Iters& its) {
  os << ind(d) << "if " << cond(its) << ":\n";
  loop(os, d + 1, its);
}

// `for i in seq(0, 1): S(i)` then `for i in seq(1, n): S(i)`: join_loops' shape
// (the two halves of a partitioned loop).
void RandomProcGen::loop_pair(std::ostringstream& os, int d, const Iters& its) {
  std::string i = fresh("j");
  Iters inner = its;
  inner.push_back(Iter{i, true, 0});
  std::ostringstream body;
  leaf(body, d + 1, inner);
  os << ind(d) << "for " << i << " in seq(0, 1):\n" << body.str();
  os << ind(d) << "for " << i << " in seq(1, n):\n" << body.str();
}

}  // namespace exo::test
