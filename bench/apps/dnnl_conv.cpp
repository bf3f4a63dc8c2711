// oneDNN (2.x API) forward convolution at conv.py's shape: f32, bias, ReLU as
// an eltwise post-op, memory formats left to oneDNN (format_tag::any). Our
// NHWC input and [IC][KH][KW][OC] weights are reordered into its formats once,
// in dnnl_conv_create; dnnl_conv_run is only the primitive's execute (+ wait).
#include "dnnl_conv.h"

#include <cstdio>
#include <string>

#include "oneapi/dnnl/dnnl.hpp"

using namespace dnnl;
using dt = memory::data_type;
using tag = memory::format_tag;

struct DnnlConv {
  engine eng{engine::kind::cpu, 0};
  stream strm{eng};
  convolution_forward prim;
  memory src, wei, bias, dst;
  memory::desc user_dst_md;
  std::string impl;
};

static const char *isa_name(cpu_isa isa) {
  switch (isa) {
    case cpu_isa::sse41:
      return "sse41";
    case cpu_isa::avx:
      return "avx";
    case cpu_isa::avx2:
      return "avx2";
    case cpu_isa::avx2_vnni:
      return "avx2_vnni";
    case cpu_isa::avx512_mic:
      return "avx512_mic";
    case cpu_isa::avx512_mic_4ops:
      return "avx512_mic_4ops";
    case cpu_isa::avx512_core:
      return "avx512_core";
    case cpu_isa::avx512_core_vnni:
      return "avx512_core_vnni";
    case cpu_isa::avx512_core_bf16:
      return "avx512_core_bf16";
    case cpu_isa::avx512_core_amx:
      return "avx512_core_amx";
    case cpu_isa::all:
      return "all";
    default:
      return "?";
  }
}

void dnnl_conv_describe(FILE *f) {
  const dnnl_version_t *v = dnnl_version();
  fprintf(f, "oneDNN: %d.%d.%d (hash %s), cpu runtime %s, max ISA %s\n", v->major, v->minor,
          v->patch, v->hash, v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "not OpenMP",
          isa_name(get_effective_cpu_isa()));
}

DnnlConv *dnnl_conv_create(const ConvShape &s, const float *inp, const float *weights,
                           const float *bias) {
  auto *c = new DnnlConv;
  const memory::dim N = s.n, IC = s.ic, OC = s.oc, K = s.k, IH = s.ih, IW = s.iw;
  const memory::dims src_dims{N, IC, IH, IW}, wei_dims{OC, IC, K, K}, bias_dims{OC},
      dst_dims{N, OC, IH - K + 1, IW - K + 1};

  convolution_forward::desc d(prop_kind::forward_inference, algorithm::convolution_direct,
                              memory::desc(src_dims, dt::f32, tag::any),
                              memory::desc(wei_dims, dt::f32, tag::any),
                              memory::desc(bias_dims, dt::f32, tag::a),
                              memory::desc(dst_dims, dt::f32, tag::any), {1, 1}, {0, 0}, {0, 0});
  post_ops po;
  po.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f);
  primitive_attr attr;
  attr.set_post_ops(po);
  convolution_forward::primitive_desc pd(d, attr, c->eng);
  c->impl = pd.impl_info_str();
  c->prim = convolution_forward(pd);

  // Our layouts as oneDNN descriptors: NHWC, and weights (o, i, h, w) with
  // strides of the [IC][KH][KW][OC] array.
  memory user_src({src_dims, dt::f32, tag::nhwc}, c->eng, const_cast<float *>(inp));
  memory user_wei({wei_dims, dt::f32, memory::dims{1, K * K * OC, K * OC, OC}}, c->eng,
                  const_cast<float *>(weights));
  c->user_dst_md = memory::desc(dst_dims, dt::f32, tag::nhwc);
  c->src = memory(pd.src_desc(), c->eng);
  c->wei = memory(pd.weights_desc(), c->eng);
  c->bias = memory(pd.bias_desc(), c->eng);
  c->dst = memory(pd.dst_desc(), c->eng);
  reorder(user_src, c->src).execute(c->strm, user_src, c->src);
  reorder(user_wei, c->wei).execute(c->strm, user_wei, c->wei);
  memory user_bias({bias_dims, dt::f32, tag::a}, c->eng, const_cast<float *>(bias));
  reorder(user_bias, c->bias).execute(c->strm, user_bias, c->bias);
  c->strm.wait();
  return c;
}

const char *dnnl_conv_impl(const DnnlConv *c) { return c->impl.c_str(); }

void dnnl_conv_run(DnnlConv *c) {
  c->prim.execute(c->strm, {{DNNL_ARG_SRC, c->src},
                            {DNNL_ARG_WEIGHTS, c->wei},
                            {DNNL_ARG_BIAS, c->bias},
                            {DNNL_ARG_DST, c->dst}});
  c->strm.wait();
}

void dnnl_conv_output(DnnlConv *c, float *out_nhwc) {
  memory user_dst(c->user_dst_md, c->eng, out_nhwc);
  reorder(c->dst, user_dst).execute(c->strm, c->dst, user_dst);
  c->strm.wait();
}

void dnnl_conv_destroy(DnnlConv *c) { delete c; }
