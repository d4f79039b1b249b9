/**
 * Measures a trained model on a whole set in batches (loss, accuracy, confusion matrix, mistakes) and returns plain
 * data.
 */
import * as tf from "@tensorflow/tfjs";
import { IMAGE_SIZE, NUM_CLASSES } from "../data/classes";
import { ImageSet } from "../data/dataset";
import { argmax, confusionMatrix, Mistake, mostConfidentMistakes, perClassAccuracy } from "../metrics/classification";
import { inputSpecOf, makeBatch } from "./batches";
import { runStoppableBatches } from "./stoppableLoop";

/** Everything the lessons plot about a trained model, as plain data (no tensors). */
export interface Evaluation {
  /** Mean categorical cross-entropy (probabilities clipped to [1e-7, 1 - 1e-7], as Keras does). */
  loss: number;
  accuracy: number;
  /** Accuracy of each class (index = label). */
  perClassAccuracy: number[];
  /** confusion[true][predicted] = number of images. */
  confusion: number[][];
  /** Predicted class of each image. */
  predictions: Int32Array;
  /** Probabilities, 10 per image: probabilities[i * 10 + c]. */
  probabilities: Float32Array;
  /** The most confident mistakes, most confident first. */
  mistakes: Mistake[];
}

/** Options for {@link evaluate} and {@link predictProbabilities}. */
export interface PredictOptions {
  /** Images per forward pass (default 500). */
  batchSize?: number;
  /** Pixels are divided by this (default 255). */
  divisor?: number;
  /**
   * Test-time augmentation (lesson 08): also run every image mirrored left to right and average the two probability
   * vectors, as the training's random mirroring taught the model that both are the same garment. Twice the work.
   */
  mirror?: boolean;
}

/**
 * Runs a model over a whole set in batches and measures it: loss, accuracy, per-class accuracy,
 * confusion matrix, each image's predicted class and probabilities, and the most confident mistakes.
 * Jupyter's stop button (or Ctrl-C) stops it at the next batch boundary: `await` it.
 *
 * @throws Interrupted when an interrupt stopped it (nothing is measured then)
 */
export async function evaluate(
  model: tf.LayersModel,
  set: ImageSet,
  options: PredictOptions & { mistakes?: number } = {},
): Promise<Evaluation> {
  const { mistakes: mistakeCount = 16, ...predictOptions } = options;
  const probabilities = await predictProbabilities(model, set, predictOptions, "Evaluation");
  const rows = Array.from({ length: set.count }, (_, i) =>
    probabilities.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES),
  );
  const predictions = Int32Array.from(rows, argmax);
  const confusion = confusionMatrix(set.labels, predictions, NUM_CLASSES);
  let lossSum = 0;
  rows.forEach((row, i) => (lossSum -= Math.log(Math.min(Math.max(row[set.labels[i]], 1e-7), 1 - 1e-7))));
  const correct = predictions.filter((p, i) => p === set.labels[i]).length;
  return {
    loss: lossSum / set.count,
    accuracy: correct / set.count,
    perClassAccuracy: perClassAccuracy(confusion).map((c) => c.accuracy),
    confusion,
    predictions,
    probabilities,
    mistakes: mostConfidentMistakes(rows, set.labels, mistakeCount),
  };
}

/**
 * The model's class probabilities for every image of a set (10 per image), computed in batches; an interrupt stops
 * it at the next batch boundary.
 *
 * @param what - names the work in the error an interrupt raises
 * @throws Interrupted when an interrupt stopped it
 */
export async function predictProbabilities(
  model: tf.LayersModel,
  set: ImageSet,
  options: PredictOptions = {},
  what = "Prediction",
): Promise<Float32Array> {
  const { batchSize = 500, divisor = 255, mirror = false } = options;
  const spec = { ...inputSpecOf(model), oneHot: false };
  const out = new Float32Array(set.count * NUM_CLASSES);
  const order = Array.from({ length: set.count }, (_, i) => i);
  await runStoppableBatches(what, Math.ceil(set.count / batchSize), async (batch) => {
    const start = batch * batchSize;
    const end = Math.min(start + batchSize, set.count);
    const probs = tf.tidy(() => {
      const { xs } = makeBatch(set, order, start, end, spec, divisor);
      const probabilities = model.predict(xs) as tf.Tensor;
      if (!mirror) return probabilities;
      const mirrored = xs.reshape([-1, IMAGE_SIZE, IMAGE_SIZE, 1]).reverse(2).reshape(xs.shape);
      return probabilities.add(model.predict(mirrored) as tf.Tensor).div(2);
    });
    try {
      out.set(await probs.data(), start * NUM_CLASSES);
    } finally {
      probs.dispose();
    }
  });
  return out;
}
