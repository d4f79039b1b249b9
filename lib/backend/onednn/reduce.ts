/**
 * Sum, Mean, Max and Min over one contiguous block of axes (after dropping size-1 axes): the bias
 * gradient, per-row reductions and whole-tensor reductions. float32 only.
 */
import * as tf from "@tensorflow/tfjs";
import { callNative, KernelArgs, NativeKernel, ready } from "./context";
import { REDUCE_OP } from "./params";
import { byteOffset, sizeOf } from "../wasm/heap";
import { OnednnAddon } from "./addon";

/** Names of the reduction kernels {@link reduceKernel} implements. */
export const REDUCE_KERNELS = Object.keys(REDUCE_OP) as (keyof typeof REDUCE_OP)[];

/** [outer, R, inner] when the reduced axes form one block once size-1 axes are ignored, else null. */
export function reducePlan(shape: readonly number[], axes: readonly number[]): [number, number, number] | null {
  const entries = shape.map((d, i) => ({ d, reduced: axes.includes(i) })).filter((e) => e.d !== 1);
  let first = -1;
  let last = -1;
  entries.forEach((e, i) => {
    if (e.reduced) {
      if (first < 0) first = i;
      last = i;
    }
  });
  if (first < 0) return [sizeOf(shape), 1, 1];
  for (let i = first; i <= last; i++) if (!entries[i].reduced) return null;
  const prod = (from: number, to: number): number => entries.slice(from, to).reduce((p, e) => p * e.d, 1);
  return [prod(0, first), prod(first, last + 1), prod(last + 1, entries.length)];
}

/** A reduction kernel (attrs axis, keepDims). */
export function reduceKernel(kernelName: keyof typeof REDUCE_OP): NativeKernel {
  const op = REDUCE_OP[kernelName];
  return (args: KernelArgs, addon: OnednnAddon) => {
    const { inputs, attrs = {}, backend } = args;
    const x = inputs.x as tf.TensorInfo;
    if (x.dtype !== "float32" || sizeOf(x.shape) === 0) return null;
    // Max names its axes `reductionIndices`; Sum, Mean and Min call them `axis`.
    const axes = tf.util.parseAxisParam((attrs.axis ?? attrs.reductionIndices) as number | number[], x.shape);
    const plan = reducePlan(x.shape, axes);
    if (!plan) return null;
    let [outShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
    if (attrs.keepDims) outShape = tf.backend_util.expandShapeToKeepDim(outShape, axes);
    const out = backend.makeOutput(outShape, "float32");
    ready(addon, backend);
    const [outer, reduced, inner] = plan;
    callNative(addon, "reduce", {
      op,
      x: byteOffset(backend, x),
      out: byteOffset(backend, out),
      outer,
      reduced,
      inner,
    });
    return out;
  };
}
