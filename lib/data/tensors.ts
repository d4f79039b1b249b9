/**
 * Turns an `ImageSet` into the image and label tensors a model takes, flat or as images.
 */
import * as tf from "@tensorflow/tfjs";
import { UserError } from "../util/errors";
import { IMAGE_SIZE, NUM_CLASSES } from "./classes";
import { ImageSet } from "./dataset";

/** How images are laid out in the tensor a model takes. */
export type Layout = "flat" | "image";

/** Options for {@link toTensors}. */
export interface TensorOptions {
  /** `flat`: [n, 784] for dense networks; `image`: [n, 28, 28, 1] (NHWC) for convolutional ones. Default `image`. */
  layout?: Layout;
  /** Zero-pad each side so that images become `padTo × padTo` (VGG takes 32×32). Needs layout `image`. */
  padTo?: number;
  /** Labels as one-hot rows [n, 10] instead of class indices [n]. Default true (what categorical losses take). */
  oneHot?: boolean;
  /** Pixels are divided by this; 255 maps them to [0, 1]. Default 255. */
  divisor?: number;
}

/** Images and labels as tensors; dispose them (or use `tf.tidy`) when done. */
export interface TensorPair {
  xs: tf.Tensor;
  ys: tf.Tensor;
}

/**
 * Turns an {@link ImageSet} into tensors: pixels scaled by `divisor` (to [0, 1] by default), shaped for the model,
 * optionally padded to 32×32, with one-hot or index labels. Intermediate tensors are freed (`tf.tidy`).
 */
export function toTensors(set: ImageSet, options: TensorOptions = {}): TensorPair {
  const { layout = "image", padTo = IMAGE_SIZE, oneHot = true, divisor = 255 } = options;
  if (layout !== "flat" && layout !== "image") throw new UserError(`layout must be "flat" or "image", got ${String(layout)}.`);
  if (padTo !== IMAGE_SIZE && layout !== "image") throw new UserError(`padTo needs layout "image" (got "${layout}").`);
  if (!Number.isInteger(padTo) || padTo < IMAGE_SIZE || (padTo - IMAGE_SIZE) % 2 !== 0) {
    throw new UserError(`padTo must be ${IMAGE_SIZE} plus an even number of pixels, got ${padTo}.`);
  }
  if (!(divisor > 0)) throw new UserError(`divisor must be positive, got ${divisor}.`);
  const n = set.count;
  const side = padTo;
  const margin = (side - IMAGE_SIZE) / 2;
  const pixels = new Float32Array(n * side * side);
  const scale = 1 / divisor;
  for (let i = 0; i < n; i++) {
    const image = set.image(i);
    const base = i * side * side;
    for (let r = 0; r < IMAGE_SIZE; r++) {
      const rowOut = base + (r + margin) * side + margin;
      const rowIn = r * IMAGE_SIZE;
      for (let c = 0; c < IMAGE_SIZE; c++) pixels[rowOut + c] = image[rowIn + c] * scale;
    }
  }
  return tf.tidy(() => {
    const xs = layout === "flat" ? tf.tensor2d(pixels, [n, side * side]) : tf.tensor4d(pixels, [n, side, side, 1]);
    const indices = tf.tensor1d(set.labels, "int32");
    const ys = oneHot ? tf.oneHot(indices, NUM_CLASSES).toFloat() : indices.toFloat();
    return { xs, ys };
  });
}
