/**
 * Live training board: a `model.fit` callback that keeps ONE notebook output updated in place with the loss
 * and accuracy curves and a progress line, or prints a one-line progress bar in a terminal.
 */
import { performance } from "perf_hooks";
import { accuracyKey, recordToHistory, TrainingRecord } from "../metrics/trainingRecord";
import { DisplayWriter, inNotebook } from "../util/notebook";
import { LiveDisplay, newLiveDisplay } from "./display";
import { formatDuration, progressLine, ProgressState } from "./progress";
import { chartBundle } from "./render";
import { trainingCurvesSpec } from "./trainingCharts";

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
  stream?: { write(s: string): unknown; isTTY?: boolean; columns?: number };
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
  const title = options.title ?? "Training";
  const minInterval = options.updateEveryMs ?? 1000;
  const stream = options.stream ?? process.stderr;
  let record: TrainingRecord = { batches: [], epochs: [] };
  let mode: Exclude<BoardMode, "auto"> = "silent";
  let live: LiveDisplay | null = null;
  let updates = 0;
  let accKey: string | undefined;
  let trainStart = 0,
    epochStart = 0,
    lastUpdate = -Infinity,
    lastRenderMs = 0,
    lastTerminal = -Infinity;
  let epochImages = 0,
    epochLossSum = 0,
    epochAccSum = 0,
    epochBatches = 0,
    stepsDone = 0;
  let current: ProgressState = { epoch: 0, step: 0 };
  let finished = false;
  let stopReason: string | undefined;

  const stepsPerEpoch = (): number | undefined => {
    if (options.samples && options.batchSize) return Math.ceil(options.samples / options.batchSize);
    const last = record.epochs.length ? record.epochs[record.epochs.length - 1].epoch : -1;
    const counts = record.batches.filter((b) => b.epoch === last);
    return counts.length ? counts.length : undefined;
  };

  const refreshState = (epoch: number, now: number) => {
    const steps = stepsPerEpoch();
    const elapsed = (now - trainStart) / 1000;
    const totalSteps = steps && options.totalEpochs ? steps * options.totalEpochs : undefined;
    const eta = totalSteps && stepsDone > 0 ? Math.max(0, (elapsed / stepsDone) * (totalSteps - stepsDone)) : undefined;
    const lastEpoch = record.epochs[record.epochs.length - 1];
    current = {
      epoch,
      totalEpochs: options.totalEpochs,
      step: epochBatches,
      stepsPerEpoch: steps,
      imagesPerSecond: epochImages > 0 ? epochImages / Math.max(1e-3, (now - epochStart) / 1000) : undefined,
      etaSeconds: eta,
      loss: epochBatches ? epochLossSum / epochBatches : undefined,
      acc: epochBatches && accKey ? epochAccSum / epochBatches : undefined,
      valLoss: lastEpoch?.valLoss,
      valAcc: lastEpoch?.valAcc,
    };
  };

  const pushChart = async (subtitle: string) => {
    if (!live) return;
    const t = performance.now();
    const spec = trainingCurvesSpec(
      { ...record, stepsPerEpoch: stepsPerEpoch(), totalEpochs: options.totalEpochs },
      { title, subtitle, smoothing: options.smoothing },
    );
    const { bundle, metadata } = await chartBundle(spec, { text: `${title}: ${subtitle}` });
    if (live.update(bundle, metadata)) updates++;
    lastRenderMs = performance.now() - t;
    lastUpdate = performance.now();
  };

  // On a TTY the running line is rewritten in place (cut to the terminal width); final lines are kept whole.
  const terminalWrite = (line: string, final: boolean) => {
    if (stream.isTTY) {
      const cols = stream.columns || 120;
      const text = final
        ? line.padEnd(cols - 1)
        : line.length >= cols
          ? line.slice(0, cols - 1)
          : line.padEnd(cols - 1);
      stream.write(`\r${text}${final ? "\n" : ""}`);
    } else if (final) {
      stream.write(line + "\n");
    }
  };

  const board: TrainingBoard = {
    onTrainBegin: async () => {
      record = { batches: [], epochs: [], stepsPerEpoch: undefined, totalEpochs: options.totalEpochs };
      const requested = options.mode ?? "auto";
      mode = requested === "auto" ? (options.writer || inNotebook() ? "notebook" : "terminal") : requested;
      live = mode === "notebook" ? newLiveDisplay({ writer: options.writer }) : null;
      trainStart = epochStart = performance.now();
      lastUpdate = lastTerminal = -Infinity;
      stepsDone = 0;
      finished = false;
      stopReason = undefined;
      accKey = undefined;
      current = { epoch: 0, step: 0, totalEpochs: options.totalEpochs, stepsPerEpoch: stepsPerEpoch() };
      if (mode === "notebook") await pushChart("starting...");
    },
    onEpochBegin: async (epoch) => {
      epochStart = performance.now();
      epochImages = epochLossSum = epochAccSum = epochBatches = 0;
      current = { ...current, epoch, step: 0 };
    },
    onBatchEnd: async (batch, logs = {}) => {
      accKey ??= accuracyKey(Object.keys(logs));
      const size = logs.size ?? options.batchSize ?? 0;
      const acc = accKey !== undefined ? logs[accKey] : undefined;
      record.batches.push({ epoch: current.epoch, batch, loss: logs.loss ?? NaN, acc, size });
      epochImages += size;
      epochBatches++;
      stepsDone++;
      epochLossSum += logs.loss ?? 0;
      epochAccSum += acc ?? 0;
      const now = performance.now();
      if (mode === "notebook" && now - lastUpdate >= Math.max(minInterval, 10 * lastRenderMs)) {
        refreshState(current.epoch, now);
        await pushChart(progressLine(current));
      } else if (mode === "terminal" && stream.isTTY && now - lastTerminal >= 100) {
        refreshState(current.epoch, now);
        lastTerminal = now;
        const running = { ...current, valLoss: undefined, valAcc: undefined };
        // the bar gets whatever room the terminal has left, up to 20 characters
        const room = (stream.columns || 120) - 1 - progressLine(running, true, 0).length;
        terminalWrite(room >= 6 ? progressLine(running, true, Math.min(20, room)) : progressLine(running), false);
      }
    },
    onEpochEnd: async (epoch, logs = {}) => {
      const now = performance.now();
      accKey ??= accuracyKey(Object.keys(logs));
      const pick = (k: string | undefined) => (k !== undefined && Number.isFinite(logs[k]) ? logs[k] : undefined);
      record.epochs.push({
        epoch,
        loss: pick("loss"),
        acc: pick(accKey),
        valLoss: pick("val_loss"),
        valAcc: pick(accKey && `val_${accKey}`),
        seconds: (now - epochStart) / 1000,
        logs: { ...logs },
      });
      refreshState(epoch, now);
      const summary = { ...current, loss: pick("loss") ?? current.loss, acc: pick(accKey) ?? current.acc };
      const line = `${progressLine({ ...summary, etaSeconds: undefined })} · ${((now - epochStart) / 1000).toFixed(1)} s`;
      if (mode === "terminal") terminalWrite(line, true);
      const last = options.totalEpochs !== undefined && epoch + 1 >= options.totalEpochs;
      if (mode === "notebook" && !last) await pushChart(line);
    },
    onTrainEnd: async () => {
      if (finished) return;
      finished = true;
      const total = formatDuration((performance.now() - trainStart) / 1000);
      const e = record.epochs[record.epochs.length - 1];
      const epochs = `${record.epochs.length} epoch${record.epochs.length === 1 ? "" : "s"}`;
      const parts = [stopReason ? `${stopReason} (after ${total})` : `done: ${epochs} in ${total}`];
      if (e?.loss !== undefined) parts.push(`loss ${e.loss.toFixed(4)}`);
      if (e?.acc !== undefined) parts.push(`acc ${(e.acc * 100).toFixed(1)}%`);
      if (e?.valLoss !== undefined) parts.push(`val loss ${e.valLoss.toFixed(4)}`);
      if (e?.valAcc !== undefined) parts.push(`val acc ${(e.valAcc * 100).toFixed(1)}%`);
      const line = parts.join(" · ");
      if (mode === "notebook") await pushChart(line);
      else if (mode === "terminal") stream.write(line + "\n");
    },
    stoppedBy: (reason) => {
      stopReason = reason;
    },
    record: () => ({
      batches: record.batches.map((b) => ({ ...b })),
      epochs: record.epochs.map((e) => ({ ...e, logs: { ...e.logs } })),
      stepsPerEpoch: stepsPerEpoch(),
      totalEpochs: options.totalEpochs,
    }),
    history: () => recordToHistory(record),
    status: () => progressLine(current),
    get displayUpdates() {
      return updates;
    },
    get activeMode() {
      return mode;
    },
  };
  return board;
}
