/**
 * Progress of a training run: the estimate (step, images per second, time left) from what the recorder holds, and
 * its text: durations, a one-line status (epoch, step, img/s, ETA, metrics) and a text progress bar. No I/O.
 */
import type { TrainingRecorder } from "../metrics/trainingRecord";

/** What a progress line shows. Missing values are left out. */
export interface ProgressState {
  /** 0-based epoch. */
  epoch: number;
  totalEpochs?: number;
  /** Batches done in this epoch. */
  step: number;
  stepsPerEpoch?: number;
  imagesPerSecond?: number;
  /** Seconds left for the whole training. */
  etaSeconds?: number;
  /** Running mean over the epoch so far. */
  loss?: number;
  /** Running mean accuracy 0..1 over the epoch so far. */
  acc?: number;
  valLoss?: number;
  valAcc?: number;
}

/** Seconds as "m:ss" or "h:mm:ss" (e.g. 75 -> "1:15"); "?" when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    sec = s % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(sec).padStart(2, "0")}`;
}

/** A bar like "[██████░░░░]" for a fraction 0..1. */
export function progressBar(fraction: number, width = 20): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  return `[${"█".repeat(full)}${"░".repeat(width - full)}]`;
}

/**
 * One status line, e.g. "epoch 2/5 · step 120/469 · 1534 img/s · ETA 0:42 · loss 0.5123 · acc 81.2%".
 *
 * @param withBar - show the epoch as a bar, e.g. "epoch 2/5 [████░░░░] 120/469 · ...".
 * @param barWidth - characters inside the bar (default 20).
 */
export function progressLine(state: ProgressState, withBar = false, barWidth = 20): string {
  const parts: string[] = [];
  const epoch = `epoch ${state.epoch + 1}${state.totalEpochs ? `/${state.totalEpochs}` : ""}`;
  const steps = `${state.step}${state.stepsPerEpoch ? `/${state.stepsPerEpoch}` : ""}`;
  if (withBar && state.stepsPerEpoch)
    parts.push(`${epoch} ${progressBar(state.step / state.stepsPerEpoch, barWidth)} ${steps}`);
  else parts.push(epoch, `step ${steps}`);
  if (state.imagesPerSecond !== undefined && Number.isFinite(state.imagesPerSecond))
    parts.push(`${Math.round(state.imagesPerSecond)} img/s`);
  if (state.etaSeconds !== undefined) parts.push(`ETA ${formatDuration(state.etaSeconds)}`);
  if (state.loss !== undefined) parts.push(`loss ${state.loss.toFixed(4)}`);
  if (state.acc !== undefined) parts.push(`acc ${(state.acc * 100).toFixed(1)}%`);
  if (state.valLoss !== undefined) parts.push(`val loss ${state.valLoss.toFixed(4)}`);
  if (state.valAcc !== undefined) parts.push(`val acc ${(state.valAcc * 100).toFixed(1)}%`);
  return parts.join(" · ");
}

/**
 * Where a run stands in `epoch`: the step in the epoch, images per second over the epoch so far, the time left for
 * the whole run (the time per batch so far times the batches left, when the plan gives the epochs and batches per
 * epoch), the epoch's running loss and accuracy, and the last finished epoch's validation values.
 *
 * @param elapsed - seconds since the run began and since the epoch began
 */
export function estimateProgress(
  recorder: TrainingRecorder,
  epoch: number,
  elapsed: { run: number; epoch: number },
): ProgressState {
  const stepsPerEpoch = recorder.stepsPerEpoch();
  const totalEpochs = recorder.plan.totalEpochs;
  const totalSteps = stepsPerEpoch && totalEpochs ? stepsPerEpoch * totalEpochs : undefined;
  const done = recorder.stepsDone;
  const last = recorder.lastEpoch();
  return {
    epoch,
    totalEpochs,
    step: recorder.epochBatches,
    stepsPerEpoch,
    imagesPerSecond: recorder.epochImages > 0 ? recorder.epochImages / Math.max(1e-3, elapsed.epoch) : undefined,
    etaSeconds: totalSteps && done > 0 ? Math.max(0, (elapsed.run / done) * (totalSteps - done)) : undefined,
    loss: recorder.runningLoss(),
    acc: recorder.runningAcc(),
    valLoss: last?.valLoss,
    valAcc: last?.valAcc,
  };
}
