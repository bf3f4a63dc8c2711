#pragma once
// Procedure-level edits: each is a pure function `Proc -> Proc` that checks its
// arguments, rewrites, and re-checks the result (bounds and preconditions).
// Failures are exo::Error naming the argument at fault.

#include <map>
#include <string>
#include <vector>

#include "exo/loopir.h"
#include "exo/scope.h"

namespace exo {

// Binds control arguments (size, index, int, bool) to constants: they leave the
// signature and every use (shapes, preconditions, body) becomes the constant, with
// the constant arithmetic this produces folded (`4 * 2` prints as `8`). Booleans
// are given as 0/1. Refuses data and stride arguments (Scheduling), unknown names,
// and values of the wrong kind, e.g. a non-positive size (Api). The result is
// re-checked, so a value contradicting the preconditions is a Precondition error.
Proc partial_eval(const Proc& p, const std::map<std::string, long long>& values);
// Positional form: values for the leading arguments, in order.
Proc partial_eval(const Proc& p, const std::vector<long long>& values);

// Appends `assertion` (a boolean over the proc's control arguments, in Exo
// syntax) to the preconditions. Names other than the arguments (configs, constants)
// are resolved through `scope` (the builtins when null). A contradiction with the
// existing preconditions is a Precondition error.
Proc add_assertion(const Proc& p, const std::string& assertion, const Scope* scope = nullptr);
// The same with an already typechecked predicate.
Proc add_assertion(const Proc& p, const Expr& assertion);

// Swaps the two dimensions of the 2-D tensor argument `arg`: its shape, every
// access, and `stride(arg, d)`. Refuses (Scheduling) when the buffer is windowed
// or passed whole to a call, whose meaning depends on the dimension order.
Proc transpose(const Proc& p, const std::string& arg);

// Folds constant index/boolean arithmetic (`4 * 2` -> `8`, `x + 0` -> `x`,
// `3 < 4` -> `True`); data expressions are left alone.
Expr fold_constants(const Expr& e);

}  // namespace exo
