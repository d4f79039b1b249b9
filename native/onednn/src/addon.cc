// N-API entry points. JS writes each call's parameters into a shared Float64Array (setParams)
// and points the addon at the wasm heap (setHeap) whenever the heap's buffer changes; the
// kernel functions then take no arguments. Which kernels exist and what each reads is generated
// into params.h from lib/backend/onednn/params.ts. C++ exceptions become JS errors.
#include <node_api.h>
#include <omp.h>

#include <cstdlib>
#include <string>

#include "common.h"

namespace odnn {

double* g_params = nullptr;
size_t g_params_len = 0;
uint8_t* g_heap = nullptr;
size_t g_heap_len = 0;

namespace {

int g_threads = 0;
napi_ref g_params_ref = nullptr;

void throw_js(napi_env env, const std::string& msg) {
  napi_throw_error(env, nullptr, ("onednn addon: " + msg).c_str());
}

bool typed_array_bytes(napi_env env, napi_value v, void** data, size_t* bytes,
                       napi_typedarray_type* type) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return false;
  size_t length = 0, offset = 0;
  napi_value ab;
  if (napi_get_typedarray_info(env, v, type, &length, data, &ab, &offset) != napi_ok) return false;
  size_t elem = 1;
  switch (*type) {
    case napi_float64_array: elem = 8; break;
    case napi_float32_array: case napi_int32_array: case napi_uint32_array: elem = 4; break;
    case napi_int16_array: case napi_uint16_array: elem = 2; break;
    default: elem = 1;
  }
  *bytes = length * elem;
  return true;
}

napi_value get_args(napi_env env, napi_callback_info info, size_t want, napi_value* argv) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  for (size_t i = argc; i < want; ++i) napi_get_undefined(env, &argv[i]);
  return nullptr;
}

// Reads a call's single argument as a typed array of type `want`: its data and byte length. Otherwise
// throws a JS error saying `expected` and returns false.
bool typed_array_arg(napi_env env, napi_callback_info info, napi_typedarray_type want, const char* expected,
                     napi_value* arg, void** data, size_t* bytes) {
  get_args(env, info, 1, arg);
  napi_typedarray_type type;
  if (!typed_array_bytes(env, *arg, data, bytes, &type) || type != want) {
    throw_js(env, expected);
    return false;
  }
  return true;
}

// setHeap(heapU8: Uint8Array): the wasm heap (works for ArrayBuffer and SharedArrayBuffer).
napi_value SetHeap(napi_env env, napi_callback_info info) {
  napi_value heap;
  void* data = nullptr;
  size_t bytes = 0;
  if (!typed_array_arg(env, info, napi_uint8_array, "setHeap expects the wasm module's HEAPU8 (a Uint8Array)", &heap,
                       &data, &bytes))
    return nullptr;
  g_heap = static_cast<uint8_t*>(data);
  g_heap_len = bytes;
  return nullptr;
}

// setParams(block: Float64Array): the parameter block every kernel call reads.
napi_value SetParams(napi_env env, napi_callback_info info) {
  napi_value block;
  void* data = nullptr;
  size_t bytes = 0;
  if (!typed_array_arg(env, info, napi_float64_array, "setParams expects a Float64Array", &block, &data, &bytes))
    return nullptr;
  if (g_params_ref) napi_delete_reference(env, g_params_ref);
  napi_create_reference(env, block, 1, &g_params_ref);  // keep its memory alive
  g_params = static_cast<double*>(data);
  g_params_len = bytes / sizeof(double);
  return nullptr;
}

// init(threads: number): fixes the OpenMP thread count (before oneDNN creates anything) and
// creates the engine. Later calls keep the first count. Returns the count in use.
napi_value Init(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  get_args(env, info, 1, argv);
  if (g_threads == 0) {
    int32_t want = 0;
    napi_valuetype t;
    napi_typeof(env, argv[0], &t);
    if (t == napi_number) napi_get_value_int32(env, argv[0], &want);
    if (want < 1) want = omp_get_num_procs();
    omp_set_num_threads(want);
    omp_set_dynamic(0);
    try {
      dnnl_init(want);
    } catch (const std::exception& e) {
      throw_js(env, std::string("oneDNN engine: ") + e.what());
      return nullptr;
    }
    g_threads = want;
  }
  napi_value out;
  napi_create_int32(env, g_threads, &out);
  return out;
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value out, v;
  napi_create_object(env, &out);
  napi_create_string_utf8(env, library_version().c_str(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, out, "version", v);
  napi_create_int32(env, g_threads, &v);
  napi_set_named_property(env, out, "threads", v);
  napi_create_string_utf8(env, dnnl_last_impl().c_str(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, out, "lastImpl", v);
  napi_create_int64(env, static_cast<int64_t>(dnnl_cache_size()), &v);
  napi_set_named_property(env, out, "cachedPrimitives", v);
  napi_create_int32(env, omp_get_num_procs(), &v);
  napi_set_named_property(env, out, "cores", v);
  return out;
}

// Runs a kernel after checking that JS wrote the number of values its layout has: a mismatch
// means the addon was built from another version of params.ts.
template <void (*Kernel)(), int Slots>
napi_value Call(napi_env env, napi_callback_info) {
  if (g_threads == 0) {
    throw_js(env, "call init(threads) before running kernels");
    return nullptr;
  }
  if (g_params == nullptr || g_params_len <= static_cast<size_t>(Slots)) {
    throw_js(env, "call setParams(Float64Array) with room for every kernel's parameters first");
    return nullptr;
  }
  if (g_params[0] != Slots) {
    const double wrote = g_params[0];
    throw_js(env, "expected " + std::to_string(Slots) + " parameters, JS wrote " +
                      (wrote == wrote ? std::to_string(static_cast<long long>(wrote)) : "none") +
                      " (the addon is out of date: node native/onednn/build.js --force)");
    return nullptr;
  }
  try {
    Kernel();
  } catch (const std::exception& e) {
    throw_js(env, e.what());
  }
  return nullptr;
}

void define(napi_env env, napi_value exports, const char* name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn);
  napi_set_named_property(env, exports, name, fn);
}

napi_value ModuleInit(napi_env env, napi_value exports) {
  define(env, exports, "setHeap", SetHeap);
  define(env, exports, "setParams", SetParams);
  define(env, exports, "init", Init);
  define(env, exports, "info", Info);
#define ODNN_DEFINE_KERNEL(js_name, cc_name) \
  define(env, exports, #js_name, Call<cc_name, params::cc_name::kSlots>);
  ODNN_KERNELS(ODNN_DEFINE_KERNEL)
#undef ODNN_DEFINE_KERNEL
  return exports;
}

}  // namespace

int threads() { return g_threads < 1 ? 1 : g_threads; }

}  // namespace odnn

NAPI_MODULE(NODE_GYP_MODULE_NAME, odnn::ModuleInit)
