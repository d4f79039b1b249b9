/**
 * Batch normalisation's training step as one kernel each way, when the backend has them.
 *
 * tfjs-layers' BatchNormalization trains through tf.moments and tf.batchNorm, whose forward and gradient together
 * run about 30 small kernels per layer and step. {@link batchNormTrain} runs the library's kernel
 * {@link BATCH_NORM_TRAIN_KERNEL} instead (y, the batch mean and the biased batch variance in one call) and its
 * gradient {@link BATCH_NORM_TRAIN_GRAD_KERNEL} (dx, dgamma, dbeta in one call) when the active backend registers
 * both (the oneDNN addon does, on `wasm`), and tfjs's own ops otherwise.
 *
 * Importing this module (the library and the oneDNN kernels do) also makes tfjs-layers' own BatchNormalization, the
 * class `tf.layers.batchNormalization()` builds and saved models load into, train through {@link batchNormTrain}
 * whenever the active backend has the kernels: its `call` is patched once ({@link nativeBatchNormCall}). A network a
 * lesson writes by hand and the presets thus train alike, and saved models stay plain tfjs.
 */
import * as tf from "@tensorflow/tfjs";
import { UserError } from "../util/errors";

/** Kernel: inputs x, gamma, beta; attr epsilon; outputs [y, mean, variance] over every axis of x but the last. */
export const BATCH_NORM_TRAIN_KERNEL = "FmBatchNormTrain";

/**
 * Kernel: inputs dy, x, mean, variance, gamma, dmean, dvariance (the gradients reaching the two statistics); attr
 * epsilon; outputs [dx, dgamma, dbeta].
 */
export const BATCH_NORM_TRAIN_GRAD_KERNEL = "FmBatchNormTrainGrad";

/** What one training-mode batch normalisation gives. */
export interface BatchNormTrainResult {
  /** The normalised, scaled and shifted input, shaped as x. */
  y: tf.Tensor;
  /** Per-channel batch mean, shape [C]. */
  mean: tf.Tensor1D;
  /** Per-channel biased batch variance (divided by the number of values, as tf.moments), shape [C]. */
  variance: tf.Tensor1D;
}

/** Whether the active backend serves {@link batchNormTrain} with the one-call kernels (else it runs tfjs's ops). */
export function batchNormTrainIsNative(): boolean {
  const backend = tf.getBackend();
  return (
    tf.getKernel(BATCH_NORM_TRAIN_KERNEL, backend) != null &&
    tf.getKernel(BATCH_NORM_TRAIN_GRAD_KERNEL, backend) != null
  );
}

tf.registerGradient({
  kernelName: BATCH_NORM_TRAIN_KERNEL,
  inputsToSave: ["x", "gamma"],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [x, gamma, mean, variance] = saved;
    // tfjs hands zeros for outputs the loss does not use (the statistics, in a layer that only averages them).
    const [dy, dmean, dvariance] = dys as tf.Tensor[];
    const [dx, dgamma, dbeta] = tf
      .engine()
      .runKernel(
        BATCH_NORM_TRAIN_GRAD_KERNEL,
        { dy, x, mean, variance, gamma, dmean, dvariance },
        { epsilon: (attrs as { epsilon: number }).epsilon },
      ) as tf.Tensor[];
    return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
  },
});

/**
 * Batch normalisation in training mode over every axis of `x` but the last (channels-last):
 * y = (x − mean) · gamma / √(variance + epsilon) + beta with the batch's own mean and biased variance, which it also
 * returns. Gradients flow to x, gamma and beta (and through the returned statistics, should a loss use them).
 * One native call each way when {@link batchNormTrainIsNative}; otherwise tf.moments and tf.batchNorm.
 *
 * @throws UserError when x is not float32 with at least 2 dimensions, or gamma or beta is not a vector of x's last
 *   dimension
 */
export function batchNormTrain(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon = 1e-3,
): BatchNormTrainResult {
  const C = x.shape[x.shape.length - 1];
  if (x.rank < 2 || x.dtype !== "float32") {
    throw new UserError(
      `batchNormTrain: x must be a float32 tensor with a batch axis and a channel axis, got ${x.dtype} [${x.shape}].`,
    );
  }
  for (const [name, t] of [
    ["gamma", gamma],
    ["beta", beta],
  ] as const) {
    if (t.rank !== 1 || t.shape[0] !== C) {
      throw new UserError(
        `batchNormTrain: ${name} must have one value per channel (shape [${C}], x's last axis), got [${t.shape}].`,
      );
    }
  }
  if (batchNormTrainIsNative()) {
    const [y, mean, variance] = tf
      .engine()
      .runKernel(BATCH_NORM_TRAIN_KERNEL, { x, gamma, beta }, { epsilon }) as tf.Tensor[];
    return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
  }
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [...Array(x.rank - 1).keys()]);
    return {
      y: tf.batchNorm(x, mean, variance, beta, gamma, epsilon),
      mean: mean as tf.Tensor1D,
      variance: variance as tf.Tensor1D,
    };
  });
}

/** The fields of tfjs-layers' BatchNormalization the training step reads (private in its typings). */
interface BatchNormalizationFields {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma?: tf.LayerVariable;
  beta?: tf.LayerVariable;
  movingMean: LayerVariableInternals;
  movingVariance: LayerVariableInternals;
}

/** tfjs-layers' LayerVariable as the layer uses it: read and write (write is missing from the public typings). */
interface LayerVariableInternals {
  read(): tf.Tensor;
  write(value: tf.Tensor): void;
}

type LayerCall = tf.layers.Layer["call"];

/** value ← value − (value − batchValue) · (1 − momentum): tfjs-layers' moving average, op for op. */
function updateMovingAverage(variable: LayerVariableInternals, batchValue: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const current = variable.read();
    variable.write(tf.sub(current, tf.mul(tf.sub(current, batchValue), 1 - momentum)));
  });
}

/**
 * A BatchNormalization layer's training step through {@link batchNormTrain}'s native kernels, with the moving mean
 * and variance updated as tfjs-layers updates them (it averages the biased batch variance, as here); undefined when
 * it does not apply (inference, a backend without the kernels, a channel axis other than the last, no scale or no
 * centre, not float32), and tfjs-layers' own `call` runs instead.
 */
export function nativeBatchNormCall(
  layer: tf.layers.Layer,
  inputs: Parameters<LayerCall>[0],
  kwargs: Parameters<LayerCall>[1],
): tf.Tensor | undefined {
  const x = Array.isArray(inputs) && inputs.length === 1 ? inputs[0] : inputs;
  const fields = layer as unknown as BatchNormalizationFields;
  const { gamma, beta } = fields;
  if (Array.isArray(x) || !kwargs.training || !gamma || !beta || x.dtype !== "float32" || x.rank < 2) return undefined;
  if (!batchNormTrainIsNative()) return undefined;
  const axis = fields.axis >= 0 ? fields.axis : fields.axis + x.rank;
  if (axis !== x.rank - 1) return undefined;
  return tf.tidy(() => {
    const { y, mean, variance } = batchNormTrain(
      x,
      gamma.read() as tf.Tensor1D,
      beta.read() as tf.Tensor1D,
      fields.epsilon,
    );
    updateMovingAverage(fields.movingMean, mean, fields.momentum);
    updateMovingAverage(fields.movingVariance, variance, fields.momentum);
    return y;
  });
}

/** Marks the patched prototype, so that a second copy of this module (another build of the library) patches nothing. */
const PATCHED = Symbol.for("fashion-mnist.nativeBatchNormCall");

/** Routes tfjs-layers' own BatchNormalization through {@link nativeBatchNormCall} first; once per tfjs instance. */
function patchBatchNormalization(): void {
  // the class as registered for deserialization: tf.layers.batchNormalization builds it, loadLayersModel loads into it
  const registered = tf.serialization.SerializationMap.getMap().classNameMap.BatchNormalization[0];
  const prototype = registered.prototype as unknown as tf.layers.Layer & { [PATCHED]?: true };
  if (prototype[PATCHED]) return;
  const tfjsCall = prototype.call;
  prototype.call = function (this: tf.layers.Layer, inputs, kwargs) {
    return nativeBatchNormCall(this, inputs, kwargs) ?? tfjsCall.call(this, inputs, kwargs);
  };
  prototype[PATCHED] = true;
}

patchBatchNormalization();
