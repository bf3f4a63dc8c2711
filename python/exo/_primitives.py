"""The scheduling primitives' Python surfaces, generated from the core's records.

`exo._core.primitive_table()` lists every primitive once (python/src/sched_records_*.cpp):
its Procedure method name, its exo-lang function name (exo.API_scheduling), a doc
line and each surface's parameters with their defaults. From it this module makes
real Python functions (so `inspect.signature`, `help()` and arity errors are those
of ordinary functions) whose body hands the arguments to
`exo._core.apply_primitive`, which converts and checks them once, applies the
primitive and wraps the result in the procedure's class.
"""

from __future__ import annotations

import linecache
import os
import sys

from . import _core, _trace

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _call_site():
    """(file, line, source text) of the innermost frame outside the exo
    package: the user's schedule line that led to the primitive."""
    f = sys._getframe(2)
    while f is not None:
        name = f.f_code.co_filename
        if not name.startswith(_PACKAGE) and not name.startswith("<"):
            return name, f.f_lineno, linecache.getline(name, f.f_lineno).strip()
        f = f.f_back
    return None


_NAMES = {}  # primitive index -> name, for traces


def _apply_noting_call_site(index, api, first, args):
    try:
        out = _core.apply_primitive(index, api, first, args)
    except _core.ExoError as e:
        if _trace._ACTIVE:
            _trace.record(_NAMES[index], _call_site(), first, args, None, str(e))
        # Where the user's script asked for it, when the message points at the
        # procedure's code (an argument error without a position is reported at
        # the script's line already); shown by tracebacks and exocc's report.
        if getattr(e, "line", 0) and getattr(e, "call_site", None) is None:
            site = _call_site()
            e.call_site = site
            if site is not None:
                e.add_note(f"  called at {site[0]}:{site[1]}: {site[2]}")
        raise
    if _trace._ACTIVE:
        _trace.record(_NAMES[index], _call_site(), first, args, out, "")
    return out


def _source(index, name, api, params):
    first = "proc" if api else "self"
    sig = ", ".join([first] + [n if d is None else f"{n}={d}" for n, d in params])
    args = "".join(f"{n}, " for n, _ in params)
    return f"def {name}({sig}):\n    return _apply({index}, {api}, {first}, ({args}))\n"


def _build():
    methods, functions, sources, docs = {}, {}, [], {}
    for index, seed, api_name, doc, params, api_params in _core.primitive_table():
        _NAMES[index] = api_name or seed
        if seed:
            sources.append(_source(index, f"_m_{seed}", False, params))
            methods[seed] = (f"_m_{seed}", doc)
        if api_name:
            sources.append(_source(index, f"_f_{api_name}", True, api_params))
            functions[api_name] = (f"_f_{api_name}", doc)
    namespace = {"_apply": _apply_noting_call_site}
    exec(compile("".join(sources), "<exo primitives>", "exec"), namespace)

    def named(table, module, qual):
        out = {}
        for public, (private, doc) in table.items():
            fn = namespace[private]
            fn.__name__ = public
            fn.__qualname__ = f"{qual}{public}"
            fn.__module__ = module
            fn.__doc__ = doc
            out[public] = fn
        return out

    return named(methods, "exo.procedure", "Procedure."), named(functions, "exo.API_scheduling", "")


METHODS, FUNCTIONS = _build()
