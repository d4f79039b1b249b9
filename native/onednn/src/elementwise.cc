// Element-wise kernels over float32 tensors in the wasm heap: binary ops with broadcasting,
// unary ops, AddN and Select. Memory-bound, so the gain over wasm comes from wider vectors
// and from using every core.
#include <cmath>
#include <stdexcept>

#include "common.h"
#include "parallel.h"

namespace odnn {

namespace {

constexpr int64_t kGrain = 1 << 15;  // elements a thread should get before splitting pays

// ---- binary -------------------------------------------------------------------------------
// Op codes: params.h binary_op.

struct Add { static float f(float a, float b) { return a + b; } };
struct Sub { static float f(float a, float b) { return a - b; } };
struct Mul { static float f(float a, float b) { return a * b; } };
struct Div { static float f(float a, float b) { return a / b; } };
struct Max { static float f(float a, float b) { return (a > b || a != a) ? a : b; } };
struct Min { static float f(float a, float b) { return (a < b || a != a) ? a : b; } };
struct SqDiff { static float f(float a, float b) { return (a - b) * (a - b); } };
struct Gt { static uint8_t f(float a, float b) { return a > b; } };
struct Ge { static uint8_t f(float a, float b) { return a >= b; } };
struct Lt { static uint8_t f(float a, float b) { return a < b; } };
struct Le { static uint8_t f(float a, float b) { return a <= b; } };
struct Eq { static uint8_t f(float a, float b) { return a == b; } };
struct Ne { static uint8_t f(float a, float b) { return a != b; } };
struct And { static uint8_t f(uint8_t a, uint8_t b) { return (a != 0) & (b != 0); } };
struct Or { static uint8_t f(uint8_t a, uint8_t b) { return (a != 0) | (b != 0); } };

// One innermost run: strides along it are 0 (broadcast) or 1. Hot loops live in functions of
// their own (noinline): inlined into OpenMP regions, GCC stops vectorising them.
template <class Op, class T, class O>
inline void run_inline(const T* __restrict a, int64_t sa, const T* __restrict b, int64_t sb,
                       O* __restrict o, int64_t n) {
  if (sa && sb) {
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) o[i] = Op::f(a[i], b[i]);
  } else if (sa) {
    const T bv = b[0];
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) o[i] = Op::f(a[i], bv);
  } else if (sb) {
    const T av = a[0];
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) o[i] = Op::f(av, b[i]);
  } else {
    const O v = Op::f(a[0], b[0]);
    for (int64_t i = 0; i < n; ++i) o[i] = v;
  }
}

template <class Op, class T, class O>
__attribute__((noinline)) void run(const T* a, int64_t sa, const T* b, int64_t sb, O* o,
                                   int64_t n) {
  run_inline<Op>(a, sa, b, sb, o, n);
}

template <class Op, class T, class O>
__attribute__((noinline)) void run_rows(const T* a, int64_t ra, int64_t sa, const T* b,
                                        int64_t rb, int64_t sb, O* o, int64_t rows, int64_t n) {
  for (int64_t r = 0; r < rows; ++r) run_inline<Op>(a + r * ra, sa, b + r * rb, sb, o + r * n, n);
}

template <class Op, class T, class O>
void binary_nd(const T* a, const T* b, O* out, const int64_t* d, const int64_t* sa,
               const int64_t* sb) {
  const int64_t total = d[0] * d[1] * d[2] * d[3];
  const int64_t rows = d[0] * d[1] * d[2];
  if (d[3] < 1024 && rows >= 4 * threads()) {
    // Short rows (e.g. a channel vector broadcast over NHWC): split whole rows over threads.
    parallel_chunks(rows, std::max<int64_t>(1, kGrain / d[3]), [&](int64_t s, int64_t e) {
      int64_t r = s;
      while (r < e) {
        const int64_t i2 = r % d[2];
        const int64_t i1 = (r / d[2]) % d[1];
        const int64_t i0 = r / (d[2] * d[1]);
        const int64_t n = std::min(d[2] - i2, e - r);  // rows left along axis 2
        run_rows<Op>(a + i0 * sa[0] + i1 * sa[1] + i2 * sa[2], sa[2], sa[3],
                     b + i0 * sb[0] + i1 * sb[1] + i2 * sb[2], sb[2], sb[3], out + r * d[3], n,
                     d[3]);
        r += n;
      }
    });
    return;
  }
  parallel_chunks(total, kGrain, [&](int64_t s, int64_t e) {
    int64_t idx = s;
    while (idx < e) {
      const int64_t i3 = idx % d[3];
      int64_t r = idx / d[3];
      const int64_t i2 = r % d[2];
      r /= d[2];
      const int64_t i1 = r % d[1];
      const int64_t i0 = r / d[1];
      const int64_t len = std::min(d[3] - i3, e - idx);
      const T* pa = a + i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + i3 * sa[3];
      const T* pb = b + i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + i3 * sb[3];
      run<Op>(pa, sa[3], pb, sb[3], out + idx, len);
      idx += len;
    }
  });
}

int64_t span(const int64_t* d, const int64_t* s) {
  int64_t hi = 0;
  for (int i = 0; i < 4; ++i) hi += (d[i] - 1) * s[i];
  return hi + 1;
}

// ---- unary (op codes: params.h unary_op) --------------------------------------------------

template <class F>
__attribute__((noinline)) void map_run(const float* __restrict x, float* __restrict o, int64_t n, F f) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) o[i] = f(x[i]);
}

template <class F>
void map1(const float* x, float* o, int64_t n, F f) {
  parallel_chunks(n, kGrain, [x, o, f](int64_t s, int64_t e) { map_run(x + s, o + s, e - s, f); });
}

__attribute__((noinline)) void bool_to_float(const uint8_t* __restrict x, float* __restrict o, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) o[i] = x[i] ? 1.f : 0.f;
}

__attribute__((noinline)) void copy_floats(const float* __restrict x, float* __restrict o, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) o[i] = x[i];
}

__attribute__((noinline)) void add_into(const float* __restrict x, float* __restrict o, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) o[i] += x[i];
}

}  // namespace

// Binary op with broadcasting (parameters: params::binary).
void binary() {
  namespace P = params::binary;
  using namespace binary_op;
  const int op = static_cast<int>(pi(P::kOp));
  int64_t d[4], sa[4], sb[4];
  for (int i = 0; i < 4; ++i) {
    d[i] = pi(P::kDims + i);
    sa[i] = pi(P::kStridesA + i);
    sb[i] = pi(P::kStridesB + i);
    if (d[i] < 1) throw std::runtime_error("binary: empty dimension");
    if (i == 3 && (sa[i] > 1 || sb[i] > 1)) throw std::runtime_error("binary: inner stride > 1");
  }
  const int64_t total = d[0] * d[1] * d[2] * d[3];
  if (op == kLogicalAnd || op == kLogicalOr) {  // bool inputs and output
    const uint8_t* a = heap<uint8_t>(pi(P::kA), span(d, sa), "a");
    const uint8_t* b = heap<uint8_t>(pi(P::kB), span(d, sb), "b");
    uint8_t* o = heap<uint8_t>(pi(P::kOut), total, "out");
    if (op == kLogicalAnd) return binary_nd<And>(a, b, o, d, sa, sb);
    return binary_nd<Or>(a, b, o, d, sa, sb);
  }
  const float* a = heap<float>(pi(P::kA), span(d, sa), "a");
  const float* b = heap<float>(pi(P::kB), span(d, sb), "b");
  if (op >= kGreater) {
    uint8_t* o = heap<uint8_t>(pi(P::kOut), total, "out");
    switch (op) {
      case kGreater: return binary_nd<Gt>(a, b, o, d, sa, sb);
      case kGreaterEqual: return binary_nd<Ge>(a, b, o, d, sa, sb);
      case kLess: return binary_nd<Lt>(a, b, o, d, sa, sb);
      case kLessEqual: return binary_nd<Le>(a, b, o, d, sa, sb);
      case kEqual: return binary_nd<Eq>(a, b, o, d, sa, sb);
      case kNotEqual: return binary_nd<Ne>(a, b, o, d, sa, sb);
    }
    throw std::runtime_error("binary: unknown op");
  }
  float* o = heap<float>(pi(P::kOut), total, "out");
  switch (op) {
    case kAdd: return binary_nd<Add>(a, b, o, d, sa, sb);
    case kSub: return binary_nd<Sub>(a, b, o, d, sa, sb);
    case kMultiply: return binary_nd<Mul>(a, b, o, d, sa, sb);
    case kRealDiv: return binary_nd<Div>(a, b, o, d, sa, sb);
    case kMaximum: return binary_nd<Max>(a, b, o, d, sa, sb);
    case kMinimum: return binary_nd<Min>(a, b, o, d, sa, sb);
    case kSquaredDifference: return binary_nd<SqDiff>(a, b, o, d, sa, sb);
  }
  throw std::runtime_error("binary: unknown op");
}

// Unary map over float32, or the bool-to-float32 cast (parameters: params::unary).
void unary() {
  namespace P = params::unary;
  using namespace unary_op;
  const int op = static_cast<int>(pi(P::kOp));
  const int64_t n = pi(P::kN);
  const float alpha = pf(P::kAlpha), beta = pf(P::kBeta);
  float* o = heap<float>(pi(P::kOut), n, "out");
  if (op == kBoolToFloat) {
    const uint8_t* x = heap<uint8_t>(pi(P::kX), n, "x");
    parallel_chunks(n, kGrain, [&](int64_t s, int64_t e) { bool_to_float(x + s, o + s, e - s); });
    return;
  }
  const float* x = heap<float>(pi(P::kX), n, "x");
  switch (op) {
    case kRelu: return map1(x, o, n, [](float v) { return v < 0.f ? 0.f : v; });
    case kRelu6:
      return map1(x, o, n, [](float v) {
        const float t = v < 0.f ? 0.f : v;
        return t > 6.f ? 6.f : t;
      });
    case kStep:
      // NaN fails both tests and passes through, as in tfjs.
      return map1(x, o, n, [alpha](float v) { return v > 0.f ? 1.f : (v <= 0.f ? alpha : v); });
    case kSqrt: return map1(x, o, n, [](float v) { return std::sqrt(v); });
    case kRsqrt: return map1(x, o, n, [](float v) { return 1.f / std::sqrt(v); });
    case kSquare: return map1(x, o, n, [](float v) { return v * v; });
    case kExp: return map1(x, o, n, [](float v) { return std::exp(v); });
    case kLog: return map1(x, o, n, [](float v) { return std::log(v); });
    case kNeg: return map1(x, o, n, [](float v) { return -v; });
    case kAbs: return map1(x, o, n, [](float v) { return std::fabs(v); });
    case kReciprocal: return map1(x, o, n, [](float v) { return 1.f / v; });
    case kLeakyRelu:
      return map1(x, o, n, [alpha](float v) {
        const float m = alpha * v;  // computed unconditionally so the select needs no branch
        return v < 0.f ? m : v;
      });
    case kClipByValue:
      return map1(x, o, n, [alpha, beta](float v) {
        const float t = v < alpha ? alpha : v;  // NaN passes through both tests
        return t > beta ? beta : t;
      });
  }
  throw std::runtime_error("unary: unknown op");
}

// Sum of up to 64 float32 tensors of n elements each (parameters: params::add_n).
void add_n() {
  namespace P = params::add_n;
  const int64_t n = pi(P::kN), k = pi(P::kCount);
  if (k < 1 || k > P::kInputsSlots) throw std::runtime_error("addN: between 1 and 64 inputs");
  float* o = heap<float>(pi(P::kOut), n, "out");
  const float* in[P::kInputsSlots];
  for (int64_t j = 0; j < k; ++j) in[j] = heap<float>(pi(P::kInputs + static_cast<int>(j)), n, "input");
  parallel_chunks(n, kGrain, [&](int64_t s, int64_t e) {
    copy_floats(in[0] + s, o + s, e - s);
    for (int64_t j = 1; j < k; ++j) add_into(in[j] + s, o + s, e - s);
  });
}

// condition ? t : e for 4-byte elements (float32 or int32), copied as bits (parameters:
// params::select).
void select() {
  namespace P = params::select;
  const int64_t n = pi(P::kN), per = pi(P::kPerCondition);
  if (n < 1 || per < 1 || n % per != 0) throw std::runtime_error("select: bad shape");
  const uint8_t* c = heap<uint8_t>(pi(P::kCondition), n / per, "condition");
  const uint32_t* t = heap<uint32_t>(pi(P::kT), n, "t");
  const uint32_t* e = heap<uint32_t>(pi(P::kE), n, "e");
  uint32_t* o = heap<uint32_t>(pi(P::kOut), n, "out");
  parallel_chunks(n, kGrain, [&](int64_t s, int64_t end) {
    for (int64_t i = s; i < end; ++i) o[i] = c[i / per] ? t[i] : e[i];
  });
}

}  // namespace odnn
