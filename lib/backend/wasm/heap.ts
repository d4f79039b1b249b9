/**
 * Typed access to the tfjs wasm backend's internals: tensor memory on the wasm heap, output
 * allocation and the stock kernels the library builds on.
 */
import * as tf from "@tensorflow/tfjs";

/** What tfjs-backend-wasm records for each tensor's data. */
export interface WasmTensorData {
  id: number;
  /** Byte offset of the first element in the wasm heap. */
  memoryOffset: number;
  shape: number[];
  dtype: string;
  refCount: number;
}

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` this library uses: the library's own wasm kernels and the
 * native oneDNN kernels layered on top of them both work through this one view.
 */
export interface WasmBackendLike {
  wasm: {
    HEAPU8: Uint8Array;
    HEAPF32: Float32Array;
    wasmMemory?: WebAssembly.Memory;
    tfjs: { getThreadsCount(): number };
  };
  dataIdMap: { get(dataId: object): WasmTensorData | undefined };
  makeOutput(
    shape: number[],
    dtype: tf.DataType,
    memoryOffset?: number,
    values?: tf.backend_util.BackendValues,
  ): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
}

/** A kernel function as tfjs passes it around. */
export type KernelFn = (args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}) => tf.TensorInfo | tf.TensorInfo[];

/**
 * The wasm heap's current buffer. The threaded build's glue refreshes its own views (HEAPU8, HEAPF32) lazily after
 * the heap grows, so they can lag behind the memory; views made here never do.
 */
function heapBuffer(backend: WasmBackendLike): ArrayBufferLike {
  const mem = backend.wasm.wasmMemory;
  return mem != null ? mem.buffer : backend.wasm.HEAPU8.buffer;
}

/**
 * A Float32Array over the whole wasm heap, valid until the next allocation (allocations can grow
 * the heap, which detaches or outdates older views). Take a fresh one after every `makeOutput`.
 */
export function heapF32(backend: WasmBackendLike): Float32Array {
  const buffer = heapBuffer(backend);
  return backend.wasm.HEAPF32.buffer === buffer ? backend.wasm.HEAPF32 : new Float32Array(buffer);
}

/** A Uint8Array over the whole wasm heap, with the same lifetime as {@link heapF32}'s. */
export function heapU8(backend: WasmBackendLike): Uint8Array {
  const buffer = heapBuffer(backend);
  return backend.wasm.HEAPU8.buffer === buffer ? backend.wasm.HEAPU8 : new Uint8Array(buffer);
}

/** What the backend records for a tensor's data; throws when the tensor is not on the wasm backend (or was disposed). */
export function tensorData(backend: WasmBackendLike, t: tf.TensorInfo): WasmTensorData {
  const data = backend.dataIdMap.get(t.dataId);
  if (data == null)
    throw new Error("a tensor has no data on the wasm backend (was it disposed, or made on another backend?)");
  return data;
}

/** Byte offset of a tensor's first element in the wasm heap. */
export function byteOffset(backend: WasmBackendLike, t: tf.TensorInfo): number {
  return tensorData(backend, t).memoryOffset;
}

/** Index (in floats) of a float32 tensor's first element on the heap. */
export function f32Offset(backend: WasmBackendLike, t: tf.TensorInfo): number {
  return byteOffset(backend, t) >>> 2;
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * A tensor sharing `x`'s data instead of copying it (tfjs tensors are immutable; the cpu backend's Identity does the
 * same). The backend frees the data when its last user goes.
 */
export function shareData(backend: WasmBackendLike, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Allocates an uninitialised float32 output tensor on the wasm heap. */
export function alloc(backend: WasmBackendLike, shape: number[]): tf.TensorInfo {
  return backend.makeOutput(shape, "float32");
}

/** Releases an intermediate tensor created inside a kernel. */
export function release(backend: WasmBackendLike, t: tf.TensorInfo): void {
  backend.disposeData(t.dataId);
}

/** The stock wasm kernels this library calls into, captured before any are replaced. */
export class StockKernels {
  private readonly fns = new Map<string, KernelFn>();

  /** Records the currently registered wasm kernel functions for `names`. */
  capture(names: string[]): void {
    for (const name of names) {
      if (this.fns.has(name)) continue;
      const k = tf.getKernel(name, "wasm");
      if (k == null)
        throw new Error(`tfjs wasm backend has no '${name}' kernel; check @tensorflow/tfjs-backend-wasm is 4.22.0`);
      this.fns.set(name, k.kernelFunc as unknown as KernelFn);
    }
  }

  /** Runs a captured stock kernel that returns one tensor. */
  run(
    name: string,
    backend: WasmBackendLike,
    inputs: tf.NamedTensorInfoMap,
    attrs: tf.NamedAttrMap = {},
  ): tf.TensorInfo {
    const fn = this.fns.get(name);
    if (fn == null) throw new Error(`stock wasm kernel '${name}' was not captured before use`);
    return fn({ inputs, backend, attrs }) as tf.TensorInfo;
  }

  /** Transposes with the stock kernel (a copy even for the identity permutation). */
  transpose(backend: WasmBackendLike, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run("Transpose", backend, { x }, { perm });
  }
}
