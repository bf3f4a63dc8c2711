"""What a Python value means in Exo code: the answer the resolver gives the core
for a free name, and the test of whether an unquoted value has an Exo meaning."""

from __future__ import annotations

import math
import numbers

from ..configs import Config
from ..extern import Extern, extern_handle
from ..memory import Memory, memory_handle
from ..procedure import Procedure


def scope_value(value):
    """What a Python value means in Exo code, as the core's handle (or None)."""
    if isinstance(value, Procedure):
        return value._handle
    if isinstance(value, type) and issubclass(value, Memory):
        return memory_handle(value)
    if isinstance(value, Config):
        return value._handle
    if isinstance(value, Extern):
        return extern_handle(value)
    # Numbers are checked by the core: one that Exo cannot represent exactly
    # (an int beyond 64 bits, a float that is not finite) is refused at its uses.
    if isinstance(value, (bool, numbers.Integral)):
        return value if isinstance(value, bool) else int(value)
    if isinstance(value, numbers.Real):
        try:
            return float(value)
        except OverflowError:  # e.g. a huge Fraction: not a finite double
            return math.inf
    return None
