// Native versions of kernels the library defines for the wasm backend (lib/backend/wasm): the
// fused Adam and RMSprop updates `AdamUpdateWasm` and `RmspropUpdateWasm`, and the dropout
// multiplier `DropoutMultiplierWasm` (bit-identical to the library's: same xorshift stream).
// The optimizer updates compute in float32, as tfjs's own optimizers do (one float32 op at a
// time), with vector sqrt and division: RMSprop in tfjs's op order, so its values are tfjs's on
// the cpu backend bit for bit; Adam in the library kernel's rearranged formula (one division per
// value instead of three), a few float32 roundings away from tfjs's. The library's JavaScript
// kernels compute in double and round on store, so the two differ in the last bits of a value
// (test/onednn-library-kernels.test.ts bounds the difference). In double with 128-bit vectors
// the square root and division bound the loop at ~1.9 ns a value on one thread; in float32 with
// 256-bit vectors it takes 0.35-0.5 ns, bound by memory.
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "common.h"
#include "parallel.h"

namespace odnn {

namespace {

// w' = w - step·m' / (sqrt(v')·inv_sqrt_acc2 + eps), m' = beta1·m + c1·g, v' = beta2·v + c2·g²:
// tfjs's lr·m̂ / (sqrt(v̂) + eps), the bias corrections folded into step and inv_sqrt_acc2.
ODNN_VECTOR_CLONES __attribute__((noinline)) void adam_run(
    const float* __restrict w, const float* __restrict g, const float* __restrict m,
    const float* __restrict v, float* __restrict wo, float* __restrict mo, float* __restrict vo,
    int64_t n, float beta1, float beta2, float c1, float c2, float step, float inv_sqrt_acc2,
    float eps) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i];
    const float m1 = beta1 * m[i] + c1 * gi;
    const float v1 = beta2 * v[i] + c2 * (gi * gi);
    mo[i] = m1;
    vo[i] = v1;
    wo[i] = w[i] - (step * m1) / (std::sqrt(v1) * inv_sqrt_acc2 + eps);
  }
}

// Values per chunk of the optimizer updates: variables under two chunks (131,072 values) stay on
// the calling thread. Between two updates the step runs JavaScript long enough for the OpenMP
// worker to fall asleep, and waking it costs about what it saves at that size (2-core EPYC,
// float32 Adam and RMSprop loops, 200 µs between calls: 100,352 values 0.036 ms on one thread and
// 0.045 ms on two, 131,072 values 0.048 and 0.043-0.049 ms, 262,144 values 0.096 and 0.070 ms).
constexpr int64_t kOptimGrain = 1 << 16;

}  // namespace

// One Adam step over a variable (parameters: params::adam, rounded to float32 here).
void adam() {
  namespace P = params::adam;
  const int64_t n = pi(P::kN);
  if (n < 1) throw std::runtime_error("adam: empty variable");
  const float* w = heap<float>(pi(P::kValue), n, "value");
  const float* g = heap<float>(pi(P::kGradient), n, "gradient");
  const float* m = heap<float>(pi(P::kM), n, "m");
  const float* v = heap<float>(pi(P::kV), n, "v");
  float* wo = heap<float>(pi(P::kNewValue), n, "new value");
  float* mo = heap<float>(pi(P::kNewM), n, "new m");
  float* vo = heap<float>(pi(P::kNewV), n, "new v");
  const float beta1 = pf(P::kBeta1), beta2 = pf(P::kBeta2), c1 = pf(P::kOneMinusBeta1),
              c2 = pf(P::kOneMinusBeta2), step = pf(P::kStepSize), inv = pf(P::kInvSqrtBias2),
              eps = pf(P::kEpsilon);
  parallel_chunks(n, kOptimGrain, [&](int64_t s, int64_t e) {
    adam_run(w + s, g + s, m + s, v + s, wo + s, mo + s, vo + s, e - s, beta1, beta2, c1, c2, step,
             inv, eps);
  });
}

// Parameters: params::dropout_mask. Each xorshift32 step yields two 16-bit draws; an element is
// kept (set to `keep`) when its draw is >= threshold, else 0. Sequential: the stream is defined
// one step at a time.
void dropout_mask() {
  namespace P = params::dropout_mask;
  const int64_t n = pi(P::kN);
  if (n < 1) throw std::runtime_error("dropout: empty shape");
  float* out = heap<float>(pi(P::kOut), n, "out");
  const uint32_t threshold = static_cast<uint32_t>(pi(P::kThreshold));
  const float keep = pf(P::kKeep);
  uint32_t s = static_cast<uint32_t>(static_cast<int32_t>(pi(P::kSeed)));
  int64_t i = 0;
  for (; i + 1 < n; i += 2) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    out[i] = (s & 0xffffu) >= threshold ? keep : 0.f;
    out[i + 1] = (s >> 16) >= threshold ? keep : 0.f;
  }
  if (i < n) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    out[i] = (s & 0xffffu) >= threshold ? keep : 0.f;
  }
}

namespace {

// tfjs's non-centered RMSprop, op for op in float32: ms' = ms·decay + g²·c,
// mom' = mom·momentum + g·lr / sqrt(ms' + eps), w' = w - mom'.
ODNN_VECTOR_CLONES __attribute__((noinline)) void rmsprop_run(
    const float* __restrict w, const float* __restrict g, const float* __restrict ms,
    const float* __restrict mom, float* __restrict wo, float* __restrict mso,
    float* __restrict momo, int64_t n, float decay, float c, float momentum, float lr, float eps) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i];
    const float ms1 = ms[i] * decay + (gi * gi) * c;
    const float mom1 = mom[i] * momentum + (gi * lr) / std::sqrt(ms1 + eps);
    mso[i] = ms1;
    momo[i] = mom1;
    wo[i] = w[i] - mom1;
  }
}

// The same with momentum 0, where mom' is this step's g·lr / sqrt(ms' + eps) and no later step
// reads it: two arrays of the seven left out.
ODNN_VECTOR_CLONES __attribute__((noinline)) void rmsprop_plain_run(
    const float* __restrict w, const float* __restrict g, const float* __restrict ms,
    float* __restrict wo, float* __restrict mso, int64_t n, float decay, float c, float lr,
    float eps) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i];
    const float ms1 = ms[i] * decay + (gi * gi) * c;
    mso[i] = ms1;
    wo[i] = w[i] - (gi * lr) / std::sqrt(ms1 + eps);
  }
}

}  // namespace

// One non-centered RMSprop step over a variable (parameters: params::rmsprop, the scalars
// float32-rounded in JS). Without a moment array (mom and newMom -1, momentum 0) the moments are
// neither read nor written.
void rmsprop() {
  namespace P = params::rmsprop;
  const int64_t n = pi(P::kN);
  if (n < 1) throw std::runtime_error("rmsprop: empty variable");
  const float* w = heap<float>(pi(P::kValue), n, "value");
  const float* g = heap<float>(pi(P::kGradient), n, "gradient");
  const float* ms = heap<float>(pi(P::kMs), n, "ms");
  float* wo = heap<float>(pi(P::kNewValue), n, "new value");
  float* mso = heap<float>(pi(P::kNewMs), n, "new ms");
  const float decay = pf(P::kDecay), c = pf(P::kOneMinusDecay), momentum = pf(P::kMomentum),
              lr = pf(P::kLearningRate), eps = pf(P::kEpsilon);
  const int64_t mom_off = pi(P::kMom), new_mom_off = pi(P::kNewMom);
  if ((mom_off < 0) != (new_mom_off < 0)) {
    throw std::runtime_error("rmsprop: mom and new mom go together");
  }
  if (mom_off < 0) {
    if (momentum != 0.f) throw std::runtime_error("rmsprop: momentum without a moment array");
    parallel_chunks(n, kOptimGrain, [&](int64_t s, int64_t e) {
      rmsprop_plain_run(w + s, g + s, ms + s, wo + s, mso + s, e - s, decay, c, lr, eps);
    });
    return;
  }
  const float* mom = heap<float>(mom_off, n, "mom");
  float* momo = heap<float>(new_mom_off, n, "new mom");
  parallel_chunks(n, kOptimGrain, [&](int64_t s, int64_t e) {
    rmsprop_run(w + s, g + s, ms + s, mom + s, wo + s, mso + s, momo + s, e - s, decay, c,
                momentum, lr, eps);
  });
}

}  // namespace odnn
