// Batch norm over the last axis. Inference/forward formula:
// y = (x - mean[c]) * scale[c] / sqrt(variance[c] + eps) + offset[c].
// Training step: the batch statistics and y in one call, and its gradient in one call.
#include <algorithm>
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

// Per-channel sums of x over rows, added to sum (double, so long columns keep float precision).
__attribute__((noinline)) void add_column_sums(const float* __restrict x, int64_t rows, int64_t C,
                                               double* __restrict sum) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * C;
#pragma omp simd
    for (int64_t c = 0; c < C; ++c) sum[c] += xr[c];
  }
}

// Per-channel sums of (x - mean)^2 over rows, added to m2.
__attribute__((noinline)) void add_squared_deviations(const float* __restrict x, int64_t rows,
                                                      int64_t C, const double* __restrict mean,
                                                      double* __restrict m2) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * C;
#pragma omp simd
    for (int64_t c = 0; c < C; ++c) {
      const double d = xr[c] - mean[c];
      m2[c] += d * d;
    }
  }
}

// Per-channel sums of dy and of dy * (x - mean) over rows, added to sum_dy and sum_dy_dev.
__attribute__((noinline)) void add_gradient_sums(const float* __restrict dy,
                                                 const float* __restrict x, int64_t rows,
                                                 int64_t C, const double* __restrict mean,
                                                 double* __restrict sum_dy,
                                                 double* __restrict sum_dy_dev) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* dr = dy + r * C;
    const float* xr = x + r * C;
#pragma omp simd
    for (int64_t c = 0; c < C; ++c) {
      sum_dy[c] += dr[c];
      sum_dy_dev[c] += static_cast<double>(dr[c]) * (xr[c] - mean[c]);
    }
  }
}

// dx = p[c] * dy + r[c] * (x - m[c]) + q[c], row by row.
__attribute__((noinline)) void gradient_rows(const float* __restrict dy, const float* __restrict x,
                                             float* __restrict dx, int64_t rows, int64_t C,
                                             const float* __restrict p, const float* __restrict r,
                                             const float* __restrict q,
                                             const float* __restrict m) {
  for (int64_t i = 0; i < rows; ++i) {
    const float* dr = dy + i * C;
    const float* xr = x + i * C;
    float* out = dx + i * C;
#pragma omp simd
    for (int64_t c = 0; c < C; ++c) out[c] = p[c] * dr[c] + r[c] * (xr[c] - m[c]) + q[c];
  }
}

// Elements per chunk of the per-channel reductions: small enough to stay in cache for the
// second pass over it, large enough that the per-chunk partial sums cost nothing.
constexpr int64_t kReduceChunkElements = int64_t{1} << 15;

// Fixed row chunks for the reductions (a function of the shape and thread count only, so the
// sums add up in the same order on every call). Chunk i covers [begin(i), begin(i + 1)).
struct RowChunks {
  int64_t rows, count;
  RowChunks(int64_t rows_, int64_t C)
      : rows(rows_), count(std::clamp<int64_t>(rows_ * C / kReduceChunkElements, 1,
                                               std::min<int64_t>(4 * threads(), rows_))) {}
  int64_t begin(int64_t i) const { return rows * i / count; }
  // Calls f(chunk, begin, end) for every chunk, spread over the threads.
  template <class F>
  void each(F&& f) const {
    parallel_chunks(count, 1, [&](int64_t s, int64_t e) {
      for (int64_t i = s; i < e; ++i) f(i, begin(i), begin(i + 1));
    });
  }
};

// y = (x - m[c]) * a[c] + b[c] over every row, threaded over chunks of rows.
void normalize(const float* x, float* y, int64_t rows, int64_t C, const float* m, const float* a,
               const float* b) {
  parallel_chunks(rows, std::max<int64_t>(1, (1 << 15) / C),
                  [&](int64_t s, int64_t e) { normalize_rows(x + s * C, y + s * C, e - s, C, m, a, b); });
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
  normalize(x, out, rows, C, m.data(), a.data(), b.data());
}

// Parameters: params::batchnorm_train. Each row chunk's mean and sum of squared deviations
// come from two passes over the chunk (in cache); the chunks are merged with Chan et al.'s
// pairwise formula in double, then y is written in a third, threaded pass.
void batchnorm_train() {
  namespace P = params::batchnorm_train;
  const int64_t rows = pi(P::kRows), C = pi(P::kChannels);
  if (rows < 1 || C < 1) throw std::runtime_error("batchnorm_train: empty shape");
  const float* x = heap<float>(pi(P::kX), rows * C, "x");
  float* y = heap<float>(pi(P::kY), rows * C, "y");
  const float* gamma = heap<float>(pi(P::kGamma), C, "gamma");
  const float* beta = heap<float>(pi(P::kBeta), C, "beta");
  float* mean_out = heap<float>(pi(P::kMean), C, "mean");
  float* var_out = heap<float>(pi(P::kVariance), C, "variance");
  const float eps = pf(P::kEpsilon);
  const RowChunks chunks(rows, C);
  std::vector<double> means(chunks.count * C, 0.0), m2s(chunks.count * C, 0.0);
  chunks.each([&](int64_t i, int64_t b, int64_t e) {
    double* mean = means.data() + i * C;
    add_column_sums(x + b * C, e - b, C, mean);
    const double inv_n = 1.0 / static_cast<double>(e - b);
    for (int64_t c = 0; c < C; ++c) mean[c] *= inv_n;
    add_squared_deviations(x + b * C, e - b, C, mean, m2s.data() + i * C);
  });
  std::vector<float> a(C), m(C);
  for (int64_t c = 0; c < C; ++c) {
    double n = static_cast<double>(chunks.begin(1)), mean = means[c], m2 = m2s[c];
    for (int64_t i = 1; i < chunks.count; ++i) {
      const double nb = static_cast<double>(chunks.begin(i + 1) - chunks.begin(i));
      const double delta = means[i * C + c] - mean, total = n + nb;
      mean += delta * nb / total;
      m2 += m2s[i * C + c] + delta * delta * n * nb / total;
      n = total;
    }
    mean_out[c] = m[c] = static_cast<float>(mean);
    var_out[c] = static_cast<float>(m2 / n);
    a[c] = gamma[c] / std::sqrt(var_out[c] + eps);
  }
  normalize(x, y, rows, C, m.data(), a.data(), beta);
}

// Parameters: params::batchnorm_train_grad. With x^ = (x - mean) * invstd and N = rows:
// dbeta = sum(dy), dgamma = sum(dy * x^),
// dx = gamma * invstd / N * (N * dy - sum(dy) - x^ * sum(dy * x^))
//      + dmean / N + dvariance * 2 (x - mean) / N   (the statistics are outputs too).
void batchnorm_train_grad() {
  namespace P = params::batchnorm_train_grad;
  const int64_t rows = pi(P::kRows), C = pi(P::kChannels);
  if (rows < 1 || C < 1) throw std::runtime_error("batchnorm_train_grad: empty shape");
  const float* dy = heap<float>(pi(P::kDy), rows * C, "dy");
  const float* x = heap<float>(pi(P::kX), rows * C, "x");
  const float* mean = heap<float>(pi(P::kMean), C, "mean");
  const float* var = heap<float>(pi(P::kVariance), C, "variance");
  const float* gamma = heap<float>(pi(P::kGamma), C, "gamma");
  const float* dmean = pi(P::kDmean) >= 0 ? heap<float>(pi(P::kDmean), C, "dmean") : nullptr;
  const float* dvar = pi(P::kDvariance) >= 0 ? heap<float>(pi(P::kDvariance), C, "dvariance") : nullptr;
  float* dx = heap<float>(pi(P::kDx), rows * C, "dx");
  float* dgamma = heap<float>(pi(P::kDgamma), C, "dgamma");
  float* dbeta = heap<float>(pi(P::kDbeta), C, "dbeta");
  const double eps = pf(P::kEpsilon);
  const RowChunks chunks(rows, C);
  std::vector<double> mean_d(mean, mean + C);
  std::vector<double> sums_dy(chunks.count * C, 0.0), sums_dy_dev(chunks.count * C, 0.0);
  chunks.each([&](int64_t i, int64_t b, int64_t e) {
    add_gradient_sums(dy + b * C, x + b * C, e - b, C, mean_d.data(), sums_dy.data() + i * C,
                      sums_dy_dev.data() + i * C);
  });
  std::vector<float> p(C), r(C), q(C);
  const double n = static_cast<double>(rows);
  for (int64_t c = 0; c < C; ++c) {
    double sum_dy = 0, sum_dy_dev = 0;
    for (int64_t i = 0; i < chunks.count; ++i) {
      sum_dy += sums_dy[i * C + c];
      sum_dy_dev += sums_dy_dev[i * C + c];
    }
    const double invstd = 1.0 / std::sqrt(static_cast<double>(var[c]) + eps);
    const double k = gamma[c] * invstd;
    dbeta[c] = static_cast<float>(sum_dy);
    dgamma[c] = static_cast<float>(sum_dy_dev * invstd);
    p[c] = static_cast<float>(k);
    r[c] = static_cast<float>(-k * invstd * invstd * sum_dy_dev / n + (dvar ? 2.0 * dvar[c] / n : 0.0));
    q[c] = static_cast<float>(-k * sum_dy / n + (dmean ? dmean[c] / n : 0.0));
  }
  parallel_chunks(rows, std::max<int64_t>(1, (1 << 15) / C), [&](int64_t s, int64_t e) {
    gradient_rows(dy + s * C, x + s * C, dx + s * C, e - s, C, p.data(), r.data(), q.data(),
                  mean);
  });
}

}  // namespace odnn
