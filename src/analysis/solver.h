#pragma once
// The narrow interface between the analyses and the SMT solver.
//
// prove(assumptions, goal) decides whether the assumptions imply the goal over
// the integers. It answers cheap queries itself (constant folding, bound
// elimination with the linear atoms of the assumptions, then, for conjunctions
// of linear atoms, bound propagation and a checked candidate counterexample)
// and sends only the rest to Z3, caching Z3's answers by a canonical text of the query (variables renamed
// in order of appearance, so equal query shapes from different procedures share
// an entry). Unknown (timeout, nonlinear) must be treated as "not proven".
//
// Only solver.cpp includes z3++.h.

#include <string>
#include <utility>
#include <vector>

#include "analysis/formula.h"

namespace exo::analysis {

enum class Answer { Yes, No, Unknown };

struct ProofResult {
  Answer answer = Answer::Unknown;
  // When No: values of the (non-auxiliary) integer variables of a state where the
  // assumptions hold and the goal does not, ordered by Sym id.
  std::vector<std::pair<Sym, long long>> counterexample;
};

ProofResult prove(const std::vector<Formula>& assumptions, const Formula& goal);

// Whether the assumptions are satisfiable (Unknown when the solver gives up).
Answer satisfiable(const std::vector<Formula>& assumptions);

// Per-query solver time limit, in milliseconds.
void set_solver_timeout_ms(unsigned ms);

// The cheap prover used by prove() before the solver: true only when it found a
// proof (a chain of bound eliminations ending in a non-negative constant).
bool prove_by_elimination(const std::vector<Formula>& assumptions, const Formula& goal);

}  // namespace exo::analysis
