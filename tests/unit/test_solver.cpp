// prove(): answers on conjunctions of linear atoms (decided without Z3 where
// bound propagation or a candidate point settles them) agree with brute force,
// and every counterexample satisfies the assumptions and falsifies the goal.
#include <gtest/gtest.h>

#include <random>

#include "analysis/solver.h"

namespace exo::analysis {
namespace {

Affine lin(std::initializer_list<std::pair<Sym, long long>> terms, long long c) {
  Affine a(c);
  for (auto& [s, k] : terms) a = a + Affine::var(s, k);
  return a;
}

long long value_of(const ProofResult& r, const Sym& s) {
  for (auto& [v, x] : r.counterexample)
    if (v == s) return x;
  ADD_FAILURE() << "no value for " << s.name();
  return 0;
}

TEST(Solver, BoxesAndPropagation) {
  Sym i("i"), j("j"), n("n");
  // 0 <= i <= 5 is satisfiable; the reported point is the one nearest zero.
  ProofResult r = prove({f_ge0(lin({{i, 1}}, 0)), f_ge0(lin({{i, -1}}, 5))}, f_false());
  ASSERT_EQ(r.answer, Answer::No);
  EXPECT_EQ(value_of(r, i), 0);
  // ... and implies i <= 5 but not i <= 4 (fails at i = 5).
  EXPECT_EQ(
      prove({f_ge0(lin({{i, 1}}, 0)), f_ge0(lin({{i, -1}}, 5))}, f_le(Affine::var(i), Affine(5)))
          .answer,
      Answer::Yes);
  r = prove({f_ge0(lin({{i, 1}}, 0)), f_ge0(lin({{i, -1}}, 5))}, f_le(Affine::var(i), Affine(4)));
  ASSERT_EQ(r.answer, Answer::No);
  EXPECT_EQ(value_of(r, i), 5);
  // 2 * i == 1 has no integer solution.
  EXPECT_EQ(prove({f_eq0(lin({{i, 2}}, -1))}, f_false()).answer, Answer::Yes);
  // i, j in [0, 1] with i >= j + 1: only i = 1, j = 0 (found by propagation).
  std::vector<Formula> later = {f_ge0(lin({{i, 1}}, 0)), f_ge0(lin({{i, -1}}, 1)),
                                f_ge0(lin({{j, 1}}, 0)), f_ge0(lin({{j, -1}}, 1)),
                                f_ge0(lin({{i, 1}, {j, -1}}, -1))};
  r = prove(later, f_false());
  ASSERT_EQ(r.answer, Answer::No);
  EXPECT_EQ(value_of(r, i), 1);
  EXPECT_EQ(value_of(r, j), 0);
  // ... and then i + j >= 2 is impossible.
  later.push_back(f_ge0(lin({{i, 1}, {j, 1}}, -2)));
  EXPECT_EQ(prove(later, f_false()).answer, Answer::Yes);
  // Unbounded sizes: n >= 1, 0 <= i < n is satisfiable; n - i - 1 >= 0 holds.
  std::vector<Formula> loop = {f_ge0(lin({{n, 1}}, -1)), f_ge0(lin({{i, 1}}, 0)),
                               f_ge0(lin({{n, 1}, {i, -1}}, -1))};
  EXPECT_EQ(prove(loop, f_false()).answer, Answer::No);
  EXPECT_EQ(prove(loop, f_ge0(lin({{n, 1}, {i, -1}}, -1))).answer, Answer::Yes);
  EXPECT_EQ(prove(loop, f_ge0(lin({{n, 1}, {i, -1}}, -2))).answer, Answer::No);
}

// Random small systems over three variables boxed in [-3, 3]: the answer
// matches enumeration, and a counterexample is a real solution.
TEST(Solver, RandomSystemsMatchEnumeration) {
  Sym x("x"), y("y"), z("z");
  const Sym vars[3] = {x, y, z};
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> coeff(-3, 3), constant(-6, 6), count(1, 4), kind(0, 4);
  auto holds = [&](const std::vector<std::pair<Affine, bool>>& atoms, const long long v[3]) {
    for (auto& [a, eq] : atoms) {
      long long s = a.constant;
      for (int k = 0; k < 3; ++k) s += a.coeff(vars[k]) * v[k];
      if (eq ? s != 0 : s < 0) return false;
    }
    return true;
  };
  for (int iter = 0; iter < 400; ++iter) {
    std::vector<std::pair<Affine, bool>> atoms;  // (e, is e == 0)
    for (auto& v : vars) {
      atoms.push_back({lin({{v, 1}}, 3), false});
      atoms.push_back({lin({{v, -1}}, 3), false});
    }
    auto nonzero = [&] {
      int c = coeff(rng);
      return c == 0 ? 1 : c;
    };
    // No constant atoms: prove() slices away assumptions that share no variable
    // with the goal, even a contradictory one (its code would be unreachable), so
    // they would make enumeration and prove() disagree by design.
    int extra = count(rng);
    for (int k = 0; k < extra; ++k)
      atoms.push_back(
          {lin({{x, nonzero()}, {y, coeff(rng)}, {z, coeff(rng)}}, constant(rng)), kind(rng) == 0});
    // The goal mentions every variable, so no assumption is sliced away.
    atoms.push_back(
        {lin({{x, nonzero()}, {y, nonzero()}, {z, nonzero()}}, constant(rng)), kind(rng) == 0});
    std::vector<Formula> fs;
    bool folded = false;  // e.g. 2x + 2y + 1 == 0 is built as False
    for (auto& [a, eq] : atoms) {
      fs.push_back(eq ? f_eq0(a) : f_ge0(a));
      folded |= is_false(fs.back()) || is_true(fs.back());
    }
    if (folded) continue;  // a lone constant is sliced away (see above)
    // The last atom also serves as a goal (prove() negates it into the query).
    Formula goal = fs.back();
    std::vector<Formula> assume(fs.begin(), fs.end() - 1);
    bool sat_all = false, refutes_goal = false;
    long long v[3];
    for (v[0] = -3; v[0] <= 3; ++v[0])
      for (v[1] = -3; v[1] <= 3; ++v[1])
        for (v[2] = -3; v[2] <= 3; ++v[2]) {
          if (holds(atoms, v)) sat_all = true;
          std::vector<std::pair<Affine, bool>> pre(atoms.begin(), atoms.end() - 1);
          auto [a, eq] = atoms.back();
          long long s = a.constant;
          for (int k = 0; k < 3; ++k) s += a.coeff(vars[k]) * v[k];
          if (holds(pre, v) && (eq ? s != 0 : s < 0)) refutes_goal = true;
        }
    ProofResult r = prove(fs, f_false());
    ASSERT_EQ(r.answer, sat_all ? Answer::No : Answer::Yes) << "system " << iter;
    ProofResult g = prove(assume, goal);
    std::string text;
    for (auto& f : fs) text += formula_text(f) + "; ";
    for (auto& [s, val] : g.counterexample) text += " " + s.name() + "=" + std::to_string(val);
    ASSERT_EQ(g.answer, refutes_goal ? Answer::No : Answer::Yes) << "goal " << iter << ": " << text;
    if (g.answer == Answer::No) {
      long long at[3] = {0, 0, 0};
      for (int k = 0; k < 3; ++k)
        for (auto& [s, val] : g.counterexample)
          if (s == vars[k]) at[k] = val;
      std::vector<std::pair<Affine, bool>> pre(atoms.begin(), atoms.end() - 1);
      EXPECT_TRUE(holds(pre, at)) << "counterexample of goal " << iter;
    }
  }
}

}  // namespace
}  // namespace exo::analysis
