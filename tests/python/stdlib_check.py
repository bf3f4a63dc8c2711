"""Runs a procedure and its scheduled version on the same random inputs."""

import numpy as np

from exo.stdlib.inspection import expr_to_string

_DTYPES = {"f32": np.float32, "f64": np.float64, "R": np.float32, "i8": np.int8, "ui8": np.uint8,
           "ui16": np.uint16, "i32": np.int32}


def random_args(p, sizes, seed):
    """Arguments for `p`: the given sizes, random arrays (never all zeros)."""
    rng = np.random.default_rng(seed)
    args = {}
    for a in p.args():
        if a.type().is_indexable():
            args[a.name()] = sizes[a.name()]
            continue
        dtype = _DTYPES[a.type().value]
        shape = [int(eval(expr_to_string(e), {}, dict(sizes))) for e in a.shape()] if a.is_tensor() else [1]
        if np.issubdtype(dtype, np.floating):
            args[a.name()] = rng.standard_normal(shape).astype(dtype)
        else:
            args[a.name()] = rng.integers(1, 30, shape).astype(dtype)
    return args


def assert_same(original, scheduled, *size_sets):
    """Both procedures leave the same values in every buffer argument."""
    assert size_sets, "give at least one set of sizes"
    for seed, sizes in enumerate(size_sets):
        want, got = random_args(original, sizes, seed), random_args(scheduled, sizes, seed)
        original.interpret(**want)
        scheduled.interpret(**got)
        for name, value in want.items():
            if isinstance(value, np.ndarray):
                np.testing.assert_allclose(got[name], value, rtol=1e-5, atol=1e-5, err_msg=f"{name} {sizes}")
