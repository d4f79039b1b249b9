/**
 * Native versions of the kernels the library itself defines for the wasm backend
 * (lib/backend/wasm): `AdamUpdateWasm` and `RmspropUpdateWasm` (one fused pass per variable for
 * tf.train.adam and tf.train.rmsprop) and `DropoutMultiplierWasm` (the keep/drop multiplier for unseeded dropout). They keep those
 * kernels' contracts; the dropout mask is the library's bit for bit, while the optimizer updates compute in float32 as
 * tfjs's optimizers do (native/onednn/src/optim.cc), so their values differ from the library's double-precision
 * JavaScript in the last bits. They are registered only when the library kernel of that name is registered (i.e.
 * after initWasm).
 */
import * as tf from "@tensorflow/tfjs";
import { callNative, NativeKernel, ready } from "./context";
import { byteOffset, heapU8, sizeOf } from "../wasm/heap";
import { RmspropAttrs, rmspropScalars } from "../wasm/kernels/rmsprop";

function scalarValue(heap: Uint8Array, offset: number): number {
  return new Float32Array(heap.buffer, heap.byteOffset + offset, 1)[0];
}

/**
 * AdamUpdateWasm: inputs value, gradient, m, v and the scalars accBeta1 = β1^t, accBeta2 = β2^t;
 * attrs beta1, beta2, epsilon, learningRate; outputs [new value, new m, new v].
 */
export const adamUpdate: NativeKernel = (args, addon) => {
  const { inputs, attrs = {}, backend } = args;
  const { value, gradient, m, v, accBeta1, accBeta2 } = inputs as Record<string, tf.TensorInfo | undefined>;
  if (!value || !gradient || !m || !v || !accBeta1 || !accBeta2) return null;
  const n = sizeOf(value.shape);
  const tensors = [value, gradient, m, v, accBeta1, accBeta2];
  if (n === 0 || tensors.some((t) => t.dtype !== "float32") || [gradient, m, v].some((t) => sizeOf(t.shape) !== n))
    return null;
  if (sizeOf(accBeta1.shape) !== 1 || sizeOf(accBeta2.shape) !== 1) return null;
  const { beta1, beta2, epsilon, learningRate } = attrs as Record<string, unknown>;
  if (![beta1, beta2, epsilon, learningRate].every((x) => typeof x === "number")) return null;
  const [b1, b2, eps, lr] = [beta1, beta2, epsilon, learningRate] as number[];
  const outs = [0, 1, 2].map(() => backend.makeOutput(value.shape.slice(), "float32"));
  ready(addon, backend);
  const heap = heapU8(backend);
  const oneMinusAcc1 = Math.fround(1 - scalarValue(heap, byteOffset(backend, accBeta1)));
  const oneMinusAcc2 = Math.fround(1 - scalarValue(heap, byteOffset(backend, accBeta2)));
  const [newValue, newM, newV] = outs.map((o) => byteOffset(backend, o));
  callNative(addon, "adam", {
    value: byteOffset(backend, value),
    gradient: byteOffset(backend, gradient),
    m: byteOffset(backend, m),
    v: byteOffset(backend, v),
    newValue,
    newM,
    newV,
    n,
    beta1: b1,
    beta2: b2,
    oneMinusBeta1: Math.fround(1 - b1),
    oneMinusBeta2: Math.fround(1 - b2),
    stepSize: lr / oneMinusAcc1,
    invSqrtBias2: 1 / Math.sqrt(oneMinusAcc2),
    epsilon: eps,
  });
  return outs;
};

/**
 * RmspropUpdateWasm: inputs value, gradient, ms and, unless momentum is 0, mom; attrs decay, momentum, epsilon,
 * learningRate; outputs [new value, new ms, new mom], or [new value, new ms] without mom.
 */
export const rmspropUpdate: NativeKernel = (args, addon) => {
  const { inputs, attrs = {}, backend } = args;
  const { value, gradient, ms, mom } = inputs as Record<string, tf.TensorInfo | undefined>;
  if (!value || !gradient || !ms) return null;
  const n = sizeOf(value.shape);
  const tensors = mom ? [value, gradient, ms, mom] : [value, gradient, ms];
  if (n === 0 || tensors.some((t) => t.dtype !== "float32" || sizeOf(t.shape) !== n)) return null;
  const { decay, momentum, epsilon, learningRate } = attrs as Record<string, unknown>;
  if (![decay, momentum, epsilon, learningRate].every((x) => typeof x === "number")) return null;
  const scalars = rmspropScalars({ decay, momentum, epsilon, learningRate } as RmspropAttrs);
  if (!mom && scalars.momentum !== 0) return null;
  const outs = tensors.slice(1).map(() => backend.makeOutput(value.shape.slice(), "float32"));
  ready(addon, backend);
  const [newValue, newMs, newMom] = outs.map((o) => byteOffset(backend, o));
  callNative(addon, "rmsprop", {
    value: byteOffset(backend, value),
    gradient: byteOffset(backend, gradient),
    ms: byteOffset(backend, ms),
    mom: mom ? byteOffset(backend, mom) : -1,
    newValue,
    newMs,
    newMom: newMom ?? -1,
    n,
    ...scalars,
  });
  return outs;
};

/** DropoutMultiplierWasm: no inputs; attrs shape, rate, seed (uint32); a float32 multiplier (0 or 1/keep). */
export const dropoutMultiplier: NativeKernel = (args, addon) => {
  const { attrs = {}, backend } = args;
  const { shape, rate, seed } = attrs as { shape?: number[]; rate?: number; seed?: number };
  if (!Array.isArray(shape) || typeof rate !== "number" || typeof seed !== "number") return null;
  const n = sizeOf(shape);
  if (n === 0) return null;
  const out = backend.makeOutput(shape.slice(), "float32");
  ready(addon, backend);
  callNative(addon, "dropoutMask", {
    out: byteOffset(backend, out),
    n,
    threshold: Math.round(rate * 65536),
    keep: 1 / (1 - rate),
    seed: seed | 0 || 1,
  });
  return out;
};
