"""Run a procedure on numpy arrays: `p.jit()` / `exo.jit(p)`.

The procedure's generated C is compiled once into a shared library with the
system C compiler (cached on disk by a hash of the C, the compiler and the
flags) and called through ctypes. Arguments are checked before the call:
dtypes and shapes (sizes inferred from array shapes where a size is an
extent of a tensor argument), strides asserted on windows, and the
procedure's preconditions, which the C would otherwise only assume.

    f = p.jit()                    # -O3 -march=native
    f(x, y)                        # sizes from x's and y's shapes
    f(n=8, x=x, y=y)               # or by name, or all positionally
    f.config["Cfg"]["s"] = 2.0     # configuration fields, kept between calls
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np

from . import _core
from ._errors import api_error


def _bad_value(msg):
    return api_error(msg, ValueError)

__all__ = ["jit", "JitProcedure"]  # exo.jit and Procedure.jit call jit()

_DTYPES = {
    "f32": np.float32, "R": np.float32, "f64": np.float64, "i8": np.int8, "ui8": np.uint8,
    "ui16": np.uint16, "i32": np.int32,
}
_C_TYPES = {
    "float": ctypes.c_float, "double": ctypes.c_double, "int8_t": ctypes.c_int8,
    "uint8_t": ctypes.c_uint8, "uint16_t": ctypes.c_uint16, "int32_t": ctypes.c_int32,
    "bool": ctypes.c_bool,
}
_CONTROL = ("size", "index", "int", "bool", "stride")
_DEFAULT_CFLAGS = ("-O3", "-march=native")


def _cache_dir():
    root = os.environ.get("EXO_JIT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "exo", "jit")
    return Path(root)


def _index_type():
    # int_fast32_t: what the generated C uses for sizes and indices (64 bits on
    # Linux x86-64 and aarch64).
    return ctypes.c_int64 if ctypes.sizeof(ctypes.c_long) == 8 else ctypes.c_int32


_EXTENTS = {}


def _eval_extent(text, sizes):
    """An extent such as `n + 1` or `n / 4` with the size values: Exo's `/` and
    `%` on indices are floor division and modulo, as Python's // and %."""
    code = _EXTENTS.get(text)
    if code is None:
        py = re.sub(r"(?<![/])/(?![/])", "//", text)
        if not re.fullmatch(r"[\w\s+\-*/%()]*", py):
            raise api_error(f"jit: cannot evaluate the extent '{text}'")
        code = _EXTENTS[text] = compile(py, "<extent>", "eval")
    return int(eval(code, {"__builtins__": {}}, sizes))  # names and arithmetic only


_WINDOWS = {}


def _window_type(rank):
    """ctypes twin of `struct exo_win_<rank><type>[c]`: data pointer and strides."""
    if rank not in _WINDOWS:
        _WINDOWS[rank] = type(f"exo_win_{rank}", (ctypes.Structure,),
                              {"_fields_": [("data", ctypes.c_void_p), ("strides", _index_type() * rank)]})
    return _WINDOWS[rank]


class _Param:
    def __init__(self, arg):
        self.name = arg.name()
        self.kind = arg.type().value
        self.is_tensor = arg.is_tensor()
        self.is_window = self.is_tensor and arg.is_window()
        self.shape = [str(e) for e in arg.shape()] if self.is_tensor else []


class JitProcedure:
    """A compiled procedure: call it with numpy arrays and Python numbers."""

    def __init__(self, p, cflags=None, cc=None):
        self.proc = p
        self.name = p.name()
        self.params = [_Param(a) for a in p.args()]
        self.cc = cc or os.environ.get("CC") or "cc"
        self.cflags = list(_DEFAULT_CFLAGS if cflags is None else cflags)
        stem = "exo_jit"
        c_text, h_text = _core.compile_procs_to_strings([p._handle], stem)
        self._proto = self._prototype(h_text)
        self._preconditions, self._stride_asserts = self._read_preconditions(c_text)
        ctxt_type = self._context_type(h_text)
        self._ctxt = ctxt_type() if ctxt_type is not None else None
        self.config = _ConfigView(self._ctxt) if self._ctxt is not None else {}
        self._mentions = {}
        self._inferable = {q.name for q in self.params if q.kind == "size" and self._extents_with(q.name)}
        self._lib = self._build(stem, c_text, h_text)
        self._fn = getattr(self._lib, self.name)
        self._fn.restype = None

    # ---- the generated C ----
    def _prototype(self, h_text):
        m = re.search(r"^void " + re.escape(self.name) + r"\( (.*) \);$", h_text, re.M)
        if not m:
            raise api_error(f"jit: no prototype for {self.name} in the generated header")
        parts = [s.strip() for s in m.group(1).split(",")][1:]  # after ctxt
        return dict(zip([q.name for q in self.params], parts))

    def _read_preconditions(self, c_text):
        """The C conditions of the proc's assertions (its first lines), and its
        asserted strides as (argument, dimension, value)."""
        body = c_text[c_text.index("void " + self.name + "( "):]
        body = body[body.index("{\n") + 2:]
        checks, strides = [], []
        for line in body.splitlines():
            m = re.fullmatch(r"EXO_ASSUME\((.*)\);", line)
            s = re.fullmatch(r"// assert stride\((\w+), (\d+)\) == (-?\d+)", line)
            if m:
                checks.append(m.group(1))
            elif s:
                strides.append((s.group(1), int(s.group(2)), int(s.group(3))))
            else:
                break
        return checks, strides

    def _context_type(self, h_text):
        m = re.search(r"typedef struct (\w+_Context) \{(.*?)\} \1;", h_text, re.S)
        if not m:
            return None
        configs = []
        for cm in re.finditer(r"struct (\w+) \{(.*?)\} \1;", m.group(2), re.S):
            fields = []
            for fm in re.finditer(r"(\w+) (\w+);", cm.group(2)):
                ctype = _C_TYPES.get(fm.group(1)) or (_index_type() if fm.group(1) == "int_fast32_t" else None)
                if ctype is None:
                    raise api_error(f"jit: config field type {fm.group(1)} is not supported")
                fields.append((fm.group(2), ctype))
            configs.append((cm.group(1), type(cm.group(1), (ctypes.Structure,), {"_fields_": fields})))
        return type(m.group(1), (ctypes.Structure,), {"_fields_": configs})

    def _build(self, stem, c_text, h_text):
        # The preconditions as a function of the same arguments: which one fails.
        params = ", ".join(self._proto[q.name] for q in self.params)
        checker = [f"\nint exo_jit_check( {params} ) {{"]
        for k, cond in enumerate(self._preconditions):
            checker.append(f"  if (!({cond})) return {k};")
        checker.append("  return -1;\n}\n")
        checker.append("unsigned exo_jit_index_size(void) { return (unsigned)sizeof(int_fast32_t); }\n")
        source = c_text + "\n".join(checker)
        key = hashlib.sha256("\0".join([source, h_text, self.cc, *self.cflags]).encode()).hexdigest()[:24]
        out = _cache_dir() / key
        lib = out / f"lib{stem}.so"
        if not lib.exists():
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{stem}.c").write_text(source)
            (out / f"{stem}.h").write_text(h_text)
            if shutil.which(self.cc) is None:
                raise api_error(f"jit: C compiler '{self.cc}' not found (set CC or pass cc=)")
            tmp = out / f"lib{stem}.{os.getpid()}.so"
            cmd = [self.cc, *self.cflags, "-shared", "-fPIC", "-pthread", "-o", str(tmp), str(out / f"{stem}.c")]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                raise api_error(f"jit: compiling {self.name} failed ({' '.join(cmd)}):\n{r.stderr}")
            os.replace(tmp, lib)
        handle = ctypes.CDLL(str(lib))
        if handle.exo_jit_index_size() != ctypes.sizeof(_index_type()):
            raise api_error("jit: int_fast32_t of the C compiler does not match this platform's")
        return handle

    # ---- a call ----
    def __call__(self, *args, **kwargs):
        values = self._bind(args, kwargs)
        sizes = self._sizes(values)
        keep = []  # the ctypes objects of this call's arguments, alive until it returns
        c_args = [self._convert(q, values[q.name], sizes, keep) for q in self.params]
        self._check_strides(values)
        if self._preconditions:
            failed = self._lib.exo_jit_check(*c_args)
            if failed >= 0:
                raise _bad_value(f"jit: {self.name}: precondition {self._preconditions[failed]} does not hold "
                                f"for these arguments")
        self._fn(ctypes.byref(self._ctxt) if self._ctxt is not None else None, *c_args)

    def _bind(self, args, kwargs):
        names = [q.name for q in self.params]
        for k in kwargs:
            if k not in names:
                raise api_error(f"jit: {self.name} has no argument '{k}' (arguments: {', '.join(names)})")
        inferable = self._inferable
        if len(args) + len(kwargs) == len(names):
            free = [n for n in names if n not in kwargs]
        else:
            free = [n for n in names if n not in kwargs and n not in inferable]
        if len(args) != len([n for n in free if n not in kwargs]):
            shown = ", ".join(free)
            raise api_error(f"jit: {self.name} takes {len(free)} positional arguments ({shown}; sizes that are "
                            f"extents of tensor arguments may be left out), got {len(args)}")
        values = dict(kwargs)
        values.update(zip(free, args))
        self._infer_sizes(values, inferable)
        missing = [n for n in names if n not in values]
        if missing:
            raise api_error(f"jit: {self.name}: missing argument(s) {', '.join(missing)}")
        return values

    def _extents_with(self, size_name):
        """(tensor argument, dimension, extent) of every extent mentioning the size."""
        if size_name not in self._mentions:
            self._mentions[size_name] = [
                (q.name, d, e) for q in self.params if q.is_tensor for d, e in enumerate(q.shape)
                if re.search(r"\b" + re.escape(size_name) + r"\b", e)]
        return self._mentions[size_name]

    def _infer_sizes(self, values, inferable):
        """Sizes left out, from the shapes of the arrays: an extent whose only
        unknown is the size and that is linear in it (`n`, `n + 4`, `2 * n`)."""
        progress = True
        while progress:
            progress = False
            for n in sorted(inferable - values.keys()):
                for t, d, e in self._extents_with(n):
                    arr = values.get(t)
                    if not isinstance(arr, np.ndarray) or arr.ndim <= d:
                        continue
                    known = {k: int(v) for k, v in values.items() if isinstance(v, (int, np.integer))}
                    try:
                        f = [_eval_extent(e, {**known, n: v}) for v in (0, 1, 2)]
                    except Exception:
                        continue  # another size of the extent is not known yet
                    slope = f[1] - f[0]
                    if slope == 0 or f[2] - f[1] != slope or (arr.shape[d] - f[0]) % slope:
                        continue
                    values[n] = (arr.shape[d] - f[0]) // slope
                    progress = True
                    break

    def _sizes(self, values):
        out = {}
        for q in self.params:
            if q.kind in ("size", "index", "int"):
                v = values[q.name]
                if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
                    raise api_error(f"jit: argument '{q.name}' ({q.kind}): expected an integer, "
                                    f"got {type(v).__name__}")
                if q.kind == "size" and v < 1:
                    raise _bad_value(f"jit: argument '{q.name}' (size): expected a positive integer, got {v}")
                out[q.name] = int(v)
        return out

    def _writes(self, q):
        decl = self._proto[q.name]
        if q.is_window:
            return not decl.split()[1].endswith("c")  # struct exo_win_2f32c: a const window
        return not decl.startswith("const ")

    def _convert(self, q, v, sizes, keep):
        idx = _index_type()
        if q.kind in ("size", "index", "int"):
            return idx(sizes[q.name])
        if q.kind == "stride":
            return idx(int(v))
        if q.kind == "bool":
            if not isinstance(v, (bool, np.bool_)):
                raise api_error(f"jit: argument '{q.name}' (bool): expected a bool, got {type(v).__name__}")
            return ctypes.c_bool(bool(v))
        dtype = _DTYPES.get(q.kind)
        if dtype is None:
            raise api_error(f"jit: argument '{q.name}': type {q.kind} is not supported")
        if not q.is_tensor:  # a data scalar, passed by pointer
            if isinstance(v, np.ndarray):
                if v.shape not in ((), (1,)) or v.dtype != dtype:
                    raise api_error(f"jit: argument '{q.name}' ({q.kind} scalar): expected a number or a "
                                    f"{np.dtype(dtype).name} array of shape () or (1,), got {v.dtype.name} {v.shape}")
                return v.ctypes.data_as(ctypes.c_void_p)
            if not isinstance(v, (int, float, np.number)) or isinstance(v, (bool, np.bool_)):
                raise api_error(f"jit: argument '{q.name}' ({q.kind}): expected a number, got {type(v).__name__}")
            if self._writes(q):
                raise _bad_value(f"jit: argument '{q.name}' ({q.kind}) is written by {self.name}: pass a "
                                f"{np.dtype(dtype).name} array of shape () to receive it")
            buf = np.ctypeslib.as_ctypes_type(dtype)(v)
            keep.append(buf)
            return ctypes.byref(buf)
        if not isinstance(v, np.ndarray):
            raise api_error(f"jit: argument '{q.name}': expected a numpy array, got {type(v).__name__}")
        if v.dtype != dtype:
            raise api_error(f"jit: argument '{q.name}': expected dtype {np.dtype(dtype).name}, got {v.dtype.name}")
        want = tuple(_eval_extent(e, sizes) for e in q.shape)
        if v.shape != want:
            raise _bad_value(f"jit: argument '{q.name}': expected shape {want} ({', '.join(q.shape)}), "
                            f"got {v.shape}")
        if self._writes(q) and not v.flags.writeable:
            raise _bad_value(f"jit: argument '{q.name}' is written by {self.name}: the array is read-only")
        if not q.is_window:
            if not v.flags.c_contiguous:
                raise _bad_value(f"jit: argument '{q.name}': expected a C-contiguous array (a tensor "
                                f"argument is dense); pass np.ascontiguousarray(...) or declare a window")
            return v.ctypes.data_as(ctypes.c_void_p)
        if any(s % v.itemsize for s in v.strides):
            raise _bad_value(f"jit: argument '{q.name}': strides {v.strides} are not whole elements")
        strides = [s // v.itemsize for s in v.strides]
        return _window_type(len(strides))(v.ctypes.data, (idx * len(strides))(*strides))

    def _check_strides(self, values):
        for name, dim, want in self._stride_asserts:
            v = values[name]
            got = v.strides[dim] // v.itemsize
            if got != want:
                raise _bad_value(f"jit: {self.name}: argument '{name}' must have stride {want} in dimension {dim} "
                                f"(asserted), got {got}")


class _ConfigView(dict):
    """`f.config["Cfg"]["field"]`: reads and writes the context struct's fields
    (zero at first, kept between calls, as a C caller's context struct)."""

    def __init__(self, ctxt):
        super().__init__()
        for name, _ in type(ctxt)._fields_:
            self[name] = _ConfigFields(getattr(ctxt, name))


class _ConfigFields:
    def __init__(self, struct):
        object.__setattr__(self, "_s", struct)

    def __getitem__(self, field):
        return getattr(self._s, field)

    def __setitem__(self, field, value):
        setattr(self._s, field, value)

    def __repr__(self):
        return repr({n: getattr(self._s, n) for n, _ in self._s._fields_})


def jit(p, cflags=None, cc=None):
    """Compile procedure `p` for calls from Python (see the module's doc)."""
    return JitProcedure(p, cflags=cflags, cc=cc)
