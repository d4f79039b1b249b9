/**
 * Preparing long metric series for a chart: smoothing, thinning to a few hundred points, and where each batch of
 * a training record sits on an epoch axis.
 */
import type { TrainingRecord } from "../metrics/trainingRecord";

/**
 * Exponential moving average with start-up bias correction (as in TensorBoard): early values are not pulled
 * towards zero.
 *
 * @param weight - 0 (no smoothing) to <1 (heavy smoothing).
 */
export function smooth(values: readonly number[], weight = 0.9): number[] {
  const out: number[] = [];
  let avg = 0;
  let norm = 0;
  for (const v of values) {
    avg = weight * avg + (1 - weight) * v;
    norm = weight * norm + (1 - weight);
    out.push(avg / norm);
  }
  return out;
}

/**
 * Reduces a series to at most `maxPoints` by averaging consecutive buckets (x and y), keeping its shape.
 */
export function downsample(points: readonly { x: number; y: number }[], maxPoints: number): { x: number; y: number }[] {
  if (points.length <= maxPoints) return points.slice();
  const out: { x: number; y: number }[] = [];
  const per = points.length / maxPoints;
  for (let b = 0; b < maxPoints; b++) {
    const from = Math.floor(b * per),
      to = Math.max(from + 1, Math.floor((b + 1) * per));
    let sx = 0,
      sy = 0;
    for (let i = from; i < to; i++) {
      sx += points[i].x;
      sy += points[i].y;
    }
    out.push({ x: sx / (to - from), y: sy / (to - from) });
  }
  return out;
}

/**
 * Position of every batch on an epoch axis: batch b of epoch e ends at e + (b+1)/steps. When the steps per
 * epoch are unknown, each epoch's own batch count is used (a running epoch uses the previous epoch's count).
 */
export function batchPositions(record: TrainingRecord): number[] {
  const counts = new Map<number, number>();
  for (const b of record.batches) counts.set(b.epoch, Math.max(counts.get(b.epoch) ?? 0, b.batch + 1));
  const finished = new Set(record.epochs.map((e) => e.epoch));
  return record.batches.map((b) => {
    let steps = record.stepsPerEpoch;
    if (!steps) {
      const own = counts.get(b.epoch) ?? 1;
      steps = finished.has(b.epoch) ? own : Math.max(own, counts.get(b.epoch - 1) ?? own);
    }
    return b.epoch + (b.batch + 1) / steps;
  });
}
