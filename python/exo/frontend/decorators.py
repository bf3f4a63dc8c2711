"""The decorators @proc, @instr and @config.

Each takes the decorated function's (or class's) source text, finds where it
sits in its file, and hands it to the C++ parser together with a resolver that
answers what a free name means by looking into the function's closure, the
locals of the scope that defines it, and its module globals. Python never
evaluates Exo code, so `from __future__ import annotations` is not required to
parse, but without it Python itself evaluates the argument annotations.
"""

from __future__ import annotations

import ast
import inspect
import math
import numbers
import sys
import textwrap
import types
import weakref

from .. import _core
from .._errors import api_error
from ..configs import Config
from ..extern import Extern, extern_handle
from ..memory import Memory, memory_handle
from ..procedure import Procedure


# A @proc inside a function is defined again at every call (a new function
# object, the same code object): its source is read once. Reading it costs more
# than parsing and checking a small proc, so it is cached -- by the code
# object's identity, never by equality: two code objects compare equal when
# their functions differ only in Exo annotations (argument types, allocations),
# which are not part of the code. A weak reference drops the entry when the
# code object dies, so a later object with the same id() never finds it.
_source_cache = {}


def _source(obj, kind):
    """(filename, text starting at the def/class line, its file line, column offset)."""
    code = getattr(obj, "__code__", None)
    if code is None:
        return _read_source(obj, kind)
    key = id(code)
    hit = _source_cache.get(key)
    if hit is not None and hit[0]() is code:
        return hit[1]
    result = _read_source(obj, kind)
    _source_cache[key] = (weakref.ref(code, lambda _, key=key: _source_cache.pop(key, None)), result)
    return result


def _read_source(obj, kind):
    try:
        lines, first = inspect.getsourcelines(obj)
        filename = inspect.getsourcefile(obj) or inspect.getfile(obj)
    except (OSError, TypeError) as e:
        raise api_error(f"@{kind}: cannot read the source of {obj.__qualname__}: {e}") from None
    if first == 0:  # a module's source: cannot happen for functions/classes
        first = 1
    indent = len(lines[0]) - len(lines[0].lstrip())
    text = textwrap.dedent("".join(lines))
    # Skip the decorator lines: the definition line comes from Python's own parser.
    def_line = ast.parse(text).body[0].lineno
    body = "".join(text.splitlines(keepends=True)[def_line - 1 :])
    return filename, body, first + def_line - 1, indent


def _scope_value(value):
    """What a Python value means in Exo code, as the core's handle (or None)."""
    if isinstance(value, Procedure):
        return value._handle
    if isinstance(value, type) and issubclass(value, Memory):
        return memory_handle(value)
    if isinstance(value, Config):
        return value._handle
    if isinstance(value, Extern):
        return extern_handle(value)
    # Numbers are checked by the core: one that Exo cannot represent exactly
    # (an int beyond 64 bits, a float that is not finite) is refused at its uses.
    if isinstance(value, (bool, numbers.Integral)):
        return value if isinstance(value, bool) else int(value)
    if isinstance(value, numbers.Real):
        try:
            return float(value)
        except OverflowError:  # e.g. a huge Fraction: not a finite double
            return math.inf
    return None


def _resolver(namespaces):
    def resolve(name):
        for ns in namespaces:
            if name in ns:
                return _scope_value(ns[name])
        return None

    return resolve


def _closure_vars(f):
    out = {}
    for name, cell in zip(f.__code__.co_freevars, f.__closure__ or ()):
        try:
            out[name] = cell.cell_contents
        except ValueError:  # an unassigned cell
            pass
    return out


def _parse_proc(f, caller_locals, c_instr=None, c_global=""):
    if not isinstance(f, types.FunctionType):
        raise api_error("@proc decorator must be applied to a function")
    filename, body, def_line, indent = _source(f, "proc")
    namespaces = [_closure_vars(f), caller_locals, f.__globals__]
    # `with python:` blocks and `{...}` unquotes are expanded into plain Exo text
    # first (below); unquoted Python objects get fresh names.
    body, unquoted = expand_metaprogram(body, filename, def_line, namespaces, indent)
    if unquoted:
        namespaces = [unquoted] + namespaces
    # A synthetic decorator on the line above the definition keeps line numbers exact.
    handle = _core.parse_proc(
        "@proc\n" + body,
        filename,
        def_line - 1,
        indent,
        _resolver(namespaces),
        c_instr,
        c_global,
    )
    return Procedure(handle)


def proc(f) -> "Procedure":
    """Parse, typecheck and check an Exo procedure written as a Python function."""
    return _parse_proc(f, sys._getframe(1).f_locals)


def instr(c_instr, c_global=""):
    """Like @proc, for a hardware instruction: `c_instr` is the C template."""
    if not isinstance(c_instr, str):
        raise api_error("@instr decorator must be @instr(<your instruction>)")

    def inner(f):
        return _parse_proc(f, sys._getframe(1).f_locals, c_instr, c_global)

    return inner


def config(_cls=None, *, readwrite=True):
    """Parse a class of `field: type` lines as an Exo configuration."""

    def parse_config(cls):
        if not inspect.isclass(cls):
            raise api_error("@config decorator must be applied to a class")
        filename, body, def_line, indent = _source(cls, "config")
        handle = _core.parse_config("@config\n" + body, filename, def_line - 1, indent, readwrite)
        return Config(handle)

    return parse_config if _cls is None else parse_config(_cls)


# --------------------------------------------------------------------------- #
# Metaprogramming: `with python:` / `with exo:` blocks, `{...}` and `~{...}`
#
# The expansion happens here, before the core parses anything: the Python code
# of `with python:` blocks runs (with its `with exo:` blocks turned into calls
# that emit their Exo statements), and the result is plain Exo text. Emitted
# statements are preceded by `#@exo-srcline LINE COLSHIFT` comments, which the
# core's lexer uses to give them the positions they have in the user's file.
# Unquoted Python objects that have no Exo spelling (memories, procs, externs)
# are bound to fresh names the resolver answers.


class ExoQuote:
    """A quoted Exo expression (`~{...}`), as Exo source text."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return f"~{{{self.text}}}"


class ExoStmtQuote:
    """Quoted Exo statements (`with exo as s:`), unquoted with `{s}`."""

    def __init__(self, chunks):
        self._chunks = chunks

    def __repr__(self):
        return "<exo statements: " + "; ".join(c[3] for c in self._chunks) + ">"


def _with_kind(s):
    """"python" / "exo" for `with python:` / `with exo [as x]:` statements."""
    if isinstance(s, ast.With) and len(s.items) == 1:
        e = s.items[0].context_expr
        if isinstance(e, ast.Name) and e.id in ("python", "exo"):
            return e.id
    return None


def _is_unquote(node):
    return isinstance(node, ast.Set) and len(node.elts) == 1


def _is_quote(node):
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert) and _is_unquote(node.operand)


def _needs_expansion(fdef):
    return any(_with_kind(n) or _is_unquote(n) for n in ast.walk(fdef))


def _exo_names(fdef):
    """Names Exo code binds (arguments, loop variables, allocations, windows):
    these are never unquoted implicitly."""
    names = {a.arg for a in fdef.args.args}

    def walk(stmts, in_python):
        for s in stmts:
            kind = _with_kind(s)
            if kind:
                walk(s.body, kind == "python")
                continue
            if not in_python:
                if isinstance(s, ast.For) and isinstance(s.target, ast.Name):
                    names.add(s.target.id)
                elif isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name):
                    names.add(s.target.id)
                elif isinstance(s, ast.Assign):
                    names.update(t.id for t in s.targets if isinstance(t, ast.Name))
            for field in ("body", "orelse", "finalbody", "handlers"):
                walk(getattr(s, field, []) or [], in_python)

    walk(fdef.body, False)
    return names


def _exo_nodes(node):
    """The nodes of Exo code under `node`: not inside unquotes `{...}` (Python
    expressions) nor inside nested `with python:` blocks."""
    todo = [node]
    while todo:
        n = todo.pop()
        yield n
        if _with_kind(n) == "python" or _is_unquote(n):
            continue
        todo.extend(ast.iter_child_nodes(n))


def _implicit_names(node, exo_names):
    """Name reads in the Exo code under `node` that may be implicit unquotes: not
    Exo names, not called functions, not attribute bases (`Cfg` in `Cfg.field`)."""
    nodes = list(_exo_nodes(node))
    skip = set()
    for n in nodes:
        if isinstance(n, ast.Call):
            skip.add(id(n.func))
        elif isinstance(n, ast.Attribute):
            skip.add(id(n.value))
    return [
        n
        for n in nodes
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in exo_names and id(n) not in skip
    ]


_NOT_FOUND = object()


class _Template:
    """An Exo fragment inside Python code (`with exo:` body or `~{...}` expression)
    and the Python expressions whose values it needs when it is used."""

    def __init__(self, nodes, exo_names):
        self.nodes = nodes
        self.unquotes, self.names = [], []
        for top in nodes:
            self.unquotes += [n for n in _exo_nodes(top) if _is_unquote(n)]
            self.names += _implicit_names(top, exo_names)


class _PythonRewriter(ast.NodeTransformer):
    """Turns the Python code of a `with python:` block into code that calls the
    expander: `with exo:` emits, `~{e}` quotes, `{s}` emits quoted statements,
    and Exo names that Python does not define become quotes of themselves."""

    def __init__(self, expander):
        self.x = expander

    def _call(self, fn, *args):
        return ast.Call(func=ast.Name(id=fn, ctx=ast.Load()), args=list(args), keywords=[])

    def _lambda(self, body):
        no_args = ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                                defaults=[])
        return ast.Lambda(args=no_args, body=body)

    def _template_call(self, fn, tmpl_id):
        t = self.x.templates[tmpl_id]
        values = ast.Tuple(elts=[self._lambda(self.visit(copy_node(u.elts[0]))) for u in t.unquotes], ctx=ast.Load())
        names = ast.Tuple(elts=[self._lambda(ast.Name(id=n.id, ctx=ast.Load())) for n in t.names], ctx=ast.Load())
        return self._call(fn, ast.Constant(tmpl_id), values, names)

    def visit_With(self, node):
        kind = _with_kind(node)
        if kind == "python":
            raise self.x.error(node, "'with python:' cannot be nested directly in Python code")
        if kind != "exo":
            return self.generic_visit(node)
        tid = self.x.add_template(node.body)
        target = node.items[0].optional_vars
        if target is None:
            return ast.Expr(value=self._template_call("__exo_emit__", tid))
        return ast.Assign(targets=[target], value=self._template_call("__exo_quote_stmts__", tid))

    def visit_UnaryOp(self, node):
        if not _is_quote(node):
            return self.generic_visit(node)
        tid = self.x.add_template([node.operand.elts[0]])
        return self._template_call("__exo_quote__", tid)

    def visit_Expr(self, node):
        if _is_unquote(node.value):
            return ast.Expr(value=self._call("__exo_emit_quoted__", self.visit(node.value.elts[0])))
        return self.generic_visit(node)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.x.exo_names:
            return self._call("__exo_name__", ast.Constant(node.id), self._lambda(ast.Name(id=node.id, ctx=ast.Load())))
        return node


def copy_node(node):
    import copy

    return copy.deepcopy(node)


class _Expander:
    def __init__(self, text, filename, def_line, namespaces, fdef, col_offset=0):
        self.lines = text.splitlines()
        self.filename = filename
        self.def_line = def_line
        self.col_offset = col_offset  # of the dedented text in its file
        self.exo_names = _exo_names(fdef)
        self.templates = []
        self.bound = {}  # fresh name -> unquoted Python object
        self.chunks = []  # (text line, original column, indent, first line, continuation lines)
        self.indent = 0
        self.in_unquote = False
        env = {}
        for ns in reversed(namespaces):
            env.update(ns)
        env.update(
            __exo_emit__=self._emit_template,
            __exo_quote_stmts__=self._quote_stmts,
            __exo_quote__=self._quote_expr,
            __exo_emit_quoted__=self._emit_quoted,
            __exo_name__=self._name,
        )
        self.env = env

    # ---- values of unquotes ----
    def add_template(self, nodes):
        self.templates.append(_Template(nodes, self.exo_names))
        return len(self.templates) - 1

    def _evaluate(self, thunk):
        was, self.in_unquote = self.in_unquote, True
        try:
            return thunk()
        finally:
            self.in_unquote = was

    def _lookup(self, tmpl, values, names):
        found = {id(u): self._evaluate(v) for u, v in zip(tmpl.unquotes, values)}
        for n, thunk in zip(tmpl.names, names):
            try:
                v = thunk()
            except NameError:
                continue
            if isinstance(v, (ExoQuote, numbers.Number)):
                found[id(n)] = v
        return found

    def splice(self, value, node):
        """Exo text for an unquoted Python value."""
        if isinstance(value, ExoQuote):
            return value.text if isinstance(node, ast.Name) else f"({value.text})"
        if isinstance(value, ExoStmtQuote):
            raise self.error(node, "quoted statements cannot be unquoted as an expression")
        if isinstance(value, bool):
            return "True" if value else "False"
        if isinstance(value, numbers.Integral):
            if not -(2**63) <= value < 2**63:
                raise self.error(node, f"the unquoted Python int {value} does not fit in a 64-bit integer")
            return str(int(value)) if value >= 0 else f"({int(value)})"
        if isinstance(value, numbers.Real):
            if not math.isfinite(value):
                raise self.error(node, f"the unquoted Python number {value!r} is not finite")
            return repr(float(value)) if value >= 0 else f"({float(value)!r})"
        if isinstance(value, str):
            return value  # a type such as "i32", spliced as written
        if isinstance(value, slice):
            if value.start is None or value.stop is None or value.step is not None:
                raise self.error(node, "Unquote returned slice index with step (an unquoted slice needs a start and a stop and no step)")
            return f"{self.splice(value.start, node)}:{self.splice(value.stop, node)}"
        name = f"__exo_unquoted_{len(self.bound)}"
        self.bound[name] = value
        return name

    def error(self, node, msg):
        line = self.def_line + node.lineno - 1
        return _core.make_error("parse", msg, self.filename, line, self.col_offset + node.col_offset + 1)

    # ---- statements ----
    def text_of(self, node, found):
        """Source text of `node` with the unquotes in `found` spliced in."""
        l0, c0 = node.lineno, node.col_offset
        lines = self.lines[l0 - 1 : node.end_lineno]
        lines[-1] = lines[-1][: node.end_col_offset] if node.end_lineno == l0 else lines[-1][: node.end_col_offset]
        lines[0] = lines[0][c0:]
        edits = []
        for n in ast.walk(node):
            if id(n) in found:
                edits.append((n, found[id(n)]))
        # Right to left, bottom to top, so earlier positions stay valid.
        for n, v in sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True):
            a, b = n.lineno - l0, n.end_lineno - l0
            ca = n.col_offset - (c0 if a == 0 else 0)
            cb = n.end_col_offset - (c0 if b == 0 else 0)
            text = self.splice(v, n)
            lines[a : b + 1] = [lines[a][:ca] + text + lines[b][cb:]]
        return lines

    def emit(self, node, lines, indent):
        self.chunks.append((node.lineno + 1, node.col_offset, self.indent + indent, lines[0], lines[1:]))

    def block(self, stmts, indent, found):
        for s in stmts:
            self.stmt(s, indent, found)

    def stmt(self, s, indent, found):
        kind = _with_kind(s)
        if kind == "python":
            return self.run_python(s, indent)
        if kind == "exo":
            raise self.error(s, "'with exo:' is only allowed inside 'with python:'")
        if isinstance(s, (ast.For, ast.If)) and s.body[0].lineno > s.lineno:
            header = s.iter if isinstance(s, ast.For) else s.test
            head = self.text_of(s, {})[0]
            # The header up to its ':' with unquotes in the iterator/condition spliced.
            pre = head[: header.col_offset - s.col_offset]
            cond = self.text_of(header, found)
            if len(cond) != 1:
                raise self.error(s, "a loop or if header with unquotes must fit on one line")
            if pre.startswith("elif"):
                pre = pre[2:]
            self.emit(s, [pre + cond[0] + ":"], indent)
            self.block(s.body, indent + 4, found)
            if s.orelse:
                else_node = ast.Pass(lineno=s.orelse[0].lineno - 1, col_offset=s.col_offset)
                self.emit(else_node, ["else:"], indent)
                self.block(s.orelse, indent + 4, found)
            return
        self.emit(s, self.text_of(s, found), indent)

    # ---- Python code ----
    def run_python(self, with_node, indent):
        # The block runs as module-level code: statements that only make sense
        # inside the procedure's own function are refused with exo-lang's texts.
        todo = list(with_node.body)
        while todo:
            n = todo.pop()
            if isinstance(n, ast.Nonlocal):
                raise self.error(n, "nonlocal is not supported in metalanguage fragments")
            if isinstance(n, ast.Return):
                raise self.error(n, "cannot return from metalanguage fragment")
            if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                todo.extend(ast.iter_child_nodes(n))
        module = ast.Module(body=[copy_node(s) for s in with_node.body], type_ignores=[])
        module = ast.fix_missing_locations(_PythonRewriter(self).visit(module))
        ast.increment_lineno(module, self.def_line - 1)
        code = compile(module, self.filename, "exec")
        was = self.indent
        self.indent += indent
        try:
            exec(code, self.env)
        finally:
            self.indent = was

    def _emit_template(self, tid, values, names):
        t = self.templates[tid]
        if self.in_unquote:
            raise self.error(t.nodes[0], "cannot emit Exo statements while unquoting an expression")
        self.block(t.nodes, 0, self._lookup(t, values, names))

    def _quote_stmts(self, tid, values, names):
        t = self.templates[tid]
        found = self._lookup(t, values, names)
        saved, was = self.chunks, self.indent
        self.chunks, self.indent = [], 0
        try:
            self.block(t.nodes, 0, found)
            return ExoStmtQuote(self.chunks)
        finally:
            self.chunks, self.indent = saved, was

    def _emit_quoted(self, quote):
        if self.in_unquote:
            raise _core.make_error("parse", "cannot emit quoted Exo statements while unquoting an expression")
        if not isinstance(quote, ExoStmtQuote):
            raise api_error(f"{{...}} as a statement needs quoted statements ('with exo as s:'), got {quote!r}")
        for line, col, ind, first, rest in quote._chunks:
            self.chunks.append((line, col, self.indent + ind, first, rest))

    def _quote_expr(self, tid, values, names):
        t = self.templates[tid]
        return ExoQuote(" ".join(self.text_of(t.nodes[0], self._lookup(t, values, names))))

    def _name(self, name, thunk):
        try:
            return thunk()
        except NameError:
            return ExoQuote(name)

    # ---- the whole procedure ----
    def expand(self, fdef):
        body_start = fdef.body[0].lineno
        top = {}
        header_unquotes = [n for a in fdef.args.args if a.annotation for n in ast.walk(a.annotation) if _is_unquote(n)]
        for u in header_unquotes:
            top[id(u)] = self._evaluate(lambda u=u: eval(compile(ast.Expression(u.elts[0]), self.filename, "eval"), self.env))
        header = self.lines[: body_start - 1]
        if top:
            header = self._splice_region(header, header_unquotes, top)
        out = list(header)
        for s in fdef.body:
            found = {}
            for n in _exo_nodes(s):
                if _is_unquote(n):
                    found[id(n)] = self._evaluate(
                        lambda n=n: eval(compile(ast.Expression(n.elts[0]), self.filename, "eval"), self.env)
                    )
            self.stmt(s, fdef.body[0].col_offset, found)
        for line, col, ind, first, rest in self.chunks:
            out.append(f"#@exo-srcline {line} {col - ind}")
            out.append(" " * ind + first)
            out.extend(rest)
        if len(out) == len(header):  # everything was Python: an empty body
            out += [f"#@exo-srcline {body_start + 1} 0", "    pass"]
        return "\n".join(out) + "\n"

    def _splice_region(self, lines, unquotes, found):
        lines = list(lines)
        for n in sorted(unquotes, key=lambda n: (n.lineno, n.col_offset), reverse=True):
            a, b = n.lineno - 1, n.end_lineno - 1
            text = self.splice(found[id(n)], n)
            lines[a : b + 1] = [lines[a][: n.col_offset] + text + lines[b][n.end_col_offset :]]
        return lines


_plain_sources = set()  # source texts without metaprogramming


def expand_metaprogram(text, filename, def_line, namespaces, col_offset=0):
    """(Exo text, {fresh name: Python object}) for the source of a @proc: `text`
    unchanged when it uses no metaprogramming."""
    if text in _plain_sources:
        return text, {}
    try:
        fdef = ast.parse(text).body[0]
    except SyntaxError:
        return text, {}  # the core reports it with its own message
    if not _needs_expansion(fdef):
        _plain_sources.add(text)
        return text, {}
    x = _Expander(text, filename, def_line, namespaces, fdef, col_offset)
    return x.expand(fdef), x.bound
