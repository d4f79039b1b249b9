// Constant padding (PadV2) of float32 tensors up to 6 axes: each output row (last axis) is the
// constant, or the constant around a copy of one input row. Rows are split over threads.
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "common.h"
#include "parallel.h"

namespace odnn {

// Constant padding, rank 1..6 (parameters: params::pad; `rank` entries of shape, before, after).
void pad() {
  namespace P = params::pad;
  const int64_t rank = pi(P::kRank);
  if (rank < 1 || rank > P::kShapeSlots) throw std::runtime_error("pad: rank must be 1..6");
  const float value = pf(P::kValue);
  int64_t xs[P::kShapeSlots], before[P::kShapeSlots], os[P::kShapeSlots];
  int64_t xsize = 1, osize = 1;
  for (int i = 0; i < rank; ++i) {
    xs[i] = pi(P::kShape + i);
    before[i] = pi(P::kBefore + i);
    const int64_t after = pi(P::kAfter + i);
    if (xs[i] < 1 || before[i] < 0 || after < 0) throw std::runtime_error("pad: bad shape or padding");
    os[i] = before[i] + xs[i] + after;
    xsize *= xs[i];
    osize *= os[i];
  }
  const float* x = heap<float>(pi(P::kX), xsize, "x");
  float* out = heap<float>(pi(P::kOut), osize, "out");
  int64_t xstride[P::kShapeSlots];
  xstride[rank - 1] = 1;
  for (int64_t i = rank - 2; i >= 0; --i) xstride[i] = xstride[i + 1] * xs[i + 1];
  const int64_t orow = os[rank - 1], inner = xs[rank - 1], lead = before[rank - 1];
  const int64_t rows = osize / orow;
  parallel_chunks(rows, std::max<int64_t>(1, (1 << 15) / orow), [&](int64_t s, int64_t e) {
    for (int64_t r = s; r < e; ++r) {
      float* to = out + r * orow;
      int64_t rem = r, src = 0;
      bool inside = true;
      for (int64_t i = rank - 2; i >= 0; --i) {
        const int64_t idx = rem % os[i] - before[i];
        rem /= os[i];
        if (idx < 0 || idx >= xs[i]) inside = false;
        src += idx * xstride[i];
      }
      if (!inside) {
        std::fill(to, to + orow, value);
        continue;
      }
      std::fill(to, to + lead, value);
      std::memcpy(to + lead, x + src, sizeof(float) * static_cast<size_t>(inner));
      std::fill(to + lead + inner, to + orow, value);
    }
  });
}

}  // namespace odnn
