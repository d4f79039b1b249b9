/**
 * Matrix-multiplication kernels over oneDNN: BatchMatMul and _FusedMatMul (bias and activation
 * fused), with transposes read in place through strides and batch broadcasting when one side
 * has a single matrix.
 */
import * as tf from "@tensorflow/tfjs";
import { activationCode, callNative, KernelArgs, NativeKernel, ready } from "./context";
import { ACTIVATION } from "./params";
import { byteOffset, sizeOf } from "../wasm/heap";
import { matMulDims } from "../matmulShape";
import { OnednnAddon } from "./addon";

function run(args: KernelArgs, addon: OnednnAddon, fused: boolean): tf.TensorInfo | null {
  const { inputs, attrs = {}, backend } = args;
  const a = inputs.a as tf.TensorInfo;
  const b = inputs.b as tf.TensorInfo;
  const bias = fused ? (inputs.bias as tf.TensorInfo | undefined) : undefined;
  if (a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length < 2 || b.shape.length < 2) return null;
  if (fused && inputs.preluActivationWeights) return null;
  const act = fused ? activationCode(attrs.activation) : ACTIVATION.linear;
  if (act === undefined) return null;
  const ta = Boolean(attrs.transposeA);
  const tb = Boolean(attrs.transposeB);
  const { m: M, k: K, kB, n: N, outerA, outerB, batchA, batchB } = matMulDims(a.shape, b.shape, ta, tb);
  if (K !== kB || M === 0 || N === 0 || K === 0) return null;
  let outer: number[];
  try {
    outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return null;
  }
  // One flat batch loop covers equal batches, or a single matrix on either side.
  if (!(batchA === 1 || batchB === 1 || sameShape(outerA, outerB))) return null;
  if (
    bias &&
    (bias.dtype !== "float32" ||
      sizeOf(bias.shape) !== N ||
      (bias.shape.length > 0 && bias.shape[bias.shape.length - 1] !== N))
  )
    return null;
  const out = backend.makeOutput([...outer, M, N], "float32");
  ready(addon, backend);
  callNative(addon, "matmul", {
    a: byteOffset(backend, a),
    b: byteOffset(backend, b),
    bias: bias ? byteOffset(backend, bias) : -1,
    out: byteOffset(backend, out),
    batchA,
    batchB,
    m: M,
    k: K,
    n: N,
    transposeA: ta ? 1 : 0,
    transposeB: tb ? 1 : 0,
    activation: act,
    alpha: Number(attrs.leakyreluAlpha ?? 0.2),
  });
  return out;
}

function sameShape(x: readonly number[], y: readonly number[]): boolean {
  return x.length === y.length && x.every((d, i) => d === y[i]);
}

/** BatchMatMul: a [..., M, K] x b [..., K, N] (either transposed). */
export const batchMatMul: NativeKernel = (args, addon) => run(args, addon, false);

/** _FusedMatMul: matmul + bias + activation in one oneDNN primitive (not prelu). */
export const fusedMatMul: NativeKernel = (args, addon) => run(args, addon, true);
