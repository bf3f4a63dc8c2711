"""exo.stdlib.range_analysis: the values an index expression can take inside a
scope, worked out over cursors.

A range is `base + [lo, hi]` (both ends inclusive): `base` collects what stays
symbolic (variables without a known range, e.g. iterators of loops outside the
scope and sizes), `lo`/`hi` are integers or None when unbounded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from .._core import SchedulingError
from ..API_cursors import (
    BinaryOpCursor,
    Cursor,
    ExprCursor,
    ForCursor,
    LiteralCursor,
    ReadCursor,
    UnaryMinusCursor,
)
from .inspection import get_parents

# Symbolic bases are small trees: ZERO, ("var", name), ("+", a, b),
# ("*", a, int), ("/", a, int), ("neg", a).
ZERO = ("0",)


def _base_str(b):
    kind = b[0]
    if kind == "0":
        return "0"
    if kind == "var":
        return b[1]
    if kind == "neg":
        return f"-({_base_str(b[1])})"
    if kind == "+":
        return f"{_base_str(b[1])} + {_base_str(b[2])}"
    return f"({_base_str(b[1])}) {kind} {b[2]}"


def _coeff(b, name):
    kind = b[0]
    if kind == "var":
        return 1 if b[1] == name else 0
    if kind == "neg":
        return -_coeff(b[1], name)
    if kind == "+":
        return _coeff(b[1], name) + _coeff(b[2], name)
    if kind == "*":
        return _coeff(b[1], name) * b[2]
    if kind == "/":
        if _coeff(b[1], name):
            raise ValueError(f"cannot get the stride of {name}: it appears under a division")
        return 0
    return 0


def _opt(f, *xs):
    return None if any(x is None for x in xs) else f(*xs)


@dataclass
class IndexRange:
    """The values base + lo .. base + hi (inclusive); None: no bound that side."""

    base: tuple
    lo: Optional[int]
    hi: Optional[int]

    @staticmethod
    def create_unbounded():
        return IndexRange(ZERO, None, None)

    @staticmethod
    def create_int(x):
        return IndexRange(ZERO, x, x)

    @staticmethod
    def create_constant_range(lo, hi):
        return IndexRange(ZERO, lo, hi)

    def base_is_zero(self):
        return self.base == ZERO

    def get_bounds(self) -> Tuple[str, str]:
        """Exo text of the first value and one past the last ("-inf"/"inf"
        when unbounded)."""
        if self.base_is_zero():
            lo = "-inf" if self.lo is None else str(self.lo)
            hi = "inf" if self.hi is None else str(self.hi + 1)
            return lo, hi
        b = _base_str(self.base)
        lo = "-inf" if self.lo is None else f"{b} + {self.lo}"
        hi = "inf" if self.hi is None else f"{b} + {self.hi + 1}"
        return lo, hi

    def get_stride_of(self, name) -> int:
        """How much the range moves when variable `name` grows by one."""
        if not isinstance(name, str):
            name = name.name()  # a loop cursor
        return _coeff(self.base, name)

    def get_size(self):
        return _opt(lambda lo, hi: hi - lo + 1, self.lo, self.hi)

    def __str__(self):
        lo = "-inf" if self.lo is None else str(self.lo)
        hi = "inf" if self.hi is None else str(self.hi)
        return f"({_base_str(self.base)}, {lo}, {hi})"

    def __add__(self, other):
        if isinstance(other, int):
            return IndexRange(self.base, _opt(lambda a: a + other, self.lo), _opt(lambda a: a + other, self.hi))
        if self.base_is_zero():
            base = other.base
        elif other.base_is_zero():
            base = self.base
        else:
            base = ("+", self.base, other.base)
        return IndexRange(base, _opt(int.__add__, self.lo, other.lo), _opt(int.__add__, self.hi, other.hi))

    __radd__ = __add__

    def __neg__(self):
        base = ZERO if self.base_is_zero() else ("neg", self.base)
        return IndexRange(base, _opt(int.__neg__, self.hi), _opt(int.__neg__, self.lo))

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, c):
        return -self + c

    def __mul__(self, c):
        if not isinstance(c, int):
            raise ValueError("a range can only be multiplied by a constant")
        if c == 0:
            return 0
        base = ZERO if self.base_is_zero() else ("*", self.base, c)
        lo, hi = _opt(lambda a: a * c, self.lo), _opt(lambda a: a * c, self.hi)
        return IndexRange(base, lo, hi) if c > 0 else IndexRange(base, hi, lo)

    __rmul__ = __mul__

    def __floordiv__(self, c):
        if not isinstance(c, int):
            raise ValueError("a range can only be divided by a constant")
        if c == 0:
            raise ValueError("Cannot divide by 0.")
        if c < 0:
            return IndexRange.create_unbounded()
        if self.base_is_zero():
            return IndexRange(ZERO, _opt(lambda a: a // c, self.lo), _opt(lambda a: a // c, self.hi))
        # (base + k) / c lies within base/c + k // c .. base/c + k // c + 1
        both = self.lo is not None and self.hi is not None
        return IndexRange(("/", self.base, c), self.lo // c if both else None, self.hi // c + 1 if both else None)

    def __mod__(self, c):
        if not isinstance(c, int):
            raise ValueError("a range can only be taken modulo a constant")
        if self.base_is_zero() and self.lo is not None and self.hi is not None and self.lo // c == self.hi // c:
            return IndexRange(ZERO, self.lo % c, self.hi % c)
        return IndexRange(ZERO, 0, c - 1)

    def __or__(self, other):
        """The smallest range holding both (unbounded if the bases differ)."""
        if self.base != other.base:
            return IndexRange.create_unbounded()
        lo = other.lo if self.lo is None else self.lo if other.lo is None else min(self.lo, other.lo)
        hi = other.hi if self.hi is None else self.hi if other.hi is None else max(self.hi, other.hi)
        return IndexRange(self.base, lo, hi)


def index_range_analysis(expr: ExprCursor, env: dict):
    """The range of an index expression given {name: (lo, hi)} for the
    variables whose range is known; an int when the expression is constant."""
    if not isinstance(expr, ExprCursor):
        raise TypeError("expected an ExprCursor")
    if not isinstance(env, dict):
        raise TypeError("expected env to be a dict")

    def rng(e):
        if isinstance(e, ReadCursor):
            if e.name() not in env:
                return IndexRange(("var", e.name()), 0, 0)
            lo, hi = env[e.name()]
            return IndexRange(ZERO, lo, hi)
        if isinstance(e, LiteralCursor):
            return e.value()
        if isinstance(e, UnaryMinusCursor):
            return -rng(e.arg())
        if isinstance(e, BinaryOpCursor):
            a, b, op = rng(e.lhs()), rng(e.rhs()), e.op()
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if op == "/":
                return a // b
            if op == "%":
                return a % b
        raise ValueError(f"not an index expression: {e}")

    return rng(expr)


def constant_bound(expr, env: dict):
    """(lo, hi) integer bounds of `expr` (inclusive), None for a side that has
    none; (None, None) when the expression has a symbolic part."""
    if isinstance(expr, int):
        return (expr, expr)
    r = index_range_analysis(expr, env)
    if isinstance(r, int):
        return (r, r)
    if not r.base_is_zero():
        return (None, None)
    return (r.lo, r.hi)


def infer_range(idx_expr: Cursor, scope: Cursor) -> IndexRange:
    """The range of `idx_expr` over the iterations of the loops between it and
    `scope` (scope's own iterator stays symbolic)."""
    if not isinstance(idx_expr, Cursor) or not isinstance(scope, Cursor):
        raise TypeError("expected cursors")
    ancestors = list(get_parents(idx_expr.proc(), idx_expr, up_to=scope))[:-1]
    env = {}
    for loop in ancestors[::-1]:  # outermost first: inner bounds may use outer iterators
        if isinstance(loop, ForCursor):
            lo, _ = constant_bound(loop.lo(), env)
            _, hi = constant_bound(loop.hi(), env)
            env[loop.name()] = (lo, None if hi is None else hi - 1)
    r = index_range_analysis(idx_expr, env)
    return IndexRange.create_int(r) if isinstance(r, int) else r


def bounds_inference(loop, buffer_name: str, buffer_dim: int, include=("W",)):
    """The range of index `buffer_dim` of `buffer_name` over the accesses in
    `loop` ("R": reads, "W": assignments); None when there are none."""
    def matches(pattern):
        try:
            return loop.find(pattern, many=True)
        except SchedulingError:  # no access of that kind
            return []

    found = []
    if "R" in include:
        found += matches(f"{buffer_name}[_]")
    if "W" in include:
        found += matches(f"{buffer_name}[_] = _")
    bound = None
    for c in found:
        r = infer_range(c.idx()[buffer_dim], loop)
        bound = r if bound is None else bound | r
    return bound


__all__ = ["IndexRange", "index_range_analysis", "constant_bound", "infer_range", "bounds_inference"]
