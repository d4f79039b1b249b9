/**
 * Plain-data evaluation metrics (no tensors, no drawing): argmax, confusion matrix, per-class accuracy and
 * the most confident mistakes. `evaluate` computes them for a model; the chart functions in lib/plot draw them.
 */

/** Index of the largest value (first one on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * Counts predictions per (true class, predicted class): `matrix[true][predicted]`.
 *
 * @example const m = confusionMatrix(testLabels, predictedLabels); // 10x10 counts
 * @throws Error when the lists differ in length or contain a label outside 0..numClasses-1.
 */
export function confusionMatrix(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  numClasses = 10,
): number[][] {
  if (labels.length !== predictions.length) {
    throw new Error(
      `confusionMatrix got ${labels.length} labels but ${predictions.length} predictions; pass one prediction per label.`,
    );
  }
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i],
      p = predictions[i];
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses) || !Number.isInteger(t) || !Number.isInteger(p)) {
      throw new Error(
        `confusionMatrix: label ${t} / prediction ${p} at index ${i} is not a class in 0..${numClasses - 1}; ` +
          "pass class indices (use argmax on probabilities first).",
      );
    }
    m[t][p]++;
  }
  return m;
}

/** Accuracy of one class: correct / total of the images whose true class it is. */
export interface ClassAccuracy {
  label: number;
  correct: number;
  total: number;
  /** correct / total, or NaN when the class has no images. */
  accuracy: number;
}

/** Per-class accuracy from a confusion matrix (`matrix[true][predicted]`). */
export function perClassAccuracy(matrix: readonly (readonly number[])[]): ClassAccuracy[] {
  return matrix.map((row, label) => {
    const total = row.reduce((a, b) => a + b, 0);
    const correct = row[label] ?? 0;
    return { label, correct, total, accuracy: total > 0 ? correct / total : NaN };
  });
}

/** Overall accuracy of a confusion matrix (trace / sum), NaN when empty. */
export function matrixAccuracy(matrix: readonly (readonly number[])[]): number {
  let correct = 0,
    total = 0;
  matrix.forEach((row, i) =>
    row.forEach((v, j) => {
      total += v;
      if (i === j) correct += v;
    }),
  );
  return total > 0 ? correct / total : NaN;
}

/** A wrong prediction: image index, its true class, the predicted class and the model's confidence in it. */
export interface Mistake {
  index: number;
  label: number;
  predicted: number;
  probability: number;
}

/**
 * Finds the `k` wrong predictions the model was most sure about.
 *
 * @param probabilities - one row of class probabilities per image.
 * @param labels - true class per image.
 * @returns mistakes sorted by decreasing confidence.
 */
export function mostConfidentMistakes(
  probabilities: ArrayLike<ArrayLike<number>>,
  labels: ArrayLike<number>,
  k = 16,
): Mistake[] {
  if (probabilities.length !== labels.length) {
    throw new Error(
      `mostConfidentMistakes got ${probabilities.length} probability rows but ${labels.length} labels; pass one row per label.`,
    );
  }
  const mistakes: Mistake[] = [];
  for (let i = 0; i < labels.length; i++) {
    const row = probabilities[i];
    const predicted = argmax(row);
    if (predicted !== labels[i]) mistakes.push({ index: i, label: labels[i], predicted, probability: row[predicted] });
  }
  mistakes.sort((a, b) => b.probability - a.probability || a.index - b.index);
  return mistakes.slice(0, k);
}
