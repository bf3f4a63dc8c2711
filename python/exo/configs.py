"""Configs: named, typed fields of accelerator state (`@config` classes)."""

from __future__ import annotations


class Config:
    """A checked @config class. Procs read and write its fields as `Cfg.field`."""

    def __init__(self, handle):
        self._handle = handle

    def name(self):
        return self._handle.name()

    def fields(self):
        """[(name, type name)] in declaration order."""
        return list(self._handle.fields())

    def has_field(self, field):
        return any(name == field for name, _ in self._handle.fields())

    def lookup_type(self, field):
        for name, typ in self._handle.fields():
            if name == field:
                return typ
        raise KeyError(f"config '{self.name()}' has no field '{field}'")

    def is_allow_rw(self):
        return self._handle.readwrite()

    def __repr__(self):
        return f"<exo config {self.name()}>"
