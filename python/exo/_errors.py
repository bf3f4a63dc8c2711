"""Exo errors raised by the Python layer itself (wrong uses of the API).

They are the core's classes with the core's text and attributes: exo.ApiTypeError
(an ApiError that is also a TypeError, where exo-lang raised TypeError) or
exo.ApiError (also a ValueError)."""

from __future__ import annotations

from . import _core


def api_error(msg, kind=TypeError):
    """The exception (raise it) for a misuse of the API described by `msg`."""
    return _core.make_error("api_type" if kind is TypeError else "api", msg)
