"""Direct 2-D convolution + bias + ReLU, NHWC, valid padding, stride 1, at the
shape of Halide's conv_layer app (batch 5, 80 x 100 output, 128 -> 128
channels, 3 x 3 kernel), scheduled for AVX-512.

    exocc -o OUT --stem conv apps/x86/conv/conv.py

exports
    conv_base(ctxt, out_h, out_w, out_channel, in_h, in_w, in_channel,
              kernel_dim, batch_size, inp, output, weights, bias)
    conv(ctxt, inp, output, weights, bias)     that shape, scheduled
"""
from __future__ import annotations

from exo import *
from exo.libs.externs import relu
from exo.stdlib.scheduling import *

N, H, W, C, K = 5, 80, 100, 128, 3


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
    p = p.partial_eval(H, W, C, H + K - 1, W + K - 1, C, K, N)
    return simplify(p)


conv = rename(schedule_conv(conv_base), "conv")
