/**
 * Softmax (last axis) and ArgMax/ArgMin (one axis) in native code. Tiny in training steps, but
 * keeping them off the wasm backend means a step never wakes the threaded wasm build's worker
 * pool, whose spinning threads would slow the native kernels that follow.
 */
import * as tf from "@tensorflow/tfjs";
import { callNative, NativeKernel, ready } from "./context";
import { byteOffset, sizeOf } from "../wasm/heap";

/** Softmax over the last axis (attrs dim = -1 or rank - 1). */
export const softmax: NativeKernel = (args, addon) => {
  const { inputs, attrs = {}, backend } = args;
  const logits = inputs.logits as tf.TensorInfo;
  const rank = logits.shape.length;
  const dim = Number(attrs.dim ?? -1);
  if (logits.dtype !== "float32" || rank < 1 || !(dim === -1 || dim === rank - 1)) return null;
  const n = sizeOf(logits.shape);
  const cols = logits.shape[rank - 1];
  if (n === 0) return null;
  const out = backend.makeOutput(logits.shape.slice(), "float32");
  ready(addon, backend);
  callNative(addon, "softmax", { x: byteOffset(backend, logits), out: byteOffset(backend, out), rows: n / cols, cols });
  return out;
};

function argKernel(min: boolean): NativeKernel {
  return (args, addon) => {
    const { inputs, attrs = {}, backend } = args;
    const x = inputs.x as tf.TensorInfo;
    if (x.dtype !== "float32" || sizeOf(x.shape) === 0 || x.shape.length === 0) return null;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
    if (axes.length !== 1) return null;
    const axis = axes[0];
    const outer = sizeOf(x.shape.slice(0, axis));
    const inner = sizeOf(x.shape.slice(axis + 1));
    const out = backend.makeOutput(
      x.shape.filter((_, i) => i !== axis),
      "int32",
    );
    ready(addon, backend);
    callNative(addon, "argMinMax", {
      x: byteOffset(backend, x),
      out: byteOffset(backend, out),
      outer,
      reduced: x.shape[axis],
      inner,
      min: min ? 1 : 0,
    });
    return out;
  };
}

/** ArgMax over one axis (first maximum wins). */
export const argMax = argKernel(false);

/** ArgMin over one axis (first minimum wins). */
export const argMin = argKernel(true);
