/**
 * Batch norm over the last axis in native code: FusedBatchNorm (the forward formula tfjs's batchNorm op runs), and the
 * library's training-step pair FmBatchNormTrain (batch statistics and y in one call) and FmBatchNormTrainGrad (dx,
 * dgamma, dbeta in one call), which lib/backend/batchnormTrain.ts defines.
 */
import * as tf from "@tensorflow/tfjs";
import { callNative, NativeKernel, ready } from "./context";
import { byteOffset, sizeOf } from "../wasm/heap";

/** FusedBatchNorm: y = (x - mean) * scale / sqrt(variance + eps) + offset along the last axis. */
export const fusedBatchNorm: NativeKernel = (args, addon) => {
  const { inputs, attrs = {}, backend } = args;
  const x = inputs.x as tf.TensorInfo;
  const mean = inputs.mean as tf.TensorInfo;
  const variance = inputs.variance as tf.TensorInfo;
  const scale = inputs.scale as tf.TensorInfo | undefined;
  const offset = inputs.offset as tf.TensorInfo | undefined;
  if (x.dtype !== "float32" || x.shape.length < 1) return null;
  const C = x.shape[x.shape.length - 1];
  const n = sizeOf(x.shape);
  if (n === 0) return null;
  // Only per-channel parameters (exactly C values, laid out along the last axis).
  const perChannel = (t: tf.TensorInfo | undefined): boolean =>
    t === undefined ||
    (t.dtype === "float32" && sizeOf(t.shape) === C && (t.shape.length === 0 || t.shape[t.shape.length - 1] === C));
  if (!perChannel(mean) || !perChannel(variance) || !perChannel(scale) || !perChannel(offset)) return null;
  const out = backend.makeOutput(x.shape.slice(), "float32");
  ready(addon, backend);
  callNative(addon, "batchnorm", {
    x: byteOffset(backend, x),
    out: byteOffset(backend, out),
    rows: n / C,
    channels: C,
    mean: byteOffset(backend, mean),
    variance: byteOffset(backend, variance),
    scale: scale ? byteOffset(backend, scale) : -1,
    offset: offset ? byteOffset(backend, offset) : -1,
    epsilon: Number(attrs.varianceEpsilon ?? 0.001),
  });
  return out;
};

/** x viewed as [rows, C] with C its last dimension, when the kernel takes it (float32, not empty); else undefined. */
function channelsLast(x: tf.TensorInfo | undefined): { rows: number; C: number } | undefined {
  if (!x || x.dtype !== "float32" || x.shape.length < 1) return undefined;
  const C = x.shape[x.shape.length - 1];
  const n = sizeOf(x.shape);
  return n === 0 ? undefined : { rows: n / C, C };
}

/** Whether every tensor is a float32 vector of C values. */
function perChannel(C: number, ...tensors: (tf.TensorInfo | undefined)[]): boolean {
  return tensors.every((t) => t !== undefined && t.dtype === "float32" && t.shape.length === 1 && t.shape[0] === C);
}

/**
 * FmBatchNormTrain (lib/backend/batchnormTrain.ts): inputs x, gamma, beta; attr epsilon; outputs [y, mean, variance]
 * with the statistics over every axis but the last (variance biased, as tf.moments).
 */
export const batchNormTrain: NativeKernel = (args, addon) => {
  const { inputs, attrs = {}, backend } = args;
  const { x, gamma, beta } = inputs as Record<string, tf.TensorInfo | undefined>;
  const view = channelsLast(x);
  if (!view || !perChannel(view.C, gamma, beta)) return null;
  const y = backend.makeOutput(x!.shape.slice(), "float32");
  const mean = backend.makeOutput([view.C], "float32");
  const variance = backend.makeOutput([view.C], "float32");
  ready(addon, backend);
  callNative(addon, "batchnormTrain", {
    x: byteOffset(backend, x!),
    y: byteOffset(backend, y),
    rows: view.rows,
    channels: view.C,
    gamma: byteOffset(backend, gamma!),
    beta: byteOffset(backend, beta!),
    mean: byteOffset(backend, mean),
    variance: byteOffset(backend, variance),
    epsilon: Number(attrs.epsilon),
  });
  return [y, mean, variance];
};

/**
 * FmBatchNormTrainGrad: inputs dy, x, mean, variance, gamma and optionally dmean, dvariance (gradients reaching the
 * statistics); attr epsilon; outputs [dx, dgamma, dbeta].
 */
export const batchNormTrainGrad: NativeKernel = (args, addon) => {
  const { inputs, attrs = {}, backend } = args;
  const { dy, x, mean, variance, gamma, dmean, dvariance } = inputs as Record<string, tf.TensorInfo | undefined>;
  const view = channelsLast(x);
  if (
    !view ||
    !channelsLast(dy) ||
    sizeOf(dy!.shape) !== view.rows * view.C ||
    !perChannel(view.C, mean, variance, gamma)
  )
    return null;
  if ((dmean && !perChannel(view.C, dmean)) || (dvariance && !perChannel(view.C, dvariance))) return null;
  const dx = backend.makeOutput(x!.shape.slice(), "float32");
  const dgamma = backend.makeOutput([view.C], "float32");
  const dbeta = backend.makeOutput([view.C], "float32");
  ready(addon, backend);
  callNative(addon, "batchnormTrainGrad", {
    dy: byteOffset(backend, dy!),
    x: byteOffset(backend, x!),
    rows: view.rows,
    channels: view.C,
    mean: byteOffset(backend, mean!),
    variance: byteOffset(backend, variance!),
    gamma: byteOffset(backend, gamma!),
    dmean: dmean ? byteOffset(backend, dmean) : -1,
    dvariance: dvariance ? byteOffset(backend, dvariance) : -1,
    dx: byteOffset(backend, dx),
    dgamma: byteOffset(backend, dgamma),
    dbeta: byteOffset(backend, dbeta),
    epsilon: Number(attrs.epsilon),
  });
  return [dx, dgamma, dbeta];
};
