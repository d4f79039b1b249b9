/** Tile in native code: the BatchNorm gradient tiles per-channel values over whole activations. */
import * as tf from "@tensorflow/tfjs";
import { callNative, NativeKernel, ready } from "./context";
import { byteOffset, sizeOf } from "../wasm/heap";

const BYTES: { [dtype: string]: number } = { float32: 4, int32: 4, bool: 1 };

/** Tile (attrs reps) for numeric tensors of rank 1 to 6. */
export const tile: NativeKernel = (args, addon) => {
  const { inputs, attrs = {}, backend } = args;
  const x = inputs.x as tf.TensorInfo;
  const reps = attrs.reps as number[];
  const bytes = BYTES[x.dtype];
  const rank = x.shape.length;
  if (bytes === undefined || rank < 1 || rank > 6 || !Array.isArray(reps) || reps.length !== rank) return null;
  const outShape = x.shape.map((d, i) => d * reps[i]);
  if (sizeOf(outShape) === 0) return null;
  const out = backend.makeOutput(outShape, x.dtype);
  ready(addon, backend);
  callNative(addon, "tile", {
    x: byteOffset(backend, x),
    out: byteOffset(backend, out),
    elementBytes: bytes,
    rank,
    shape: x.shape,
    reps,
  });
  return out;
};
