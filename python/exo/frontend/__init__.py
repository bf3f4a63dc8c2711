"""The Python front end: the decorators (`decorators`), the Python-syntax view of
Exo source (`pyparser`) and the names Exo code uses (`syntax`)."""

from .decorators import config, instr, proc

__all__ = ["proc", "instr", "config"]
