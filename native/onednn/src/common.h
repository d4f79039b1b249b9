// Shared state of the addon: the wasm heap the kernels read and write, the parameter block
// JS fills before each call, and small helpers. Everything runs on the JS thread; OpenMP
// threads only ever touch the memory a kernel hands them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "params.h"

// On x86-64 with glibc a hot loop marked with this is compiled twice, for AVX2 (256-bit vectors)
// and for the baseline the addon is otherwise built for (SSE2, 128-bit), and the loader picks the
// AVX2 copy when the CPU has it (GCC's target_clones, an ifunc, which musl and macOS lack).
// Elsewhere it is one plain copy. No AVX-512 copy: on the AVX-512 EPYC of docs/benchmarks.md the
// memory-bound optimizer loops ran 0-15% slower on 512-bit vectors than on 256-bit ones.
#if defined(__x86_64__) && defined(__GLIBC__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define ODNN_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef ODNN_VECTOR_CLONES
#define ODNN_VECTOR_CLONES
#endif

namespace odnn {

// Parameters of the current call, written by JS into a Float64Array shared with the addon: slot 0
// holds how many values JS wrote, the kernel's own values follow. The layouts and their slot names
// are generated from lib/backend/onednn/params.ts into params.h.
extern double* g_params;
extern size_t g_params_len;

// The wasm heap (base pointer and length in bytes), refreshed by JS whenever it grows.
extern uint8_t* g_heap;
extern size_t g_heap_len;

// Number of OpenMP threads the addon (and oneDNN) use; fixed at init.
int threads();

// The value in slot i as JS wrote it. JS clears the block (NaN) before each call, so a value the
// kernel's TypeScript side forgot to write is reported here instead of reading an earlier call's.
inline double pd(int i) {
  if (i < 1 || static_cast<size_t>(i) >= g_params_len) throw std::runtime_error("parameter index out of range");
  const double v = g_params[i];
  if (v != v) throw std::runtime_error("parameter " + std::to_string(i) + " was not written");
  return v;
}
inline int64_t pi(int i) { return static_cast<int64_t>(pd(i)); }
inline float pf(int i) { return static_cast<float>(pd(i)); }

// A pointer into the wasm heap for `count` elements of T at byte offset `off`, bounds-checked.
template <class T>
T* heap(int64_t off, int64_t count, const char* what) {
  if (g_heap == nullptr) throw std::runtime_error("wasm heap not set (call setHeap first)");
  if (off < 0 || count < 0 ||
      static_cast<uint64_t>(off) + static_cast<uint64_t>(count) * sizeof(T) > g_heap_len) {
    throw std::runtime_error(std::string("buffer '") + what + "' lies outside the wasm heap");
  }
  return reinterpret_cast<T*>(g_heap + off);
}

// Kernels, each reading its parameters from g_params by the names in params.h.
#define ODNN_DECLARE_KERNEL(js_name, cc_name) void cc_name();
ODNN_KERNELS(ODNN_DECLARE_KERNEL)
#undef ODNN_DECLARE_KERNEL

// Primitive/engine setup (dnnl_ops.cc).
void dnnl_init(int threads);
std::string library_version();
std::string dnnl_last_impl();
size_t dnnl_cache_size();

}  // namespace odnn
