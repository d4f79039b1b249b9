/**
 * Learning-rate schedules (warm-up then cosine decay) and the `fm.train` callback that applies one per step.
 */
import * as tf from "@tensorflow/tfjs";
import { UserError } from "../util/errors";

/** A learning rate for each gradient step, counted from 0 over the whole training run. */
export type LearningRateSchedule = (step: number) => number;

/** Options for {@link warmupCosineSchedule}. */
export interface WarmupCosineOptions {
  /** The highest learning rate, reached at the end of the warm-up. */
  peak: number;
  /** Gradient steps in the whole run (epochs × batches per epoch). */
  totalSteps: number;
  /** Steps of linear warm-up from `peak / 10` to `peak` (default 0). */
  warmupSteps?: number;
  /** The learning rate at the last step (default 0). */
  floor?: number;
}

/**
 * Linear warm-up, then a half cosine from `peak` down to `floor` at the last step: big steps while the weights are far
 * from good, small ones at the end, so that the last epochs settle into a minimum instead of bouncing around it.
 *
 * @throws UserError for a non-positive peak or step count, or a warm-up as long as the run
 */
export function warmupCosineSchedule(options: WarmupCosineOptions): LearningRateSchedule {
  const { peak, totalSteps, warmupSteps = 0, floor = 0 } = options;
  if (!(peak > 0)) throw new UserError(`peak learning rate must be positive, got ${peak}.`);
  if (!Number.isInteger(totalSteps) || totalSteps < 1)
    throw new UserError(`totalSteps must be a positive integer, got ${totalSteps}.`);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || warmupSteps >= totalSteps) {
    throw new UserError(`warmupSteps must be a whole number below totalSteps (${totalSteps}), got ${warmupSteps}.`);
  }
  if (!(floor >= 0 && floor <= peak))
    throw new UserError(`floor must be between 0 and the peak (${peak}), got ${floor}.`);
  return (step) => {
    if (step < warmupSteps) return peak / 10 + ((peak - peak / 10) * step) / warmupSteps;
    const decaySteps = totalSteps - warmupSteps;
    const progress = Math.min(1, (step - warmupSteps) / Math.max(1, decaySteps - 1));
    return floor + ((peak - floor) * (1 + Math.cos(Math.PI * progress))) / 2;
  };
}

/** What {@link learningRateScheduler} returns: a callback for `fm.train` and the rates it has set so far. */
export interface Scheduler {
  callback: tf.CustomCallbackArgs;
  /** The learning rate used at each step so far (for a chart). */
  rates: number[];
}

/**
 * A training callback that sets the model's learning rate before every batch from a schedule. Works with tfjs's
 * Adam, RMSprop and SGD optimizers (and the course's fused Adam kernels, which read the rate at every step).
 *
 * @throws UserError when the model is not compiled or its optimizer has no learning rate to set
 */
export function learningRateScheduler(model: tf.LayersModel, schedule: LearningRateSchedule): Scheduler {
  const optimizer = model.optimizer as unknown as
    { learningRate?: unknown; setLearningRate?: (lr: number) => void } | undefined;
  if (!optimizer || typeof optimizer.learningRate !== "number") {
    throw new UserError(
      `Model "${model.name}" has no optimizer with a learning rate: compile it (adam, rmsprop or sgd) before scheduling.`,
    );
  }
  const rates: number[] = [];
  const setRate = (rate: number) => {
    // SGD keeps a cached -rate tensor that only setLearningRate refreshes; the others read the field at each step
    if (optimizer.setLearningRate) optimizer.setLearningRate(rate);
    else optimizer.learningRate = rate;
  };
  return {
    rates,
    callback: {
      onBatchBegin: async () => {
        const rate = schedule(rates.length);
        setRate(rate);
        rates.push(rate);
      },
    },
  };
}
