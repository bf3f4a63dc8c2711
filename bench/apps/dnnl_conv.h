// oneDNN convolution + bias + ReLU for apps_bench (see dnnl_conv.cpp).
#pragma once
#include <cstdio>

struct ConvShape {
  int n, ih, iw, ic, oc, k;  // stride 1, no padding; output (ih-k+1) x (iw-k+1)
};

struct DnnlConv;
// Prints oneDNN's version, CPU runtime and the ISA it will use.
void dnnl_conv_describe(FILE *f);
// inp: NHWC; weights: [IC][K][K][OC]; reordered into oneDNN's chosen formats here.
DnnlConv *dnnl_conv_create(const ConvShape &s, const float *inp, const float *weights,
                           const float *bias);
const char *dnnl_conv_impl(const DnnlConv *c);  // primitive_desc::impl_info_str()
void dnnl_conv_run(DnnlConv *c);                // execute + stream wait: what is timed
void dnnl_conv_output(DnnlConv *c, float *out_nhwc);
void dnnl_conv_destroy(DnnlConv *c);
