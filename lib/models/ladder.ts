/**
 * Lesson 04's ladder: walkthrough 001's steps from 29% to 90%, each as a configuration of the `cnn-deep` preset.
 */
import { PresetOptions } from "./presets";

/**
 * One rung of walkthrough 001's "how I got from 29% to 90%" list, reconstructed as a runnable configuration of the
 * `cnn-deep` preset. The source gives each rung in one sentence; {@link LadderRung.assumption} says what we had to
 * fill in.
 */
export interface LadderRung {
  /** Short label for charts. */
  name: string;
  /** What changed from the rung before, in words. */
  change: string;
  /** Test accuracy the source reports (0..1), or the [low, high] range it gives. */
  sourceAccuracy: number | readonly [number, number];
  /** Options of the `cnn-deep` preset (the seed is added when training). */
  preset: Omit<PresetOptions, "seed" | "compile">;
  /** Gradient steps (batches), as the estimator counts training. */
  steps: number;
  batchSize: number;
  /** What the text leaves open and we assumed. */
  assumption: string;
}

const BATCH = 100;

/**
 * The five rungs of the ladder, in the source's order. Every rung trains at batch 100 (the only batch size the
 * source shows); the last one is the `cnn-deep` preset as the source's final code defines it.
 */
export const CNN_DEEP_LADDER: readonly LadderRung[] = Object.freeze([
  {
    name: "1 gradient descent",
    change: "the TensorFlow tutorial's network: two conv blocks, plain gradient descent",
    sourceAccuracy: 0.29,
    preset: { convBlocks: 2, optimizer: "sgd", learningRate: 0.001 },
    steps: 1000,
    batchSize: BATCH,
    assumption:
      "the model and optimizer of the TensorFlow estimator tutorial the source cites (two 5x5 conv blocks, Dense 1024, " +
      "dropout 0.4, GradientDescentOptimizer with learning rate 0.001); 1,000 steps, since the source later raises them from 1,000",
  },
  {
    name: "2 Adam",
    change: "Adam instead of gradient descent",
    sourceAccuracy: 0.69,
    preset: { convBlocks: 2, optimizer: "adam", learningRate: 0.001 },
    steps: 1000,
    batchSize: BATCH,
    assumption: "Adam with the learning rate 0.001 of the final code",
  },
  {
    name: "3 + conv 128",
    change: "a third conv block (128 filters 5x5 + max-pool)",
    sourceAccuracy: 0.73,
    preset: { convBlocks: 3, blockDropout: false, optimizer: "adam", learningRate: 0.001 },
    steps: 1000,
    batchSize: BATCH,
    assumption: "the third block of the final code, without the two dropouts that come later",
  },
  {
    name: "4 1,500 steps",
    change: "1,500 steps instead of 1,000",
    sourceAccuracy: 0.82,
    preset: { convBlocks: 3, blockDropout: false, optimizer: "adam", learningRate: 0.001 },
    steps: 1500,
    batchSize: BATCH,
    assumption: "nothing else changed",
  },
  {
    name: "5 + 2 dropouts",
    change: "dropout 0.25 after the 2nd and 3rd blocks (dropout_1, dropout_2)",
    sourceAccuracy: [0.89, 0.9],
    preset: { convBlocks: 3, blockDropout: true, optimizer: "adam", learningRate: 0.001 },
    steps: 1500,
    batchSize: BATCH,
    assumption: "none: this is the source's final code",
  },
] satisfies LadderRung[]);

/** The source's accuracy of a rung as one number: the middle of its range when it gives one. */
export function sourceAccuracyMid(rung: Pick<LadderRung, "sourceAccuracy">): number {
  const a = rung.sourceAccuracy;
  return typeof a === "number" ? a : (a[0] + a[1]) / 2;
}
