// Batch-norm inference/forward formula over the last axis:
// y = (x - mean[c]) * scale[c] / sqrt(variance[c] + eps) + offset[c].
#include <cmath>
#include <stdexcept>
#include <vector>

#include "common.h"
#include "parallel.h"

namespace odnn {

namespace {

__attribute__((noinline)) void normalize_rows(const float* __restrict x, float* __restrict y,
                                              int64_t rows, int64_t C, const float* __restrict m,
                                              const float* __restrict a, const float* __restrict b) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * C;
    float* yr = y + r * C;
#pragma omp simd
    for (int64_t c = 0; c < C; ++c) yr[c] = (xr[c] - m[c]) * a[c] + b[c];
  }
}

}  // namespace

// Parameters: params::batchnorm (scale and offset offsets are -1 when absent: 1 and 0).
void batchnorm() {
  namespace P = params::batchnorm;
  const int64_t rows = pi(P::kRows), C = pi(P::kChannels);
  if (rows < 1 || C < 1) throw std::runtime_error("batchnorm: empty shape");
  const float* x = heap<float>(pi(P::kX), rows * C, "x");
  float* out = heap<float>(pi(P::kOut), rows * C, "out");
  const float* mean = heap<float>(pi(P::kMean), C, "mean");
  const float* var = heap<float>(pi(P::kVariance), C, "variance");
  const float* scale = pi(P::kScale) >= 0 ? heap<float>(pi(P::kScale), C, "scale") : nullptr;
  const float* offset = pi(P::kOffset) >= 0 ? heap<float>(pi(P::kOffset), C, "offset") : nullptr;
  const float eps = pf(P::kEpsilon);
  std::vector<float> a(C), b(C), m(C);
  for (int64_t c = 0; c < C; ++c) {
    a[c] = (scale ? scale[c] : 1.f) / std::sqrt(var[c] + eps);
    b[c] = offset ? offset[c] : 0.f;
    m[c] = mean[c];
  }
  const float* pa = a.data();
  const float* pb = b.data();
  const float* pm = m.data();
  parallel_chunks(rows, std::max<int64_t>(1, (1 << 15) / C), [&](int64_t s, int64_t e) {
    normalize_rows(x + s * C, out + s * C, e - s, C, pm, pa, pb);
  });
}

}  // namespace odnn
