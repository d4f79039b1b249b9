/**
 * Convolution kernels over oneDNN: Conv2D, FusedConv2D (bias and activation fused into the
 * primitive), Conv2DBackpropInput and Conv2DBackpropFilter. NHWC float32 only; anything else goes
 * to the kernel these replaced.
 */
import * as tf from "@tensorflow/tfjs";
import { OnednnAddon } from "./addon";
import { activationCode, callNative, KernelArgs, NativeKernel, ready } from "./context";
import { byteOffset, sizeOf } from "../wasm/heap";
import { ACTIVATION, CONV_KIND } from "./params";

type ConvInfo = tf.backend_util.Conv2DInfo;

/** True when oneDNN's output-size rule agrees with tfjs's padding for this convolution. */
function consistent(info: ConvInfo): boolean {
  const p = info.padInfo;
  const okH =
    Math.floor((info.inHeight + p.top + p.bottom - info.effectiveFilterHeight) / info.strideHeight) + 1 ===
    info.outHeight;
  const okW =
    Math.floor((info.inWidth + p.left + p.right - info.effectiveFilterWidth) / info.strideWidth) + 1 === info.outWidth;
  return okH && okW && p.top >= 0 && p.left >= 0 && p.bottom >= 0 && p.right >= 0;
}

function usable(info: ConvInfo): boolean {
  return (
    info.dataFormat === "channelsLast" &&
    info.batchSize > 0 &&
    info.inHeight > 0 &&
    info.inWidth > 0 &&
    info.inChannels > 0 &&
    info.outChannels > 0 &&
    info.outHeight > 0 &&
    info.outWidth > 0 &&
    consistent(info)
  );
}

/** Byte offsets of a convolution's tensors (for the backward kinds: the gradients in their places), and its fused activation. */
interface ConvOperands {
  x: number;
  filter: number;
  y: number;
  bias: number;
  activation: number;
  alpha: number;
}

function runConv(addon: OnednnAddon, kind: number, info: ConvInfo, operands: ConvOperands): void {
  const p = info.padInfo;
  callNative(addon, "conv2d", {
    kind,
    ...operands,
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    outChannels: info.outChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: p.top,
    padLeft: p.left,
    padBottom: p.bottom,
    padRight: p.right,
  });
}

/** Operands of a backward convolution: no bias, no activation. */
function backward(x: number, filter: number, y: number): ConvOperands {
  return { x, filter, y, bias: -1, activation: ACTIVATION.linear, alpha: 0 };
}

function dataFormatOk(attrs: KernelArgs["attrs"]): boolean {
  const f = attrs?.dataFormat;
  return f === undefined || f === "NHWC" || f === "channelsLast";
}

function forward(args: KernelArgs, addon: OnednnAddon, fused: boolean): tf.TensorInfo | null {
  const { inputs, attrs = {}, backend } = args;
  const x = inputs.x as tf.TensorInfo;
  const filter = inputs.filter as tf.TensorInfo;
  const bias = fused ? (inputs.bias as tf.TensorInfo | undefined) : undefined;
  if (x.dtype !== "float32" || filter.dtype !== "float32" || x.shape.length !== 4 || !dataFormatOk(attrs)) return null;
  if (fused && inputs.preluActivationWeights) return null;
  const act = fused ? activationCode(attrs.activation) : ACTIVATION.linear;
  if (act === undefined) return null;
  if (
    bias &&
    (bias.dtype !== "float32" ||
      sizeOf(bias.shape) !== filter.shape[3] ||
      (bias.shape.length > 0 && bias.shape[bias.shape.length - 1] !== filter.shape[3]))
  )
    return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides as number | [number, number],
    attrs.dilations as number | [number, number],
    attrs.pad as "same" | "valid",
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    false,
    "channelsLast",
  );
  if (!usable(info)) return null;
  const out = backend.makeOutput(info.outShape, "float32");
  ready(addon, backend);
  runConv(addon, CONV_KIND.Forward, info, {
    x: byteOffset(backend, x),
    filter: byteOffset(backend, filter),
    y: byteOffset(backend, out),
    bias: bias ? byteOffset(backend, bias) : -1,
    activation: act,
    alpha: Number(attrs.leakyreluAlpha ?? 0.2),
  });
  return out;
}

/** Conv2D: x [N,H,W,C] * filter [KH,KW,C,O]. */
export const conv2d: NativeKernel = (args, addon) => forward(args, addon, false);

/** FusedConv2D: conv + bias + activation in one oneDNN primitive (not prelu). */
export const fusedConv2d: NativeKernel = (args, addon) => forward(args, addon, true);

/**
 * A gradient of the convolution: with respect to its input ("data": the kernel receives the filter and the input's
 * shape) or its filter ("filter": it receives x and the filter's shape). The gradient takes the place of the operand
 * it belongs to.
 */
function backprop(args: KernelArgs, addon: OnednnAddon, of: "data" | "filter"): tf.TensorInfo | null {
  const { inputs, attrs = {}, backend } = args;
  const dy = inputs.dy as tf.TensorInfo;
  const given = (of === "data" ? inputs.filter : inputs.x) as tf.TensorInfo;
  const gradientShape = (of === "data" ? attrs.inputShape : attrs.filterShape) as number[];
  const [xShape, filterShape] = of === "data" ? [gradientShape, given.shape] : [given.shape, gradientShape];
  if (dy.dtype !== "float32" || given.dtype !== "float32" || !dataFormatOk(attrs) || xShape.length !== 4) return null;
  const info = backpropInfo(xShape, filterShape, dy.shape, attrs);
  if (!info) return null;
  const out = backend.makeOutput(gradientShape.slice(), "float32");
  ready(addon, backend);
  const [x, filter] = of === "data" ? [out, given] : [given, out];
  const kind = of === "data" ? CONV_KIND.BackwardData : CONV_KIND.BackwardFilter;
  runConv(addon, kind, info, backward(byteOffset(backend, x), byteOffset(backend, filter), byteOffset(backend, dy)));
  return out;
}

/** Conv2DBackpropInput: gradient of the convolution with respect to its input. */
export const conv2dBackpropInput: NativeKernel = (args, addon) => backprop(args, addon, "data");

/** Conv2DBackpropFilter: gradient of the convolution with respect to its filter. */
export const conv2dBackpropFilter: NativeKernel = (args, addon) => backprop(args, addon, "filter");

/**
 * The convolution both gradient kernels undo (dilation 1, NHWC), or null when the addon cannot run it or the
 * incoming gradient does not have the convolution's output shape.
 */
function backpropInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  dyShape: readonly number[],
  attrs: { [name: string]: unknown },
): ConvInfo | null {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as "same" | "valid",
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    false,
    "channelsLast",
  );
  return usable(info) && sameShape(info.outShape, dyShape) ? info : null;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
