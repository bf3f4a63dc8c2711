"""exo.API_types: the types the scheduling API speaks of (ExoType)."""

from .API_cursors import ExoType

__all__ = ["ExoType"]
