// oneDNN-backed kernels: 2-D convolution (forward, backward data, backward weights) and
// (batched) matrix multiplication. Activations stay in tfjs's NHWC layout in the wasm heap;
// convolution weights are reordered between tfjs's HWIO layout and the blocked layout oneDNN
// prefers on every call (cheap next to the convolution, and it keeps oneDNN off its slow
// plain-layout path). Primitives are cached by shape.
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <omp.h>

#include "common.h"
#include "dnnl_compat.h"

namespace odnn {

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

namespace {

std::unique_ptr<dnnl::engine> g_engine;
std::unique_ptr<dnnl::stream> g_stream;
std::string g_last_impl;

// Primitives with less work than this many FLOPs run on one thread: waking a second thread
// costs more than it saves, and on a busy 2-core machine it can cost a scheduler time slice.
double g_parallel_min_flops = 16e6;

// Sets the OpenMP thread count for the primitives created and run in its scope.
class ThreadScope {
 public:
  explicit ThreadScope(int n) : changed_(n != threads()) {
    if (changed_) omp_set_num_threads(n);
  }
  ~ThreadScope() {
    if (changed_) omp_set_num_threads(threads());
  }

 private:
  bool changed_;
};

int threads_for(double flops) { return flops < g_parallel_min_flops ? 1 : threads(); }

dnnl::engine& eng() {
  if (!g_engine) throw std::runtime_error("oneDNN not initialised (call init first)");
  return *g_engine;
}

// A fused activation (params.h `activation` codes) as a oneDNN post-op.
dnnl::primitive_attr activation_attr(int act, float alpha) {
  dnnl::primitive_attr attr;
  if (act == activation::kLinear) return attr;
  dnnl::post_ops po;
  using dnnl::algorithm;
  switch (act) {
    case activation::kRelu: compat::append_eltwise(po, algorithm::eltwise_relu, 0.f, 0.f); break;
    case activation::kRelu6: compat::append_eltwise(po, algorithm::eltwise_clip, 0.f, 6.f); break;
    case activation::kElu: compat::append_eltwise(po, algorithm::eltwise_elu, 1.f, 0.f); break;
    case activation::kLeakyrelu: compat::append_eltwise(po, algorithm::eltwise_relu, alpha, 0.f); break;
    case activation::kSigmoid: compat::append_eltwise(po, algorithm::eltwise_logistic, 0.f, 0.f); break;
    default: throw std::runtime_error("unknown activation code " + std::to_string(act));
  }
  attr.set_post_ops(po);
  return attr;
}

// ---------------------------------------------------------------------------------------------
// Convolution: forward, backward data or backward weights (parameters: params::conv2d).
// Primitives are cached under a key of the kind and every shape parameter.

struct ConvEntry {
  dnnl::primitive prim;
  dnnl::reorder w_reorder;  // HWIO <-> blocked, empty when the primitive takes HWIO
  bool reorder = false;
  memory src, wei_user, wei_prim, dst, bias;
};

std::map<std::vector<int64_t>, std::unique_ptr<ConvEntry>> g_conv_cache;

// Primitives are cached by shape; a process that trains many different models (a notebook
// session) starts afresh past this many rather than growing without bound.
constexpr size_t kMaxCached = 512;

ConvEntry& conv_entry(const std::vector<int64_t>& k) {
  auto it = g_conv_cache.find(k);
  if (it != g_conv_cache.end()) return *it->second;
  if (g_conv_cache.size() >= kMaxCached) g_conv_cache.clear();

  const int64_t kind = k[0], N = k[1], H = k[2], W = k[3], C = k[4], KH = k[5], KW = k[6],
                O = k[7], OH = k[8], OW = k[9], sh = k[10], sw = k[11], dh = k[12], dw = k[13],
                pt = k[14], pl = k[15], pb = k[16], pr = k[17], act = k[18], has_bias = k[19];
  const float alpha = static_cast<float>(k[20]) / 1e6f;
  ThreadScope scope(static_cast<int>(k[21]));
  auto& e = eng();
  memory::desc src_md({N, C, H, W}, dt::f32, tag::nhwc);
  memory::desc dst_md({N, O, OH, OW}, dt::f32, tag::nhwc);
  memory::desc wei_user_md({O, C, KH, KW}, dt::f32, tag::hwio);
  memory::desc wei_any({O, C, KH, KW}, dt::f32, tag::any);
  memory::desc bias_md = has_bias ? memory::desc({O}, dt::f32, tag::x) : memory::desc();
  memory::dims strides{sh, sw}, dil{dh - 1, dw - 1}, padl{pt, pl}, padr{pb, pr};

  auto entry = std::make_unique<ConvEntry>();
  const bool forward = kind == conv_kind::kForward;
  auto fwd = compat::conv_fwd(e, src_md, wei_any, forward ? bias_md : memory::desc(), dst_md,
                              strides, dil, padl, padr,
                              forward ? activation_attr(static_cast<int>(act), alpha)
                                        : dnnl::primitive_attr());
  memory::desc prim_w;
  if (forward) {
    entry->prim = dnnl::convolution_forward(fwd);
    prim_w = fwd.weights_desc();
    g_last_impl = fwd.impl_info_str();
  } else if (kind == conv_kind::kBackwardData) {
    auto bwd = compat::conv_bwd_data(e, src_md, wei_any, dst_md, strides, dil, padl, padr, fwd);
    entry->prim = dnnl::convolution_backward_data(bwd);
    prim_w = bwd.weights_desc();
    g_last_impl = bwd.impl_info_str();
  } else {
    auto bwd = compat::conv_bwd_weights(e, src_md, wei_any, bias_md, dst_md, strides, dil, padl,
                                        padr, fwd);
    entry->prim = dnnl::convolution_backward_weights(bwd);
    prim_w = bwd.diff_weights_desc();
    g_last_impl = bwd.impl_info_str();
  }
  entry->src = memory(src_md, e, DNNL_MEMORY_NONE);
  entry->dst = memory(dst_md, e, DNNL_MEMORY_NONE);
  entry->wei_user = memory(wei_user_md, e, DNNL_MEMORY_NONE);
  if (has_bias) entry->bias = memory(bias_md, e, DNNL_MEMORY_NONE);
  entry->reorder = !(prim_w == wei_user_md);
  if (entry->reorder) {
    entry->wei_prim = memory(prim_w, e);  // owned scratch in oneDNN's layout
    entry->w_reorder = kind == conv_kind::kBackwardFilter ? dnnl::reorder(entry->wei_prim, entry->wei_user)
                                 : dnnl::reorder(entry->wei_user, entry->wei_prim);
  }
  auto& ref = *entry;
  g_conv_cache.emplace(k, std::move(entry));
  return ref;
}

}  // namespace

void conv2d() {
  namespace P = params::conv2d;
  const int64_t kind = pi(P::kKind);
  if (kind < conv_kind::kForward || kind > conv_kind::kBackwardFilter) throw std::runtime_error("conv2d: unknown kind");
  const bool forward = kind == conv_kind::kForward;
  const int64_t bias_off = pi(P::kBias);
  // The key's order is what conv_entry reads back.
  std::vector<int64_t> key{kind};
  for (int i = P::kBatch; i <= P::kPadRight; ++i) key.push_back(pi(i));
  key.push_back(forward ? pi(P::kActivation) : 0);
  key.push_back(bias_off >= 0 ? 1 : 0);
  key.push_back(forward ? static_cast<int64_t>(pd(P::kAlpha) * 1e6) : 0);
  const int64_t N = pi(P::kBatch), H = pi(P::kInHeight), W = pi(P::kInWidth), C = pi(P::kInChannels),
                KH = pi(P::kFilterHeight), KW = pi(P::kFilterWidth), O = pi(P::kOutChannels),
                OH = pi(P::kOutHeight), OW = pi(P::kOutWidth);
  const int nthr = threads_for(2.0 * N * OH * OW * O * C * KH * KW);
  key.push_back(nthr);
  ConvEntry& c = conv_entry(key);
  ThreadScope scope(nthr);
  float* x = heap<float>(pi(P::kX), N * H * W * C, "x");
  float* w = heap<float>(pi(P::kFilter), KH * KW * C * O, "filter");
  float* y = heap<float>(pi(P::kY), N * OH * OW * O, "y");
  float* b = bias_off >= 0 ? heap<float>(bias_off, O, "bias") : nullptr;
  c.src.set_data_handle(x);
  c.dst.set_data_handle(y);
  c.wei_user.set_data_handle(w);
  if (b) c.bias.set_data_handle(b);
  auto& s = *g_stream;
  memory& wei = c.reorder ? c.wei_prim : c.wei_user;
  if (forward) {
    if (c.reorder) c.w_reorder.execute(s, c.wei_user, c.wei_prim);
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, c.src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, c.dst}};
    if (b) args.emplace(DNNL_ARG_BIAS, c.bias);
    c.prim.execute(s, args);
  } else if (kind == conv_kind::kBackwardData) {
    if (c.reorder) c.w_reorder.execute(s, c.wei_user, c.wei_prim);
    c.prim.execute(s, {{DNNL_ARG_DIFF_SRC, c.src}, {DNNL_ARG_WEIGHTS, wei},
                       {DNNL_ARG_DIFF_DST, c.dst}});
  } else {
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, c.src}, {DNNL_ARG_DIFF_WEIGHTS, wei}, {DNNL_ARG_DIFF_DST, c.dst}};
    if (b) args.emplace(DNNL_ARG_DIFF_BIAS, c.bias);
    c.prim.execute(s, args);
    if (c.reorder) c.w_reorder.execute(s, c.wei_prim, c.wei_user);
  }
  s.wait();
}

// ---------------------------------------------------------------------------------------------
// Matrix multiplication C[b] = act(op(A[b]) x op(B[b]) + bias) (parameters: params::matmul).

namespace {

struct MatmulEntry {
  dnnl::primitive prim;
  memory a, b, bias, c;
};

std::map<std::vector<int64_t>, std::unique_ptr<MatmulEntry>> g_mm_cache;

}  // namespace

void matmul() {
  namespace P = params::matmul;
  const int64_t bias_off = pi(P::kBias);
  const int64_t BA = pi(P::kBatchA), BB = pi(P::kBatchB), M = pi(P::kM), K = pi(P::kK), N = pi(P::kN),
                ta = pi(P::kTransposeA), tb = pi(P::kTransposeB), act = pi(P::kActivation);
  const int64_t alpha_key = static_cast<int64_t>(pd(P::kAlpha) * 1e6);
  if (!(BA == BB || BA == 1 || BB == 1)) throw std::runtime_error("matmul: batch mismatch");
  const int64_t B = BA > BB ? BA : BB;
  const int nthr = threads_for(2.0 * B * M * N * K);
  std::vector<int64_t> key{BA, BB, M, K, N, ta, tb, act, alpha_key, bias_off >= 0 ? 1 : 0, nthr};
  ThreadScope scope(nthr);
  auto it = g_mm_cache.find(key);
  if (it == g_mm_cache.end()) {
    if (g_mm_cache.size() >= kMaxCached) g_mm_cache.clear();
    auto& e = eng();
    // Logical A is [BA, M, K]; when transposed it is stored as [BA, K, M].
    memory::desc a_md({BA, M, K}, dt::f32,
                      ta ? memory::dims{M * K, 1, M} : memory::dims{M * K, K, 1});
    memory::desc b_md({BB, K, N}, dt::f32,
                      tb ? memory::dims{K * N, 1, K} : memory::dims{K * N, N, 1});
    memory::desc c_md({B, M, N}, dt::f32, memory::dims{M * N, N, 1});
    memory::desc bias_md = bias_off >= 0 ? memory::desc({1, 1, N}, dt::f32, memory::dims{N, N, 1})
                                         : memory::desc();
    auto pd = compat::matmul(e, a_md, b_md, bias_md, c_md,
                             activation_attr(static_cast<int>(act), pf(P::kAlpha)));
    g_last_impl = pd.impl_info_str();
    auto entry = std::make_unique<MatmulEntry>();
    entry->prim = dnnl::matmul(pd);
    entry->a = memory(a_md, e, DNNL_MEMORY_NONE);
    entry->b = memory(b_md, e, DNNL_MEMORY_NONE);
    entry->c = memory(c_md, e, DNNL_MEMORY_NONE);
    if (bias_off >= 0) entry->bias = memory(bias_md, e, DNNL_MEMORY_NONE);
    it = g_mm_cache.emplace(key, std::move(entry)).first;
  }
  MatmulEntry& m = *it->second;
  m.a.set_data_handle(heap<float>(pi(P::kA), BA * M * K, "a"));
  m.b.set_data_handle(heap<float>(pi(P::kB), BB * K * N, "b"));
  m.c.set_data_handle(heap<float>(pi(P::kOut), B * M * N, "c"));
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, m.a}, {DNNL_ARG_WEIGHTS, m.b}, {DNNL_ARG_DST, m.c}};
  if (bias_off >= 0) {
    m.bias.set_data_handle(heap<float>(bias_off, N, "bias"));
    args.emplace(DNNL_ARG_BIAS, m.bias);
  }
  m.prim.execute(*g_stream, args);
  g_stream->wait();
}

// ---------------------------------------------------------------------------------------------

void dnnl_init(int /*threads*/) {
  if (g_engine) return;
  if (const char* v = std::getenv("FMNIST_ONEDNN_PARALLEL_MIN_FLOPS")) g_parallel_min_flops = std::atof(v);
  g_engine = std::make_unique<dnnl::engine>(dnnl::engine::kind::cpu, 0);
  g_stream = std::make_unique<dnnl::stream>(*g_engine);
}

std::string library_version() {
  const dnnl_version_t* v = ::dnnl_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
}

std::string dnnl_last_impl() { return g_last_impl; }

size_t dnnl_cache_size() { return g_conv_cache.size() + g_mm_cache.size(); }

}  // namespace odnn
