"""Direct 2-D convolution + bias + ReLU, NHWC, valid padding, stride 1, at the
shape of Halide's conv_layer app (batch 5, 80 x 100 output, 128 -> 128
channels, 3 x 3 kernel), scheduled for AVX-512, output rows in parallel.

    exocc -o OUT --stem conv apps/x86/conv/conv.py

exports
    conv_base(ctxt, out_h, out_w, out_channel, in_h, in_w, in_channel,
              kernel_dim, batch_size, inp, output, weights, bias)
    conv(ctxt, inp, output, weights, bias)     that shape, scheduled
"""
from __future__ import annotations

from exo import *
from exo.libs.externs import relu
from exo.platforms.x86 import (
    AVX512,
    mm512_fmadd_ps,
    mm512_loadu_ps,
    mm512_relu_ps,
    mm512_set1_ps,
    mm512_storeu_ps,
)
from exo.stdlib.scheduling import *

class DRAM_LINE_ALIGNED(DRAM):
    """DRAM aligned to a cache line: whole-vector loads from it never
    straddle two lines (malloc gives 16-byte alignment)."""

    @classmethod
    def alloc(cls, new_name, prim_type, shape, srcinfo):
        if not shape:
            return f"{prim_type} {new_name};"
        size = " * ".join(shape)
        return (f"{prim_type} *{new_name} = ({prim_type}*) aligned_alloc(64, ({size} * sizeof({prim_type})"
                f" + 63) / 64 * 64);")


N, H, W, C, K = 5, 80, 100, 128, 3
OC_TILE, OX_TILE, LANES = 64, 5, 16  # register tile: 5 columns x 4 vectors of 16 channels


@proc
def conv_base(
    out_h: size,
    out_w: size,
    out_channel: size,
    in_h: size,
    in_w: size,
    in_channel: size,
    kernel_dim: size,
    batch_size: size,
    inp: f32[batch_size, in_h, in_w, in_channel],
    output: f32[batch_size, out_h, out_w, out_channel],
    weights: f32[in_channel, kernel_dim, kernel_dim, out_channel],
    bias: f32[out_channel],
):
    assert out_h == in_h - kernel_dim + 1
    assert out_w == in_w - kernel_dim + 1
    for oc in seq(0, out_channel):
        for n in seq(0, batch_size):
            for oy in seq(0, out_h):
                for ox in seq(0, out_w):
                    res: f32
                    res = bias[oc]
                    for ky in seq(0, kernel_dim):
                        for kx in seq(0, kernel_dim):
                            for kc in seq(0, in_channel):
                                res += weights[kc, ky, kx, oc] * inp[n, oy + ky, ox + kx, kc]
                    output[n, oy, ox, oc] = relu(res)


def schedule_conv(p):
    """A register tile of OX_TILE output columns x OC_TILE channels (20
    AVX-512 accumulators) per output row; each reduction step (ky, kx, kc)
    loads the tile's 4 weight vectors (from a copy of the channel tile's
    weights in reduction order) and broadcasts one input value per column.
    Output rows in parallel."""
    p = p.partial_eval(H, W, C, H + K - 1, W + K - 1, C, K, N)
    p = simplify(p)
    p = divide_loop(p, "oc", OC_TILE, ["oco", "oci"], perfect=True)
    for outer in ("n", "oy", "ox"):
        p = reorder_loops(p, f"oci {outer}")
    p = divide_loop(p, "ox", OX_TILE, ["oxo", "oxi"], perfect=True)
    p = divide_loop(p, "oci", LANES, ["ocu", "ocv"], perfect=True)
    # The accumulators, initialised from the bias and stored after the
    # reduction, which moves outside the tile's loops.
    p = autolift_alloc(p, "res: _", n_lifts=3, keep_dims=True)
    p = set_memory(p, "res: _", AVX512)
    p = fission(p, p.find("res[_] = bias[_]").after(), n_lifts=3)
    p = fission(p, p.find_loop("ky").after(), n_lifts=3)
    for r in ("ky", "kx", "kc"):
        for t in ("ocv", "ocu", "oxi"):
            p = reorder_loops(p, f"{t} {r}")
    # The weights of a channel tile copied once, in the order the reduction
    # reads them (ky, kx, kc, then the tile's channels): a contiguous stream.
    window = f"weights[0:{C}, 0:{K}, 0:{K}, {OC_TILE} * oco:{OC_TILE} * oco + {OC_TILE}]"
    p = stage_mem(p, p.find_loop("n"), window, "w_tile")
    p = rearrange_dim(p, "w_tile : _", [1, 2, 0, 3])
    p = set_memory(p, "w_tile : _", DRAM_LINE_ALIGNED)
    p = simplify(p)
    # The weights of a step: 4 vectors, loaded once for the 5 columns.
    p = bind_expr(p, "w_tile[_]", "wt")
    p = expand_dim(p, "wt : _", LANES, "ocv")
    p = expand_dim(p, "wt : _", OC_TILE // LANES, "ocu")
    p = lift_alloc(p, "wt : _", n_lifts=3)
    p = set_memory(p, "wt : _", AVX512)
    p = fission(p, p.find("wt = _").after(), n_lifts=3)
    p = remove_loop(p, p.find("wt = _").parent().parent().parent())
    # The input value of a column, broadcast once for the 4 vectors.
    p = bind_expr(p, "inp[_]", "iv")
    p = expand_dim(p, "iv : _", LANES, "ocv")
    p = lift_alloc(p, "iv : _", n_lifts=2)
    p = set_memory(p, "iv : _", AVX512)
    p = fission(p, p.find("iv = _").after(), n_lifts=2)
    p = remove_loop(p, p.find("iv = _").parent().parent())
    # ReLU in a register, then the store.
    p = bind_expr(p, "relu(_)", "rv")
    p = expand_dim(p, "rv : _", LANES, "ocv")
    p = lift_alloc(p, "rv : _")
    p = set_memory(p, "rv : _", AVX512)
    p = fission(p, p.find("rv = _").after())
    p = replace_all(p, [mm512_loadu_ps, mm512_set1_ps, mm512_fmadd_ps, mm512_relu_ps, mm512_storeu_ps])
    # Four reduction steps per loop iteration.
    p = divide_loop(p, "kc", 4, ["kco", "kci"], perfect=True)
    p = unroll_loop(p, "kci")
    p = parallelize_loop(p, p.find_loop("oy"))
    return simplify(p)


conv = rename(schedule_conv(conv_base), "conv")
