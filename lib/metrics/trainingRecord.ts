/**
 * Plain-data record of a training run (per batch and per epoch): the training board fills it, `fm.train` returns
 * it, and lib/plot draws it. Also: which logged metric is the accuracy, and the record as tfjs-style history.
 */

/** Metrics of one training batch. */
export interface BatchPoint {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based batch index within the epoch. */
  batch: number;
  loss: number;
  /** Accuracy 0..1 when the model has an accuracy metric. */
  acc?: number;
  /** Images in this batch. */
  size: number;
}

/** Metrics at the end of one epoch. */
export interface EpochPoint {
  /** 0-based epoch. */
  epoch: number;
  loss?: number;
  acc?: number;
  valLoss?: number;
  valAcc?: number;
  /** Wall-clock seconds the epoch took. */
  seconds: number;
  /** Every value tfjs logged for the epoch, under tfjs's names (loss, acc, val_loss, ...). */
  logs: { [key: string]: number };
}

/** Everything recorded during one `model.fit`. */
export interface TrainingRecord {
  batches: BatchPoint[];
  epochs: EpochPoint[];
  /** Batches per epoch, when known. */
  stepsPerEpoch?: number;
  /** Epochs planned, when known. */
  totalEpochs?: number;
}

/**
 * Picks the accuracy metric among logged names: "acc" or "accuracy" first, then any other name containing
 * "acc" (validation names excluded). Undefined when there is none.
 */
export function accuracyKey(keys: Iterable<string>): string | undefined {
  const list = [...keys].filter((k) => !k.startsWith("val_"));
  return list.find((k) => k === "acc" || k === "accuracy") ?? list.find((k) => /acc/i.test(k));
}

/**
 * Turns a record into tfjs-style history: `{ loss: [...], acc: [...], val_loss: [...], ... }`, one entry per epoch.
 */
export function recordToHistory(record: TrainingRecord): { [key: string]: number[] } {
  const out: { [key: string]: number[] } = {};
  for (const e of record.epochs) {
    for (const [k, v] of Object.entries(e.logs)) (out[k] ??= []).push(v);
  }
  return out;
}
