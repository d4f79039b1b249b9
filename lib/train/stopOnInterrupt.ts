/**
 * Stops training at the next batch boundary after an interrupt (Jupyter's stop button, Ctrl-C) and says where.
 */
import * as tf from "@tensorflow/tfjs";
import { Interrupted, watchInterrupts } from "../util/interrupt";

/** Where an interrupt stopped training, 1-based: the batch is the last one trained. */
export interface StopPoint {
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
}

/** "stopped by you at epoch 2, batch 37 of 63": where an interrupt stopped training, as the board and CLI say it. */
export function describeStop(where: StopPoint): string {
  return `stopped by you at epoch ${where.epoch}, batch ${where.batch} of ${where.batchesPerEpoch}`;
}

/**
 * Stops `model.fitDataset` at the first batch boundary after an interrupt (Jupyter's stop button, Ctrl-C),
 * remembers where, and tells the training board. The model keeps the weights it reached.
 */
export class StopOnInterrupt {
  private readonly watch = watchInterrupts();
  private epoch = 0;
  private where: StopPoint | undefined;

  /** @param onStop - told once, with the line to show (e.g. the board's final status). */
  constructor(
    private readonly batchesPerEpoch: number,
    private readonly onStop?: (line: string) => void,
  ) {}

  /** The epoch-level checks, as callbacks for `fit`: which epoch runs, and an interrupt during validation. */
  callback(model: tf.LayersModel): tf.CustomCallbackArgs {
    return {
      onEpochBegin: async (epoch) => {
        this.epoch = epoch;
      },
      // an interrupt during the epoch's validation stops before the next epoch starts
      onEpochEnd: async () => this.stopIfAsked(model, this.batchesPerEpoch),
    };
  }

  /**
   * The check after each batch, which needs no metrics: call it with tfjs's batch index as soon as a batch has
   * trained (fm.train's DeferredLogs does), so training stops at the next batch boundary.
   */
  checkAfterBatch(model: tf.LayersModel): (batch: number) => void {
    return (batch) => this.stopIfAsked(model, (batch % this.batchesPerEpoch) + 1);
  }

  private stopIfAsked(model: tf.LayersModel, batch: number): void {
    if (this.where || !this.watch.requested) return;
    this.where = { epoch: this.epoch + 1, batch, batchesPerEpoch: this.batchesPerEpoch };
    model.stopTraining = true;
    this.onStop?.(describeStop(this.where));
  }

  /** Images trained before the stop (the whole run when there was none), given `samples` per epoch. */
  imagesTrained(samples: number, batchSize: number, epochs: number): number {
    if (!this.where) return samples * epochs;
    return (this.where.epoch - 1) * samples + Math.min(this.where.batch * batchSize, samples);
  }

  /** Throws {@link Interrupted} carrying `partial` (with the stop point) when an interrupt stopped the training. */
  throwIfStopped<T extends object>(partial: T): void {
    if (!this.where) return;
    throw new Interrupted(
      `Training ${describeStop(this.where)}; the model keeps the weights it reached ` +
        `(the history so far is in this error's .partial).`,
      { ...partial, interrupted: this.where },
    );
  }

  /** Stops watching for interrupts. */
  end(): void {
    this.watch.end();
  }
}
