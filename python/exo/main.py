"""exocc: run Python files defining Exo procedures and compile them to C.

    exocc -o OUTDIR --stem NAME file.py [more.py ...]

Writes OUTDIR/NAME.c, OUTDIR/NAME.h and a make-style dependency file
OUTDIR/NAME.d. Every exported (per `__all__`, else not starting with `_`)
non-instruction Procedure at a file's top level is compiled. With one file,
OUTDIR and NAME default to the file's stem.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import inspect
import sys
from pathlib import Path

import exo


def main(argv=None):
    parser = argparse.ArgumentParser(prog="exocc", description="Compile an Exo library.")
    parser.add_argument("-o", "--outdir", metavar="OUTDIR", help="output directory for build artifacts")
    parser.add_argument("--stem", help="base name for .c and .h files")
    parser.add_argument("source", type=str, nargs="+", help="source file to compile")
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s version {exo.__version__}",
        help="print the version and exit",
    )
    args = parser.parse_args(argv)

    srcname = Path(args.source[0]).stem
    if args.outdir:
        outdir = Path(args.outdir)
    elif len(args.source) == 1:
        outdir = Path(srcname)
    else:
        parser.error("Must provide -o when processing multiple source files.")
    if args.stem:
        stem = args.stem
    elif len(args.source) == 1:
        stem = srcname
    else:
        parser.error("Must provide --stem when processing multiple source files.")

    try:
        library = [p for src in args.source for p in get_procs_from_module(load_user_code(src))]
        outdir.mkdir(parents=True, exist_ok=True)
        exo.compile_procs(library, outdir, f"{stem}.c", f"{stem}.h")
    except exo.ExoError as e:
        print(f"exocc: error: {e}", file=sys.stderr)
        return 1
    write_depfile(outdir, stem, args.source)
    return 0


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
        fn = getattr(user_module, sym)
        if isinstance(fn, exo.Procedure) and not fn.is_instr():
            library.append(fn)
    return library


def load_user_code(path):
    module_path = Path(path).resolve(strict=True)
    loader = importlib.machinery.SourceFileLoader(module_path.stem, str(module_path))
    spec = importlib.util.spec_from_loader(module_path.stem, loader)
    user_module = importlib.util.module_from_spec(spec)
    loader.exec_module(user_module)
    return user_module


if __name__ == "__main__":
    sys.exit(main())
