// Running a proc in the core's interpreter on numpy arrays. Buffers point at
// the arrays' own memory, so results are written into them in place.

#include <pybind11/numpy.h>

#include "bindings.h"
#include "exo/checked_int.h"

namespace exo::python {

namespace {

// numpy's (kind, itemsize) for each data kind; R is stored as float like in C.
std::pair<char, ssize_t> numpy_kind(ScalarKind k) {
  switch (k) {
    case ScalarKind::R:
    case ScalarKind::F32: return {'f', 4};
    case ScalarKind::F64: return {'f', 8};
    case ScalarKind::F16: return {'f', 2};
    case ScalarKind::I8: return {'i', 1};
    case ScalarKind::UI8: return {'u', 1};
    case ScalarKind::UI16: return {'u', 2};
    case ScalarKind::I32: return {'i', 4};
    default: return {'?', 0};
  }
}

const char* numpy_name(ScalarKind k) {
  switch (k) {
    case ScalarKind::R:
    case ScalarKind::F32: return "float32";
    case ScalarKind::F64: return "float64";
    case ScalarKind::F16: return "float16";
    case ScalarKind::I8: return "int8";
    case ScalarKind::UI8: return "uint8";
    case ScalarKind::UI16: return "uint16";
    case ScalarKind::I32: return "int32";
    default: return "?";
  }
}

InterpBuffer to_buffer(const FnArg& a, py::handle v) {
  const std::string name = a.name.name();
  if (!py::isinstance<py::array>(v))
    throw_api_type_error("argument '" + name + "' (" + print_type(a.type) +
                         ") must be a numpy array, got " + std::string(py::str(v.get_type())));
  auto arr = py::reinterpret_borrow<py::array>(v);
  auto [kind, size] = numpy_kind(a.type.base);
  if (arr.dtype().kind() != kind || arr.itemsize() != size)
    throw_api_type_error("argument '" + name + "' must have dtype " + numpy_name(a.type.base) +
                         ", got " + std::string(py::str(arr.dtype())));
  InterpBuffer b;
  b.kind = a.type.base;
  b.data = arr.mutable_data();  // raises if the array is read-only
  size_t rank = a.type.is_tensor ? a.type.rank() : 0;
  // A data scalar may be passed as a 0-d array or an array of one element.
  bool scalar_ok = rank == 0 && (arr.ndim() == 0 || (arr.ndim() == 1 && arr.shape(0) == 1));
  if (!scalar_ok && static_cast<size_t>(arr.ndim()) != rank)
    throw Error(ErrorKind::Api, SrcInfo(), "argument '" + name + "' must have " + std::to_string(rank) +
                          " dimensions, got " + std::to_string(arr.ndim()));
  if (rank == 0) return b;
  for (size_t d = 0; d < rank; ++d) {
    if (arr.strides(d) % size != 0)
      throw Error(ErrorKind::Api, SrcInfo(),
                  "argument '" + name + "' has strides that are not a multiple of its element size");
    b.shape.push_back(arr.shape(d));
    b.strides.push_back(arr.strides(d) / size);
  }
  return b;
}

void interpret_proc(const ProcHandle& h, py::list values) {
  const auto& args = h.proc->args;
  if (values.size() != args.size())
    throw_api_type_error(h.proc->name + " takes " + std::to_string(args.size()) + " arguments, got " +
                         std::to_string(values.size()));
  std::vector<InterpValue> in;
  for (size_t k = 0; k < args.size(); ++k) {
    const FnArg& a = args[k];
    py::handle v = values[k];
    if (a.type.is_numeric()) {
      in.emplace_back(to_buffer(a, v));
    } else if (a.type.is_bool()) {
      in.emplace_back(v.cast<bool>());
    } else {
      in.emplace_back(static_cast<int64_t>(int_arg(v, h.proc->name + ".interpret()", static_cast<int>(k + 1),
                                                   a.name.name())));
    }
  }
  interpret(h.proc, in);
}

}  // namespace

void define_interpret(py::module_& m) {
  m.def("interpret", &interpret_proc, py::arg("proc"), py::arg("args"),
        "Run proc on arguments given in its parameter order (numpy arrays for data).");
}

}  // namespace exo::python
