"""exo.core.LoopIR: the names of exo-lang's IR node kinds.

The IR here is the C++ core's; Python sees procedures through `Procedure`
and cursors. This module gives the node-kind names that code written for
exo-lang imports, as classes (for isinstance checks), so such files import;
a read-only LoopIR view of procedures (`Procedure._loopir_proc`) is not offered.
"""

__all__ = ["LoopIR", "T"]

_STMTS = ("Assign", "Reduce", "WriteConfig", "Pass", "If", "For", "Alloc", "Free", "Call",
          "WindowStmt")
_EXPRS = ("Read", "WindowExpr", "Const", "USub", "BinOp", "Extern", "StrideExpr", "ReadConfig")
_OTHER = ("proc", "fnarg", "Point", "Interval", "instr")


class LoopIR:
    """Namespace of the IR's node kinds, as exo-lang names them."""


class T:
    """Namespace of the IR's types, as exo-lang names them."""


for _name in _STMTS + _EXPRS + _OTHER:
    setattr(LoopIR, _name, type(_name, (), {"__module__": __name__, "__qualname__": f"LoopIR.{_name}"}))
for _name in ("Num", "F16", "F32", "F64", "INT8", "UINT8", "UINT16", "INT32", "Bool", "Int",
              "Index", "Size", "Stride", "Tensor", "Window", "Error"):
    setattr(T, _name, type(_name, (), {"__module__": __name__, "__qualname__": f"T.{_name}"}))
