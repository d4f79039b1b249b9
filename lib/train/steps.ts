/**
 * Training for a number of gradient steps instead of epochs, and joining two training runs into one result.
 */
import * as tf from "@tensorflow/tfjs";
import { ImageSet } from "../data/dataset";
import { UserError } from "../util/errors";
import { train, TrainOptions, TrainResult } from "./train";

/** Options for {@link trainSteps}: those of {@link train}, with a number of steps instead of epochs. */
export interface StepTrainOptions extends Omit<TrainOptions, "epochs" | "validationSplit" | "validationData"> {
  /** Gradient steps (batches) to train for; the last pass over the data may stop part-way. */
  steps: number;
}

/** What {@link trainSteps} returns: a {@link TrainResult} whose `epochs` may be fractional, and the steps taken. */
export interface StepTrainResult extends TrainResult {
  steps: number;
}

/**
 * Counts batches and images and stops training after `steps` batches. A `tf.Callback` (not an object of functions),
 * so that tfjs does not read the loss back after every batch for it: it needs only the batch's size.
 */
class StopAfterSteps extends tf.Callback {
  taken = 0;
  images = 0;

  constructor(private readonly steps: number) {
    super();
  }

  override async onBatchEnd(_batch: number, logs?: tf.Logs): Promise<void> {
    this.taken++;
    this.images += logs?.size ?? 0;
    if (this.taken >= this.steps) this.model.stopTraining = true;
  }
}

/**
 * Trains for a number of gradient steps instead of whole epochs, the way TensorFlow 1's estimators count
 * (`estimator.train(input_fn, steps=1500)` with `num_epochs=None`): batches keep coming in seeded shuffled passes
 * over the data, and training stops after exactly `steps` of them. 1,500 steps of 100 images on 60,000 images are
 * 2.5 epochs, which `epochs` reports as such (to 3 decimals); the speed counts the images actually trained on.
 * There is no validation option: evaluate the model afterwards, as the estimator's `evaluate` does.
 *
 * @throws UserError when `steps` is not a positive whole number (and for the errors of {@link train})
 */
export async function trainSteps(
  model: tf.LayersModel,
  data: ImageSet,
  options: StepTrainOptions,
): Promise<StepTrainResult> {
  const { steps, ...rest } = options;
  if (!Number.isInteger(steps) || steps < 1)
    throw new UserError(`steps must be a positive whole number, got ${steps}.`);
  const batchesPerEpoch = Math.ceil(data.count / (rest.batchSize ?? 32));
  const counter = new StopAfterSteps(steps);
  const fit = await train(model, data, {
    ...rest,
    epochs: Math.ceil(steps / batchesPerEpoch),
    callbacks: [counter, ...(rest.callbacks ?? [])],
  });
  return {
    ...fit,
    steps: counter.taken,
    epochs: Math.round((counter.taken / batchesPerEpoch) * 1000) / 1000,
    imgPerSecond: counter.images / fit.seconds,
  };
}

/**
 * One record of a model trained in two goes (`fm.trainSteps` then `fm.train` again on the same model, which
 * continues from where the first stopped, as an estimator resumes from its checkpoint): epochs and seconds add up,
 * the per-epoch series follow each other (validation values the first go did not measure are NaN), and the speed is
 * that of both goes together.
 *
 * @throws UserError when the two goes used different batch sizes or numbers of training images
 */
export function joinFits(first: TrainResult, second: TrainResult): TrainResult {
  if (first.batchSize !== second.batchSize || first.samples !== second.samples) {
    throw new UserError(
      `joinFits: the two goes trained with batch ${first.batchSize} on ${first.samples} images and batch ` +
        `${second.batchSize} on ${second.samples}; join only runs that continue the same training.`,
    );
  }
  const seconds = first.seconds + second.seconds;
  const series = (key: "val_loss" | "val_acc") =>
    first.history[key] || second.history[key]
      ? [
          ...(first.history[key] ?? first.history.loss.map(() => NaN)),
          ...(second.history[key] ?? second.history.loss.map(() => NaN)),
        ]
      : undefined;
  const history: TrainResult["history"] = {
    loss: [...first.history.loss, ...second.history.loss],
    acc: [...first.history.acc, ...second.history.acc],
  };
  const valLoss = series("val_loss");
  const valAcc = series("val_acc");
  if (valLoss) history.val_loss = valLoss;
  if (valAcc) history.val_acc = valAcc;
  return {
    history,
    epochs: first.epochs + second.epochs,
    batchSize: second.batchSize,
    samples: second.samples,
    seconds,
    imgPerSecond: (first.imgPerSecond * first.seconds + second.imgPerSecond * second.seconds) / seconds,
    backend: second.backend,
  };
}
