"""exo.tune: try the variants of a schedule over a parameter space.

    result = exo.tune(make_schedule, {"tile": [8, 16, 32], "unroll": [1, 2]},
                      inputs={"x": x, "y": y}, reference=plain_proc)
    result.best.proc, result.best.params, result.best.seconds
    print(result.table())
    result.plot("tune.png")

Each variant is `make_schedule(**params)`. A variant whose schedule is refused
(an exo error) is listed as refused with the message; one that is accepted is
compiled (`jit`), run on copies of `inputs` and compared with `reference` run
on the same inputs (every array argument afterwards, relative tolerance
`rtol`), then timed (the best of `repeat` rounds of `number` calls).
"""

from __future__ import annotations

import itertools
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from ._errors import api_error


@dataclass
class Variant:
    params: dict
    status: str  # "ok", "refused", "wrong" or "failed"
    seconds: float = float("nan")  # per call, best round
    message: str = ""
    proc: object = field(default=None, repr=False)


@dataclass
class TuneResult:
    variants: list
    reference_seconds: float

    @property
    def best(self):
        ok = [v for v in self.variants if v.status == "ok"]
        if not ok:
            raise api_error("tune: no variant was accepted and correct", ValueError)
        return min(ok, key=lambda v: v.seconds)

    def table(self):
        """One line per variant, fastest first, then the others."""
        names = list(self.variants[0].params) if self.variants else []
        rows = sorted(self.variants, key=lambda v: (v.status != "ok", v.seconds if v.status == "ok" else 0))
        head = " ".join(f"{n:>10}" for n in names) + f" {'status':>8} {'ms/call':>10} {'speed-up':>9}  note"
        out = [head]
        for v in rows:
            cells = " ".join(f"{str(v.params[n]):>10}" for n in names)
            ms = f"{v.seconds * 1e3:10.4f}" if v.status == "ok" else f"{'-':>10}"
            up = f"{self.reference_seconds / v.seconds:8.2f}x" if v.status == "ok" else f"{'-':>9}"
            out.append(f"{cells} {v.status:>8} {ms} {up}  {v.message.splitlines()[0][:80] if v.message else ''}")
        out.append(f"(reference: {self.reference_seconds * 1e3:.4f} ms/call)")
        return "\n".join(out)

    def plot(self, path):
        """A bar chart of the accepted variants' times (needs matplotlib)."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        ok = sorted((v for v in self.variants if v.status == "ok"), key=lambda v: v.seconds)
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(ok) + 1.5))
        labels = [", ".join(f"{k}={x}" for k, x in v.params.items()) for v in ok]
        ax.barh(labels, [v.seconds * 1e3 for v in ok])
        ref_ms = self.reference_seconds * 1e3
        if ok and ref_ms <= 3 * ok[-1].seconds * 1e3:  # on the same scale as the variants
            ax.axvline(ref_ms, color="gray", linestyle="--", label="reference")
            ax.legend()
        else:
            ax.set_title(f"reference: {ref_ms:.4g} ms per call")
        ax.invert_yaxis()
        ax.set_xlabel("ms per call")
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)


def _copies(inputs):
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in inputs.items()}


def _time(fn, inputs, number, repeat):
    args = _copies(inputs)
    fn(**args)  # warm up (page faults, the pool's threads)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn(**args)
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def tune(make_schedule, space, inputs, reference, *, rtol=1e-4, atol=1e-5, repeat=5, number=None,
         cflags=None, progress=True):
    """Run every variant of `make_schedule` over `space` (see the module's doc)."""
    from ._jit import jit

    if not isinstance(space, dict) or not space:
        raise api_error("tune: space must be a non-empty dict of parameter name -> list of values")
    names = list(space)
    combos = list(itertools.product(*(list(space[n]) for n in names)))
    ref = jit(reference, cflags=cflags)
    want = _copies(inputs)
    ref(**want)
    if number is None:  # about 20 ms a round for the reference
        t = _time(ref, inputs, 1, 1)
        number = max(1, min(1000, int(0.02 / max(t, 1e-7))))
    ref_seconds = _time(ref, inputs, number, repeat)
    variants = []
    for k, values in enumerate(combos, 1):
        params = dict(zip(names, values))
        v = _one(make_schedule, params, inputs, want, rtol, atol, repeat, number, cflags, jit)
        variants.append(v)
        if progress:
            bar = "#" * (20 * k // len(combos))
            shown = f"{v.seconds * 1e3:.4f} ms" if v.status == "ok" else v.status
            print(f"\rtune [{bar:<20}] {k}/{len(combos)} {params}: {shown}   ", end="", file=sys.stderr)
    if progress:
        print(file=sys.stderr)
    return TuneResult(variants, ref_seconds)


def _one(make_schedule, params, inputs, want, rtol, atol, repeat, number, cflags, jit):
    from ._core import ExoError

    try:
        p = make_schedule(**params)
    except ExoError as e:
        return Variant(params, "refused", message=str(e))
    try:
        f = jit(p, cflags=cflags)
        got = _copies(inputs)
        f(**got)
    except ExoError as e:
        return Variant(params, "failed", message=str(e), proc=p)
    for name, w in want.items():
        if isinstance(w, np.ndarray) and not np.allclose(got[name], w, rtol=rtol, atol=atol):
            err = np.max(np.abs(got[name].astype(np.float64) - w))
            return Variant(params, "wrong", message=f"'{name}' differs from the reference (max error {err:.3g})",
                           proc=p)
    return Variant(params, "ok", seconds=_time(f, inputs, number, repeat), proc=p)
