/**
 * Label smoothing (lesson 08): cross-entropy against targets that give every class a little of the probability.
 */
import * as tf from "@tensorflow/tfjs";
import { NUM_CLASSES } from "../data/classes";
import { UserError } from "../util/errors";

/**
 * A loss for `model.compile({ loss })`: categorical cross-entropy against smoothed targets, where the true class gets
 * `1 − epsilon + epsilon / 10` and every other class `epsilon / 10` (Szegedy et al. 2016, "Rethinking the Inception
 * Architecture"). A model trained with it is never pushed to put all of its probability on one class, so it stops
 * growing its logits once it is right with a margin. Per image, as tfjs's own losses: `compile` averages it over the
 * batch. Takes one-hot labels and softmax probabilities, as `"categoricalCrossentropy"` does.
 *
 * @param epsilon - the share of the target spread over all classes (0.1 is the usual choice; 0 is plain cross-entropy)
 * @throws UserError when epsilon is not in [0, 1)
 */
export function smoothedCrossEntropy(epsilon: number): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor {
  if (!(epsilon >= 0 && epsilon < 1))
    throw new UserError(`label smoothing epsilon must be at least 0 and below 1 (0.1 is usual), got ${epsilon}.`);
  const smoothed = (yTrue: tf.Tensor, yPred: tf.Tensor) =>
    tf.tidy(() => tf.metrics.categoricalCrossentropy(yTrue.mul(1 - epsilon).add(epsilon / NUM_CLASSES), yPred));
  return smoothed;
}
