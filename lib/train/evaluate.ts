/**
 * Measures a trained model on a whole set in batches (loss, accuracy, confusion matrix, mistakes) and returns plain
 * data.
 */
import * as tf from "@tensorflow/tfjs";
import { NUM_CLASSES } from "../data/classes";
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
  options: { batchSize?: number; divisor?: number; mistakes?: number } = {},
): Promise<Evaluation> {
  const { batchSize = 500, divisor = 255, mistakes: mistakeCount = 16 } = options;
  const probabilities = await predictProbabilities(model, set, { batchSize, divisor }, "Evaluation");
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
  options: { batchSize?: number; divisor?: number } = {},
  what = "Prediction",
): Promise<Float32Array> {
  const { batchSize = 500, divisor = 255 } = options;
  const spec = { ...inputSpecOf(model), oneHot: false };
  const out = new Float32Array(set.count * NUM_CLASSES);
  const order = Array.from({ length: set.count }, (_, i) => i);
  await runStoppableBatches(what, Math.ceil(set.count / batchSize), async (batch) => {
    const start = batch * batchSize;
    const end = Math.min(start + batchSize, set.count);
    const probs = tf.tidy(() => {
      const { xs } = makeBatch(set, order, start, end, spec, divisor);
      return model.predict(xs) as tf.Tensor;
    });
    try {
      out.set(await probs.data(), start * NUM_CLASSES);
    } finally {
      probs.dispose();
    }
  });
  return out;
}
