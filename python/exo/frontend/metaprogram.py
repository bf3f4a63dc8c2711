"""Metaprogramming in a @proc body (exo-lang's docs/Metaprogramming.md):
`with python:` blocks, `with exo:` fragments, `{...}` unquotes, `~{...}` quotes.

The body becomes one Python function. Python code runs as written; each Exo
statement becomes a call that emits its text with the values of the unquotes it
contains, evaluated where it stands; every name Exo code binds (arguments, loop
variables, allocations, windows) is a local of that function bound to a quote of
itself. So a name means what its innermost binding says, Exo or Python:

    a = 3
    @proc
    def foo(a: i8):
        a = {a}          # the argument a: `a = a`

A name in Exo code that Python binds is unquoted implicitly (`x` below is 2):

    with python:
        x = 2
        with exo:
            a = a * x

The result is plain Exo text for the core's parser; each emitted statement is
preceded by a `#@exo-srcline LINE COL` comment so that the core reports errors at
the statement's place in the user's file. Python objects without an Exo
spelling (memories, procs, externs) are bound to fresh names the resolver
answers.
"""

from __future__ import annotations

import ast
import copy
import numbers

from .. import _core
from .unquote import (
    _NOT_FOUND,
    _TYPE_KEYWORDS,
    ExoQuote,
    ExoStmtQuote,
    Splicer,
    _contexts,
    _is_unquote,
    _lookup,
    _Template,
)


def _with_kind(s):
    """"python" / "exo" for `with python:` / `with exo [as x]:`, "other" for other
    `with` statements, None for the rest."""
    if not isinstance(s, ast.With):
        return None
    if len(s.items) == 1:
        e = s.items[0].context_expr
        if isinstance(e, ast.Name) and e.id in ("python", "exo"):
            return e.id
    return "other"


def _is_quote(node):
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert) and _is_unquote(node.operand)


def _annotations(fdef):
    out = [a.annotation for a in fdef.args.args if a.annotation]
    out += [s.annotation for s in ast.walk(fdef) if isinstance(s, ast.AnnAssign)]
    return out


def _type_names(annotation):
    """Names in type positions of an annotation (not its dimensions or memory)."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.MatMult):
        annotation = annotation.left
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    if isinstance(annotation, ast.List) and annotation.elts:
        return _type_names(annotation.elts[0])
    return [annotation.id] if isinstance(annotation, ast.Name) else []


def _memory_needs_python(annotation):
    return (
        isinstance(annotation, ast.BinOp)
        and isinstance(annotation.op, ast.MatMult)
        and not isinstance(annotation.right, (ast.Name, ast.Attribute, ast.Set))
    )


def needs_expansion(fdef, namespaces):
    """Whether the body uses metaprogramming: blocks, unquotes, or annotations that
    name a Python value (a type held in a string, a memory computed by Python)."""
    if any(_with_kind(n) in ("python", "exo") or _is_unquote(n) for n in ast.walk(fdef)):
        return True
    for a in _annotations(fdef):
        if _memory_needs_python(a):
            return True
        for name in _type_names(a):
            if name not in _TYPE_KEYWORDS and isinstance(_lookup(namespaces, name), str):
                return True
    return False


def type_names_are_keywords(fdef):
    """True when no annotation could name a Python value: the answer of
    needs_expansion then depends on the text alone."""
    return all(
        not _memory_needs_python(a) and all(n in _TYPE_KEYWORDS for n in _type_names(a)) for a in _annotations(fdef)
    )


# ---------------------------------------------------------------------------
# The body as a Python function
# ---------------------------------------------------------------------------


def _call(fn, *args):
    return ast.Call(func=ast.Name(id=fn, ctx=ast.Load()), args=list(args), keywords=[])


def _thunk(body):
    no_args = ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
    return ast.Lambda(args=no_args, body=body)


def _bind(name):
    """`name = __exo_sym__("name")`: the name Exo code just bound."""
    return ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=_call("__exo_sym__", ast.Constant(name)))


def _python_assigned(stmts):
    """Names the Python code of `stmts` assigns in the function's own scope."""
    out = set()
    todo = list(stmts)
    while todo:
        n = todo.pop()
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            out.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(n.name)
            continue
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            out.update((a.asname or a.name).split(".")[0] for a in n.names)
        elif isinstance(n, ast.Lambda) or _with_kind(n) == "exo":
            if _with_kind(n) == "exo" and n.items[0].optional_vars is not None:
                todo.append(n.items[0].optional_vars)
            continue
        todo.extend(ast.iter_child_nodes(n))
    return out


class _PythonRewriter(ast.NodeTransformer):
    """Python code of a `with python:` block: `with exo:` emits, `with exo as s:`
    quotes statements, `~{e}` quotes an expression, `{s}` emits quoted statements."""

    def __init__(self, gen):
        self.gen = gen

    def visit_With(self, node):
        kind = _with_kind(node)
        if kind == "python":
            raise self.gen.error(node, "'with python:' cannot be nested directly in Python code")
        if kind != "exo":
            return self.generic_visit(node)
        body = self.gen.exo_block(node.body)
        target = node.items[0].optional_vars
        if target is None:
            return body or [ast.Pass()]
        # with __exo_capture__() as __exo_captured__: ...; s = __exo_captured__.quote()
        holder = f"__exo_captured_{len(self.gen.templates)}__"
        cap = ast.With(
            items=[ast.withitem(context_expr=_call("__exo_capture__"), optional_vars=ast.Name(id=holder, ctx=ast.Store()))],
            body=body or [ast.Pass()],
        )
        get = ast.Call(
            func=ast.Attribute(value=ast.Name(id=holder, ctx=ast.Load()), attr="quote", ctx=ast.Load()),
            args=[],
            keywords=[],
        )
        return [cap, ast.Assign(targets=[target], value=get)]

    def visit_UnaryOp(self, node):
        if not _is_quote(node):
            return self.generic_visit(node)
        self.gen.check_unquote(node.operand)
        return self.gen.template_call("__exo_quote__", _Template(node.operand.elts[0]))

    def visit_Expr(self, node):
        if _is_unquote(node.value):
            self.gen.check_unquote(node.value)
            return ast.Expr(value=_call("__exo_emit_quoted__", self.visit(node.value.elts[0])))
        return self.generic_visit(node)

    def visit_Nonlocal(self, node):
        raise self.gen.error(node, "nonlocal is not supported in metalanguage fragments")

    def visit_Return(self, node):
        raise self.gen.error(node, "cannot return from metalanguage fragment")

    def visit_FunctionDef(self, node):
        # A nested function may return, and its `with exo:` emits where it is called.
        return _FunctionRewriter(self.gen).generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef


class _FunctionRewriter(_PythonRewriter):
    def visit_Return(self, node):
        return self.generic_visit(node)

    def visit_Nonlocal(self, node):
        return node


class _Generator(Splicer):
    """Builds, then runs, the Python function of one @proc body."""

    def __init__(self, text, filename, def_line, env, namespaces, fdef, col_offset):
        self.lines = text.splitlines()
        self.filename = filename
        self.def_line = def_line
        self.col_offset = col_offset  # of the dedented text in its file
        self.namespaces = namespaces
        self.fdef = fdef
        self.base_indent = fdef.body[0].col_offset
        self.templates = []
        self.python_names = set()
        self.bound = {}  # fresh name -> unquoted Python object
        self.chunks = []  # (text line, original column, indent, first line, continuation lines)
        self.depth = 0
        self.in_unquote = False
        self.env = dict(env)
        self.env.update(
            __exo_emit__=self._emit,
            __exo_enter__=self._enter,
            __exo_leave__=self._leave,
            __exo_sym__=ExoQuote,
            __exo_quote__=self._quote_expr,
            __exo_emit_quoted__=self._emit_quoted,
            __exo_capture__=self._capture,
        )

    def error(self, node, msg):
        line = self.def_line + node.lineno - 1
        return _core.make_error("parse", msg, self.filename, line, self.col_offset + node.col_offset + 1)

    def check_unquote(self, node):
        if len(node.elts) != 1:
            raise self.error(node, "Unquote must take 1 argument")

    # ---- code generation ----
    def template_call(self, fn, tmpl):
        for u in tmpl.unquotes:
            self.check_unquote(u)
        self.templates.append(tmpl)
        tid = len(self.templates) - 1  # before the quotes inside its unquotes add theirs
        rewriter = _PythonRewriter(self)
        values = ast.Tuple(elts=[_thunk(rewriter.visit(copy.deepcopy(u.elts[0]))) for u in tmpl.unquotes], ctx=ast.Load())
        names = ast.Tuple(elts=[_thunk(ast.Name(id=n.id, ctx=ast.Load())) for n in tmpl.names], ctx=ast.Load())
        return _call(fn, ast.Constant(tid), values, names)

    def exo_block(self, stmts):
        out = []
        for s in stmts:
            code = self.exo_stmt(s)
            for c in code:  # the generated code sits at the statement it comes from
                for n in ast.walk(c):
                    if "lineno" in n._attributes and not hasattr(n, "lineno"):
                        n.lineno, n.col_offset = s.lineno, s.col_offset
                        n.end_lineno, n.end_col_offset = s.end_lineno, s.end_col_offset
            out += code
        return out

    def exo_stmt(self, s):
        kind = _with_kind(s)
        if kind == "python":
            self.python_names |= _python_assigned(s.body)
            out = []
            for p in s.body:
                r = _PythonRewriter(self).visit(copy.deepcopy(p))
                out += r if isinstance(r, list) else [r]
            return out
        if kind == "exo":
            raise self.error(s, "'with exo:' is only allowed inside 'with python:'")
        if kind == "other":
            raise self.error(s, "Expected unquote")
        if isinstance(s, ast.Expr) and _is_unquote(s.value):
            self.check_unquote(s.value)
            value = _PythonRewriter(self).visit(copy.deepcopy(s.value.elts[0]))
            return [ast.Expr(value=_call("__exo_emit_quoted__", value))]
        if isinstance(s, (ast.For, ast.If)) and s.body[0].lineno > s.lineno:
            return self.compound(s)
        out = [ast.Expr(value=self.template_call("__exo_emit__", _Template(s)))]
        if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name):
            out.append(_bind(s.target.id))
        elif isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
            if any(isinstance(n, ast.Slice) for n in ast.walk(s.value)):  # a window statement
                out.append(_bind(s.targets[0].id))
        return out

    def compound(self, s):
        header = s.iter if isinstance(s, ast.For) else s.test
        head = self.lines[s.lineno - 1]
        prefix = head[s.col_offset : header.col_offset] if header.lineno == s.lineno else None
        if prefix is None or header.end_lineno != header.lineno:
            raise self.error(s, "a loop or if header with unquotes must fit on one line")
        if prefix.startswith("elif"):
            prefix = prefix[2:]
        out = [ast.Expr(value=self.template_call("__exo_emit__", _Template(header, prefix, (s.lineno, s.col_offset))))]
        if isinstance(s, ast.For) and isinstance(s.target, ast.Name):
            out.append(_bind(s.target.id))
        out.append(ast.Expr(value=_call("__exo_enter__")))
        out += self.exo_block(s.body)
        out.append(ast.Expr(value=_call("__exo_leave__")))
        if s.orelse:
            else_node = ast.Pass(lineno=s.orelse[0].lineno - 1, col_offset=s.col_offset)
            out.append(ast.Expr(value=self.template_call("__exo_emit__", _Template(else_node, "else:"))))
            out.append(ast.Expr(value=_call("__exo_enter__")))
            out += self.exo_block(s.orelse)
            out.append(ast.Expr(value=_call("__exo_leave__")))
        return out

    def function(self):
        """The body as `def __exo_body__(<arguments>): ...`, compiled."""
        body = self.exo_block(self.fdef.body) or [ast.Pass()]
        args = [ast.arg(arg=a.arg) for a in self.fdef.args.args]
        fn = ast.FunctionDef(
            name="__exo_body__",
            args=ast.arguments(posonlyargs=[], args=args, vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
            body=body,
            decorator_list=[],
            returns=None,
        )
        module = ast.Module(body=[fn], type_ignores=[])
        for n in (fn, fn.args, *args):
            n.lineno, n.col_offset = self.fdef.lineno, self.fdef.col_offset
            n.end_lineno, n.end_col_offset = self.fdef.lineno, self.fdef.col_offset
        ast.fix_missing_locations(module)
        ast.increment_lineno(module, self.def_line - 1)
        return compile(module, self.filename, "exec")

    # ---- running ----
    def run(self):
        code = self.function()
        exec(code, self.env)
        self.env["__exo_body__"](*[ExoQuote(a.arg) for a in self.fdef.args.args])

    def _enter(self):
        self.depth += 1

    def _leave(self):
        self.depth -= 1

    def _emit(self, tid, values, names):
        t = self.templates[tid]
        if self.in_unquote:
            raise TypeError("Cannot unquote Exo statements in this context. (Exo statements were emitted while unquoting an expression.)")
        found = self._values(t, values, names)
        if t.prefix == "else:":
            lines = ["else:"]
        elif t.prefix is not None:
            lines = [t.prefix + self.text_of(t, found)[0] + ":"]
        else:
            lines = self.text_of(t, found)
        self.chunks.append((t.at[0] + 1, t.at[1], self.depth, lines[0], lines[1:]))

    def _emit_quoted(self, quote):
        if self.in_unquote:
            raise TypeError("Cannot unquote Exo statements in this context.")
        if not isinstance(quote, ExoStmtQuote):
            raise _core.make_error("parse", "Statement-level unquote expression must return Exo statements")
        for line, col, depth, first, rest in quote._chunks:
            self.chunks.append((line, col, self.depth + depth, first, rest))

    def _capture(self):
        gen = self

        class Capture:
            def __enter__(self):
                self.saved = gen.chunks, gen.depth, gen.in_unquote
                gen.chunks, gen.depth, gen.in_unquote = [], 0, False
                return self

            def __exit__(self, *exc):
                self.result = ExoStmtQuote(gen.chunks)
                gen.chunks, gen.depth, gen.in_unquote = self.saved
                return False

            def quote(self):
                return self.result

        return Capture()

    def _quote_expr(self, tid, values, names):
        t = self.templates[tid]
        return ExoQuote(" ".join(self.text_of(t, self._values(t, values, names))))

    def _values(self, t, values, names):
        found = {}
        for u, thunk in zip(t.unquotes, values):
            was, self.in_unquote = self.in_unquote, True
            try:
                found[id(u)] = thunk()
            finally:
                self.in_unquote = was
        for n, thunk in zip(t.names, names):
            try:
                v = thunk()
            except NameError:
                # Python code of this body assigns it, but not yet: as Python says.
                if n.id in self.python_names:
                    raise
                v = _lookup([self.env], n.id)  # an Exo name not yet bound, or a global
            if v is not _NOT_FOUND:
                found[id(n)] = v
        return found

    # ---- splicing ----
    def text_of(self, t, found):
        """Source lines of t's node with the values in `found` spliced in."""
        node = t.node
        l0, c0 = node.lineno, node.col_offset
        lines = self.lines[l0 - 1 : node.end_lineno]
        lines[-1] = lines[-1][: node.end_col_offset]
        lines[0] = lines[0][c0:]
        edits = []
        for n in ast.walk(node):
            if id(n) in found:
                text = self.splice(found[id(n)], n, t.contexts.get(id(n), "expr"), _is_unquote(n))
                if text is not None:
                    edits.append((n, text))
        # Right to left, bottom to top, so earlier positions stay valid.
        for n, text in sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True):
            a, b = n.lineno - l0, n.end_lineno - l0
            ca = n.col_offset - (c0 if a == 0 else 0)
            cb = n.end_col_offset - (c0 if b == 0 else 0)
            lines[a : b + 1] = [lines[a][:ca] + text + lines[b][cb:]]
        return lines

    # ---- the whole procedure ----
    def expand(self):
        fdef = self.fdef
        body_start = fdef.body[0].lineno
        header = self.lines[: body_start - 1]
        header_edits = self.header_values()
        if header_edits:
            header = self.splice_header(header, header_edits)
        self.run()
        out = list(header)
        for line, col, depth, first, rest in self.chunks:
            ind = self.base_indent + 4 * depth
            out.append(f"#@exo-srcline {line} {col - ind}")
            out.append(" " * ind + first)
            out.extend(rest)
        if len(out) == len(header):  # everything was Python: an empty body
            out += [f"#@exo-srcline {body_start + 1} 0", " " * self.base_indent + "pass"]
        return "\n".join(out) + "\n"

    def header_values(self):
        """(node, text) for the unquotes, Python-named types and computed memories
        of the argument annotations, evaluated in the scope defining the proc."""
        edits = []
        arg_names = {a.arg for a in self.fdef.args.args}
        for a in self.fdef.args.args:
            if not a.annotation:
                continue
            ctx, skip = _contexts(ast.AnnAssign(target=ast.Name(id=a.arg, ctx=ast.Store()), annotation=a.annotation, simple=1))
            for n in ast.walk(a.annotation):
                c = ctx.get(id(n))
                if c is None or id(n) in skip:
                    continue
                if _is_unquote(n):
                    self.check_unquote(n)
                    v = self.eval_python(n.elts[0])
                    edits.append((n, self.splice(v, n, c, True)))
                elif isinstance(n, ast.Name) and n.id not in arg_names:
                    v = _lookup([self.env], n.id)
                    if v is not _NOT_FOUND and (c == "type" or not isinstance(v, numbers.Number)):
                        text = self.splice(v, n, c, False)
                        if text is not None:
                            edits.append((n, text))
            if _memory_needs_python(a.annotation):
                mem = a.annotation.right
                edits.append((mem, self.splice(self.eval_python(mem), mem, "mem", True)))
        return edits

    def eval_python(self, expr):
        e = ast.Expression(_PythonRewriter(self).visit(copy.deepcopy(expr)))
        ast.fix_missing_locations(e)
        ast.increment_lineno(e, self.def_line - 1)
        was, self.in_unquote = self.in_unquote, True
        try:
            return eval(compile(e, self.filename, "eval"), self.env)
        finally:
            self.in_unquote = was

    def splice_header(self, lines, edits):
        lines = list(lines)
        for n, text in sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True):
            a, b = n.lineno - 1, n.end_lineno - 1
            lines[a : b + 1] = [lines[a][: n.col_offset] + text + lines[b][n.end_col_offset :]]
        return lines


_plain_sources = set()  # source texts that never need expanding


def expand_metaprogram(text, filename, def_line, namespaces, col_offset=0):
    """(Exo text, {fresh name: Python object}) for the source of a @proc: `text`
    unchanged when it uses no metaprogramming."""
    if text in _plain_sources:
        return text, {}
    try:
        fdef = ast.parse(text).body[0]
    except SyntaxError:
        return text, {}  # the core reports it with its own message
    if not needs_expansion(fdef, namespaces):
        if type_names_are_keywords(fdef):
            _plain_sources.add(text)
        return text, {}
    env = {}
    for ns in reversed(namespaces):
        env.update(ns)
    gen = _Generator(text, filename, def_line, env, namespaces, fdef, col_offset)
    return gen.expand(), gen.bound
