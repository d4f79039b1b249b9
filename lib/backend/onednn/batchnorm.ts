/**
 * FusedBatchNorm (the forward formula tfjs's batchNorm op runs) in native code, for per-channel
 * statistics over the last axis.
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
