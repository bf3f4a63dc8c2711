"""Argument conversions shared by the Procedure scheduling mixins."""


def expr_text(prim, argno, argname, expr):
    """Exo text for an expression argument; Python numbers and bools become literals."""
    if isinstance(expr, bool):
        return "True" if expr else "False"
    if isinstance(expr, (int, float)):
        return repr(expr)
    if not isinstance(expr, str):
        raise TypeError(f"argument {argno}, '{argname}' to {prim}: expected an Exo expression string")
    return expr
