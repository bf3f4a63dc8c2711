"""exocc: run Python files defining Exo procedures and compile them to C.

    exocc -o OUTDIR --stem NAME [-p DIR] file.py [more.py ...]

Writes OUTDIR/NAME.c, OUTDIR/NAME.h and a make-style dependency file
OUTDIR/NAME.d. Every exported (per `__all__`, else not starting with `_`)
non-instruction Procedure at a file's top level is compiled. With one file,
OUTDIR and NAME default to the file's stem. While the files run, DIR (default:
the directory of a single file, else the current directory) is first on the
module search path, so a file can import its sibling modules. `exocc(...)` is
the same command as a Python function (exceptions propagate).

Every failure is one line on stderr, `exocc: error: ...`, and exit status 1:
a bad command line or file, a Python syntax error (file:line:col), an Exo
error (its message and position), or an exception raised by the user's code
(its type, message and the line in the user's file; --traceback shows the
whole traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.machinery
import importlib.util
import inspect
import sys
import traceback
from pathlib import Path

import exo


class UsageError(Exception):
    """A problem with the command line or the files it names."""


def parse_args(argv, prog="exocc"):
    parser = argparse.ArgumentParser(prog=prog, description="Compile an Exo library.")
    parser.add_argument("-o", "--outdir", metavar="OUTDIR", help="output directory for build artifacts")
    parser.add_argument(
        "-p", "--pythonpath", metavar="PYTHONPATH",
        help="directory to add to the module search path while the sources run (default: the "
             "directory of a single source file, else the current directory)",
    )
    parser.add_argument("-s", "--stem", help="base name for .c and .h files")
    parser.add_argument("source", type=str, nargs="+", help="source file to compile")
    parser.add_argument("--traceback", action="store_true",
                        help="on an exception raised by a source file, print the whole traceback")
    parser.add_argument("--trace", metavar="DIR",
                        help="record every scheduling primitive applied: DIR/trace.html (one page: "
                             "steps, the procedure after each with its changes marked, search) and "
                             "DIR/trace.txt")
    parser.add_argument(
        "-v", "--version", action="version", version=f"%(prog)s version {exo.__version__}",
        help="print the version and exit",
    )
    args = parser.parse_args(argv)

    srcname = Path(args.source[0]).stem
    if args.outdir:
        args.outdir = Path(args.outdir)
    elif len(args.source) == 1:
        args.outdir = Path(srcname)
    else:
        parser.error("Must provide -o when processing multiple source files.")
    if not args.stem:
        if len(args.source) == 1:
            args.stem = srcname
        else:
            parser.error("Must provide --stem when processing multiple source files.")
    if not args.pythonpath:
        args.pythonpath = Path(args.source[0]).parent if len(args.source) == 1 else Path.cwd()
    return args


def compile_library(args, report_user_errors):
    """Runs the sources and compiles their procedures. With `report_user_errors`,
    an exception raised by a source becomes a UsageError naming the line."""
    check_stem(args.stem)
    sources = [check_source(src) for src in args.source]
    library = []
    with search_path(args.pythonpath):
        for path in sources:
            module = load_user_code(path, args.traceback, report_user_errors)
            library += get_procs_from_module(module)
    if not library:
        names = ", ".join(str(s) for s in args.source)
        raise UsageError(f"no procedures to compile in {names} (none is exported at top level)")
    make_outdir(args.outdir)
    exo.compile_procs(library, args.outdir, f"{args.stem}.c", f"{args.stem}.h")
    write_depfile(args.outdir, args.stem, args.source)


def exocc(*args, name="exocc"):
    """The command as a function, as exo-lang offers it: `exocc("-o", out, "file.py")`.
    A bad command line exits (SystemExit); every other failure raises its exception."""
    compile_library(parse_args([str(a) for a in args], name), report_user_errors=False)


def main(argv=None):
    args = parse_args(argv)
    if args.trace:
        # The trace is written also when the run fails: it shows the step refused.
        with exo.trace() as t:
            status = run(args)
        try:
            out = Path(args.trace)
            out.mkdir(parents=True, exist_ok=True)
            t.write_html(out / "trace.html")
            t.write_text(out / "trace.txt")
        except OSError as e:
            return fail(f"cannot write the trace: {os_error_text(e)}")
        return status
    return run(args)


def run(args):
    try:
        compile_library(args, report_user_errors=True)
    except UsageError as e:
        return fail(e)
    except exo.ExoError as e:
        return fail(exo_error_text(e))
    except OSError as e:
        return fail(f"cannot write the output: {os_error_text(e)}")
    return 0


@contextlib.contextmanager
def search_path(directory):
    """`directory` first on sys.path while the user's files run (their sibling imports)."""
    entry = str(Path(directory).resolve())
    sys.path.insert(0, entry)
    try:
        yield
    finally:
        try:
            sys.path.remove(entry)
        except ValueError:
            pass


def fail(msg):
    print(f"exocc: error: {msg}", file=sys.stderr)
    return 1


def exo_error_text(e):
    """'file:line:col: kind: message' for a compiler error; an API error with no
    position is just its message. A refused primitive adds the line of the
    user's script that called it."""
    if getattr(e, "kind", None) == "error" and not getattr(e, "line", 0) and hasattr(e, "message"):
        text = e.message
    else:
        text = str(e)
    site = getattr(e, "call_site", None)
    if site is not None:  # right after the message's first line
        first, _, rest = text.partition("\n")
        text = f"{first}\n  called at {site[0]}:{site[1]}: {site[2]}" + (f"\n{rest}" if rest else "")
    return text


def os_error_text(e):
    return f"{e.filename}: {e.strerror}" if e.filename and e.strerror else str(e)


def check_stem(stem):
    if not stem or stem in (".", "..") or "/" in stem or "\\" in stem or "\0" in stem:
        raise UsageError(f"--stem {stem!r} must be a file name without a directory (give the directory with -o)")


def check_source(src):
    path = Path(src)
    if not path.exists():
        raise UsageError(f"{src}: no such file")
    if path.is_dir():
        raise UsageError(f"{src}: is a directory, not a Python source file")
    if not path.is_file():
        raise UsageError(f"{src}: not a regular file")
    return path


def make_outdir(outdir):
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"output directory {str(outdir)!r} exists and is not a directory")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot create output directory {str(outdir)!r}: {e.strerror or e}") from None


def write_depfile(outdir, stem, sources=()):
    # The user's files are loaded without entering sys.modules: list them too.
    modules = {str(Path(s).resolve()) for s in sources}
    for mod in list(sys.modules.values()):
        try:
            modules.add(inspect.getfile(mod))
        except TypeError:
            pass  # builtin modules have no file
    c_file, h_file = outdir / f"{stem}.c", outdir / f"{stem}.h"
    deps = " \\\n  ".join(sorted(modules))
    (outdir / f"{stem}.d").write_text(f"{c_file} {h_file} : {deps}\n")


def get_procs_from_module(user_module):
    symbols = user_module.__dict__.get("__all__", dir(user_module))
    library = []
    for sym in symbols:
        if sym.startswith("_"):
            continue
        fn = getattr(user_module, sym, None)
        if isinstance(fn, exo.Procedure) and not fn.is_instr():
            library.append(fn)
    return library


def load_user_code(path, show_traceback=False, report_user_errors=True):
    """Runs the Python file `path` as a module (not entered in sys.modules). An
    exception it raises propagates unless `report_user_errors` (then UsageError)."""
    module_path = Path(path).resolve()
    try:
        data = module_path.read_bytes()
    except OSError as e:
        raise UsageError(f"{path}: cannot read: {e.strerror or e}") from None
    if b"\0" in data:
        raise UsageError(f"{path}: not a Python source file (it contains NUL bytes)")
    try:
        code = compile(data, str(module_path), "exec", dont_inherit=True)
    except SyntaxError as e:
        raise UsageError(syntax_error_text(path, e)) from None
    except ValueError as e:  # e.g. source that cannot be decoded
        raise UsageError(f"{path}: not a Python source file ({e})") from None
    loader = importlib.machinery.SourceFileLoader(module_path.stem, str(module_path))
    spec = importlib.util.spec_from_loader(module_path.stem, loader)
    user_module = importlib.util.module_from_spec(spec)
    user_module.__file__ = str(module_path)
    try:
        exec(code, user_module.__dict__)
    except Exception as e:
        if not report_user_errors:
            raise
        if show_traceback:
            traceback.print_exc()
        if isinstance(e, exo.ExoError) and getattr(e, "line", 0):
            raise  # reported with its own position in the user's code
        raise UsageError(user_exception_text(path, module_path, e)) from None
    return user_module


def syntax_error_text(path, e):
    where = f"{path}:{e.lineno or 0}"
    if e.offset:
        where += f":{e.offset}"
    return f"{where}: syntax error: {e.msg}"


def user_exception_text(path, module_path, e):
    """'file:line: Type: message' at the innermost frame in the user's file (an
    exo error without a position of its own: its message at that line)."""
    line = None
    for frame in traceback.extract_tb(e.__traceback__):
        if Path(frame.filename) == module_path:
            line = frame.lineno
    where = f"{path}:{line}" if line else str(path)
    if isinstance(e, exo.ExoError):
        return f"{where}: {exo_error_text(e)}"
    msg = str(e)
    text = f"{where}: {type(e).__name__}" + (f": {msg}" if msg else "")
    return text + " (run exocc with --traceback for the whole traceback)"


if __name__ == "__main__":
    sys.exit(main())
