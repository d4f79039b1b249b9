/**
 * Fused RMSprop update for the wasm backend, the counterpart of ./adam.ts.
 *
 * tfjs's RMSPropOptimizer issues about ten small kernels per variable per step (six passes over its values);
 * `RmspropUpdateWasm` does the non-centered update for one variable in a single pass over the wasm heap, and
 * {@link installFusedRmsprop} makes RMSPropOptimizer use it while 'wasm' is the active backend. As for Adam, large
 * variables keep tfjs's ops unless {@link fuseRmspropForAllSizes} says the kernel is served natively; centered
 * RMSprop and other backends always run tfjs's own update.
 */
import * as tf from "@tensorflow/tfjs";
import { WasmBackendLike, alloc, f32Offset, heapF32, sizeOf } from "../heap";
import { Slot, patchApplyGradients, zeroSlot } from "./fusedOptimizer";

/** Name of the fused RMSprop kernel (library-specific, registered for 'wasm' only). */
export const RMSPROP_KERNEL = "RmspropUpdateWasm";

/** The hyper-parameters the kernel takes as attrs (those of tf.train.rmsprop). */
export interface RmspropAttrs {
  decay: number;
  momentum: number;
  epsilon: number;
  learningRate: number;
}

/**
 * The scalars of one update as the kernel uses them, each rounded to float32 as tfjs's scalar tensors are; the
 * native kernel receives exactly these.
 */
export function rmspropScalars(attrs: RmspropAttrs): {
  decay: number;
  oneMinusDecay: number;
  momentum: number;
  learningRate: number;
  epsilon: number;
} {
  return {
    decay: Math.fround(attrs.decay),
    oneMinusDecay: Math.fround(1 - attrs.decay),
    momentum: Math.fround(attrs.momentum),
    learningRate: Math.fround(attrs.learningRate),
    epsilon: Math.fround(attrs.epsilon),
  };
}

/**
 * Kernel: inputs value, gradient, ms (mean of squared gradients) and, unless momentum is 0, mom (moments); attrs
 * decay, momentum, epsilon, learningRate; outputs [new value, new ms, new mom] as tfjs's non-centered
 * RMSPropOptimizer computes them: ms' = ms·decay + g²·(1−decay), mom' = mom·momentum + g·lr/√(ms' + ε),
 * value' = value − mom'. Without mom the outputs are [new value, new ms]: with momentum 0, mom' is this step's
 * g·lr/√(ms' + ε), which no later step reads.
 * @throws Error when mom is missing and momentum is not 0
 */
export function rmspropKernelConfig(): tf.KernelConfig {
  return {
    kernelName: RMSPROP_KERNEL,
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { value, gradient, ms } = inputs as Record<string, tf.TensorInfo>;
      const mom = inputs.mom as tf.TensorInfo | undefined;
      const { decay, oneMinusDecay, momentum, learningRate, epsilon } = rmspropScalars(
        attrs as unknown as RmspropAttrs,
      );
      if (!mom && momentum !== 0) throw new Error(`${RMSPROP_KERNEL}: momentum ${momentum} needs the mom input`);
      const be = backend as unknown as WasmBackendLike;
      const n = sizeOf(value.shape);
      const outs = (mom ? [0, 1, 2] : [0, 1]).map(() => alloc(be, value.shape));
      const h = heapF32(be);
      const [w, g, si, wo, so] = [value, gradient, ms, outs[0], outs[1]].map((t) => f32Offset(be, t));
      if (!mom) {
        for (let i = 0; i < n; i++) {
          const gi = h[g + i];
          const ms1 = Math.fround(h[si + i] * decay + gi * gi * oneMinusDecay);
          h[so + i] = ms1;
          h[wo + i] = h[w + i] - Math.fround((gi * learningRate) / Math.sqrt(ms1 + epsilon));
        }
        return outs;
      }
      const mi = f32Offset(be, mom);
      const mo = f32Offset(be, outs[2]);
      for (let i = 0; i < n; i++) {
        const gi = h[g + i];
        // Stored (float32) ms' and mom' feed the next term, as in tfjs's op sequence.
        const ms1 = Math.fround(h[si + i] * decay + gi * gi * oneMinusDecay);
        const mom1 = Math.fround(h[mi + i] * momentum + (gi * learningRate) / Math.sqrt(ms1 + epsilon));
        h[so + i] = ms1;
        h[mo + i] = mom1;
        h[wo + i] = h[w + i] - mom1;
      }
      return outs;
    },
  };
}

interface RmspropInternals extends RmspropAttrs {
  centered: boolean;
  accumulatedMeanSquares: Slot[];
  accumulatedMoments: Slot[];
  applyGradients(variableGradients: tf.NamedTensorMap): void;
  incrementIterations(): void;
}

let fusedForAllSizes = false;

/**
 * Routes variables of every size through {@link RMSPROP_KERNEL}: the oneDNN addon turns this on when it serves the
 * kernel natively (one threaded pass per variable), and off again when it is uninstalled.
 */
export function fuseRmspropForAllSizes(on: boolean): void {
  fusedForAllSizes = on;
}

/** RMSprop's update of one variable: the fused kernel, or tfjs's formula and op order for large variables on plain wasm. */
function updateVariable(
  rms: RmspropInternals,
  value: tf.Variable,
  gradient: tf.Tensor,
  i: number,
  fused: boolean,
): void {
  const ms = rms.accumulatedMeanSquares[i].variable;
  const mom = rms.accumulatedMoments[i].variable;
  if (!fused) {
    const newMs = tf.add(tf.mul(ms, rms.decay), tf.mul(tf.square(gradient), 1 - rms.decay));
    const step = tf.div(tf.mul(gradient, rms.learningRate), tf.sqrt(tf.add(newMs, rms.epsilon)));
    const newMom = tf.add(tf.mul(mom, rms.momentum), step);
    ms.assign(newMs);
    mom.assign(newMom);
    value.assign(tf.sub(value, newMom));
    return;
  }
  const attrs: RmspropAttrs = {
    decay: rms.decay,
    momentum: rms.momentum,
    epsilon: rms.epsilon,
    learningRate: rms.learningRate,
  };
  // With momentum 0 the moments stay as they are (zero): no later step reads them.
  const inputs: tf.NamedTensorMap = rms.momentum === 0 ? { value, gradient, ms } : { value, gradient, ms, mom };
  const [nw, nms, nmom] = tf
    .engine()
    .runKernel(RMSPROP_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  ms.assign(nms);
  if (nmom) mom.assign(nmom);
  value.assign(nw);
}

let installed = false;

/**
 * Makes non-centered tf.RMSPropOptimizer use {@link RMSPROP_KERNEL} while the active backend is 'wasm'.
 * Idempotent; centered RMSprop and other backends run tfjs's own update unchanged.
 */
export function installFusedRmsprop(): void {
  if (installed) return;
  installed = true;
  patchApplyGradients<RmspropInternals>(
    tf.RMSPropOptimizer.prototype,
    {
      kernel: RMSPROP_KERNEL,
      keepOriginal: (rms) => rms.centered,
      // named and created as tfjs's RMSPropOptimizer creates them (getWeights relies on it)
      ensureSlots: (rms, value, i, name) => {
        rms.accumulatedMeanSquares[i] ??= zeroSlot(value, `${name}/rms`);
        rms.accumulatedMoments[i] ??= zeroSlot(value, `${name}/momentum`);
      },
      update: updateVariable,
    },
    () => fusedForAllSizes,
  );
}
