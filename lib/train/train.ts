/**
 * `fm.train`: trains a model on an `ImageSet` with seeded shuffling and dropout, validation, the live board and interrupts.
 */
import * as tf from "@tensorflow/tfjs";
import { ImageSet } from "../data/dataset";
import { currentBackend } from "../backend/select";
import { seedDropoutMasks } from "../backend/wasm/kernels/dropout";
import { trainingBoard, TrainingBoardOptions } from "../plot/trainingBoard";
import { TrainingRecord } from "../metrics/trainingRecord";
import { UserError } from "../util/errors";
import type { ImageAugment } from "./augment";
import { inputSpecOf, shuffledBatches, wholeSet } from "./batches";
import { DeferredLogs } from "./deferredLogs";
import { StopOnInterrupt, StopPoint } from "./stopOnInterrupt";
// closes tfjs's MomentumOptimizer leak for every program that trains through the library
import "./momentumDispose";

/** Options for {@link train}. Unknown keys are rejected. */
export interface TrainOptions {
  /** Passes over the training set. */
  epochs: number;
  /** Images per gradient step (default 32, Keras' default). */
  batchSize?: number;
  /**
   * Seed for the batch order and the dropout masks (default 0): same seed, same batches and the same masks, so a
   * model with dropout layers trains to the same weights each run.
   */
  seed?: number;
  /** Hold out this fraction of the training images (the last ones, as Keras does) to validate on after each epoch. */
  validationSplit?: number;
  /** Or validate on this set after each epoch. */
  validationData?: ImageSet;
  /** Pixels are divided by this (default 255, mapping them to [0, 1]). */
  divisor?: number;
  /**
   * The live training board: curves updating in place in a notebook (every 5 s and at each epoch's end, unless
   * `updateEveryMs` says otherwise), a progress bar in a terminal.
   * Options such as `{ title: "MLP" }`, or false for none. Default: on, with the model's name as title.
   */
  board?: false | Pick<TrainingBoardOptions, "title" | "mode" | "updateEveryMs" | "smoothing">;
  /**
   * Extra tfjs callbacks: objects of functions (`{ onEpochEnd: async (epoch, logs) => ... }`, handed numbers, as
   * `model.fit` hands them) or `tf.Callback` instances such as `tf.callbacks.earlyStopping()`. A function for every
   * batch (`onBatchEnd`) makes tfjs read the loss back after each batch, which costs small models some speed.
   */
  callbacks?: tf.CustomCallbackArgs[];
  /** Changes every training batch before the model sees it (e.g. `shiftAndFlip()`); validation data stays as it is. */
  augment?: ImageAugment;
}

const OPTION_KEYS: (keyof TrainOptions)[] = [
  "epochs",
  "batchSize",
  "seed",
  "validationSplit",
  "validationData",
  "divisor",
  "board",
  "callbacks",
  "augment",
];

/**
 * How often `fm.train` reads the loss and accuracy back for its board and NaN check, in ms: often enough for a live
 * board (the terminal's line redraws every 100 ms, the notebook's chart every second), rare enough that small models
 * do not wait on a read-back after every batch.
 */
const READ_EVERY_MS = 125;

/**
 * Least time between two redraws of the board's chart in a notebook, in ms, unless `board.updateEveryMs` says
 * otherwise (epoch ends always redraw). One redraw (vega, then the PNG) takes about 0.2 s of the 2 cores the training
 * uses; at the board's own default of 1 s it cost about a tenth of the training speed, every 5 s about 3%.
 */
const BOARD_UPDATE_EVERY_MS = 5000;

/** Per-epoch metrics, as Keras' History has them (a plain record, so charts such as `compareRunsSpec` take it). */
export type TrainHistory = {
  loss: number[];
  acc: number[];
  val_loss?: number[];
  val_acc?: number[];
};

/** What {@link train} returns. */
export interface TrainResult {
  history: TrainHistory;
  /** Epochs actually run: fewer than asked when a callback stopped training early. */
  epochs: number;
  batchSize: number;
  /** Images trained on per epoch. */
  samples: number;
  /** Wall-clock seconds of the whole fit, validation included. */
  seconds: number;
  /** Training images per second (samples × epochs / seconds). */
  imgPerSecond: number;
  /** Backend that ran the training. */
  backend: string;
  /** Loss and accuracy after every batch and epoch, as the board recorded them (to plot again later). */
  curves?: TrainingRecord;
  /** Set when an interrupt stopped the training: where it stopped (the last epoch in `history` is then partial). */
  interrupted?: StopPoint;
}

/**
 * Trains a compiled model on a set of images, the way Keras' `fit` does, with a seeded batch order and dropout:
 * reports per-epoch loss and accuracy (and validation ones when asked), the time taken and the speed.
 *
 * An interrupt (Jupyter's stop button, Ctrl-C) stops it at the next batch boundary: the model keeps the weights
 * it reached, the board says where it stopped, and the call throws {@link Interrupted} with the result so far.
 *
 * @throws UserError when the loss becomes NaN or infinite (naming the epoch and batch and the usual causes),
 *   or when an option is unknown or out of range
 * @throws Interrupted when an interrupt stopped the training (`.partial` is the {@link TrainResult} so far)
 */
export async function train(model: tf.LayersModel, data: ImageSet, options: TrainOptions): Promise<TrainResult> {
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.includes(k as keyof TrainOptions));
  if (unknown.length > 0)
    throw new UserError(`Unknown train option(s) ${unknown.join(", ")}. Valid: ${OPTION_KEYS.join(", ")}.`);
  const { epochs, batchSize = 32, seed = 0, divisor = 255 } = options;
  if (!Number.isInteger(epochs) || epochs < 1) throw new UserError(`epochs must be a positive integer, got ${epochs}.`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new UserError(`batchSize must be a positive integer, got ${batchSize}.`);
  if (options.validationSplit !== undefined && options.validationData !== undefined) {
    throw new UserError("Give either validationSplit or validationData, not both.");
  }
  const spec = inputSpecOf(model);
  let trainSet = data;
  let validationSet = options.validationData;
  if (options.validationSplit !== undefined) {
    const split = data.splitValidation(options.validationSplit);
    trainSet = split.train;
    validationSet = split.validation;
  }
  const batchesPerEpoch = Math.ceil(trainSet.count / batchSize);
  const guard = new NanGuard(batchesPerEpoch);
  const validation = validationSet ? wholeSet(validationSet, spec, divisor) : undefined;
  const board =
    options.board === false
      ? undefined
      : trainingBoard({
          title: model.name,
          updateEveryMs: BOARD_UPDATE_EVERY_MS,
          ...options.board,
          totalEpochs: epochs,
          batchSize,
          samples: trainSet.count,
        });
  const stop = new StopOnInterrupt(batchesPerEpoch, (line) => board?.stoppedBy(line));
  const started = performance.now();
  const endSeededDropout = seedDropoutMasks(seed);
  try {
    const history = await model.fitDataset(shuffledBatches(trainSet, batchSize, seed, spec, divisor, options.augment), {
      epochs,
      batchesPerEpoch,
      validationData: validation ? [validation.xs, validation.ys] : undefined,
      validationBatchSize: 500,
      callbacks: [
        // the guard and the board get their numbers a few batches late instead of a read-back after every batch
        new DeferredLogs([guard.callback(model), stop.callback(model), ...(board ? [board] : [])], {
          readEveryMs: READ_EVERY_MS,
          onBatchTrained: stop.checkAfterBatch(model),
        }),
        ...(options.callbacks ?? []).map((c) => (c instanceof tf.Callback ? c : new tf.CustomCallback(c))),
      ],
      verbose: 0,
    });
    guard.throwIfTripped();
    const seconds = (performance.now() - started) / 1000;
    const epochsRun = history.epoch.length;
    const result: TrainResult = {
      history: pickHistory(history.history),
      epochs: epochsRun,
      batchSize,
      samples: trainSet.count,
      seconds,
      imgPerSecond: stop.imagesTrained(trainSet.count, batchSize, epochsRun) / seconds,
      backend: currentBackend()?.name ?? tf.getBackend(),
      curves: board?.record(),
    };
    stop.throwIfStopped(result);
    return result;
  } finally {
    endSeededDropout();
    stop.end();
    validation?.xs.dispose();
    validation?.ys.dispose();
  }
}

function pickHistory(raw: Record<string, (number | tf.Tensor)[]>): TrainHistory {
  const numbers = (key: string) => raw[key]?.map((v) => (typeof v === "number" ? v : v.dataSync()[0]));
  const out: TrainHistory = { loss: numbers("loss") ?? [], acc: numbers("acc") ?? numbers("accuracy") ?? [] };
  const valLoss = numbers("val_loss");
  const valAcc = numbers("val_acc") ?? numbers("val_accuracy");
  if (valLoss) out.val_loss = valLoss;
  if (valAcc) out.val_acc = valAcc;
  return out;
}

/** Stops training at the first NaN or infinite loss and remembers where it happened. */
class NanGuard {
  private epoch = 0;
  private where: { epoch: number; batch: number; loss: number } | undefined;

  constructor(private readonly batchesPerEpoch: number) {}

  callback(model: tf.LayersModel): tf.CustomCallbackArgs {
    return {
      onEpochBegin: async (epoch) => {
        this.epoch = epoch;
      },
      onBatchEnd: async (batch, logs) => {
        const loss = logs?.loss;
        if (loss !== undefined && !Number.isFinite(loss) && !this.where) {
          this.where = { epoch: this.epoch + 1, batch: (batch % this.batchesPerEpoch) + 1, loss };
          model.stopTraining = true;
        }
      },
    };
  }

  throwIfTripped(): void {
    if (!this.where) return;
    const { epoch, batch, loss } = this.where;
    throw new UserError(
      `The loss became ${loss} at epoch ${epoch}, batch ${batch}; training stopped. Usual causes: a learning rate ` +
        `too high (try 10x smaller), inputs not scaled to [0, 1] (divide pixels by 255), or a custom loss taking log(0). ` +
        `Rebuild the model before training again: its weights are now NaN.`,
    );
  }
}
