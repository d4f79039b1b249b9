/**
 * Where several models agree and disagree on the same test images: how many of them get each image right, the
 * images they all get wrong, and the confusions (true class → predicted class) that every one of them makes.
 * Plain data in, plain data out: `fm.evaluate` gives each model's predictions and probabilities.
 */
import { NUM_CLASSES } from "../data/classes";

/** What one model said about every image of a set, as `fm.evaluate` returns it. */
export interface ModelAnswers {
  /** Predicted class of each image. */
  predictions: ArrayLike<number>;
  /** Class probabilities, 10 per image: probabilities[i * 10 + c]. */
  probabilities: ArrayLike<number>;
}

/** A test image that every model gets wrong. */
export interface SharedMistake {
  /** Index of the image in the set. */
  index: number;
  /** Its true class. */
  label: number;
  /** Each model's predicted class, in the order the models were given. */
  predictions: number[];
  /** The wrong class most models chose (the lowest class on a tie). */
  consensus: number;
  /** How many models chose {@link SharedMistake.consensus}. */
  consensusVotes: number;
  /** The probability the models gave the true class, averaged over the models. */
  trueProbability: number;
}

/** A kind of mistake (true class → predicted class) with how often each model makes it. */
export interface SharedConfusion {
  label: number;
  predicted: number;
  /** Images of class `label` predicted as `predicted`, per model. */
  counts: number[];
  /** The smallest of the counts: how often even the model that makes it least makes it. */
  least: number;
}

function checkAnswers(labels: ArrayLike<number>, models: readonly ModelAnswers[]): void {
  if (models.length === 0) throw new Error("Pass the answers of at least one model.");
  models.forEach((m, k) => {
    if (m.predictions.length !== labels.length || m.probabilities.length !== labels.length * NUM_CLASSES) {
      throw new Error(
        `Model ${k} answered ${m.predictions.length} images (${m.probabilities.length} probabilities) ` +
          `but there are ${labels.length} labels: evaluate every model on the same set.`,
      );
    }
  });
}

/** For every image, how many of the models predict its class right (0 to the number of models). */
export function correctCounts(labels: ArrayLike<number>, models: readonly ModelAnswers[]): Int32Array {
  checkAnswers(labels, models);
  return Int32Array.from(
    { length: labels.length },
    (_, i) => models.filter((m) => m.predictions[i] === labels[i]).length,
  );
}

/** How many images exactly 0, 1, ..., N of the N models get right (index = number of models right). */
export function agreementHistogram(labels: ArrayLike<number>, models: readonly ModelAnswers[]): number[] {
  const histogram = new Array<number>(models.length + 1).fill(0);
  for (const count of correctCounts(labels, models)) histogram[count]++;
  return histogram;
}

/** The most frequent value of a list (the smallest one on a tie) and how often it occurs. */
function mostFrequent(values: readonly number[]): { value: number; votes: number } {
  const votes = new Map<number, number>();
  for (const v of values) votes.set(v, (votes.get(v) ?? 0) + 1);
  let best = { value: Infinity, votes: 0 };
  for (const [value, n] of votes)
    if (n > best.votes || (n === best.votes && value < best.value)) best = { value, votes: n };
  return best;
}

/**
 * The images that every model gets wrong, the ones the models are surest about first (lowest average probability
 * of the true class; the image index breaks ties).
 */
export function sharedMistakes(labels: ArrayLike<number>, models: readonly ModelAnswers[]): SharedMistake[] {
  const counts = correctCounts(labels, models);
  const mistakes: SharedMistake[] = [];
  counts.forEach((right, index) => {
    if (right > 0) return;
    const label = labels[index];
    const predictions = models.map((m) => m.predictions[index]);
    const { value: consensus, votes: consensusVotes } = mostFrequent(predictions);
    const trueProbability =
      models.reduce((sum, m) => sum + m.probabilities[index * NUM_CLASSES + label], 0) / models.length;
    mistakes.push({ index, label, predictions, consensus, consensusVotes, trueProbability });
  });
  return mistakes.sort((a, b) => a.trueProbability - b.trueProbability || a.index - b.index);
}

/**
 * The off-diagonal cells of several confusion matrices (`matrix[true][predicted]`), ranked by how often the model
 * that makes that mistake least still makes it: the confusions common to every model come first.
 *
 * @param top how many to return (default 8)
 * @throws Error when the matrices are missing or differ in size
 */
export function sharedConfusions(matrices: readonly (readonly (readonly number[])[])[], top = 8): SharedConfusion[] {
  if (matrices.length === 0) throw new Error("Pass at least one confusion matrix.");
  const n = matrices[0].length;
  if (matrices.some((m) => m.length !== n || m.some((row) => row.length !== n))) {
    throw new Error(`The confusion matrices differ in size; pass one ${n}x${n} matrix per model.`);
  }
  const cells: SharedConfusion[] = [];
  for (let label = 0; label < n; label++) {
    for (let predicted = 0; predicted < n; predicted++) {
      if (label === predicted) continue;
      const counts = matrices.map((m) => m[label][predicted]);
      cells.push({ label, predicted, counts, least: Math.min(...counts) });
    }
  }
  const total = (c: SharedConfusion) => c.counts.reduce((a, b) => a + b, 0);
  return cells
    .sort((a, b) => b.least - a.least || total(b) - total(a) || a.label - b.label || a.predicted - b.predicted)
    .slice(0, top);
}
