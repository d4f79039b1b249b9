/**
 * `fm.train`'s own callbacks (the board, the NaN guard, the interrupt check) without a read-back per batch: the
 * per-batch loss and accuracy stay tensors until a read-back every `readEveryMs` (and at each epoch's end), which
 * hands the callbacks every batch's numbers in order, in the background while training goes on.
 */
import * as tf from "@tensorflow/tfjs";

/** Logs as tfjs-layers hands them to a `tf.Callback`: numbers (batch, size) and scalar tensors (loss, metrics). */
type TensorLogs = { [key: string]: number | tf.Scalar };

/** One trained batch whose metrics are not read yet. */
interface PendingBatch {
  batch: number;
  logs: TensorLogs;
}

/** Options of {@link DeferredLogs}. */
export interface DeferredLogsOptions {
  /**
   * Least time between two read-backs, in ms (an epoch's end always reads back); each also yields to the event loop
   * once, so that an interrupt or the notebook's display messages get through.
   */
  readEveryMs: number;
  /** Told after every batch, before its numbers are read (for checks that need no numbers, e.g. an interrupt). */
  onBatchTrained?: (batch: number) => void;
}

/**
 * A `tf.Callback` that relays training events to callbacks that want numbers (`tf.CustomCallbackArgs`, e.g. the
 * training board), reading the batches' metrics back in one go every `readEveryMs` instead of after every batch. Each
 * callback still sees every batch once, in order, with the same numbers, only later: the batches are handed over in
 * the background while training goes on (so the board's chart rasterises beside the training instead of holding it
 * up), one hand-over at a time, and the epoch's end waits for them. Epoch logs (tfjs sums them on the tensor side) are
 * read at the epoch's end as before, so histories do not change.
 */
export class DeferredLogs extends tf.Callback {
  private pending: PendingBatch[] = [];
  /** When the relay last read back (or found a hand-over still under way) and yielded to the event loop. */
  private lastTurn = 0;
  /** The hand-over of batches under way, if any. */
  private handingOver: Promise<void> | undefined;
  /** What a background hand-over threw, rethrown on the training path. */
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly listeners: tf.CustomCallbackArgs[],
    private readonly options: DeferredLogsOptions,
  ) {
    super();
  }

  override async onTrainBegin(): Promise<void> {
    this.lastTurn = performance.now();
    for (const l of this.listeners) await l.onTrainBegin?.();
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    for (const l of this.listeners) await l.onEpochBegin?.(epoch);
  }

  override async onBatchEnd(batch: number, logs?: tf.Logs): Promise<void> {
    this.throwIfFailed();
    // tfjs disposes the batch's tensors after the callbacks: keep a reference of our own (no copy of the data)
    const kept: TensorLogs = {};
    for (const [key, value] of Object.entries((logs ?? {}) as TensorLogs))
      kept[key] = typeof value === "number" ? value : tf.keep(value.clone());
    this.pending.push({ batch, logs: kept });
    this.options.onBatchTrained?.(batch);
    if (performance.now() - this.lastTurn < this.options.readEveryMs) return;
    this.lastTurn = performance.now();
    if (!this.handingOver) {
      const handOver = this.handOver(await this.readPending());
      this.handingOver = handOver
        .catch((error: unknown) => void (this.failure ??= { error }))
        .finally(() => (this.handingOver = undefined));
    }
    // let the event loop run (an interrupt's signal, the notebook's display messages), as tfjs's callbacks do
    await tf.nextFrame();
  }

  override async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    await this.catchUp();
    const numbers = await readNumbers([(logs ?? {}) as TensorLogs]);
    // the epoch's logs object is shared with the later callbacks and tfjs's History: numbers from here on
    if (logs) Object.assign(logs, numbers[0]);
    for (const l of this.listeners) await l.onEpochEnd?.(epoch, numbers[0]);
  }

  override async onTrainEnd(): Promise<void> {
    await this.catchUp();
    for (const l of this.listeners) await l.onTrainEnd?.();
  }

  /** Waits for the hand-over under way, then hands over whatever is still pending. */
  private async catchUp(): Promise<void> {
    await this.handingOver;
    this.throwIfFailed();
    await this.handOver(await this.readPending());
  }

  /** Reads every pending batch's metrics at once. */
  private async readPending(): Promise<{ batch: number; logs: tf.Logs }[]> {
    const batches = this.pending;
    this.pending = [];
    const numbers = await readNumbers(batches.map((b) => b.logs));
    return batches.map(({ batch }, i) => ({ batch, logs: numbers[i] }));
  }

  /** Tells the listeners about each batch, in order. */
  private async handOver(batches: { batch: number; logs: tf.Logs }[]): Promise<void> {
    for (const { batch, logs } of batches) {
      for (const l of this.listeners) await l.onBatchEnd?.(batch, logs);
    }
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

/** The numbers of several logs: their scalar tensors read in one stacked read-back, then disposed. */
async function readNumbers(logs: TensorLogs[]): Promise<tf.Logs[]> {
  const tensors = logs.flatMap((l) => Object.values(l).filter((v): v is tf.Scalar => typeof v !== "number"));
  const stacked = tensors.length > 0 ? tf.stack(tensors) : undefined;
  const values = stacked ? await stacked.data() : [];
  tf.dispose([stacked, ...tensors] as tf.Tensor[]);
  let next = 0;
  return logs.map((l) => {
    const out: tf.Logs = {};
    for (const [key, value] of Object.entries(l)) out[key] = typeof value === "number" ? value : values[next++];
    return out;
  });
}
