"""Argument checks shared by the scheduling functions and Procedure methods.

Errors are exo errors that name the argument ("argument 2, 'div_const' to
divide_loop: ..."): exo.ApiTypeError, also a TypeError as exo-lang raises, or
exo.ApiError (a ValueError) for a value of the right type that is not allowed.
A Python int is unbounded and the compiler's integers are not: an integer
argument is taken exactly or refused with the allowed range, never truncated.
"""

from __future__ import annotations

import math
import numbers

from ._errors import api_error

INT32_MAX = 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def argument_error(fname, argno, argname, msg, kind=TypeError):
    """The exception for a bad argument (raise it): ApiTypeError for kind=TypeError, else ApiError."""
    return api_error(f"argument {argno}, '{argname}' to {fname}: {msg}", kind)


def _shown(value):
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:18]}...{text[-18:]} ({len(text)} digits)"


def int_arg(fname, argno, argname, value, lo=INT64_MIN, hi=INT64_MAX, what="an integer"):
    """`value` as an int in [lo, hi] (an integer of any Python type but bool), or the error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise argument_error(fname, argno, argname, f"expected {what}, got {_shown(value)}")
    value = int(value)
    if not lo <= value <= hi:
        raise argument_error(fname, argno, argname, f"expected {what} in [{lo}, {hi}], got {_shown(value)}")
    return value


def pos_int(fname, argno, argname, value, hi=INT64_MAX):
    """A positive integer no larger than `hi` (a count or factor)."""
    return int_arg(fname, argno, argname, value, 1, hi, "a positive integer")


def expr_text(prim, argno, argname, expr):
    """Exo text for an expression argument; Python numbers and bools become
    literals. Integers must fit in 64 bits and floats be finite: the compiler
    could not represent anything else exactly."""
    if isinstance(expr, bool):
        return "True" if expr else "False"
    if isinstance(expr, numbers.Integral):
        return str(int_arg(prim, argno, argname, expr, what="an integer (or an Exo expression string)"))
    if isinstance(expr, numbers.Real):
        if not math.isfinite(expr):
            raise argument_error(prim, argno, argname, f"expected a finite number, got {expr!r}")
        return repr(float(expr))
    if not isinstance(expr, str):
        raise argument_error(prim, argno, argname, "expected an Exo expression string")
    return expr
