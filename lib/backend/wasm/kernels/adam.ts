/**
 * Fused Adam update for the wasm backend.
 *
 * tfjs's AdamOptimizer issues about a dozen small kernels per variable per step; on wasm the
 * per-kernel overhead dominates small variables. `AdamUpdateWasm` does the whole update for one
 * variable in a single pass over the wasm heap, and {@link installFusedAdam} makes
 * AdamOptimizer use it for small variables while 'wasm' is the active backend (large variables,
 * where XNNPACK's vectorised ops win, and other backends keep tfjs's op sequence).
 */
import * as tf from "@tensorflow/tfjs";
import { WasmBackendLike, alloc, f32Offset, heapF32, sizeOf } from "../heap";
import { Slot, patchApplyGradients, zeroSlot } from "./fusedOptimizer";

/** Name of the fused Adam kernel (library-specific, registered for 'wasm' only). */
export const ADAM_KERNEL = "AdamUpdateWasm";

interface AdamAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/**
 * Kernel: inputs value, gradient, m, v, accBeta1, accBeta2 (scalars β^t); outputs
 * [new value, new m, new v] computed as tfjs's AdamOptimizer does.
 */
export function adamKernelConfig(): tf.KernelConfig {
  return {
    kernelName: ADAM_KERNEL,
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { value, gradient, m, v, accBeta1, accBeta2 } = inputs as Record<string, tf.TensorInfo>;
      const { beta1, beta2, epsilon, learningRate } = attrs as unknown as AdamAttrs;
      const be = backend as unknown as WasmBackendLike;
      const n = sizeOf(value.shape);
      const outValue = alloc(be, value.shape);
      const outM = alloc(be, value.shape);
      const outV = alloc(be, value.shape);
      const h = heapF32(be);
      const oneMinusAcc1 = Math.fround(1 - h[f32Offset(be, accBeta1)]);
      const oneMinusAcc2 = Math.fround(1 - h[f32Offset(be, accBeta2)]);
      const w = f32Offset(be, value);
      const g = f32Offset(be, gradient);
      const mi = f32Offset(be, m);
      const vi = f32Offset(be, v);
      const wo = f32Offset(be, outValue);
      const mo = f32Offset(be, outM);
      const vo = f32Offset(be, outV);
      const c1 = Math.fround(1 - beta1);
      const c2 = Math.fround(1 - beta2);
      // lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε), rearranged to avoid two divisions per element.
      const stepSize = learningRate / oneMinusAcc1;
      const invSqrtAcc2 = 1 / Math.sqrt(oneMinusAcc2);
      for (let i = 0; i < n; i++) {
        const gi = h[g + i];
        const m1 = beta1 * h[mi + i] + c1 * gi;
        const v1 = beta2 * h[vi + i] + c2 * (gi * gi);
        h[mo + i] = m1;
        h[vo + i] = v1;
        h[wo + i] = h[w + i] - (stepSize * m1) / (Math.sqrt(v1) * invSqrtAcc2 + epsilon);
      }
      return [outValue, outM, outV];
    },
  };
}

interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  applyGradients(variableGradients: tf.NamedTensorMap): void;
  incrementIterations(): void;
}

let fusedForAllSizes = false;

/**
 * Routes variables of every size through {@link ADAM_KERNEL}: the oneDNN addon turns this on when it serves the
 * kernel natively (one threaded pass per variable, where tfjs's sequence makes about 14 passes), and off again
 * when it is uninstalled.
 */
export function fuseAdamForAllSizes(on: boolean): void {
  fusedForAllSizes = on;
}

/** Adam's update of one variable: the fused kernel, or tfjs's formula in tfjs's ops for large variables on plain wasm. */
function updateVariable(adam: AdamInternals, value: tf.Variable, gradient: tf.Tensor, i: number, fused: boolean): void {
  const m = adam.accumulatedFirstMoment[i].variable;
  const v = adam.accumulatedSecondMoment[i].variable;
  if (!fused) {
    const newM = tf.add(tf.mul(m, adam.beta1), tf.mul(gradient, 1 - adam.beta1));
    const newV = tf.add(tf.mul(v, adam.beta2), tf.mul(tf.square(gradient), 1 - adam.beta2));
    const mHat = tf.div(newM, tf.sub(1, adam.accBeta1));
    const vHat = tf.div(newV, tf.sub(1, adam.accBeta2));
    m.assign(newM);
    v.assign(newV);
    value.assign(tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), adam.epsilon)), -adam.learningRate), value));
    return;
  }
  const attrs = { beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon, learningRate: adam.learningRate };
  const [nw, nm, nv] = tf
    .engine()
    .runKernel(
      ADAM_KERNEL,
      { value, gradient, m, v, accBeta1: adam.accBeta1, accBeta2: adam.accBeta2 },
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
  m.assign(nm);
  v.assign(nv);
  value.assign(nw);
}

let installed = false;

/**
 * Makes tf.AdamOptimizer use {@link ADAM_KERNEL} while the active backend is 'wasm'.
 * Idempotent; other backends run tfjs's own update unchanged.
 */
export function installFusedAdam(): void {
  if (installed) return;
  installed = true;
  patchApplyGradients<AdamInternals>(
    tf.AdamOptimizer.prototype,
    {
      kernel: ADAM_KERNEL,
      ensureSlots: (adam, value, i, name) => {
        adam.accumulatedFirstMoment[i] ??= zeroSlot(value, `${name}/m`);
        adam.accumulatedSecondMoment[i] ??= zeroSlot(value, `${name}/v`);
      },
      update: updateVariable,
      afterVariables: (adam) => {
        adam.accBeta1.assign(tf.mul(adam.accBeta1, adam.beta1));
        adam.accBeta2.assign(tf.mul(adam.accBeta2, adam.beta2));
      },
    },
    () => fusedForAllSizes,
  );
}
