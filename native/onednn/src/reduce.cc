// Reductions over one contiguous block of axes: x viewed as [outer, R, inner] reduces to
// [outer, inner]. This covers the bias gradient (sum over batch and space), per-row sums and
// maxima, and whole-tensor reductions. Sums accumulate in double.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "common.h"
#include "parallel.h"

namespace odnn {

namespace {

using namespace reduce_op;  // kSum, kMean, kMax, kMin (params.h)

// Reduces rows [r0, r1) of block o into acc[inner]. Kept out of line: inlined into OpenMP
// regions, GCC stops vectorising it.
template <int Op>
__attribute__((noinline)) void accumulate(const float* x, int64_t R, int64_t inner, int64_t o, int64_t r0, int64_t r1,
                double* acc) {
  for (int64_t r = r0; r < r1; ++r) {
    const float* p = x + (o * R + r) * inner;
    if (Op == kSum || Op == kMean) {
#pragma omp simd
      for (int64_t i = 0; i < inner; ++i) acc[i] += p[i];
    } else if (Op == kMax) {
      for (int64_t i = 0; i < inner; ++i)
        if (p[i] > acc[i] || p[i] != p[i]) acc[i] = p[i];
    } else {
      for (int64_t i = 0; i < inner; ++i)
        if (p[i] < acc[i] || p[i] != p[i]) acc[i] = p[i];
    }
  }
}

double init_value(int op) {
  if (op == kMax) return -std::numeric_limits<double>::infinity();
  if (op == kMin) return std::numeric_limits<double>::infinity();
  return 0.0;
}

double combine(int op, double a, double b) {
  if (op == kMax) return (b > a || b != b) ? b : a;
  if (op == kMin) return (b < a || b != b) ? b : a;
  return a + b;
}

template <int Op>
__attribute__((noinline)) double reduce_row(const float* __restrict p, int64_t R) {
  double acc = init_value(Op);
  if (Op == kSum || Op == kMean) {
#pragma omp simd reduction(+ : acc)
    for (int64_t r = 0; r < R; ++r) acc += p[r];
  } else {
    // Max/min by selects plus a NaN flag (NaN wins, as in tfjs), so the loop vectorises.
    float m = static_cast<float>(init_value(Op));
    int nan = 0;
#pragma omp simd reduction(| : nan)
    for (int64_t r = 0; r < R; ++r) {
      const float v = p[r];
      nan |= v != v;
    }
    if (Op == kMax) {
#pragma omp simd reduction(max : m)
      for (int64_t r = 0; r < R; ++r) m = p[r] > m ? p[r] : m;
    } else {
#pragma omp simd reduction(min : m)
      for (int64_t r = 0; r < R; ++r) m = p[r] < m ? p[r] : m;
    }
    acc = nan ? std::numeric_limits<double>::quiet_NaN() : m;
  }
  return acc;
}

template <int Op>
void reduce_rows(const float* x, float* out, int64_t outer, int64_t R) {
  // inner == 1: each output is one contiguous row.
  parallel_chunks(outer, std::max<int64_t>(1, (1 << 15) / std::max<int64_t>(R, 1)),
                  [&](int64_t s, int64_t e) {
                    for (int64_t o = s; o < e; ++o) {
                      double acc = reduce_row<Op>(x + o * R, R);
                      if (Op == kMean) acc /= static_cast<double>(R);
                      out[o] = static_cast<float>(acc);
                    }
                  });
}

template <int Op>
void reduce_general(const float* x, float* out, int64_t outer, int64_t R, int64_t inner) {
  const int64_t nt = threads();
  const double scale = Op == kMean ? 1.0 / static_cast<double>(R) : 1.0;
  if (outer >= nt && outer * R * inner >= (1 << 15)) {
    parallel_chunks(outer, 1, [&](int64_t s, int64_t e) {
      std::vector<double> acc(inner);
      for (int64_t o = s; o < e; ++o) {
        std::fill(acc.begin(), acc.end(), init_value(Op));
        accumulate<Op>(x, R, inner, o, 0, R, acc.data());
        for (int64_t i = 0; i < inner; ++i) out[o * inner + i] = static_cast<float>(acc[i] * scale);
      }
    });
    return;
  }
  // Few outer blocks: split the reduced rows over threads, then combine the partial results.
  const int64_t parts = std::min<int64_t>(nt, std::max<int64_t>(1, R * inner / (1 << 14)));
  std::vector<double> partial(static_cast<size_t>(parts * outer * inner), init_value(Op));
#pragma omp parallel num_threads(static_cast<int>(parts))
  {
    const int64_t t = omp_get_thread_num(), n = omp_get_num_threads();
    const int64_t s = R * t / n, e = R * (t + 1) / n;
    // Each thread sums into its own buffer (neighbouring partials would share cache lines).
    std::vector<double> local(static_cast<size_t>(outer * inner), init_value(Op));
    for (int64_t o = 0; o < outer; ++o) accumulate<Op>(x, R, inner, o, s, e, local.data() + o * inner);
    std::copy(local.begin(), local.end(), partial.begin() + t * outer * inner);
  }
  for (int64_t j = 0; j < outer * inner; ++j) {
    double v = partial[j];
    for (int64_t t = 1; t < parts; ++t) v = combine(Op, v, partial[t * outer * inner + j]);
    out[j] = static_cast<float>(v * scale);
  }
}

// Column sums of a [R, W] block for a small fixed W: float partial sums that stay in registers
// for up to 256 rows at a time, flushed into double totals.
template <int W>
__attribute__((noinline)) void column_sums(const float* __restrict x, int64_t r0, int64_t r1,
                                           double* __restrict total) {
  for (int64_t r = r0; r < r1;) {
    const int64_t end = std::min(r1, r + 256);
    float acc[W] = {};
    for (; r < end; ++r) {
      const float* __restrict p = x + r * W;
#pragma omp simd
      for (int i = 0; i < W; ++i) acc[i] += p[i];
    }
    for (int i = 0; i < W; ++i) total[i] += acc[i];
  }
}

template <int W>
bool try_column_sums(const float* x, float* out, int64_t R, double scale) {
  const int64_t parts = std::min<int64_t>(threads(), std::max<int64_t>(1, R * W / (1 << 15)));
  std::vector<double> partial(static_cast<size_t>(parts * W), 0.0);
#pragma omp parallel num_threads(static_cast<int>(parts))
  {
    const int64_t t = omp_get_thread_num(), n = omp_get_num_threads();
    double local[W] = {};
    column_sums<W>(x, R * t / n, R * (t + 1) / n, local);
    std::copy(local, local + W, partial.begin() + t * W);
  }
  for (int i = 0; i < W; ++i) {
    double v = 0;
    for (int64_t t = 0; t < parts; ++t) v += partial[t * W + i];
    out[i] = static_cast<float>(v * scale);
  }
  return true;
}

template <int Op>
void reduce_by(const float* x, float* out, int64_t outer, int64_t R, int64_t inner) {
  if (inner == 1) return reduce_rows<Op>(x, out, outer, R);
  if ((Op == kSum || Op == kMean) && outer == 1) {
    const double scale = Op == kMean ? 1.0 / static_cast<double>(R) : 1.0;
    switch (inner) {
      case 8: try_column_sums<8>(x, out, R, scale); return;
      case 16: try_column_sums<16>(x, out, R, scale); return;
      case 32: try_column_sums<32>(x, out, R, scale); return;
      case 64: try_column_sums<64>(x, out, R, scale); return;
      default: break;
    }
  }
  reduce_general<Op>(x, out, outer, R, inner);
}

}  // namespace

// Sum, mean, max or min of x as [outer, R, inner] over R (parameters: params::reduce).
void reduce() {
  namespace P = params::reduce;
  const int op = static_cast<int>(pi(P::kOp));
  const int64_t outer = pi(P::kOuter), R = pi(P::kReduced), inner = pi(P::kInner);
  if (outer < 1 || R < 1 || inner < 1) throw std::runtime_error("reduce: empty dimension");
  const float* x = heap<float>(pi(P::kX), outer * R * inner, "x");
  float* out = heap<float>(pi(P::kOut), outer * inner, "out");
  switch (op) {
    case kSum: return reduce_by<kSum>(x, out, outer, R, inner);
    case kMean: return reduce_by<kMean>(x, out, outer, R, inner);
    case kMax: return reduce_by<kMax>(x, out, outer, R, inner);
    case kMin: return reduce_by<kMin>(x, out, outer, R, inner);
  }
  throw std::runtime_error("reduce: unknown op");
}

}  // namespace odnn
