/**
 * Early stopping for `fm.train`: stop when a watched metric has not improved for some epochs and keep the best
 * weights.
 */
import * as tf from "@tensorflow/tfjs";
import { UserError } from "../util/errors";

/** The per-epoch values early stopping can watch. Accuracies are maximised, losses minimised. */
export type MonitoredMetric = "val_loss" | "val_acc" | "loss" | "acc";

const MONITORED: MonitoredMetric[] = ["val_loss", "val_acc", "loss", "acc"];

/** Options for {@link earlyStopping}. */
export interface EarlyStoppingOptions {
  /** What to watch (default `val_loss`, as Keras). */
  monitor?: MonitoredMetric;
  /** Epochs without improvement to wait before stopping (default 3). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
}

/**
 * Keras' `EarlyStopping(restore_best_weights=True)`, which tfjs's own `tf.callbacks.earlyStopping` lacks: after each
 * epoch it compares the monitored value with the best so far, keeps a copy of the weights whenever it improves, stops
 * training after `patience` epochs without improvement, and puts the best weights back when training ends.
 * Pass {@link EarlyStopping.callback} in `fm.train`'s `callbacks`; read the best epoch afterwards.
 */
export class EarlyStopping {
  /** 1-based epoch of the best value so far (0 before the first epoch ends). */
  bestEpoch = 0;
  /** The best monitored value so far. */
  bestValue = NaN;
  /** 1-based epoch after which training was stopped, or undefined when it ran all its epochs. */
  stoppedEpoch: number | undefined;
  private best: tf.Tensor[] | undefined;
  private waited = 0;
  readonly monitor: MonitoredMetric;
  readonly patience: number;
  readonly minDelta: number;

  constructor(
    private readonly model: tf.LayersModel,
    options: EarlyStoppingOptions = {},
  ) {
    const { monitor = "val_loss", patience = 3, minDelta = 0 } = options;
    if (!MONITORED.includes(monitor))
      throw new UserError(`monitor must be one of ${MONITORED.join(", ")}, got "${monitor}".`);
    if (!Number.isInteger(patience) || patience < 0)
      throw new UserError(`patience must be a whole number of epochs ≥ 0, got ${patience}.`);
    if (!(minDelta >= 0)) throw new UserError(`minDelta must be ≥ 0, got ${minDelta}.`);
    this.monitor = monitor;
    this.patience = patience;
    this.minDelta = minDelta;
  }

  /** The tfjs callback to pass to training. */
  get callback(): tf.CustomCallbackArgs {
    return {
      onTrainBegin: async () => this.reset(),
      onEpochEnd: async (epoch, logs) => this.epochEnded(epoch + 1, logs ?? {}),
      onTrainEnd: async () => this.restoreBest(),
    };
  }

  private reset(): void {
    tf.dispose(this.best);
    this.best = undefined;
    this.bestEpoch = 0;
    this.bestValue = NaN;
    this.stoppedEpoch = undefined;
    this.waited = 0;
  }

  private epochEnded(epoch: number, logs: tf.Logs): void {
    const value = logs[this.monitor] ?? logs[this.monitor.replace(/acc$/, "accuracy")];
    if (value === undefined) {
      throw new UserError(
        `Early stopping watches "${this.monitor}", which training did not report (it reported: ${Object.keys(logs).join(", ")}). ` +
          `Give fm.train a validationSplit or validationData to watch val_ values.`,
      );
    }
    const maximise = this.monitor.endsWith("acc");
    const gain = maximise ? value - this.bestValue : this.bestValue - value;
    if (this.bestEpoch === 0 || gain > this.minDelta) {
      tf.dispose(this.best);
      this.best = this.model.getWeights().map((w) => tf.keep(w.clone()));
      this.bestEpoch = epoch;
      this.bestValue = value;
      this.waited = 0;
      return;
    }
    this.waited++;
    if (this.waited >= this.patience) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  private restoreBest(): void {
    if (!this.best) return;
    this.model.setWeights(this.best);
    tf.dispose(this.best);
    this.best = undefined;
  }
}

/** An {@link EarlyStopping} for `model`: `const stopper = fm.earlyStopping(model, { monitor: "val_acc", patience: 3 })`. */
export function earlyStopping(model: tf.LayersModel, options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(model, options);
}
