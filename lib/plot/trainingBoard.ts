/**
 * Live training board: a `model.fit` callback that keeps the run's record (metrics/trainingRecord.ts), estimates its
 * progress (progress.ts) and draws it one of two ways (boardViews.ts): ONE notebook output updated in place with the
 * loss and accuracy curves and a progress line, or a one-line progress bar in a terminal.
 */
import { performance } from "perf_hooks";
import { recordToHistory, TrainingRecord, TrainingRecorder } from "../metrics/trainingRecord";
import { DisplayWriter, inNotebook } from "../util/notebook";
import { BoardView, notebookView, silentView, TerminalStream, terminalView } from "./boardViews";
import { estimateProgress, formatDuration, progressLine, ProgressState } from "./progress";

/** Where the board reports: a notebook display, a terminal line, or nowhere (record only). */
export type BoardMode = "auto" | "notebook" | "terminal" | "silent";

/** Options for {@link trainingBoard}. */
export interface TrainingBoardOptions {
  /** Chart title (default "Training"). */
  title?: string;
  /** Epochs passed to `model.fit` (for "epoch 2/5", the x axis and the ETA). */
  totalEpochs?: number;
  /** Batch size passed to `model.fit` (with `samples`, gives steps per epoch). */
  batchSize?: number;
  /** Training images per epoch (after any validationSplit). */
  samples?: number;
  /** "auto" (default): notebook inside tslab, else terminal. */
  mode?: BoardMode;
  /** Minimum time between notebook chart updates in ms (default 1000); epoch ends always update. */
  updateEveryMs?: number;
  /** Smoothing weight of the per-batch curve (default 0.9). */
  smoothing?: number;
  /** Display writer to use instead of tslab's (tests). Implies notebook mode when mode is "auto". */
  writer?: DisplayWriter;
  /** Terminal output (default process.stderr). On a TTY the line is rewritten in place. */
  stream?: TerminalStream;
}

/** The callback object returned by {@link trainingBoard}; pass it as `callbacks` to `model.fit`. */
export interface TrainingBoard {
  onTrainBegin: (logs?: { [key: string]: number }) => Promise<void>;
  onEpochBegin: (epoch: number, logs?: { [key: string]: number }) => Promise<void>;
  onBatchEnd: (batch: number, logs?: { [key: string]: number }) => Promise<void>;
  onEpochEnd: (epoch: number, logs?: { [key: string]: number }) => Promise<void>;
  onTrainEnd: (logs?: { [key: string]: number }) => Promise<void>;
  /**
   * Marks the training as stopped early, e.g. "stopped by you at epoch 2, batch 37": the final status says so
   * instead of "done".
   */
  stoppedBy(reason: string): void;
  /** A copy of everything recorded so far (per batch and per epoch). */
  record(): TrainingRecord;
  /** Per-epoch values in tfjs `History.history` form: `{ loss: [...], acc: [...], val_loss: [...], ... }`. */
  history(): { [key: string]: number[] };
  /** The current one-line status. */
  status(): string;
  /** Notebook display messages sent so far (0 outside a notebook). */
  readonly displayUpdates: number;
  /** The mode actually used by the last fit ("auto" resolved). */
  readonly activeMode: Exclude<BoardMode, "auto">;
}

/**
 * Creates a live training board for `model.fit`.
 *
 * In a notebook, one output shows the curves (train per batch raw and smoothed, train and validation per
 * epoch) and a status line (epoch, step, img/s, ETA), updated at most every `updateEveryMs` and at every
 * epoch end; the final update stays in the saved notebook. In a terminal, a single progress line.
 * Use the board alone as `callbacks` (tfjs treats a list mixing plain objects and tf.Callback instances badly).
 *
 * @example const board = trainingBoard({ title: "MLP", totalEpochs: 5, batchSize: 128, samples: 54000 });
 *          await model.fit(xs, ys, { epochs: 5, batchSize: 128, validationSplit: 0.1, callbacks: board });
 */
export function trainingBoard(options: TrainingBoardOptions = {}): TrainingBoard {
  const recorder = new TrainingRecorder(options);
  let mode: Exclude<BoardMode, "auto"> = "silent";
  let view: BoardView = silentView;
  let earlierUpdates = 0; // display messages of earlier fits with this board
  let trainStart = 0;
  let epochStart = 0;
  let current: ProgressState = { epoch: 0, step: 0 };
  let finished = false;
  let stopReason: string | undefined;

  const refresh = (epoch: number): ProgressState => {
    const now = performance.now();
    current = estimateProgress(recorder, epoch, { run: (now - trainStart) / 1000, epoch: (now - epochStart) / 1000 });
    return current;
  };

  const board: TrainingBoard = {
    onTrainBegin: async () => {
      recorder.begin();
      const requested = options.mode ?? "auto";
      earlierUpdates += view.updates;
      mode = requested === "auto" ? (options.writer || inNotebook() ? "notebook" : "terminal") : requested;
      view =
        mode === "notebook"
          ? notebookView(recorder, {
              title: options.title ?? "Training",
              updateEveryMs: options.updateEveryMs ?? 1000,
              smoothing: options.smoothing,
              writer: options.writer,
            })
          : mode === "terminal"
            ? terminalView(options.stream ?? process.stderr)
            : silentView;
      trainStart = epochStart = performance.now();
      finished = false;
      stopReason = undefined;
      current = { epoch: 0, step: 0, totalEpochs: options.totalEpochs, stepsPerEpoch: recorder.stepsPerEpoch() };
      await view.begin();
    },
    onEpochBegin: async (epoch) => {
      epochStart = performance.now();
      recorder.beginEpoch(epoch);
      current = { ...current, epoch, step: 0 };
    },
    onBatchEnd: async (batch, logs = {}) => {
      recorder.addBatch(batch, logs);
      await view.batch(() => refresh(recorder.epoch));
    },
    onEpochEnd: async (epoch, logs = {}) => {
      const seconds = (performance.now() - epochStart) / 1000;
      const point = recorder.endEpoch(epoch, logs, seconds);
      refresh(epoch);
      const summary = { ...current, loss: point.loss ?? current.loss, acc: point.acc ?? current.acc };
      const line = `${progressLine({ ...summary, etaSeconds: undefined })} · ${seconds.toFixed(1)} s`;
      await view.epochEnd(line, options.totalEpochs !== undefined && epoch + 1 >= options.totalEpochs);
    },
    onTrainEnd: async () => {
      if (finished) return;
      finished = true;
      await view.end(finalLine(recorder.live(), formatDuration((performance.now() - trainStart) / 1000), stopReason));
    },
    stoppedBy: (reason) => {
      stopReason = reason;
    },
    record: () => recorder.snapshot(),
    history: () => recordToHistory(recorder.live()),
    status: () => progressLine(current),
    get displayUpdates() {
      return earlierUpdates + view.updates;
    },
    get activeMode() {
      return mode;
    },
  };
  return board;
}

/** The board's last line: "done: 5 epochs in 1:02" (or why it stopped) and the last epoch's metrics. */
function finalLine(record: TrainingRecord, total: string, stopReason: string | undefined): string {
  const e = record.epochs[record.epochs.length - 1];
  const epochs = `${record.epochs.length} epoch${record.epochs.length === 1 ? "" : "s"}`;
  const parts = [stopReason ? `${stopReason} (after ${total})` : `done: ${epochs} in ${total}`];
  if (e?.loss !== undefined) parts.push(`loss ${e.loss.toFixed(4)}`);
  if (e?.acc !== undefined) parts.push(`acc ${(e.acc * 100).toFixed(1)}%`);
  if (e?.valLoss !== undefined) parts.push(`val loss ${e.valLoss.toFixed(4)}`);
  if (e?.valAcc !== undefined) parts.push(`val acc ${(e.valAcc * 100).toFixed(1)}%`);
  return parts.join(" · ");
}
