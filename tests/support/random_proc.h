#pragma once
// Random small procs for the randomized scheduling test: loops over constant and
// symbolic bounds, assignments and reductions with affine indices, ifs, 1-D and
// 2-D allocations (always written before they are read), windows, config writes
// and reads, calls to small subprocs and instructions, and a few shapes chosen
// so that loop primitives are sometimes legal (perfect nests, loops around one
// guard). Every proc has the signature
//   (n: size, x: f32[n + 4], y: f32[n + 4], A: f32[n + 4, 8])
// and is parsed together with random_proc_library().
#include <random>
#include <string>
#include <vector>

namespace exo::test {

// The config `Cfg` (field f: f32), subprocs and instructions the procs use.
const std::string& random_proc_library();
// The library's subprocs and instructions (the generator calls them; replace
// uses them, most match its vector loops; call_eqv swaps in their variants).
const std::vector<std::string>& random_proc_subprocs();

class RandomProcGen {
 public:
  explicit RandomProcGen(std::mt19937& r) : r_(r) {}
  // The source of one proc `name`; `divisible` adds `assert n % 4 == 0`.
  std::string proc(const std::string& name, bool divisible);

 private:
  struct Iter {
    std::string name;
    bool symbolic;  // ranges over [0, n); else over [0, K) with K <= 8
    int extent;     // K for constant loops
  };
  using Iters = std::vector<Iter>;

  int pick(int n);
  bool coin(int percent);
  std::string fresh(const std::string& base);
  static std::string ind(int d);

  std::string row(const Iters& its);  // an index into n + 4 rows
  std::string col(const Iters& its);  // an index into 8 columns
  std::string read(const Iters& its);
  std::string rhs(const Iters& its);
  std::string cond(const Iters& its);

  void leaf(std::ostringstream& os, int d, const Iters& its);
  void stmt(std::ostringstream& os, int d, const Iters& its);
  void loop(std::ostringstream& os, int d, Iters its);
  void vec_loop(std::ostringstream& os, int d, const Iters& its);
  void staged(std::ostringstream& os, int d, const Iters& its);
  void alloc2d(std::ostringstream& os, int d, const Iters& its);
  void window(std::ostringstream& os, int d, const Iters& its);
  void call(std::ostringstream& os, int d, const Iters& its);
  void config(std::ostringstream& os, int d, const Iters& its);
  void nest(std::ostringstream& os, int d, const Iters& its);
  void guarded_loop(std::ostringstream& os, int d, const Iters& its);

  std::mt19937& r_;
  int next_ = 0;
};

}  // namespace exo::test
