/**
 * Convolution gradients for the wasm backend, expressed as forward XNNPACK convolutions.
 *
 * - Conv2DBackpropInput: convolution of the (stride-dilated, padded) output gradient with the
 *   spatially flipped filter whose channel axes are swapped.
 * - Conv2DBackpropFilter (absent from stock tfjs-backend-wasm): convolution of the input seen as
 *   [inChannels, H, W, batch] with the output gradient seen as an [outH, outW, batch, outChannels]
 *   filter, dilated by the forward stride; the [inChannels, fh, fw, outChannels] result is
 *   transposed into filter layout.
 */
import * as tf from "@tensorflow/tfjs";
import { StockKernels, WasmBackendLike, alloc, f32Offset, heapF32, release } from "../heap";

interface ConvAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat?: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape?: number[];
  filterShape?: number[];
}

function convInfo(xShape: number[], filterShape: number[], a: ConvAttrs): tf.backend_util.Conv2DInfo {
  if (a.dataFormat === "NCHW") {
    throw new Error("wasm conv gradients support only dataFormat NHWC (channelsLast); use channelsLast layers");
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    "channelsLast",
  );
}

function explicitPad(t: number, b: number, l: number, r: number): tf.backend_util.ExplicitPadding {
  return [
    [0, 0],
    [t, b],
    [l, r],
    [0, 0],
  ];
}

/** Runs the stock XNNPACK Conv2D with explicit padding. */
function conv(
  stock: StockKernels,
  be: WasmBackendLike,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  pad: tf.backend_util.ExplicitPadding,
  dilations: [number, number],
): tf.TensorInfo {
  return stock.run("Conv2D", be, { x, filter }, {
    strides: [1, 1],
    pad,
    dataFormat: "NHWC",
    dilations,
    dimRoundingMode: undefined as unknown as string,
  } as unknown as tf.NamedAttrMap);
}

/** w'[p, q, co, ci] = w[fh-1-p, fw-1-q, ci, co]. */
function flipFilter(be: WasmBackendLike, w: tf.TensorInfo): tf.TensorInfo {
  const [fh, fw, ci, co] = w.shape;
  const out = alloc(be, [fh, fw, co, ci]);
  const heap = heapF32(be);
  const src = f32Offset(be, w);
  const dst = f32Offset(be, out);
  for (let p = 0; p < fh; p++) {
    for (let q = 0; q < fw; q++) {
      const sBase = src + ((fh - 1 - p) * fw + (fw - 1 - q)) * ci * co;
      const dBase = dst + (p * fw + q) * co * ci;
      for (let i = 0; i < ci; i++) {
        const s = sBase + i * co;
        for (let o = 0; o < co; o++) heap[dBase + o * ci + i] = heap[s + o];
      }
    }
  }
  return out;
}

/** Spreads dy [B, oh, ow, C] onto a zero grid with (stride-1) gaps: [B, (oh-1)sh+1, (ow-1)sw+1, C]. */
function dilate(be: WasmBackendLike, dy: tf.TensorInfo, sh: number, sw: number): tf.TensorInfo {
  const [b, oh, ow, c] = dy.shape;
  const dh = (oh - 1) * sh + 1;
  const dw = (ow - 1) * sw + 1;
  const out = alloc(be, [b, dh, dw, c]);
  const heap = heapF32(be);
  const src = f32Offset(be, dy);
  const dst = f32Offset(be, out);
  heap.fill(0, dst, dst + b * dh * dw * c);
  for (let n = 0; n < b; n++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const s = src + ((n * oh + y) * ow + x) * c;
        const d = dst + ((n * dh + y * sh) * dw + x * sw) * c;
        heap.copyWithin(d, s, s + c);
      }
    }
  }
  return out;
}

/** Conv2DBackpropInput through XNNPACK. */
export function conv2DBackpropInputConfig(stock: StockKernels): tf.KernelConfig {
  return {
    kernelName: "Conv2DBackpropInput",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const a = attrs as unknown as ConvAttrs;
      const be = backend as unknown as WasmBackendLike;
      const info = convInfo(a.inputShape as number[], filter.shape, a);
      const {
        inHeight: H,
        inWidth: W,
        outHeight: oh,
        outWidth: ow,
        filterHeight: fh,
        filterWidth: fw,
        strideHeight: sh,
        strideWidth: sw,
        padInfo,
      } = info;
      const padT = fh - 1 - padInfo.top;
      const padL = fw - 1 - padInfo.left;
      const padB = H + padInfo.top - 1 - (oh - 1) * sh;
      const padR = W + padInfo.left - 1 - (ow - 1) * sw;
      if (padT < 0 || padL < 0 || padB < 0 || padR < 0) {
        return stock.run("Conv2DBackpropInput", be, { dy, filter }, attrs);
      }
      const flipped = flipFilter(be, filter);
      const src = sh === 1 && sw === 1 ? dy : dilate(be, dy, sh, sw);
      const out = conv(stock, be, src, flipped, explicitPad(padT, padB, padL, padR), [1, 1]);
      if (src !== dy) release(be, src);
      release(be, flipped);
      return out;
    },
  };
}

/** Conv2DBackpropFilter through XNNPACK (stock wasm has none). */
export function conv2DBackpropFilterConfig(stock: StockKernels): tf.KernelConfig {
  return {
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as ConvAttrs;
      const be = backend as unknown as WasmBackendLike;
      const fshape = a.filterShape as number[];
      const info = convInfo(x.shape, fshape, a);
      const {
        batchSize: B,
        inHeight: H,
        inWidth: W,
        inChannels: Ci,
        outHeight: oh,
        outWidth: ow,
        filterHeight: fh,
        filterWidth: fw,
        strideHeight: sh,
        strideWidth: sw,
        padInfo,
      } = info;
      // Rows/columns of x past the last window never reach the output: crop them.
      const cropH = Math.min(0, fh + sh * (oh - 1) - H - padInfo.top);
      const cropW = Math.min(0, fw + sw * (ow - 1) - W - padInfo.left);
      const src =
        cropH < 0 || cropW < 0
          ? stock.run("Slice", be, { x }, { begin: [0, 0, 0, 0], size: [B, H + cropH, W + cropW, Ci] })
          : x;
      // (Using x as the filter instead packs less data when Ci < Co, but measured slower:
      // XNNPACK's GEMM wastes most of its tile when the output has few channels.)
      const out = filterGradDyAsFilter(stock, be, src, dy, info);
      if (src !== x) release(be, src);
      return out;
    },
  };
}

/**
 * dW via a convolution whose input is x as [Ci, H, W, B] and whose filter is dy as
 * [oh, ow, B, Co] dilated by the stride; the result [Ci, fh, fw, Co] is transposed.
 */
function filterGradDyAsFilter(
  stock: StockKernels,
  be: WasmBackendLike,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const {
    outHeight: oh,
    outWidth: ow,
    filterHeight: fh,
    filterWidth: fw,
    strideHeight: sh,
    strideWidth: sw,
    padInfo,
  } = info;
  const [, H, W] = x.shape;
  const padT = padInfo.top;
  const padL = padInfo.left;
  const padB = fh + sh * (oh - 1) - H - padT;
  const padR = fw + sw * (ow - 1) - W - padL;
  const xt = stock.transpose(be, x, [3, 1, 2, 0]);
  const dyt = stock.transpose(be, dy, [1, 2, 0, 3]);
  const r = conv(stock, be, xt, dyt, explicitPad(padT, padB, padL, padR), [sh, sw]);
  release(be, xt);
  release(be, dyt);
  const out = stock.transpose(be, r, [1, 2, 0, 3]);
  release(be, r);
  return out;
}
