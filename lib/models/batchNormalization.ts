/**
 * tfjs-layers' BatchNormalization with a faster training step: when the backend serves the library's one-call batch
 * norm kernels (lib/backend/batchnormTrain.ts; the oneDNN addon on `wasm`), a channels-last layer in training
 * normalises with {@link batchNormTrain} instead of tf.moments + tf.batchNorm (about 30 kernels per layer and step,
 * forward and backward, become 2). Everything else is tfjs-layers' own: inference, the configuration, the weights,
 * every other backend or axis, and the moving statistics, updated with the same ops (tfjs-layers averages the
 * biased batch variance, as here).
 *
 * The class keeps the name BatchNormalization and replaces tfjs-layers' class in the serialization registry, so
 * summaries still say BatchNormalization, saved models keep that class name and load into this class, and a model
 * saved here loads in plain tfjs.
 */
import * as tf from "@tensorflow/tfjs";
import type {
  BatchNormalization,
  BatchNormalizationLayerArgs,
} from "@tensorflow/tfjs-layers/dist/layers/normalization";
import { batchNormTrain, batchNormTrainIsNative } from "../backend/batchnormTrain";

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

type Kwargs = Parameters<tf.layers.Layer["call"]>[1];

/** tfjs-layers' class, as registered for deserialization before this module replaces it. */
const TfjsBatchNormalization = tf.serialization.SerializationMap.getMap().classNameMap
  .BatchNormalization[0] as unknown as typeof BatchNormalization;

/** value ← value − (value − batchValue) · (1 − momentum): tfjs-layers' moving average, op for op. */
function updateMovingAverage(variable: LayerVariableInternals, batchValue: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const current = variable.read();
    variable.write(tf.sub(current, tf.mul(tf.sub(current, batchValue), 1 - momentum)));
  });
}

/** BatchNormalization whose training step runs {@link batchNormTrain} natively when it can (see the module doc). */
export class FusedBatchNormalization extends TfjsBatchNormalization {
  /** The serialized class name: tfjs-layers' own. */
  static override className = "BatchNormalization";

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) && inputs.length === 1 ? inputs[0] : inputs;
    const fields = this as unknown as BatchNormalizationFields;
    const { gamma, beta } = fields;
    if (Array.isArray(x) || !kwargs.training || !gamma || !beta || x.dtype !== "float32" || !batchNormTrainIsNative()) {
      return super.call(inputs, kwargs);
    }
    const axis = fields.axis >= 0 ? fields.axis : fields.axis + x.rank;
    if (axis !== x.rank - 1 || x.rank < 2) return super.call(inputs, kwargs);
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
}

tf.serialization.registerClass(FusedBatchNormalization);

/** Makes a {@link FusedBatchNormalization} layer; the options are tf.layers.batchNormalization's. */
export function batchNormalization(args: BatchNormalizationLayerArgs = {}): FusedBatchNormalization {
  return new FusedBatchNormalization(args);
}
