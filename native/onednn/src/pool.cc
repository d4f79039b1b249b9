// 2-D max pooling on NHWC tensors and its gradient. The gradient follows tfjs's rule: each
// output's gradient goes to the first (row-major) position holding the window's maximum;
// padding never wins. Images are independent, so the batch is split over threads.
#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

#include "common.h"
#include "parallel.h"

namespace odnn {

namespace {

inline uint32_t mask(bool b) { return 0u - static_cast<uint32_t>(b); }
inline uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}
inline float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

struct PoolShape {
  int64_t N, H, W, C, KH, KW, OH, OW, sh, sw, pt, pl;
};

// The per-row and per-image work lives in out-of-line functions: inlined into OpenMP regions,
// GCC stops vectorising the channel loops.
__attribute__((noinline)) void max_forward_row(const PoolShape& p, const float* __restrict x,
                                               float* __restrict y, int64_t n, int64_t oh) {
  const int64_t h0 = oh * p.sh - p.pt;
  const int64_t hs = std::max<int64_t>(h0, 0), he = std::min<int64_t>(h0 + p.KH, p.H);
  for (int64_t ow = 0; ow < p.OW; ++ow) {
    const int64_t w0 = ow * p.sw - p.pl;
    const int64_t ws = std::max<int64_t>(w0, 0), we = std::min<int64_t>(w0 + p.KW, p.W);
    float* __restrict out = y + ((n * p.OH + oh) * p.OW + ow) * p.C;
    for (int64_t c = 0; c < p.C; ++c) out[c] = -std::numeric_limits<float>::infinity();
    for (int64_t h = hs; h < he; ++h)
      for (int64_t w = ws; w < we; ++w) {
        const float* __restrict in = x + ((n * p.H + h) * p.W + w) * p.C;
#pragma omp simd
        for (int64_t c = 0; c < p.C; ++c) out[c] = in[c] > out[c] ? in[c] : out[c];
      }
  }
}

void max_forward(const PoolShape& p, const float* x, float* y) {
  const int64_t rows = p.N * p.OH;
  parallel_chunks(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(p.OW * p.C, 1)),
                  [&](int64_t s, int64_t e) {
                    for (int64_t row = s; row < e; ++row) max_forward_row(p, x, y, row / p.OH, row % p.OH);
                  });
}

// One image: per window, the first position holding each channel's maximum gets the gradient.
__attribute__((noinline)) void max_backward_image(const PoolShape& p, const float* __restrict dy,
                                                  const float* __restrict xn, float* __restrict dxn,
                                                  int64_t n, float* __restrict bv,
                                                  int32_t* __restrict bw) {
  // Windows that neither overlap nor leave gaps (e.g. 2x2, stride 2): every dx element is written
  // exactly once below, so no zeroing pass and no scatter are needed.
  const bool tiles = p.KH == p.sh && p.KW == p.sw && p.OH * p.sh - p.pt >= p.H &&
                     p.OW * p.sw - p.pl >= p.W;
  if (!tiles) std::memset(dxn, 0, sizeof(float) * static_cast<size_t>(p.H * p.W * p.C));
  for (int64_t oh = 0; oh < p.OH; ++oh) {
    const int64_t h0 = oh * p.sh - p.pt;
    const int64_t hs = std::max<int64_t>(h0, 0), he = std::min<int64_t>(h0 + p.KH, p.H);
    for (int64_t ow = 0; ow < p.OW; ++ow) {
      const int64_t w0 = ow * p.sw - p.pl;
      const int64_t ws = std::max<int64_t>(w0, 0), we = std::min<int64_t>(w0 + p.KW, p.W);
#pragma omp simd
      for (int64_t c = 0; c < p.C; ++c) {
        bv[c] = -std::numeric_limits<float>::infinity();
        bw[c] = -1;
      }
      for (int64_t h = hs; h < he; ++h)
        for (int64_t w = ws; w < we; ++w) {
          const int32_t pos = static_cast<int32_t>(h * p.W + w);
          const float* __restrict in = xn + pos * p.C;
#pragma omp simd
          for (int64_t c = 0; c < p.C; ++c) {
            const bool take = in[c] > bv[c];
            bv[c] = take ? in[c] : bv[c];
            bw[c] = take ? pos : bw[c];
          }
        }
      const float* __restrict g = dy + ((n * p.OH + oh) * p.OW + ow) * p.C;
      if (tiles) {
        for (int64_t h = hs; h < he; ++h)
          for (int64_t w = ws; w < we; ++w) {
            const int32_t pos = static_cast<int32_t>(h * p.W + w);
            float* __restrict out = dxn + pos * p.C;
#pragma omp simd
            for (int64_t c = 0; c < p.C; ++c) out[c] = bw[c] == pos ? g[c] : 0.f;
          }
      } else {
        for (int64_t c = 0; c < p.C; ++c)
          if (bw[c] >= 0) dxn[static_cast<int64_t>(bw[c]) * p.C + c] += g[c];
      }
    }
  }
}

// The common 2x2, stride 2, unpadded case over whole rows: four loads, a first-maximum choice
// by selects, four stores per channel, all vectorised across channels.
__attribute__((noinline)) void max_backward_2x2_row(const PoolShape& p, const float* __restrict g,
                                                    const float* __restrict x0,
                                                    float* __restrict d0) {
  const int64_t C = p.C, rowstride = p.W * C;
  for (int64_t ow = 0; ow < p.OW; ++ow) {
    const float* __restrict a = x0 + 2 * ow * C;
    const float* __restrict b = a + C;
    const float* __restrict c2 = a + rowstride;
    const float* __restrict e = c2 + C;
    float* __restrict da = d0 + 2 * ow * C;
    float* __restrict db = da + C;
    float* __restrict dc = da + rowstride;
    float* __restrict de = dc + C;
    const float* __restrict gw = g + ow * C;
#pragma omp simd
    for (int64_t c = 0; c < C; ++c) {
      // The gradient goes to the first position equal to the window maximum (what a running
      // strict '>' from -inf picks; NaN and all -inf windows pick none). Bit masks instead of
      // branches so the loop vectorises.
      float m = -std::numeric_limits<float>::infinity();
      m = a[c] > m ? a[c] : m;
      m = b[c] > m ? b[c] : m;
      m = c2[c] > m ? c2[c] : m;
      m = e[c] > m ? e[c] : m;
      const uint32_t valid = mask(m > -std::numeric_limits<float>::infinity());
      const uint32_t ea = mask(a[c] == m) & valid;
      const uint32_t eb = mask(b[c] == m) & valid & ~ea;
      const uint32_t ec = mask(c2[c] == m) & valid & ~ea & ~eb;
      const uint32_t ee = mask(e[c] == m) & valid & ~ea & ~eb & ~ec;
      const uint32_t v = bits(gw[c]);
      da[c] = from_bits(v & ea);
      db[c] = from_bits(v & eb);
      dc[c] = from_bits(v & ec);
      de[c] = from_bits(v & ee);
    }
  }
}

bool is_2x2_tiling(const PoolShape& p) {
  return p.KH == 2 && p.KW == 2 && p.sh == 2 && p.sw == 2 && p.pt == 0 && p.pl == 0 &&
         p.H == 2 * p.OH && p.W == 2 * p.OW;
}

void max_backward(const PoolShape& p, const float* dy, const float* x, float* dx) {
  if (is_2x2_tiling(p)) {
    const int64_t rows = p.N * p.OH;
    parallel_chunks(rows, std::max<int64_t>(1, 8192 / std::max<int64_t>(p.OW * p.C, 1)),
                    [&](int64_t s, int64_t e) {
                      for (int64_t r = s; r < e; ++r) {
                        const int64_t n = r / p.OH, oh = r % p.OH;
                        const int64_t in = ((n * p.H + 2 * oh) * p.W) * p.C;
                        max_backward_2x2_row(p, dy + r * p.OW * p.C, x + in, dx + in);
                      }
                    });
    return;
  }
  parallel_chunks(p.N, 1, [&](int64_t s, int64_t e) {
    std::vector<float> best(static_cast<size_t>(p.C));
    std::vector<int32_t> where(static_cast<size_t>(p.C));
    for (int64_t n = s; n < e; ++n) {
      const int64_t image = n * p.H * p.W * p.C;
      max_backward_image(p, dy, x + image, dx + image, n, best.data(), where.data());
    }
  });
}

}  // namespace

// Max pooling forward, or its gradient (parameters: params::pool2d).
void pool2d() {
  namespace P = params::pool2d;
  const int mode = static_cast<int>(pi(P::kMode));
  PoolShape p{pi(P::kBatch),        pi(P::kInHeight),     pi(P::kInWidth),   pi(P::kChannels),
              pi(P::kFilterHeight), pi(P::kFilterWidth),  pi(P::kOutHeight), pi(P::kOutWidth),
              pi(P::kStrideHeight), pi(P::kStrideWidth),  pi(P::kPadTop),    pi(P::kPadLeft)};
  if (p.N < 1 || p.H < 1 || p.W < 1 || p.C < 1 || p.OH < 1 || p.OW < 1 || p.sh < 1 || p.sw < 1)
    throw std::runtime_error("pool2d: empty or invalid shape");
  const float* x = heap<float>(pi(P::kX), p.N * p.H * p.W * p.C, "x");
  if (mode == pool_mode::kMaxForward) {
    max_forward(p, x, heap<float>(pi(P::kY), p.N * p.OH * p.OW * p.C, "y"));
  } else if (mode == pool_mode::kMaxBackward) {
    max_backward(p, heap<float>(pi(P::kY), p.N * p.OH * p.OW * p.C, "dy"), x,
                 heap<float>(pi(P::kDx), p.N * p.H * p.W * p.C, "dx"));
  } else {
    throw std::runtime_error("pool2d: unknown mode");
  }
}

}  // namespace odnn
