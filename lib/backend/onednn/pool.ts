/**
 * Max pooling and its gradient (NHWC float32) in native loops. The gradient sends each output's
 * gradient to the first position holding the window's maximum, as tfjs's own kernels do.
 */
import * as tf from "@tensorflow/tfjs";
import { callNative, KernelArgs, NativeKernel, ready } from "./context";
import { POOL_MODE } from "./params";
import { byteOffset } from "../wasm/heap";
import { OnednnAddon } from "./addon";

function poolInfo(xShape: number[], attrs: NonNullable<KernelArgs["attrs"]>): tf.backend_util.Conv2DInfo | null {
  if (xShape.length !== 4) return null;
  const info = tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as "same" | "valid",
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
  const ok =
    info.batchSize > 0 &&
    info.inHeight > 0 &&
    info.inWidth > 0 &&
    info.inChannels > 0 &&
    info.outHeight > 0 &&
    info.outWidth > 0 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1;
  return ok ? info : null;
}

function runPool(
  addon: OnednnAddon,
  mode: number,
  info: tf.backend_util.Conv2DInfo,
  x: number,
  y: number,
  dx: number,
): void {
  callNative(addon, "pool2d", {
    mode,
    x,
    y,
    dx,
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    channels: info.inChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  });
}

/** MaxPool over NHWC. */
export const maxPool: NativeKernel = (args: KernelArgs, addon: OnednnAddon) => {
  const { inputs, attrs = {}, backend } = args;
  const x = inputs.x as tf.TensorInfo;
  if (x.dtype !== "float32") return null;
  const info = poolInfo(x.shape, attrs);
  if (!info) return null;
  const out = backend.makeOutput(info.outShape, "float32");
  ready(addon, backend);
  runPool(addon, POOL_MODE.MaxForward, info, byteOffset(backend, x), byteOffset(backend, out), -1);
  return out;
};

/** MaxPoolGrad: gradient of MaxPool with respect to its input. */
export const maxPoolGrad: NativeKernel = (args: KernelArgs, addon: OnednnAddon) => {
  const { inputs, attrs = {}, backend } = args;
  const dy = inputs.dy as tf.TensorInfo;
  const x = inputs.input as tf.TensorInfo;
  if (dy.dtype !== "float32" || x.dtype !== "float32") return null;
  const info = poolInfo(x.shape, attrs);
  if (!info || info.outShape.some((d, i) => d !== dy.shape[i])) return null;
  const out = backend.makeOutput(x.shape.slice(), "float32");
  ready(addon, backend);
  runPool(
    addon,
    POOL_MODE.MaxBackward,
    info,
    byteOffset(backend, x),
    byteOffset(backend, dy),
    byteOffset(backend, out),
  );
  return out;
};
