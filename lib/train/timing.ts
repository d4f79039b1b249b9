/**
 * Times a few training steps of a model, to estimate an epoch's duration without running one.
 */
import * as tf from "@tensorflow/tfjs";
import { UserError } from "../util/errors";
import { runStoppableBatches } from "./stoppableLoop";

/** What {@link timeTrainingSteps} measured. */
export interface StepTiming {
  /** Wall-clock seconds of each timed step. */
  secondsPerStep: number[];
  /** The median of those (robust to one slow step). */
  medianSeconds: number;
  /** Images per timed step. */
  batchSize: number;
}

/**
 * Times a few training steps (forward, backward, optimizer update) of a compiled model on one batch, after `warmup`
 * untimed steps that let the backend build its kernels. For models too slow to train here, to estimate how long
 * an epoch would take without running one. An interrupt stops it between two steps.
 *
 * @throws Interrupted when an interrupt stopped it
 * @throws UserError when the model is not compiled or the step counts are not positive whole numbers
 */
export async function timeTrainingSteps(
  model: tf.LayersModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
  options: { steps?: number; warmup?: number } = {},
): Promise<StepTiming> {
  const { steps = 3, warmup = 1 } = options;
  if (!model.optimizer)
    throw new UserError(
      `Model "${model.name}" is not compiled: compile it with an optimizer and a loss before timing it.`,
    );
  if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(warmup) || warmup < 0) {
    throw new UserError(`steps must be a positive and warmup a non-negative whole number, got ${steps} and ${warmup}.`);
  }
  const secondsPerStep: number[] = [];
  await runStoppableBatches("Timing training steps", warmup + steps, async (i) => {
    const started = performance.now();
    await model.trainOnBatch(xs, ys);
    if (i >= warmup) secondsPerStep.push((performance.now() - started) / 1000);
  });
  const sorted = secondsPerStep.slice().sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const medianSeconds = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { secondsPerStep, medianSeconds, batchSize: xs.shape[0] };
}
