/**
 * Data-movement and reduction kernels that stock tfjs-backend-wasm runs slowly, done as tight
 * loops (or block copies) over the wasm heap:
 * - Sum / Mean over leading axes (bias and batch-norm gradients, batch statistics), through
 *   XNNPACK average pooling when there are many rows,
 * - Tile (batch-norm gradient), as doubling block copies,
 * - Identity, as a shared reference instead of a copy (as the cpu backend does).
 */
import * as tf from "@tensorflow/tfjs";
import { StockKernels, WasmBackendLike, alloc, f32Offset, heapF32, release, shareData, sizeOf } from "../heap";

/** Number of leading dimensions `axes` covers exactly (0 when they are not a leading run). */
function leadingRun(axes: number[], rank: number): number {
  const sorted = [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((p, q) => p - q);
  for (let i = 0; i < sorted.length; i++) if (sorted[i] !== i) return 0;
  return sorted.length;
}

/** out[c] = scale · Σ_r x[r, c] for x seen as [rows, cols]; accumulates in float64. */
function reduceRows(
  be: WasmBackendLike,
  x: tf.TensorInfo,
  rows: number,
  cols: number,
  scale: number,
  outShape: number[],
): tf.TensorInfo {
  const out = alloc(be, outShape);
  const heap = heapF32(be);
  const xo = f32Offset(be, x);
  const oo = f32Offset(be, out);
  if (cols === 1) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += heap[xo + r];
    heap[oo] = s * scale;
    return out;
  }
  // Narrow rows make the inner loop all overhead: fold k consecutive rows into one wide row
  // (k divides rows), sum those, then fold the k partial sums.
  let k = 1;
  for (let d = Math.min(rows, Math.floor(2048 / cols)); d > 1; d--) {
    if (rows % d === 0) {
      k = d;
      break;
    }
  }
  const width = k * cols;
  const wide = rows / k;
  const acc = new Float64Array(width);
  let r = 0;
  for (; r + 4 <= wide; r += 4) {
    const b0 = xo + r * width;
    const b1 = b0 + width;
    const b2 = b1 + width;
    const b3 = b2 + width;
    for (let c = 0; c < width; c++) acc[c] += heap[b0 + c] + heap[b1 + c] + (heap[b2 + c] + heap[b3 + c]);
  }
  for (; r < wide; r++) {
    const base = xo + r * width;
    for (let c = 0; c < width; c++) acc[c] += heap[base + c];
  }
  for (let j = 1; j < k; j++) {
    for (let c = 0; c < cols; c++) acc[c] += acc[j * cols + c];
  }
  for (let c = 0; c < cols; c++) heap[oo + c] = acc[c] * scale;
  return out;
}

/** Rows per XNNPACK pooling window: a divisor of `rows` in [64, 1024], or 1 when none fits. */
function poolWindow(rows: number): number {
  if (rows < 4096) return 1;
  for (let q = 1024; q >= 64; q--) if (rows % q === 0) return q;
  return 1;
}

/**
 * Sums blocks of q rows with XNNPACK's average pooling (SIMD, threaded), then adds the
 * rows/q partial sums per column in float64 — fast, and more accurate than one long float32 sum.
 */
function reduceRowsPooled(
  stock: StockKernels,
  be: WasmBackendLike,
  x: tf.TensorInfo,
  rows: number,
  cols: number,
  q: number,
  scale: number,
  outShape: number[],
): tf.TensorInfo {
  const parts = rows / q;
  const pooled = stock.run("AvgPool", be, { x: { dataId: x.dataId, shape: [1, rows, 1, cols], dtype: x.dtype } }, {
    filterSize: [q, 1],
    strides: [q, 1],
    pad: "valid",
    dimRoundingMode: undefined as unknown as string,
  } as unknown as tf.NamedAttrMap);
  const out = alloc(be, outShape);
  const heap = heapF32(be);
  const po = f32Offset(be, pooled);
  const oo = f32Offset(be, out);
  const acc = new Float64Array(cols);
  for (let p = 0; p < parts; p++) {
    const base = po + p * cols;
    for (let c = 0; c < cols; c++) acc[c] += heap[base + c];
  }
  const k = q * scale;
  for (let c = 0; c < cols; c++) heap[oo + c] = acc[c] * k;
  release(be, pooled);
  return out;
}

function reduceConfig(kind: "Sum" | "Mean", stock: StockKernels): tf.KernelConfig {
  return {
    kernelName: kind,
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      const be = backend as unknown as WasmBackendLike;
      const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
      const rank = x.shape.length;
      const axes = tf.util.parseAxisParam(axis, x.shape);
      const lead = leadingRun(axes, rank);
      // Only float32 reductions over a leading run of axes with something left to keep.
      if (x.dtype !== "float32" || lead === 0 || lead === rank || sizeOf(x.shape) === 0) {
        return stock.run(kind, be, { x }, attrs);
      }
      const rows = sizeOf(x.shape.slice(0, lead));
      const cols = sizeOf(x.shape.slice(lead));
      const kept = x.shape.slice(lead);
      const outShape = keepDims ? [...x.shape.slice(0, lead).map(() => 1), ...kept] : kept;
      const scale = kind === "Mean" ? 1 / rows : 1;
      const q = poolWindow(rows);
      if (q > 1) return reduceRowsPooled(stock, be, x, rows, cols, q, scale, outShape);
      return reduceRows(be, x, rows, cols, scale, outShape);
    },
  };
}

/** Sum over leading axes as one pass over the heap; other reductions go to the stock kernel. */
export function sumConfig(stock: StockKernels): tf.KernelConfig {
  return reduceConfig("Sum", stock);
}

/** Mean over leading axes as one pass over the heap; other reductions go to the stock kernel. */
export function meanConfig(stock: StockKernels): tf.KernelConfig {
  return reduceConfig("Mean", stock);
}

/** Tile by block copies (bit-exact for 4-byte dtypes); other dtypes go to the stock kernel. */
export function tileConfig(stock: StockKernels): tf.KernelConfig {
  return {
    kernelName: "Tile",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      const be = backend as unknown as WasmBackendLike;
      const reps = (attrs as { reps: number[] }).reps;
      if ((x.dtype !== "float32" && x.dtype !== "int32") || reps.length !== x.shape.length) {
        return stock.run("Tile", be, { x }, attrs);
      }
      const shape = x.shape;
      const rank = shape.length;
      const outShape = shape.map((d, i) => d * reps[i]);
      const out = be.makeOutput(outShape, x.dtype);
      if (sizeOf(outShape) === 0) return out;
      if (rank === 0) {
        const h = heapF32(be);
        new Int32Array(h.buffer).copyWithin(f32Offset(be, out), f32Offset(be, x), f32Offset(be, x) + 1);
        return out;
      }
      const heap = new Int32Array(heapF32(be).buffer);
      const xo = f32Offset(be, x);
      const oo = f32Offset(be, out);
      // outStride[d]: elements per step of output dim d; inStride likewise for the input.
      const outStride = new Array<number>(rank);
      const inStride = new Array<number>(rank);
      outStride[rank - 1] = 1;
      inStride[rank - 1] = 1;
      for (let d = rank - 2; d >= 0; d--) {
        outStride[d] = outStride[d + 1] * outShape[d + 1];
        inStride[d] = inStride[d + 1] * shape[d + 1];
      }
      // Fills the output block of dim `d` at `dst` from the input block at `src`.
      const fill = (d: number, src: number, dst: number): void => {
        const span = shape[d] * outStride[d];
        if (d === rank - 1) {
          heap.copyWithin(dst, src, src + shape[d]);
        } else {
          for (let i = 0; i < shape[d]; i++) fill(d + 1, src + i * inStride[d], dst + i * outStride[d]);
        }
        // Replicate the first copy reps[d]-1 times, doubling the copied region each time.
        const total = span * reps[d];
        let done = span;
        while (done < total) {
          const n = Math.min(done, total - done);
          heap.copyWithin(dst + done, dst, dst + n);
          done += n;
        }
      };
      fill(0, xo, oo);
      return out;
    },
  };
}

/** Identity as a shared reference (no copy), like the cpu backend. */
export function identityConfig(stock: StockKernels): tf.KernelConfig {
  return {
    kernelName: "Identity",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      const be = backend as unknown as WasmBackendLike;
      if (x.dtype === "string") return stock.run("Identity", be, { x });
      return shareData(be, x);
    },
  };
}
