"""Scheduling primitives of the buffers family, as Procedure methods.

Each method converts nothing itself: it passes its arguments to the core
(exo._core.ProcHandle) and wraps the result as a new procedure of the same class.
"""


class BuffersPrimitives:
    pass
