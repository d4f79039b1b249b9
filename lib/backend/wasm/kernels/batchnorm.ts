/**
 * FusedBatchNorm (the batch-norm forward op) for the wasm backend as x·a + b with per-channel
 * coefficients, using XNNPACK's broadcast multiply and add; the stock kernel is a slower scalar loop.
 */
import * as tf from "@tensorflow/tfjs";
import { StockKernels, WasmBackendLike, alloc, f32Offset, heapF32, release, sizeOf } from "../heap";

/** FusedBatchNorm kernel config (parameters of size 1 or the last dimension; else the stock kernel). */
export function fusedBatchNormConfig(stock: StockKernels): tf.KernelConfig {
  return {
    kernelName: "FusedBatchNorm",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, mean, variance, offset, scale } = inputs as Record<string, tf.TensorInfo | undefined>;
      const X = x as tf.TensorInfo;
      const M = mean as tf.TensorInfo;
      const V = variance as tf.TensorInfo;
      const be = backend as unknown as WasmBackendLike;
      const eps = (attrs as { varianceEpsilon: number }).varianceEpsilon;
      const C = X.shape.length > 0 ? X.shape[X.shape.length - 1] : 1;
      const params = [M, V, offset, scale].filter((t): t is tf.TensorInfo => t != null);
      const fits = params.every((t) => t.dtype === "float32" && (sizeOf(t.shape) === 1 || sizeOf(t.shape) === C));
      if (X.dtype !== "float32" || !fits || C === 0) {
        const pass: tf.NamedTensorInfoMap = { x: X, mean: M, variance: V };
        if (offset) pass.offset = offset;
        if (scale) pass.scale = scale;
        return stock.run("FusedBatchNorm", be, pass, attrs);
      }
      // out = x·a[c] + b[c] with a = scale/sqrt(var+eps), b = offset − mean·a: the per-channel
      // coefficients in JS, the full-size work in two XNNPACK broadcast ops.
      const a = alloc(be, [C]);
      const b = alloc(be, [C]);
      const h = heapF32(be);
      const at = (t: tf.TensorInfo | undefined, fallback: number) => {
        if (t == null) return () => fallback;
        const o = f32Offset(be, t);
        return sizeOf(t.shape) === 1 ? () => h[o] : (c: number) => h[o + c];
      };
      const mAt = at(M, 0);
      const vAt = at(V, 1);
      const oAt = at(offset, 0);
      const sAt = at(scale, 1);
      const ao = f32Offset(be, a);
      const bo = f32Offset(be, b);
      for (let c = 0; c < C; c++) {
        const ac = sAt(c) / Math.sqrt(vAt(c) + eps);
        h[ao + c] = ac;
        h[bo + c] = oAt(c) - mAt(c) * ac;
      }
      const scaled = stock.run("Multiply", be, { a: X, b: a });
      const out = stock.run("Add", be, { a: scaled, b });
      release(be, scaled);
      release(be, a);
      release(be, b);
      return out;
    },
  };
}
