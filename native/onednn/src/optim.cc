// Native versions of kernels the library defines for the wasm backend (lib/backend/wasm): the
// fused Adam and RMSprop updates `AdamUpdateWasm` and `RmspropUpdateWasm`, and the dropout
// multiplier `DropoutMultiplierWasm`.
// Both follow those kernels' arithmetic exactly (same operation order, in double, rounded to
// float32 on store), so the values are bit-identical; the native loops are just faster.
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "common.h"
#include "parallel.h"

namespace odnn {

namespace {

__attribute__((noinline)) void adam_run(const float* __restrict w, const float* __restrict g,
                                        const float* __restrict m, const float* __restrict v,
                                        float* __restrict wo, float* __restrict mo,
                                        float* __restrict vo, int64_t n, double beta1,
                                        double beta2, double c1, double c2, double step,
                                        double inv_sqrt_acc2, double eps) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const double gi = g[i];
    const double m1 = beta1 * m[i] + c1 * gi;
    const double v1 = beta2 * v[i] + c2 * (gi * gi);
    mo[i] = static_cast<float>(m1);
    vo[i] = static_cast<float>(v1);
    wo[i] = static_cast<float>(w[i] - (step * m1) / (std::sqrt(v1) * inv_sqrt_acc2 + eps));
  }
}

constexpr int64_t kAdamGrain = 1 << 16;  // values per chunk (see adam())

}  // namespace

// One Adam step over a variable (parameters: params::adam, the scalars in double).
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
  const double beta1 = pd(P::kBeta1), beta2 = pd(P::kBeta2), c1 = pd(P::kOneMinusBeta1),
               c2 = pd(P::kOneMinusBeta2), step = pd(P::kStepSize), inv = pd(P::kInvSqrtBias2),
               eps = pd(P::kEpsilon);
  // Variables under 2 x 65,536 values stay on the calling thread. Between two Adam calls the
  // step runs JavaScript long enough for the OpenMP worker to fall asleep, and waking it costs
  // more than half of a small update: mlp's 78,400-value kernel took 1.0 ms a step split in
  // four chunks over 2 threads against 0.3 ms on one (--profile-steps, 2-core VM). A 262,144-
  // value update still gains (0.85 ms -> 0.5 ms on 2 threads), so larger variables split.
  parallel_chunks(n, kAdamGrain, [&](int64_t s, int64_t e) {
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

__attribute__((noinline)) void rmsprop_run(const float* __restrict w, const float* __restrict g,
                                           const float* __restrict ms, const float* __restrict mom,
                                           float* __restrict wo, float* __restrict mso,
                                           float* __restrict momo, int64_t n, double decay,
                                           double c, double momentum, double lr, double eps) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const double gi = g[i];
    // The stored (float) ms' and mom' feed the next term, as in the wasm kernel.
    const float ms1 = static_cast<float>(ms[i] * decay + gi * gi * c);
    const float mom1 = static_cast<float>(mom[i] * momentum + (gi * lr) / std::sqrt(ms1 + eps));
    mso[i] = ms1;
    momo[i] = mom1;
    wo[i] = static_cast<float>(w[i] - static_cast<double>(mom1));
  }
}

}  // namespace

// One non-centered RMSprop step over a variable (parameters: params::rmsprop, the scalars
// float32-rounded in JS, passed as double). Variables under 2^17 values run on the calling thread.
void rmsprop() {
  namespace P = params::rmsprop;
  const int64_t n = pi(P::kN);
  if (n < 1) throw std::runtime_error("rmsprop: empty variable");
  const float* w = heap<float>(pi(P::kValue), n, "value");
  const float* g = heap<float>(pi(P::kGradient), n, "gradient");
  const float* ms = heap<float>(pi(P::kMs), n, "ms");
  const float* mom = heap<float>(pi(P::kMom), n, "mom");
  float* wo = heap<float>(pi(P::kNewValue), n, "new value");
  float* mso = heap<float>(pi(P::kNewMs), n, "new ms");
  float* momo = heap<float>(pi(P::kNewMom), n, "new mom");
  const double decay = pd(P::kDecay), c = pd(P::kOneMinusDecay), momentum = pd(P::kMomentum),
               lr = pd(P::kLearningRate), eps = pd(P::kEpsilon);
  parallel_chunks(n, 1 << 16, [&](int64_t s, int64_t e) {
    rmsprop_run(w + s, g + s, ms + s, mom + s, wo + s, mso + s, momo + s, e - s, decay, c,
                momentum, lr, eps);
  });
}

}  // namespace odnn
