/**
 * Cutting an `ImageSet` into tensor batches shaped for a model: in order, shuffled with a seed, or as one whole set.
 */
import * as tf from "@tensorflow/tfjs";
import { IMAGE_PIXELS, NUM_CLASSES } from "../data/classes";
import { ImageSet } from "../data/dataset";
import { UserError } from "../util/errors";
import { seededPermutation } from "../util/random";
import type { ImageAugment } from "./augment";

/** How a model wants its inputs and labels. */
export interface ModelInputSpec {
  /** Shape of one example, e.g. [784] or [28, 28, 1]. */
  exampleShape: number[];
  /** Labels as one-hot rows (categorical losses) or class indices (sparse losses). */
  oneHot: boolean;
}

/**
 * Reads a compiled model's input shape and loss to know how to feed it.
 *
 * @throws UserError when the model does not take one 28×28 image per example
 */
export function inputSpecOf(model: tf.LayersModel): ModelInputSpec {
  const shape = model.inputs[0].shape.slice(1) as number[];
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.some((d) => d == null) || size !== IMAGE_PIXELS) {
    throw new UserError(
      `Model "${model.name}" takes inputs of shape [${shape.join(", ")}], which is not one 28×28 image ` +
        `(784 values: use [784], [28, 28] or [28, 28, 1]).`,
    );
  }
  const loss = Array.isArray(model.loss) ? model.loss[0] : model.loss;
  const sparse = typeof loss === "string" && loss.toLowerCase().startsWith("sparse");
  return { exampleShape: shape, oneHot: !sparse };
}

/**
 * Copies images `order[start..end)` of a set into a batch of tensors shaped for the model.
 * Pixels are divided by `divisor`, then changed by `augment` when one is given.
 */
export function makeBatch(
  set: ImageSet,
  order: ArrayLike<number>,
  start: number,
  end: number,
  spec: ModelInputSpec,
  divisor: number,
  augment?: ImageAugment,
): { xs: tf.Tensor; ys: tf.Tensor } {
  const n = end - start;
  const pixels = new Float32Array(n * IMAGE_PIXELS);
  const labels = new Int32Array(n);
  const scale = 1 / divisor;
  for (let k = 0; k < n; k++) {
    const index = order[start + k];
    const image = set.image(index);
    const base = k * IMAGE_PIXELS;
    for (let p = 0; p < IMAGE_PIXELS; p++) pixels[base + p] = image[p] * scale;
    labels[k] = set.labels[index];
  }
  augment?.(pixels, n);
  const xs = tf.tensor(pixels, [n, ...spec.exampleShape]);
  if (!spec.oneHot) return { xs, ys: tf.tensor1d(labels, "float32") };
  const oneHot = new Float32Array(n * NUM_CLASSES);
  for (let k = 0; k < n; k++) oneHot[k * NUM_CLASSES + labels[k]] = 1;
  return { xs, ys: tf.tensor2d(oneHot, [n, NUM_CLASSES]) };
}

/**
 * An endless stream of training batches: each epoch visits every image once in an order shuffled from
 * `seed + epoch`, so the same seed gives the same batch order. The last batch of an epoch may be smaller.
 * Each batch goes through `augment` when one is given.
 */
export function shuffledBatches(
  set: ImageSet,
  batchSize: number,
  seed: number,
  spec: ModelInputSpec,
  divisor: number,
  augment?: ImageAugment,
): tf.data.Dataset<tf.TensorContainer> {
  return tf.data.generator(function* () {
    for (let epoch = 0; ; epoch++) {
      const order = seededPermutation(set.count, seed + epoch);
      for (let start = 0; start < set.count; start += batchSize) {
        yield makeBatch(set, order, start, Math.min(start + batchSize, set.count), spec, divisor, augment);
      }
    }
  });
}

/** All images of a set in their order, as one pair of tensors shaped for the model. */
export function wholeSet(set: ImageSet, spec: ModelInputSpec, divisor: number): { xs: tf.Tensor; ys: tf.Tensor } {
  const order = Array.from({ length: set.count }, (_, i) => i);
  return makeBatch(set, order, 0, set.count, spec, divisor);
}
