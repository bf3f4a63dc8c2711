#pragma once
// Aliased call arguments. A callee's parameters name distinct storage: passing
// one buffer (or overlapping windows of it) to two parameters of which the callee
// writes one would make its result depend on the order of its accesses, which
// rewrites of the callee and the C compiler are free to change. Overlapping
// read-only arguments, and windows of one buffer that provably do not overlap,
// are fine.
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analysis/formula.h"
#include "analysis/lower.h"
#include "analysis/views.h"
#include "exo/loopir.h"

namespace exo::analysis {

// What a callee does to its parameters and to config fields (through windows
// and nested calls).
struct CalleeEffects {
  std::set<Sym> read_params;      // read (not counting the read of a reduction)
  std::set<Sym> assigned_params;  // written with `=`
  std::set<Sym> reduced_params;   // reduced into (`+=`)
  bool reads(const Sym& p) const { return read_params.count(p) || reduced_params.count(p); }
  bool writes(const Sym& p) const { return assigned_params.count(p) || reduced_params.count(p); }
  std::set<std::pair<const Config*, std::string>> fields_read, fields_written;
  std::map<const Config*, ConfigPtr> configs;  // of the fields above
};
// Computed once per proc (procs are immutable) and kept.
const CalleeEffects& callee_effects(const Proc& callee);
// The same, computed afresh (not kept): for a proc checked once, such as each
// step of a schedule; its callees' effects are kept.
CalleeEffects body_effects(const Proc& p);

// The condition that two views of one buffer share no element: some dimension
// where their ranges do not meet (a point p is the range [p, p + 1)). False when
// either is the whole buffer.
Formula views_disjoint(const View& a, const View& b, Lowering& low);

// "z[0:4]" (the whole buffer: "z").
std::string view_text(const View& v);

}  // namespace exo::analysis
