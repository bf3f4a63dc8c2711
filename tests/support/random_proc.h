#pragma once
// Random small procs for the randomized scheduling tests: loops (seq and par)
// over constant and symbolic bounds, some with a nonzero start or a zero trip
// count, dependences carried across iterations, assignments and reductions with
// affine (sometimes floor-div/mod) indices, ifs, scalar and 1-D/2-D allocations
// (always written before they are read), windows (some overlapping), config
// writes and reads, calls to small subprocs and instructions with windows, and
// shapes chosen so that each primitive is sometimes legal (perfect nests, loops
// around one guard, a zeroed accumulator, adjacent writes of one element).
// Every proc has the signature
//   (n: size, x: f32[n + 4], y: f32[n + 4], A: f32[n + 4, 8])
// and is parsed together with random_proc_library().
//
// Hazards: with hazards allowed, a proc may also contain code whose meaning the
// compiler's rules do not yet settle: loops with a negative trip count, calls
// whose window arguments overlap, par loops whose iterations race. Which ones a
// proc got is reported, so a mismatch in such a proc is told apart.
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace exo::test {

// The config `Cfg` (field f: f32), subprocs and instructions the procs use.
const std::string& random_proc_library();
// The library's subprocs and instructions (the generator calls them; replace
// uses them, most match its vector loops; call_eqv swaps in their variants).
const std::vector<std::string>& random_proc_subprocs();
// The library's instruction with an empty body (insert_noop_call inserts it).
inline const char* kNoopInstr = "nop8";

struct Hazards {
  bool negative_extent = false;  // a loop `seq(lo, hi)` that may have hi < lo
  bool aliased_call = false;     // a call with two overlapping window arguments
  bool par_race = false;         // a par loop whose iterations touch a common element
  bool any() const { return negative_extent || aliased_call || par_race; }
  // "negative_extent,par_race" (empty when none).
  std::string str() const;
};

class RandomProcGen {
 public:
  explicit RandomProcGen(std::mt19937& r) : r_(r) {}
  // The source of one proc `name`; `divisible` adds `assert n % 4 == 0`;
  // `allow_hazards` lets it draw the hazardous shapes (see above).
  std::string proc(const std::string& name, bool divisible, bool allow_hazards = false);
  // The hazards the last proc() actually contains.
  const Hazards& hazards() const { return hazards_; }

 private:
  struct Iter {
    std::string name;
    bool symbolic;  // ranges within [0, n); else within [0, K) with K <= 8
    int extent;     // K for constant loops
  };
  using Iters = std::vector<Iter>;

  int pick(int n);
  bool coin(int percent);
  // Whether to draw a hazardous shape: with `percent` chance when allowed (always
  // when one is forced).
  bool hazard(int percent);
  std::string fresh(const std::string& base);
  static std::string ind(int d);

  std::string row(const Iters& its);  // an index into n + 4 rows
  std::string col(const Iters& its);  // an index into 8 columns
  std::string other_row(const std::string& r);  // a row provably != r
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
  // Shapes added for the primitives of expressions, par loops and odd extents
  // (random_proc_shapes.cpp).
  void carried(std::ostringstream& os, int d, const Iters& its);
  void par_loop(std::ostringstream& os, int d, const Iters& its);
  void odd_extent_loop(std::ostringstream& os, int d, const Iters& its);
  void overlapping_windows(std::ostringstream& os, int d, const Iters& its);
  void accumulator(std::ostringstream& os, int d, const Iters& its);
  void scalar_temp(std::ostringstream& os, int d, const Iters& its);
  void write_pair(std::ostringstream& os, int d, const Iters& its);
  void hoisted_temp(std::ostringstream& os, int d, const Iters& its);
  void if_loop(std::ostringstream& os, int d, const Iters& its);
  void loop_pair(std::ostringstream& os, int d, const Iters& its);

  std::mt19937& r_;
  int next_ = 0;
  bool allow_hazards_ = false;
  bool force_hazard_ = false;
  Hazards hazards_;
};

}  // namespace exo::test
