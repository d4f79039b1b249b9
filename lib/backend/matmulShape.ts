/**
 * The sizes of a batched matrix product op(A)·op(B), read from the operands' shapes, shared by the wasm and oneDNN
 * matmul kernels (each decides itself what to do with operands that do not fit).
 */
import { sizeOf } from "./wasm/heap";

/** op(A) is [..., m, k] and op(B) is [..., kB, n]; the leading dimensions are each side's batch. */
export interface MatMulDims {
  m: number;
  k: number;
  /** op(B)'s rows: equal to `k` when the product is defined. */
  kB: number;
  n: number;
  outerA: number[];
  outerB: number[];
  /** Matrices on each side: the product of the leading dimensions. */
  batchA: number;
  batchB: number;
}

/** Reads m, k and n of op(a)·op(b) from rank-2-or-more shapes, `transposeA`/`transposeB` as tfjs's attributes say. */
export function matMulDims(
  a: readonly number[],
  b: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): MatMulDims {
  const ra = a.length;
  const rb = b.length;
  const outerA = a.slice(0, -2);
  const outerB = b.slice(0, -2);
  return {
    m: transposeA ? a[ra - 1] : a[ra - 2],
    k: transposeA ? a[ra - 2] : a[ra - 1],
    kB: transposeB ? b[rb - 1] : b[rb - 2],
    n: transposeB ? b[rb - 2] : b[rb - 1],
    outerA,
    outerB,
    batchA: sizeOf(outerA),
    batchB: sizeOf(outerB),
  };
}
