// Tile: repeats a tensor along each axis (up to 6 axes, any element size). Each output row
// (last axis) is the source row repeated; rows are split over threads.
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "common.h"
#include "parallel.h"

namespace odnn {

namespace {

// Writes `times` copies of the `bytes`-long row at `from` to `to`. Short rows (a channel vector)
// are copied by a plain loop: a memcpy call per 64 bytes costs more than the copy.
__attribute__((noinline)) void copy_row(const uint8_t* __restrict from, uint8_t* __restrict to,
                                        int64_t bytes, int64_t times) {
  if (bytes % 4 == 0 && bytes <= 1024) {
    const int64_t n = bytes / 4;
    const uint32_t* __restrict f = reinterpret_cast<const uint32_t*>(from);
    uint32_t* __restrict t = reinterpret_cast<uint32_t*>(to);
    for (int64_t k = 0; k < times; ++k)
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) t[k * n + i] = f[i];
    return;
  }
  for (int64_t k = 0; k < times; ++k) std::memcpy(to + k * bytes, from, static_cast<size_t>(bytes));
}

}  // namespace

// Tile of any element size, rank 1..6 (parameters: params::tile; `rank` entries of shape and reps).
void tile() {
  namespace P = params::tile;
  const int64_t bytes = pi(P::kElementBytes), rank = pi(P::kRank);
  if (rank < 1 || rank > P::kShapeSlots || bytes < 1) throw std::runtime_error("tile: rank must be 1..6");
  int64_t xs[P::kShapeSlots], reps[P::kShapeSlots], os[P::kShapeSlots];
  int64_t xsize = 1, osize = 1;
  for (int i = 0; i < rank; ++i) {
    xs[i] = pi(P::kShape + i);
    reps[i] = pi(P::kReps + i);
    if (xs[i] < 1 || reps[i] < 1) throw std::runtime_error("tile: empty shape");
    os[i] = xs[i] * reps[i];
    xsize *= xs[i];
    osize *= os[i];
  }
  const uint8_t* x = heap<uint8_t>(pi(P::kX), xsize * bytes, "x");
  uint8_t* out = heap<uint8_t>(pi(P::kOut), osize * bytes, "out");
  // Element strides of x.
  int64_t xstride[P::kShapeSlots];
  xstride[rank - 1] = 1;
  for (int64_t i = rank - 2; i >= 0; --i) xstride[i] = xstride[i + 1] * xs[i + 1];
  const int64_t inner = xs[rank - 1], orow = os[rank - 1];
  const int64_t rows = osize / orow;
  // Consecutive output rows read the same source row while the axes just above the last one
  // have extent 1 in x: such runs are written once and then doubled with memcpy.
  int64_t run = 1;
  for (int64_t i = rank - 2; i >= 0 && xs[i] == 1; --i) run *= os[i];
  const int64_t row_bytes = orow * bytes;
  parallel_chunks(rows, std::max<int64_t>(1, (1 << 16) / row_bytes), [&](int64_t s, int64_t e) {
    int64_t r = s;
    while (r < e) {
      const int64_t end = std::min(e, (r / run + 1) * run);
      int64_t rem = r, src = 0;
      for (int64_t i = rank - 2; i >= 0; --i) {
        src += ((rem % os[i]) % xs[i]) * xstride[i];
        rem /= os[i];
      }
      uint8_t* to = out + r * row_bytes;
      copy_row(x + src * bytes, to, inner * bytes, reps[rank - 1]);
      const int64_t count = end - r;
      for (int64_t done = 1; done < count;) {
        const int64_t n = std::min(done, count - done);
        std::memcpy(to + done * row_bytes, to, static_cast<size_t>(n * row_bytes));
        done += n;
      }
      r = end;
    }
  });
}

}  // namespace odnn
