"""The decorators @proc, @instr and @config.

Each takes the decorated function's (or class's) source text, finds where it
sits in its file, and hands it to the C++ parser together with a resolver that
answers what a free name means by looking into the function's closure, the
locals of the scope that defines it, and its module globals. Python never
evaluates Exo code, so `from __future__ import annotations` is not required to
parse, but without it Python itself evaluates the argument annotations.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
import types
import weakref

from .. import _core
from .._errors import api_error
from ..configs import Config
from ..procedure import Procedure
from .metaprogram import expand_metaprogram
from .scope_values import scope_value


# A @proc inside a function is defined again at every call (a new function
# object, the same code object): its source is read once. Reading it costs more
# than parsing and checking a small proc, so it is cached -- by the code
# object's identity, never by equality: two code objects compare equal when
# their functions differ only in Exo annotations (argument types, allocations),
# which are not part of the code. A weak reference drops the entry when the
# code object dies, so a later object with the same id() never finds it.
_source_cache = {}


def _source(obj, kind):
    """(filename, text starting at the def/class line, its file line, column offset)."""
    code = getattr(obj, "__code__", None)
    if code is None:
        return _read_source(obj, kind)
    key = id(code)
    hit = _source_cache.get(key)
    if hit is not None and hit[0]() is code:
        return hit[1]
    result = _read_source(obj, kind)
    _source_cache[key] = (weakref.ref(code, lambda _, key=key: _source_cache.pop(key, None)), result)
    return result


def _read_source(obj, kind):
    try:
        lines, first = inspect.getsourcelines(obj)
        filename = inspect.getsourcefile(obj) or inspect.getfile(obj)
    except (OSError, TypeError) as e:
        raise api_error(f"@{kind}: cannot read the source of {obj.__qualname__}: {e}") from None
    if first == 0:  # a module's source: cannot happen for functions/classes
        first = 1
    indent = len(lines[0]) - len(lines[0].lstrip())
    text = textwrap.dedent("".join(lines))
    # Skip the decorator lines: the definition line comes from Python's own parser.
    def_line = ast.parse(text).body[0].lineno
    body = "".join(text.splitlines(keepends=True)[def_line - 1 :])
    return filename, body, first + def_line - 1, indent


def _resolver(namespaces):
    def resolve(name):
        for ns in namespaces:
            if name in ns:
                return scope_value(ns[name])
        return None

    return resolve


def _closure_vars(f):
    out = {}
    for name, cell in zip(f.__code__.co_freevars, f.__closure__ or ()):
        try:
            out[name] = cell.cell_contents
        except ValueError:  # an unassigned cell
            pass
    return out


def _parse_proc(f, caller_locals, c_instr=None, c_global=""):
    if not isinstance(f, types.FunctionType):
        raise api_error("@proc decorator must be applied to a function")
    filename, body, def_line, indent = _source(f, "proc")
    namespaces = [_closure_vars(f), caller_locals, f.__globals__]
    # `with python:` blocks and `{...}` unquotes are expanded into plain Exo text
    # first (below); unquoted Python objects get fresh names.
    body, unquoted = expand_metaprogram(body, filename, def_line, namespaces, indent)
    if unquoted:
        namespaces = [unquoted] + namespaces
    # A synthetic decorator on the line above the definition keeps line numbers exact.
    handle = _core.parse_proc(
        "@proc\n" + body,
        filename,
        def_line - 1,
        indent,
        _resolver(namespaces),
        c_instr,
        c_global,
    )
    return Procedure(handle)


def proc(f) -> "Procedure":
    """Parse, typecheck and check an Exo procedure written as a Python function."""
    return _parse_proc(f, sys._getframe(1).f_locals)


def instr(c_instr, c_global=""):
    """Like @proc, for a hardware instruction: `c_instr` is the C template."""
    if not isinstance(c_instr, str):
        raise api_error("@instr decorator must be @instr(<your instruction>)")

    def inner(f):
        return _parse_proc(f, sys._getframe(1).f_locals, c_instr, c_global)

    return inner


def config(_cls=None, *, readwrite=True):
    """Parse a class of `field: type` lines as an Exo configuration."""

    def parse_config(cls):
        if not inspect.isclass(cls):
            raise api_error("@config decorator must be applied to a class")
        filename, body, def_line, indent = _source(cls, "config")
        handle = _core.parse_config("@config\n" + body, filename, def_line - 1, indent, readwrite)
        return Config(handle)

    return parse_config if _cls is None else parse_config(_cls)
