#pragma once
// Shared declarations of the `exo._core` extension. Each concept lives in its own
// file with a `define_x(module)` called from module.cpp. The bindings only convert
// arguments; every semantic decision is made by the C++ core.

#include <pybind11/pybind11.h>

#include <climits>

#include "exo/schedule/cursor.h"
#include "exo/exo.h"
#include "exo/schedule/procedure.h"

namespace exo::python {

namespace py = pybind11;

// Python sees compiler objects through small value handles: the core's
// shared pointers are to const nodes, which pybind cannot hold directly.
// A proc handle wraps the core's ScheduledProc (exo/schedule/procedure.h), which
// remembers the proc it was scheduled from and how cursors map from it, so
// `proc.forward(cursor)` can follow a cursor through every rewrite between.
struct ProcHandle {
  explicit ProcHandle(ScheduledProc s) : proc(s.proc()), sched(std::move(s)) {}
  // A proc with no history (parsed, or the callee of a call); also as `{proc}`.
  ProcHandle(Proc root) : ProcHandle(ScheduledProc(std::move(root))) {}
  // The same, in the form {proc, nullptr, {}}.
  ProcHandle(Proc root, std::nullptr_t, const Forward&) : ProcHandle(std::move(root)) {}

  Proc proc;            // the IR: sched.proc(), as a field for the primitives' bindings
  ScheduledProc sched;  // the IR with its history
};
// The handle of a rewrite's result, scheduled from `from`.
ProcHandle derive(const ProcHandle& from, const Rewrite& r);
// A result whose statements sit where they were (e.g. partial_eval): identity forwarding.
ProcHandle derive(const ProcHandle& from, const Proc& p);

// A cursor together with the proc it points into.
struct CursorHandle {
  ProcHandle owner;
  Cursor cursor;
};
// `c` mapped into `to`, which must be c's proc or scheduled from it. Throws
// Error(Api) when `to` was not derived from c's proc, Error(InvalidCursor) when
// a rewrite on the way destroyed the position (ScheduledProc::forward).
Cursor forward_cursor(const ProcHandle& to, const CursorHandle& c);

// What a primitive's reference argument must denote (the core's exo::RefKind:
// Stmt, Loop, Alloc, Expr, Block, Any).
using exo::RefKind;
// Converts a reference argument and resolves it with ScheduledProc::resolve: a
// string (`"i"`, `"for i in _: _"`, `"C[_] += _ #1"`) or a cursor object (an
// `exo._core.CursorHandle`, or a Python object holding one in `_impl`, from this
// proc or one it was scheduled from). Errors name the argument:
// "argument <argno>, '<argname>' to <prim>: ...".
Cursor ref_to_cursor(const ProcHandle& h, py::handle ref, RefKind kind, const std::string& prim, int argno,
                     const std::string& argname);
// An integer argument of primitive `prim`: exact, or refused (exo.ApiTypeError,
// "argument <argno>, '<name>' to <prim>: expected an integer in [lo, hi], got ...")
// when it is not an integer (bool included) or out of [lo, hi].
long long int_arg(py::handle v, const std::string& prim, int argno, const std::string& name,
                  long long lo = -LLONG_MAX, long long hi = LLONG_MAX);  // Exo's range: +-(2^63 - 1)
// A position or distance (cursor navigation): any integer, saturated to the int
// range (beyond it, a position is out of range either way). `what` names the
// argument in the error for a non-integer.
int clamped_int(py::handle v, const std::string& what);

struct MemoryHandle {
  MemoryPtr mem;
};
struct ConfigHandle {
  ConfigPtr config;
};
struct ExternHandle {
  ExternPtr fn;
};

void define_errors(py::module_& m);
void define_memory(py::module_& m);
void define_config_extern(py::module_& m);
void define_frontend(py::module_& m);
void define_procedure(py::module_& m);
void define_interpret(py::module_& m);
void define_ast(py::module_& m);
void define_cursors(py::module_& m);  // CursorHandle, find, forward (cursors.cpp)

using ProcClass = py::class_<ProcHandle>;
// Scheduling primitives: the record table and apply_primitive (sched_table.cpp).
void define_sched_records(py::module_& m);

// The Python class of `exo.libs.memories.MemGenError` (created by define_errors).
py::handle memgen_error_type();
// Raises exo.ApiAssertionError (an ApiError that is also an AssertionError):
// for the wrong uses of the API that exo-lang reports with a failed assertion.
[[noreturn]] void throw_api_assertion(const SrcInfo& where, const std::string& message);
// Raises exo.ApiTypeError (an ApiError that is also a TypeError): an argument of
// the wrong type or out of range, where exo-lang raised TypeError.
[[noreturn]] void throw_api_type_error(const std::string& message);

// Calls `fn()` (which calls into Python); a Python MemGenError becomes
// Error(MemGen) at `where` so the core reports it like its own refusals.
template <class F>
auto translate_memgen(const SrcInfo& where, F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (py::error_already_set& e) {
    if (e.matches(memgen_error_type()))
      throw Error(ErrorKind::MemGen, where, py::str(e.value()).cast<std::string>());
    throw;
  }
}

// Keeps a Python object alive from a core object that may outlive the
// interpreter (procs cached in static storage): never decref after finalization.
class PyRef {
 public:
  explicit PyRef(py::object o) : obj_(std::move(o)) {}
  PyRef(const PyRef&) = delete;
  PyRef& operator=(const PyRef&) = delete;
  ~PyRef() {
    if (!Py_IsInitialized()) {
      obj_.release();
      return;
    }
    py::gil_scoped_acquire gil;
    obj_ = py::object();
  }
  const py::object& get() const { return obj_; }

 private:
  py::object obj_;
};

}  // namespace exo::python
