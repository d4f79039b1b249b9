/**
 * Fast unseeded dropout for the wasm backend.
 *
 * tfjs's dropout draws its keep/drop mask with a JavaScript random generator one number at a
 * time (about 9 ns per element), which costs more than the convolutions around it for large
 * activations. `DropoutMultiplierWasm` writes the multiplier (0 or 1/keepProb) straight into the
 * wasm heap with a xorshift32 generator (two 16-bit draws per step); {@link installFastDropout} routes `tf.dropout` calls
 * without a seed to it while 'wasm' is active. Seeded calls and other backends keep tfjs's own
 * code, so seeded runs stay reproducible and identical across backends.
 */
import * as tf from "@tensorflow/tfjs";
import { WasmBackendLike, alloc, f32Offset, heapF32, sizeOf } from "../heap";

/** Name of the dropout-multiplier kernel (library-specific, registered for 'wasm' only). */
export const DROPOUT_KERNEL = "DropoutMultiplierWasm";

/** Kernel: no inputs; attrs shape, rate, seed (uint32); output float32 multiplier of `shape`. */
export function dropoutKernelConfig(): tf.KernelConfig {
  return {
    kernelName: DROPOUT_KERNEL,
    backendName: "wasm",
    kernelFunc: ({ backend, attrs }) => {
      const { shape, rate, seed } = attrs as unknown as { shape: number[]; rate: number; seed: number };
      const be = backend as unknown as WasmBackendLike;
      const out = alloc(be, shape);
      const h = heapF32(be);
      const o = f32Offset(be, out);
      const n = sizeOf(shape);
      const keep = 1 / (1 - rate);
      // Keep an element when its uniform draw u ∈ [0, 1) satisfies u ≥ rate, as tfjs does; u has
      // 16-bit resolution, two draws per xorshift32 step (the rate is rounded to 1/65536).
      const threshold = Math.round(rate * 65536);
      let s = seed | 0 || 1;
      let i = 0;
      for (; i + 1 < n; i += 2) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        h[o + i] = (s & 0xffff) >= threshold ? keep : 0;
        h[o + i + 1] = s >>> 16 >= threshold ? keep : 0;
      }
      if (i < n) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        h[o + i] = (s & 0xffff) >= threshold ? keep : 0;
      }
      return out;
    },
  };
}

type DropoutFn = (
  x: tf.Tensor | tf.TensorLike,
  rate: number,
  noiseShape?: number[],
  seed?: number | string,
) => tf.Tensor;

let installed = false;

/**
 * Routes unseeded `tf.dropout` on float32 tensors to {@link DROPOUT_KERNEL} while 'wasm' is the
 * active backend. Idempotent. tfjs-layers' Dropout layer reaches it through tfjs-core's exports.
 */
export function installFastDropout(): void {
  if (installed) return;
  installed = true;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const core = require("@tensorflow/tfjs-core") as { dropout: DropoutFn };
  const original = core.dropout;
  const fast: DropoutFn = (x, rate, noiseShape, seed) => {
    const t = x as tf.Tensor;
    const usable =
      seed == null &&
      t instanceof tf.Tensor &&
      t.dtype === "float32" &&
      rate > 0 &&
      rate < 1 &&
      (noiseShape == null || tf.util.arraysEqual(noiseShape, t.shape)) &&
      tf.getBackend() === "wasm" &&
      tf.getKernel(DROPOUT_KERNEL, "wasm") != null;
    if (!usable) return original(x, rate, noiseShape, seed);
    return tf.tidy(() => {
      const attrs = { shape: t.shape, rate, seed: (Math.random() * 4294967296) >>> 0 };
      const multiplier = tf.engine().runKernel(DROPOUT_KERNEL, {}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
      return tf.mul(t, multiplier);
    });
  };
  core.dropout = fast;
}
