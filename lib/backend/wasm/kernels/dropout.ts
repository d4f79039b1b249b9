/**
 * Dropout masks: fast on the wasm backend, and reproducible inside a seeded training run on every backend.
 *
 * tfjs's dropout draws its keep/drop mask with a JavaScript random generator one number at a
 * time (about 9 ns per element), which costs more than the convolutions around it for large
 * activations. `DropoutMultiplierWasm` writes the multiplier (0 or 1/keepProb) straight into the
 * wasm heap with a xorshift32 generator (two 16-bit draws per step); {@link installDropout} routes `tf.dropout` calls
 * without a seed to it while 'wasm' is active. Seeded calls and other backends keep tfjs's own code.
 *
 * Unseeded masks come from `Math.random`, so a model with dropout trains differently every run. tfjs's own cure,
 * a `seed` on the layer, draws the *same* mask at every call (tfjs-core restarts its generator from the seed each
 * time), which trains one fixed thinned network instead of dropout. {@link seedDropoutMasks} gives each unseeded call
 * a fresh seed from a seeded stream instead: a new mask every batch, the same masks every run.
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../../../util/random";
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

/** Draws the seed of each unseeded dropout mask while a seeded run is on; undefined outside one. */
let maskSeeds: (() => number) | undefined;

/**
 * From now until the returned function is called, every unseeded `tf.dropout` call (a tfjs-layers Dropout layer
 * without `seed`) draws its mask from a stream seeded by `seed`: a new mask at each call, the same sequence of masks
 * each time the same run is repeated. `fm.train` calls it with its own seed for the length of the training.
 *
 * @returns a function that ends the seeded stream and restores whatever was on before (runs can nest)
 */
export function seedDropoutMasks(seed: number): () => void {
  installDropout();
  const previous = maskSeeds;
  const random = seededRandom(seed ^ 0x5eed0d0);
  maskSeeds = () => Math.floor(random() * 4294967296) >>> 0;
  return () => {
    maskSeeds = previous;
  };
}

/**
 * Wraps `tf.dropout` (which tfjs-layers' Dropout layer reaches through tfjs-core's exports): unseeded calls take their
 * seed from {@link seedDropoutMasks}'s stream when one is on, and on float32 tensors run {@link DROPOUT_KERNEL} while
 * 'wasm' is the active backend. Idempotent.
 */
export function installDropout(): void {
  if (installed) return;
  installed = true;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const core = require("@tensorflow/tfjs-core") as { dropout: DropoutFn };
  const original = core.dropout;
  const patched: DropoutFn = (x, rate, noiseShape, seed) => {
    const t = x as tf.Tensor;
    const maskSeed = seed ?? maskSeeds?.();
    const fast =
      seed == null &&
      t instanceof tf.Tensor &&
      t.dtype === "float32" &&
      rate > 0 &&
      rate < 1 &&
      (noiseShape == null || tf.util.arraysEqual(noiseShape, t.shape)) &&
      tf.getBackend() === "wasm" &&
      tf.getKernel(DROPOUT_KERNEL, "wasm") != null;
    if (!fast) return original(x, rate, noiseShape, maskSeed);
    return tf.tidy(() => {
      const attrs = { shape: t.shape, rate, seed: maskSeed ?? (Math.random() * 4294967296) >>> 0 };
      const multiplier = tf.engine().runKernel(DROPOUT_KERNEL, {}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
      return tf.mul(t, multiplier);
    });
  };
  core.dropout = patched;
}
