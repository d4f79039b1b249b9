/** PadV2 (constant padding) in native code: VGG pads every input batch from 28x28 to 32x32. */
import * as tf from "@tensorflow/tfjs";
import { callNative, NativeKernel, ready } from "./context";
import { byteOffset, sizeOf } from "../wasm/heap";

/** PadV2 (attrs paddings, constantValue) for float32 tensors of rank 1 to 6. */
export const padV2: NativeKernel = (args, addon) => {
  const { inputs, attrs = {}, backend } = args;
  const x = inputs.x as tf.TensorInfo;
  const paddings = attrs.paddings as [number, number][];
  const rank = x.shape.length;
  if (x.dtype !== "float32" || rank < 1 || rank > 6 || !Array.isArray(paddings) || paddings.length !== rank)
    return null;
  const value = Number(attrs.constantValue ?? 0);
  if (sizeOf(x.shape) === 0 || paddings.some(([b, a]) => !(b >= 0 && a >= 0)) || Number.isNaN(value)) return null;
  const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  const out = backend.makeOutput(outShape, "float32");
  ready(addon, backend);
  callNative(addon, "pad", {
    x: byteOffset(backend, x),
    out: byteOffset(backend, out),
    rank,
    value,
    shape: x.shape,
    before: paddings.map((p) => p[0]),
    after: paddings.map((p) => p[1]),
  });
  return out;
};
