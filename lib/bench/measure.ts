/**
 * Measures how many images per second a model preset trains at, as `npm run bench` reports it.
 */
import * as tf from "@tensorflow/tfjs";
import { ImageSet } from "../data/dataset";
import { createPreset, presetInfo } from "../models/presets";
import { inputSpecOf, makeBatch } from "../train/batches";
import { watchInterrupts } from "../util/interrupt";
import { seededPermutation } from "../util/random";

/** One preset's training speed, as `npm run bench` reports it. */
export interface SpeedMeasurement {
  preset: string;
  backend: string;
  threads: number;
  batch: number;
  params: number;
  /** Training images per second: forward, backward and optimizer step, after warm-up. */
  train_img_per_s: number;
  steps: number;
  seconds: number;
  /** Peak resident memory of the process so far, in MiB. */
  peak_rss_mib: number;
  tensors_before: number;
  tensors_after: number;
  /** True when an interrupt cut the measurement short (the speed is then over fewer seconds). */
  interrupted?: boolean;
}

/** How many distinct batches the benchmark cycles through (real images, made once, outside the timing). */
const BATCH_POOL = 8;

/**
 * Measures a preset's training speed at its walkthrough's batch size (or `batchSize`): builds it, makes a few batches of real
 * images, runs warm-up steps (default 3), then trains for `seconds` and counts images. Frees everything it made.
 * An interrupt (Ctrl-C) ends the measurement after the current step.
 */
export async function measureTrainingSpeed(
  name: string,
  data: ImageSet,
  options: { seconds: number; backend: string; threads: number; warmupSteps?: number; batchSize?: number },
): Promise<SpeedMeasurement> {
  const tensorsBefore = tf.memory().numTensors;
  const info = presetInfo(name);
  const batchSize = options.batchSize ?? info.batchSize;
  const model = createPreset(name, { seed: 0 });
  const spec = inputSpecOf(model);
  const order = seededPermutation(data.count, 0);
  const pool = Array.from({ length: BATCH_POOL }, (_, k) =>
    makeBatch(data, order, k * batchSize, (k + 1) * batchSize, spec, 255),
  );
  // One training step as PyTorch's loop does it: forward in training mode (dropout, batch statistics), the
  // compiled loss, backward, optimizer update. model.fit adds only bookkeeping on top of this.
  const optimizer = model.optimizer;
  const step = async (k: number) => {
    const batch = pool[k % BATCH_POOL];
    const loss = optimizer.minimize(() => {
      const predictions = model.apply(batch.xs, { training: true }) as tf.Tensor;
      return tf.metrics.categoricalCrossentropy(batch.ys, predictions).mean() as tf.Scalar;
    }, true);
    await loss?.data();
    loss?.dispose();
  };
  const watch = watchInterrupts();
  for (let k = 0; k < (options.warmupSteps ?? 3) && !watch.requested; k++) await step(k);
  let steps = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < options.seconds * 1000 && !watch.requested) {
    await step(steps++);
    elapsed = performance.now() - started;
  }
  const interrupted = watch.requested;
  watch.end();
  for (const batch of pool) tf.dispose([batch.xs, batch.ys]);
  optimizer.dispose();
  model.dispose();
  return {
    preset: name,
    backend: options.backend,
    threads: options.threads,
    batch: batchSize,
    params: info.trainableParams,
    train_img_per_s: Math.round((steps * batchSize) / (elapsed / 1000)),
    steps,
    seconds: Math.round(elapsed) / 1000,
    peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    tensors_before: tensorsBefore,
    tensors_after: tf.memory().numTensors,
    ...(interrupted ? { interrupted } : {}),
  };
}
