"""Line wrapping of printed procs, as exo-lang shows them.

exo-lang passes every printed proc through yapf (PEP 8 style, 79 columns), so
its long lines break inside brackets. Texts whose lines all fit are returned
unchanged without loading yapf; so are texts with a line too long for yapf
to wrap in reasonable time (its cost grows fast with a line's length), and
without yapf installed (Debian: python3-yapf) long lines stay whole."""

_COLUMNS = 79
_LONGEST_WRAPPED = 600
_format_code = None


def wrap_long_lines(text: str) -> str:
    longest = max(len(line) for line in text.split("\n"))
    if longest <= _COLUMNS or longest > _LONGEST_WRAPPED:
        return text
    global _format_code
    if _format_code is None:
        try:
            import warnings

            with warnings.catch_warnings():  # yapf 0.32 imports lib2to3
                warnings.simplefilter("ignore", DeprecationWarning)
                from yapf.yapflib.yapf_api import FormatCode
        except ImportError:
            FormatCode = False
        _format_code = FormatCode
    if not _format_code:
        return text
    try:
        return _format_code(text)[0].rstrip("\n")
    except Exception:  # not Python syntax (e.g. a lone expression's text): keep it
        return text
