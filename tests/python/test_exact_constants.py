"""Exact integers, finite floats and deep input, seen from Python: values beyond
Exo's integer range (+-(2**63 - 1)) and non-finite floats are refused with an
exo error where they are used; integers pass from Python to the core exactly;
input nested beyond the parser's limits is refused cleanly, and input right at
the limits runs through every pass, also on a Python thread."""

from __future__ import annotations

import importlib.util
import math
import threading

import numpy as np
import pytest

import exo
from exo import proc, compile_procs_to_strings

INT64_MAX = 2**63 - 1
MAX_EXPR_HEIGHT = 1000  # exo/frontend.h kMaxExprHeight


@proc
def count16(x: f32[1] @ DRAM):
    x[0] = 0.0
    for k in seq(0, 16):
        x[0] += 1.0


def _count(p):
    x = np.array([-7.0], dtype=np.float32)
    p.interpret(x=x)
    return float(x[0])


def test_split_by_int64_max_keeps_results():
    s = count16.split("k", INT64_MAX, ["ko", "ki"], tail="cut")
    text = str(s)
    assert "9223372036854775807" in text
    assert "-9223372036854775808" not in text
    assert _count(count16) == 16.0
    assert _count(s) == 16.0
    assert _count(s.simplify()) == 16.0


def test_split_whose_guard_bound_overflows_is_refused():
    with pytest.raises(exo.SchedulingError, match="integer overflow"):
        count16.split("k", INT64_MAX, ["ko", "ki"], tail="guard")
    big = count16.split("k", 2**62, ["ko", "ki"], tail="guard")  # accepted; 2^62 inner iterations
    assert "(16 + 4611686018427387903) / 4611686018427387904" in str(big)
    assert _count(count16.split("k", 5, ["ko", "ki"], tail="guard")) == 16.0


def _load(tmp_path, name, source):
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SCOPE_SRC = """
from exo import *

N = {value}

@proc
def uses_n(x: i32[4] @ DRAM):
    for i in seq(0, 4):
        if i < N:
            x[i] = 1.0
"""


@pytest.mark.parametrize("value", ["2**63", "-(2**63)", "2**100"])
def test_python_int_beyond_int64_is_refused_at_its_use(tmp_path, value):
    with pytest.raises(exo.TypeCheckError, match=r"cannot use 'N'.*outside Exo's integer range") as e:
        _load(tmp_path, "scope_big", SCOPE_SRC.format(value=value))
    assert "scope_big.py:9" in str(e.value)


def test_python_int_passes_exactly(tmp_path):
    # 2**53 + 1 is not a double: through a double this would compare with 2**53.
    mod = _load(tmp_path, "scope_exact", SCOPE_SRC.format(value="2**53 + 1"))
    assert "if i < 9007199254740993:" in str(mod.uses_n)
    mod = _load(tmp_path, "scope_max", SCOPE_SRC.format(value="2**63 - 1"))
    assert "9223372036854775807" in str(mod.uses_n)


FLOAT_SRC = """
from exo import *

C = {value}

@proc
def scale(x: f32[4] @ DRAM):
    for i in seq(0, 4):
        x[i] = x[i] * C
"""


@pytest.mark.parametrize("value", ["float('nan')", "float('inf')", "-float('inf')"])
def test_non_finite_python_float_is_refused(tmp_path, value):
    with pytest.raises(exo.TypeCheckError, match="not finite") as e:
        _load(tmp_path, "scope_nan", FLOAT_SRC.format(value=value))
    assert "scope_nan.py:9" in str(e.value)


def test_finite_python_float_is_exact_in_c(tmp_path):
    mod = _load(tmp_path, "scope_third", FLOAT_SRC.format(value="1 / 3"))
    c, _ = compile_procs_to_strings([mod.scale], "scale.h")
    assert "0.33333334f" in c  # the float nearest 1/3, as the interpreter rounds it
    assert "NAN" not in c and "INFINITY" not in c


def test_overflowing_float_literal_is_a_parse_error(tmp_path):
    src = "from exo import *\n\n@proc\ndef f(A: f64[1] @ DRAM):\n    A[0] = 1e400\n"
    with pytest.raises(exo.ParseError, match="out of range") as e:
        _load(tmp_path, "lit_inf", src)
    assert "lit_inf.py:5" in str(e.value)


def test_long_flat_sum_in_a_fragment_is_refused_cleanly():
    with pytest.raises(exo.ExoError, match="nested too deeply"):
        count16.add_assertion("1 < " + " + ".join(["1"] * 20000))
    ok = count16.add_assertion("1 < " + " + ".join(["1"] * (MAX_EXPR_HEIGHT - 1)))
    assert "assert" in str(ok)


def _deep_source(levels):
    height = MAX_EXPR_HEIGHT
    idx = "i" + "".join(" + 1" if k % 2 else " - 1" for k in range(1, height - 1))
    bound = "4" + " - 0" * (height - 1)
    rhs = " + ".join(["x[i]"] * (height - 1))
    lines = ["from exo import *", "", "@proc", "def deep(n: size, x: f32[4] @ DRAM, y: f32[4] @ DRAM):",
             "    assert n >= 1"]
    ind = "    "
    for k in range(levels):
        lines.append(f"{ind}if n > {k % 2}:")
        ind += "    "
    lines.append(f"{ind}for i in seq(0, {bound}):")
    lines.append(f"{ind}    y[{idx}] = {rhs}")
    return "\n".join(lines) + "\n"


def test_input_at_the_limits_runs_on_a_python_thread(tmp_path, rng):
    outcome = {}

    def work():
        try:
            mod = _load(tmp_path, "deep_mod", _deep_source(levels=90))
            p = mod.deep
            text = str(p)
            assert text.count(" + x[i]") == MAX_EXPR_HEIGHT - 2
            s = p.split("i", 2, ["io", "ii"], tail="guard").simplify()
            compile_procs_to_strings([p, s.rename("deep2")], "deep.h")
            x = rng.standard_normal(4).astype(np.float32)
            y0 = rng.standard_normal(4).astype(np.float32)
            y1, y2 = y0.copy(), y0.copy()
            p.interpret(n=3, x=x, y=y1)
            s.interpret(n=3, x=x, y=y2)
            np.testing.assert_allclose(y1, (MAX_EXPR_HEIGHT - 1) * x, rtol=1e-3)
            np.testing.assert_array_equal(y1, y2)
            outcome["ok"] = True
        except BaseException as e:  # reported on the main thread
            outcome["error"] = e

    t = threading.Thread(target=work)
    t.start()
    t.join()
    if "error" in outcome:
        raise outcome["error"]
    assert outcome.get("ok")


def test_interpret_argument_beyond_int64_is_an_exo_error():
    @proc
    def take(n: size, x: f32[1] @ DRAM):
        x[0] = 1.0

    x = np.zeros(1, dtype=np.float32)
    with pytest.raises(exo.ApiError, match=r"'n' to take.interpret\(\): expected an integer in "
                                           r"\[-9223372036854775807, 9223372036854775807\], got 18446744073709551616"):
        take.interpret(n=2**64, x=x)
    with pytest.raises(exo.ApiError, match="expected an integer in"):
        take.interpret(n=-(2**63), x=x)
    take.interpret(n=2**62, x=x)
    assert x[0] == 1.0
