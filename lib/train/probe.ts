/**
 * Looking inside a network while it learns: dead ReLU units per layer, the size of the first optimizer step,
 * and short probe runs that record a loss curve. Lesson 02 uses them to test why a run is stuck at chance.
 */
import * as tf from "@tensorflow/tfjs";
import { ImageSet } from "../data/dataset";
import { inputSpecOf, wholeSet } from "./batches";
import { train } from "./train";

/** Dead units of one hidden layer. */
export interface DeadUnits {
  /** The layer's name. */
  layer: string;
  /** Units in the layer. */
  units: number;
  /** Share of its units (0–1) whose output is 0 for every image of the probe set. */
  dead: number;
}

/**
 * For every Dense layer but the last (the hidden layers of an MLP, in order), the share of units whose output is
 * 0 for every image of `set`: a ReLU unit like that passes nothing on and gets no gradient, so it cannot recover.
 * Assumes a chain of Dense layers (Sequential or a functional chain); pixels are divided by `divisor`.
 */
export function deadUnits(model: tf.LayersModel, set: ImageSet, divisor: number): DeadUnits[] {
  const spec = { ...inputSpecOf(model), oneHot: false };
  return tf.tidy(() => {
    let h = wholeSet(set, spec, divisor).xs.reshape([set.count, -1]);
    const hidden = model.layers.filter((layer) => layer.getClassName() === "Dense").slice(0, -1);
    return hidden.map((layer) => {
      h = layer.apply(h) as tf.Tensor;
      const units = h.shape[1]!;
      const alive = h.max(0).greater(0).sum().dataSync()[0];
      return { layer: layer.name, units, dead: 1 - alive / units };
    });
  });
}

/** How one optimizer step moved a layer's weight matrix. */
export interface FirstStep {
  /** Weights that moved at all (the others had a zero gradient). */
  moved: number;
  /** All weights of the matrix. */
  weights: number;
  /** Median size of a moved weight's step, in units of the learning rate. */
  medianStepOverLr: number;
}

/**
 * Takes one training step of a compiled model on one batch and measures how the kernel of `layerIndex` moved.
 * The model is changed by the step (use a fresh one).
 */
export async function firstStep(
  model: tf.LayersModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
  learningRate: number,
  layerIndex = 0,
): Promise<FirstStep> {
  const kernel = () => model.layers[layerIndex].getWeights()[0].dataSync();
  const before = kernel().slice();
  await model.trainOnBatch(xs, ys);
  const after = kernel();
  const steps: number[] = [];
  for (let i = 0; i < after.length; i++) {
    const size = Math.abs(after[i] - before[i]);
    if (size > 0) steps.push(size / learningRate);
  }
  steps.sort((a, b) => a - b);
  return {
    moved: steps.length,
    weights: after.length,
    medianStepOverLr: steps.length ? steps[Math.floor(steps.length / 2)] : 0,
  };
}

/** What {@link probeRun} measured. */
export interface ProbeRun {
  /** Loss of every batch, in order. */
  curve: number[];
  /** Mean loss over the last sixth of the batches (where a run has settled). */
  lateLoss: number;
  /** Dead units per hidden layer at the end, measured on the probe set. */
  dead: DeadUnits[];
}

/**
 * Trains a compiled model for one pass over `set` (no board) and records its loss curve, its late loss and its
 * dead units on `probeSet`: a short, cheap experiment for comparing settings.
 */
export async function probeRun(
  model: tf.LayersModel,
  set: ImageSet,
  options: { batchSize: number; seed: number; divisor: number; probeSet: ImageSet },
): Promise<ProbeRun> {
  const curve: number[] = [];
  await train(model, set, {
    epochs: 1,
    batchSize: options.batchSize,
    seed: options.seed,
    divisor: options.divisor,
    board: false,
    callbacks: [
      {
        onBatchEnd: async (_batch, logs) => {
          curve.push(logs?.loss ?? NaN);
        },
      },
    ],
  });
  const tail = curve.slice(-Math.max(1, Math.round(curve.length / 6)));
  return {
    curve,
    lateLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
    dead: deadUnits(model, options.probeSet, options.divisor),
  };
}
