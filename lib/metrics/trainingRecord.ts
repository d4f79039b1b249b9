/**
 * Plain-data record of a training run (per batch and per epoch): the training board fills it through a
 * {@link TrainingRecorder}, `fm.train` returns it, and lib/plot draws it. Also: which logged metric is the accuracy,
 * and the record as tfjs-style history.
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

/** What a run plans, as `model.fit` is told: epochs, batch size, and training images per epoch. */
export interface TrainingPlan {
  totalEpochs?: number;
  batchSize?: number;
  samples?: number;
}

/**
 * Fills a {@link TrainingRecord} from `model.fit`'s logs, batch by batch and epoch by epoch, and keeps the running
 * sums of the epoch in progress (batches, images, loss and accuracy) that a progress line shows.
 */
export class TrainingRecorder {
  private batches: BatchPoint[] = [];
  private epochs: EpochPoint[] = [];
  private accuracyName: string | undefined;
  private lossSum = 0;
  private accSum = 0;
  /** The epoch in progress (0-based). */
  epoch = 0;
  /** Batches of the epoch in progress so far. */
  epochBatches = 0;
  /** Images of the epoch in progress so far. */
  epochImages = 0;
  /** Batches since the run began. */
  stepsDone = 0;

  constructor(readonly plan: TrainingPlan = {}) {}

  /** Forgets everything: a new run begins. */
  begin(): void {
    this.batches = [];
    this.epochs = [];
    this.accuracyName = undefined;
    this.epoch = 0;
    this.stepsDone = 0;
  }

  /** A new epoch begins: its running sums start from zero. */
  beginEpoch(epoch: number): void {
    this.epoch = epoch;
    this.epochBatches = this.epochImages = this.lossSum = this.accSum = 0;
  }

  /** Records one batch from its logs (`loss`, the accuracy metric, `size`; the plan's batch size when size is missing). */
  addBatch(batch: number, logs: { [key: string]: number }): void {
    this.accuracyName ??= accuracyKey(Object.keys(logs));
    const size = logs.size ?? this.plan.batchSize ?? 0;
    const acc = this.accuracyName !== undefined ? logs[this.accuracyName] : undefined;
    this.batches.push({ epoch: this.epoch, batch, loss: logs.loss ?? NaN, acc, size });
    this.epochImages += size;
    this.epochBatches++;
    this.stepsDone++;
    this.lossSum += logs.loss ?? 0;
    this.accSum += acc ?? 0;
  }

  /** Records the end of an epoch from its logs (finite values only) and the seconds it took; returns the point. */
  endEpoch(epoch: number, logs: { [key: string]: number }, seconds: number): EpochPoint {
    this.accuracyName ??= accuracyKey(Object.keys(logs));
    const accName = this.accuracyName;
    const pick = (k: string | undefined) => (k !== undefined && Number.isFinite(logs[k]) ? logs[k] : undefined);
    const point: EpochPoint = {
      epoch,
      loss: pick("loss"),
      acc: pick(accName),
      valLoss: pick("val_loss"),
      valAcc: pick(accName && `val_${accName}`),
      seconds,
      logs: { ...logs },
    };
    this.epochs.push(point);
    return point;
  }

  /** Mean loss over the epoch in progress so far. */
  runningLoss(): number | undefined {
    return this.epochBatches ? this.lossSum / this.epochBatches : undefined;
  }

  /** Mean accuracy over the epoch in progress so far, when the model logs one. */
  runningAcc(): number | undefined {
    return this.epochBatches && this.accuracyName ? this.accSum / this.epochBatches : undefined;
  }

  /** The last finished epoch. */
  lastEpoch(): EpochPoint | undefined {
    return this.epochs[this.epochs.length - 1];
  }

  /** Batches per epoch: from the plan when it has images and batch size, else counted in the last finished epoch. */
  stepsPerEpoch(): number | undefined {
    if (this.plan.samples && this.plan.batchSize) return Math.ceil(this.plan.samples / this.plan.batchSize);
    const last = this.lastEpoch()?.epoch ?? -1;
    const counted = this.batches.filter((b) => b.epoch === last).length;
    return counted ? counted : undefined;
  }

  /** The record as it stands, sharing its arrays (for drawing it right away). */
  live(): TrainingRecord {
    return {
      batches: this.batches,
      epochs: this.epochs,
      stepsPerEpoch: this.stepsPerEpoch(),
      totalEpochs: this.plan.totalEpochs,
    };
  }

  /** A copy of everything recorded so far. */
  snapshot(): TrainingRecord {
    return {
      batches: this.batches.map((b) => ({ ...b })),
      epochs: this.epochs.map((e) => ({ ...e, logs: { ...e.logs } })),
      stepsPerEpoch: this.stepsPerEpoch(),
      totalEpochs: this.plan.totalEpochs,
    };
  }
}
