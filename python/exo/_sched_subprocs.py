"""Scheduling primitives of the subprocs family, as Procedure methods.

Each method converts nothing itself: it passes its arguments to the core
(exo._core.ProcHandle) and wraps the result as a new procedure of the same class.
"""


class SubprocsPrimitives:
    pass
