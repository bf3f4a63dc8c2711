"""Scheduling primitives of the configs family, as Procedure methods.

Each method checks the Python-level argument kinds, passes the rest to the core
(exo._core.ProcHandle) and wraps the result as a new procedure of the same class.
"""

from ._sched_args import expr_text
from ._errors import api_error
from .configs import Config


def _config_handle(prim, argno, config, field):
    if not isinstance(config, Config):
        raise api_error(f"argument {argno}, 'config' to {prim}: expected a Config object")
    if not isinstance(field, str):
        raise api_error(f"argument {argno + 1}, 'field' to {prim}: expected a field name string")
    if not config.has_field(field):
        raise api_error(
            f"argument {argno + 1}, 'field' to {prim}: expected '{field}' to be a field of config '{config.name()}'",
            ValueError,
        )
    return config._handle


class ConfigsPrimitives:
    def bind_config(self, expr, config, field):
        """`s[e]` -> `config.field = e; s[config.field]` for the expression `expr`."""
        cfg = _config_handle("bind_config", 2, config, field)
        return type(self)(self._handle.bind_config(expr, cfg, field))

    def configwrite_root(self, config, field, expr):
        """Inserts `config.field = expr` at the start of the body."""
        cfg = _config_handle("configwrite_root", 1, config, field)
        text = expr_text("configwrite_root", 3, "expr", expr)
        return type(self)(self._handle.configwrite_root(cfg, field, text))

    def configwrite_after(self, stmt, config, field, expr):
        """Inserts `config.field = expr` right after the statement `stmt`."""
        cfg = _config_handle("configwrite_after", 2, config, field)
        text = expr_text("configwrite_after", 4, "expr", expr)
        return type(self)(self._handle.configwrite_after(stmt, cfg, field, text))

    def delete_config(self, stmt):
        """Deletes the config write `stmt` when no later read can tell."""
        return type(self)(self._handle.delete_config(stmt))
