/**
 * MatMul kernels for the wasm backend that always reach XNNPACK.
 *
 * Stock tfjs-backend-wasm uses XNNPACK's fully-connected operator only for un-transposed,
 * batch-1 products and otherwise a scalar loop. Training needs transposed products for every
 * Dense gradient, so these kernels materialise the transposes (fast wasm Transpose) and pick the
 * cheaper of A·B and (Bᵀ·Aᵀ)ᵀ by the number of elements copied.
 */
import * as tf from "@tensorflow/tfjs";
import { matMulDims } from "../../matmulShape";
import { StockKernels, WasmBackendLike, release } from "../heap";

interface Dims {
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  outShape: number[];
}

function dims(a: tf.TensorInfo, b: tf.TensorInfo, tA: boolean, tB: boolean): Dims {
  const { m, k, kB, n, outerA, outerB, batchA, batchB } = matMulDims(a.shape, b.shape, tA, tB);
  if (k !== kB) {
    throw new Error(
      `MatMul: inner dimensions differ (${k} vs ${kB}) for shapes [${a.shape}] and [${b.shape}] ` +
        `with transposeA=${tA}, transposeB=${tB}; fix the operand shapes`,
    );
  }
  const outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
  return { batchA, batchB, m, k, n, outShape: [...outer, m, n] };
}

function view(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/** Relative cost per element of XNNPACK packing a new right operand vs. a wasm transpose copy (measured). */
const PACK_COST = 3;

/**
 * Whether (Bᵀ·Aᵀ)ᵀ is cheaper than A·B. XNNPACK packs the right operand of every product it has
 * not seen before (≈3× the cost of a transpose copy per element); `bPacked` says B's packing is
 * already cached, as for constant weights.
 */
export function chooseTransposedForm(
  m: number,
  k: number,
  n: number,
  tA: boolean,
  tB: boolean,
  bPacked = false,
): boolean {
  const direct = (bPacked ? 0 : PACK_COST * k * n) + (tA ? m * k : 0) + (tB ? k * n : 0);
  const swapped = PACK_COST * k * m + (tA ? 0 : m * k) + (tB ? 0 : k * n) + m * n;
  return swapped < direct;
}

/** Right operands already packed by XNNPACK (its operator cache is keyed by the tensor). */
const packedRightOperands = new WeakSet<object>();

/** Computes op(a)·op(b) for single-batch operands through the stock no-transpose XNNPACK path. */
function matMul2d(
  stock: StockKernels,
  backend: WasmBackendLike,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  tA: boolean,
  tB: boolean,
  d: Dims,
): tf.TensorInfo {
  const { m, k, n } = d;
  const temps: tf.TensorInfo[] = [];
  const t2 = (x: tf.TensorInfo, rows: number, cols: number) => {
    const t = stock.transpose(backend, view(x, [rows, cols]), [1, 0]);
    temps.push(t);
    return t;
  };
  let out: tf.TensorInfo;
  if (!chooseTransposedForm(m, k, n, tA, tB, !tB && packedRightOperands.has(b.dataId))) {
    const a2 = tA ? t2(a, k, m) : a;
    const b2 = tB ? t2(b, n, k) : b;
    if (!tB) packedRightOperands.add(b.dataId);
    out = stock.run(
      "BatchMatMul",
      backend,
      { a: view(a2, [1, m, k]), b: view(b2, [1, k, n]) },
      { transposeA: false, transposeB: false },
    );
  } else {
    // Cᵀ = op(B)ᵀ · op(A)ᵀ, where op(B)ᵀ is [n, k] and op(A)ᵀ is [k, m].
    const bt = tB ? b : t2(b, k, n);
    const at = tA ? a : t2(a, m, k);
    const ct = stock.run(
      "BatchMatMul",
      backend,
      { a: view(bt, [1, n, k]), b: view(at, [1, k, m]) },
      { transposeA: false, transposeB: false },
    );
    out = stock.transpose(backend, view(ct, [n, m]), [1, 0]);
    release(backend, ct);
  }
  for (const t of temps) release(backend, t);
  return { dataId: out.dataId, shape: d.outShape, dtype: "float32" };
}

/** BatchMatMul that handles transposeA/transposeB through XNNPACK. */
export function batchMatMulConfig(stock: StockKernels): tf.KernelConfig {
  return {
    kernelName: "BatchMatMul",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const tA = !!(attrs as { transposeA?: boolean }).transposeA;
      const tB = !!(attrs as { transposeB?: boolean }).transposeB;
      const be = backend as unknown as WasmBackendLike;
      const d = dims(a, b, tA, tB);
      if (d.batchA !== 1 || d.batchB !== 1 || a.dtype !== "float32" || b.dtype !== "float32") {
        return stock.run("BatchMatMul", be, { a, b }, attrs);
      }
      return matMul2d(stock, be, a, b, tA, tB, d);
    },
  };
}

/** _FusedMatMul (bias + activation) that handles transposes by materialising them first. */
export function fusedMatMulConfig(stock: StockKernels): tf.KernelConfig {
  return {
    kernelName: "_FusedMatMul",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { a, b, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
      const at = attrs as { transposeA?: boolean; transposeB?: boolean };
      const tA = !!at.transposeA;
      const tB = !!at.transposeB;
      const be = backend as unknown as WasmBackendLike;
      const A = a as tf.TensorInfo;
      const B = b as tf.TensorInfo;
      const d = dims(A, B, tA, tB);
      const pass: tf.NamedTensorInfoMap = { a: A, b: B };
      if (bias) pass.bias = bias;
      if (preluActivationWeights) pass.preluActivationWeights = preluActivationWeights;
      if ((!tA && !tB) || d.batchA !== 1 || d.batchB !== 1) {
        return stock.run("_FusedMatMul", be, pass, attrs);
      }
      const a2 = tA ? stock.transpose(be, view(A, [d.k, d.m]), [1, 0]) : A;
      const b2 = tB ? stock.transpose(be, view(B, [d.n, d.k]), [1, 0]) : B;
      pass.a = view(a2, [1, d.m, d.k]);
      pass.b = view(b2, [1, d.k, d.n]);
      const out = stock.run("_FusedMatMul", be, pass, { ...attrs, transposeA: false, transposeB: false });
      if (tA) release(be, a2);
      if (tB) release(be, b2);
      return { dataId: out.dataId, shape: d.outShape, dtype: "float32" };
    },
  };
}
