/**
 * Element-wise kernels in native code (all cores, wide vectors): binary arithmetic and
 * comparisons with broadcasting, unary maps, AddN, Identity and Cast. float32 only (Cast also
 * from bool); other dtypes and shapes go to the kernel these replaced.
 */
import * as tf from "@tensorflow/tfjs";
import { callNative, KernelArgs, NativeKernel, ready } from "./context";
import { BINARY_OP, UNARY_OP } from "./params";
import { byteOffset, heapU8, shareData, sizeOf } from "../wasm/heap";
import { OnednnAddon } from "./addon";

type BinaryKernelName = keyof typeof BINARY_OP;

/** Names of the binary kernels {@link binaryKernel} implements. */
export const BINARY_KERNELS = Object.keys(BINARY_OP) as BinaryKernelName[];

/** Binary kernels whose output is bool (comparisons and logical ops). */
const BOOL_OUTPUT = new Set<BinaryKernelName>([
  "Greater",
  "GreaterEqual",
  "Less",
  "LessEqual",
  "Equal",
  "NotEqual",
  "LogicalAnd",
  "LogicalOr",
]);

/** Binary kernels whose inputs are bool too. */
const BOOL_INPUTS = new Set<BinaryKernelName>(["LogicalAnd", "LogicalOr"]);

/** A broadcast collapsed to 4 dimensions, with each input's element strides along them (0 where broadcast). */
export interface BroadcastPlan {
  dims: number[];
  stridesA: number[];
  stridesB: number[];
}

/**
 * Collapses a broadcast of `a` and `b` to `out` into at most 4 dimensions with per-input strides,
 * or null when more than 4 dimensions remain.
 */
export function broadcastPlan(
  out: readonly number[],
  aShape: readonly number[],
  bShape: readonly number[],
): BroadcastPlan | null {
  const r = out.length;
  const strides = (shape: readonly number[]): number[] => {
    const padded = new Array<number>(r - shape.length).fill(1).concat(shape);
    const st = new Array<number>(r);
    let acc = 1;
    for (let i = r - 1; i >= 0; i--) {
      st[i] = padded[i] === 1 ? 0 : acc;
      acc *= padded[i];
    }
    return st;
  };
  const A = strides(aShape);
  const B = strides(bShape);
  const dims: number[] = [];
  const sa: number[] = [];
  const sb: number[] = [];
  const mergeable = (prev: number, s: number, size: number): boolean =>
    (prev === 0 && s === 0) || (s !== 0 && prev === s * size);
  for (let i = 0; i < r; i++) {
    if (out[i] === 1) continue;
    const n = dims.length;
    if (n > 0 && mergeable(sa[n - 1], A[i], out[i]) && mergeable(sb[n - 1], B[i], out[i])) {
      dims[n - 1] *= out[i];
      sa[n - 1] = A[i];
      sb[n - 1] = B[i];
    } else {
      dims.push(out[i]);
      sa.push(A[i]);
      sb.push(B[i]);
    }
  }
  if (dims.length > 4) return null;
  while (dims.length < 4) {
    dims.unshift(1);
    sa.unshift(0);
    sb.unshift(0);
  }
  return { dims, stridesA: sa, stridesB: sb };
}

/** A binary kernel for one op: float32 (bool for the logical ops) inputs of any broadcastable shapes. */
export function binaryKernel(kernelName: BinaryKernelName): NativeKernel {
  const op = BINARY_OP[kernelName];
  const outDtype = BOOL_OUTPUT.has(kernelName) ? "bool" : "float32";
  const dtype = BOOL_INPUTS.has(kernelName) ? "bool" : "float32";
  return (args: KernelArgs, addon: OnednnAddon) => {
    const { inputs, backend } = args;
    const a = inputs.a as tf.TensorInfo;
    const b = inputs.b as tf.TensorInfo;
    if (a.dtype !== dtype || b.dtype !== dtype) return null;
    let outShape: number[];
    try {
      outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    } catch {
      return null; // the replaced kernel reports the shape error
    }
    if (sizeOf(outShape) === 0) return null;
    const plan = broadcastPlan(outShape, a.shape, b.shape);
    if (!plan) return null;
    const out = backend.makeOutput(outShape, outDtype);
    ready(addon, backend);
    callNative(addon, "binary", {
      op,
      a: byteOffset(backend, a),
      b: byteOffset(backend, b),
      out: byteOffset(backend, out),
      ...plan,
    });
    return out;
  };
}

type UnaryKernelName = Exclude<keyof typeof UNARY_OP, "BoolToFloat">;

/**
 * How a unary kernel's attributes become the addon's (alpha, beta); (0, 0) for the others. Sigmoid, Tanh and Elu
 * stay on wasm: without a vector math library the native loops are no faster.
 */
const UNARY_ATTRS: { [K in UnaryKernelName]?: (attrs: { [k: string]: unknown }) => [number, number] } = {
  Step: (a) => [Number(a.alpha ?? 0), 0],
  LeakyRelu: (a) => [Number(a.alpha ?? 0.2), 0],
  ClipByValue: (a) => [Number(a.clipValueMin), Number(a.clipValueMax)],
};

/** Names of the unary kernels {@link unaryKernel} implements. */
export const UNARY_KERNELS = Object.keys(UNARY_OP).filter((k) => k !== "BoolToFloat") as UnaryKernelName[];

/** A unary kernel for one op on float32 input. */
export function unaryKernel(kernelName: UnaryKernelName): NativeKernel {
  const op = UNARY_OP[kernelName];
  const attrsOf = UNARY_ATTRS[kernelName] ?? (() => [0, 0]);
  return (args: KernelArgs, addon: OnednnAddon) => {
    const { inputs, attrs = {}, backend } = args;
    const x = inputs.x as tf.TensorInfo;
    const n = sizeOf(x.shape);
    const [alpha, beta] = attrsOf(attrs);
    if (x.dtype !== "float32" || n === 0 || Number.isNaN(alpha) || Number.isNaN(beta)) return null;
    const out = backend.makeOutput(x.shape.slice(), "float32");
    ready(addon, backend);
    callNative(addon, "unary", { op, x: byteOffset(backend, x), out: byteOffset(backend, out), n, alpha, beta });
    return out;
  };
}

/** Identity: shares the input's data instead of copying it. */
export const identity: NativeKernel = (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  return x.dtype === "string" ? null : shareData(args.backend, x);
};

/** Cast: same-dtype casts share the data; bool to float32 in native code; others go to the replaced kernel. */
export const cast: NativeKernel = (args, addon) => {
  const x = args.inputs.x as tf.TensorInfo;
  const dtype = args.attrs?.dtype;
  if (dtype === x.dtype && x.dtype !== "string") return shareData(args.backend, x);
  if (x.dtype !== "bool" || dtype !== "float32") return null;
  const n = sizeOf(x.shape);
  if (n === 0) return null;
  const { backend } = args;
  const out = backend.makeOutput(x.shape.slice(), "float32");
  ready(addon, backend);
  callNative(addon, "unary", {
    op: UNARY_OP.BoolToFloat,
    x: byteOffset(backend, x),
    out: byteOffset(backend, out),
    n,
    alpha: 0,
    beta: 0,
  });
  return out;
};

/** AddN: the element-wise sum of up to 64 float32 tensors of one shape. */
export const addN: NativeKernel = (args, addon) => {
  const tensors = args.inputs as unknown as tf.TensorInfo[];
  const { backend } = args;
  if (!Array.isArray(tensors) || tensors.length === 0 || tensors.length > 64) return null;
  const first = tensors[0];
  const n = sizeOf(first.shape);
  if (n === 0) return null;
  for (const t of tensors) {
    if (t.dtype !== "float32" || t.shape.length !== first.shape.length || t.shape.some((d, i) => d !== first.shape[i]))
      return null;
  }
  const out = backend.makeOutput(first.shape.slice(), "float32");
  ready(addon, backend);
  callNative(addon, "addN", {
    out: byteOffset(backend, out),
    n,
    count: tensors.length,
    inputs: tensors.map((t) => byteOffset(backend, t)),
  });
  return out;
};

/** ZerosLike: a zero-filled tensor of the input's shape and dtype (numeric dtypes). */
export const zerosLike: NativeKernel = (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  const bytes = BYTES_PER_ELEMENT[x.dtype];
  if (bytes === undefined) return null;
  const { backend } = args;
  const out = backend.makeOutput(x.shape.slice(), x.dtype);
  const n = sizeOf(x.shape);
  if (n > 0) {
    const at = byteOffset(backend, out);
    heapU8(backend).fill(0, at, at + n * bytes);
  }
  return out;
};

const BYTES_PER_ELEMENT: { [dtype: string]: number } = { float32: 4, int32: 4, bool: 1 };

/**
 * Select: condition ? t : e, for float32/int32 with a condition of t's shape (what tf.where
 * passes after broadcasting). Other condition shapes go to the replaced kernel: tfjs's backends
 * disagree on them.
 */
export const select: NativeKernel = (args, addon) => {
  const { inputs, backend } = args;
  const condition = inputs.condition as tf.TensorInfo;
  const t = inputs.t as tf.TensorInfo;
  const e = inputs.e as tf.TensorInfo;
  if (condition.dtype !== "bool" || t.dtype !== e.dtype || BYTES_PER_ELEMENT[t.dtype] !== 4) return null;
  const n = sizeOf(t.shape);
  if (n === 0 || t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i])) return null;
  const sameShape = condition.shape.length === t.shape.length && condition.shape.every((d, i) => d === t.shape[i]);
  if (!sameShape) return null;
  const out = backend.makeOutput(t.shape.slice(), t.dtype);
  ready(addon, backend);
  callNative(addon, "select", {
    condition: byteOffset(backend, condition),
    t: byteOffset(backend, t),
    e: byteOffset(backend, e),
    out: byteOffset(backend, out),
    n,
    perCondition: 1,
  });
  return out;
};
