"""A read-only view of a procedure's structure (exo-lang's `get_ast()`).

Every node has `node` (its kind: "Proc", "For", "Assign", "Read", ...), the
fields of that kind as attributes, `srcinfo`, `children()` and `walk()`.
"""

from __future__ import annotations


class QNode:
    __slots__ = ("_fields",)

    def __init__(self, fields):
        object.__setattr__(self, "_fields", fields)

    def __getattr__(self, name):
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(f"{self._fields['node']} node has no field '{name}'") from None

    def __setattr__(self, name, value):
        raise AttributeError("the procedure view is read-only")

    def fields(self):
        return tuple(k for k in self._fields if k not in ("node", "srcinfo"))

    def children(self):
        """Direct sub-nodes, in source order."""
        for k in self.fields():
            v = self._fields[k]
            if isinstance(v, QNode):
                yield v
            elif isinstance(v, tuple):
                for x in v:
                    if isinstance(x, QNode):
                        yield x
                    elif isinstance(x, dict):  # window coordinates
                        yield from (y for y in x.values() if isinstance(y, QNode))

    def walk(self):
        """This node and all nodes below it, depth first."""
        yield self
        for c in self.children():
            yield from c.walk()

    def __repr__(self):
        inner = ", ".join(f"{k}={self._fields[k]!r}" for k in self.fields())
        return f"{self._fields['node']}({inner})"


def _convert(v):
    if isinstance(v, dict) and "node" in v:
        return QNode({k: _convert(x) if k != "srcinfo" else x for k, x in v.items()})
    if isinstance(v, dict):
        return {k: _convert(x) for k, x in v.items()}
    if isinstance(v, list):
        return tuple(_convert(x) for x in v)
    return v


def make_qast(d):
    return _convert(d)
