// Softmax over the last axis and arg-max/arg-min over one axis (the loss and accuracy end of a
// training step). Small tensors in practice; they are native so that a step never wakes the
// threaded wasm build's own worker pool, whose spinning threads slow every native kernel after.
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "common.h"
#include "parallel.h"

namespace odnn {

namespace {

__attribute__((noinline)) void softmax_row(const float* __restrict x, float* __restrict y,
                                           int64_t n) {
  float m = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; ++i) m = x[i] > m ? x[i] : m;
  float sum = 0.f;
  for (int64_t i = 0; i < n; ++i) {
    y[i] = std::exp(x[i] - m);
    sum += y[i];
  }
  for (int64_t i = 0; i < n; ++i) y[i] = y[i] / sum;
}

}  // namespace

// Softmax of each row (parameters: params::softmax).
void softmax() {
  namespace P = params::softmax;
  const int64_t rows = pi(P::kRows), cols = pi(P::kCols);
  if (rows < 1 || cols < 1) throw std::runtime_error("softmax: empty shape");
  const float* x = heap<float>(pi(P::kX), rows * cols, "logits");
  float* y = heap<float>(pi(P::kOut), rows * cols, "out");
  parallel_chunks(rows, std::max<int64_t>(1, (1 << 14) / cols), [&](int64_t s, int64_t e) {
    for (int64_t r = s; r < e; ++r) softmax_row(x + r * cols, y + r * cols, cols);
  });
}

// Arg-max or arg-min of x as [outer, R, inner] over R (parameters: params::arg_min_max). The
// first extreme index wins; NaN never wins (tfjs).
void arg_min_max() {
  namespace P = params::arg_min_max;
  const int64_t outer = pi(P::kOuter), R = pi(P::kReduced), inner = pi(P::kInner);
  const bool min = pi(P::kMin) != 0;
  if (outer < 1 || R < 1 || inner < 1) throw std::runtime_error("argmax: empty shape");
  const float* x = heap<float>(pi(P::kX), outer * R * inner, "x");
  int32_t* out = heap<int32_t>(pi(P::kOut), outer * inner, "out");
  parallel_chunks(outer * inner, std::max<int64_t>(1, (1 << 14) / R), [&](int64_t s, int64_t e) {
    for (int64_t k = s; k < e; ++k) {
      const int64_t o = k / inner, i = k % inner;
      const float* p = x + o * R * inner + i;
      float best = p[0];
      int32_t at = 0;
      for (int64_t r = 1; r < R; ++r) {
        const float v = p[r * inner];
        if (min ? v < best : v > best) {
          best = v;
          at = static_cast<int32_t>(r);
        }
      }
      out[k] = at;
    }
  });
}

}  // namespace odnn
