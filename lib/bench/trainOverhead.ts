/**
 * How close `fm.train` comes to the bench's lean step (`npm run bench -- --with-train`): the same preset and batch
 * size, trained by both in one process, in alternating rounds so that load from other processes hits both alike.
 */
import * as tf from "@tensorflow/tfjs";
import { ImageSet } from "../data/dataset";
import { createPreset, presetInfo } from "../models/presets";
import { train, TrainOptions } from "../train/train";
import { Interrupted } from "../util/interrupt";
import { setDisplayWriter } from "../util/notebook";
import { measureTrainingSpeed } from "./measure";

/**
 * One preset's lean-step speed beside `fm.train`'s, as `npm run bench -- --with-train` reports them (its JSON rows
 * add the machine's `cpu_model` and `cpu_extensions`, lib/bench/machine.ts; its text lines follow a line naming it).
 */
export interface TrainOverheadMeasurement {
  preset: string;
  backend: string;
  threads: number;
  batch: number;
  /** The bench's lean step (forward, loss, backward, optimizer; the loss read back), median over the rounds. */
  lean_img_per_s: number;
  /**
   * `fm.train` with its live board drawing as in a notebook (into a display that discards it), no validation:
   * training images per second of its second epoch (the first one pays for warm-up), median over the rounds.
   */
  train_img_per_s: number;
  /**
   * fm.train's speed over the lean step's, median over the rounds of each round's ratio: what `fm.train`'s per-batch
   * bookkeeping leaves of the lean speed.
   */
  train_ratio: number;
  /** The same with `validationSplit: 0.1`, as the lessons train (the epoch's time includes validating), and its ratio. */
  train_val_img_per_s: number;
  train_val_ratio: number;
  /** Rounds of lean, fm.train, fm.train with validation, run one after the other. */
  rounds: number;
  /** Tensors left behind by all the `fm.train` calls together (0 when nothing leaks). */
  train_tensors_leaked: number;
}

/** Options of {@link measureTrainOverhead}. */
export interface TrainOverheadOptions {
  /** Seconds of lean training per round; each `fm.train` epoch gets about as many images. */
  seconds: number;
  /** The backend's name and thread count, as the row reports them. */
  backend: string;
  threads: number;
  /** Batch size (default: the preset's walkthrough's). */
  batchSize?: number;
  /** Rounds (default 5). */
  rounds?: number;
  /** Told each round's speeds as they come. */
  log?: (line: string) => void;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Trains a preset with `fm.train` for two epochs of `images` images (from seed 0, as a lesson would) and returns the
 * speed of the second epoch, in training images per second. The board draws as in a notebook: every render happens,
 * and the display swallows it.
 */
async function trainEpochSpeed(
  name: string,
  data: ImageSet,
  images: number,
  options: Pick<TrainOptions, "batchSize" | "validationSplit">,
): Promise<number> {
  const model = createPreset(name, { seed: 0 });
  const set = data.subset(images);
  setDisplayWriter(() => undefined);
  try {
    const fit = await train(model, set, { epochs: 2, seed: 0, ...options, board: { title: name } });
    const second = fit.curves?.epochs[1];
    if (!second) throw new Error(`fm.train of ${name} recorded no second epoch`);
    return fit.samples / second.seconds;
  } finally {
    setDisplayWriter(null);
    model.optimizer.dispose();
    model.dispose();
  }
}

/**
 * Measures a preset's lean training step and `fm.train` on the same batch size, in `rounds` alternating rounds in
 * this process: the lean step for `seconds`, then `fm.train` without and with validation, each epoch sized to take
 * about `seconds` at the lean speed. Reports the median speeds and the median of each round's ratios.
 */
export async function measureTrainOverhead(
  name: string,
  data: ImageSet,
  options: TrainOverheadOptions,
): Promise<TrainOverheadMeasurement> {
  const batchSize = options.batchSize ?? presetInfo(name).batchSize;
  const rounds = options.rounds ?? 5;
  const lean: number[] = [];
  const plain: number[] = [];
  const validated: number[] = [];
  let leaked = 0;
  for (let round = 0; round < rounds; round++) {
    const measured = await measureTrainingSpeed(name, data, { ...options, batchSize });
    if (measured.interrupted) throw new Interrupted(`stopped by you while measuring ${name}.`);
    lean.push(measured.train_img_per_s);
    // an epoch of about `seconds` at the lean speed, within the images there are (a tenth more held out to validate)
    const batches = Math.min(
      Math.floor((0.9 * data.count) / batchSize),
      Math.max(4, Math.round((measured.train_img_per_s * options.seconds) / batchSize)),
    );
    const before = tf.memory().numTensors;
    plain.push(await trainEpochSpeed(name, data, batches * batchSize, { batchSize }));
    // a tenth more images, held out for validation, leave the same number to train on
    validated.push(
      await trainEpochSpeed(name, data, Math.ceil((batches * batchSize) / 0.9), { batchSize, validationSplit: 0.1 }),
    );
    leaked += tf.memory().numTensors - before;
    options.log?.(
      `  ${name} round ${round + 1}: lean ${lean[round]}, fm.train ${Math.round(plain[round])}, ` +
        `with validation ${Math.round(validated[round])} img/s`,
    );
  }
  // each round's fm.train is paired with the lean step measured just before it, so a burst of load from other
  // processes moves both alike; the median over rounds leaves out the rounds it hit unevenly
  const ratio = (speeds: number[]) => Math.round(100 * median(speeds.map((v, i) => v / lean[i]))) / 100;
  return {
    preset: name,
    backend: options.backend,
    threads: options.threads,
    batch: batchSize,
    lean_img_per_s: Math.round(median(lean)),
    train_img_per_s: Math.round(median(plain)),
    train_ratio: ratio(plain),
    train_val_img_per_s: Math.round(median(validated)),
    train_val_ratio: ratio(validated),
    rounds,
    train_tensors_leaked: leaked,
  };
}

/** One line: a {@link TrainOverheadMeasurement} as `npm run bench -- --with-train` prints it. */
export function describeTrainOverhead(m: TrainOverheadMeasurement): string {
  return (
    `${m.preset} (batch ${m.batch}, ${m.backend}, ${m.threads} threads): lean step ${m.lean_img_per_s} img/s; fm.train ${m.train_img_per_s} ` +
    `(${m.train_ratio} of lean), with validationSplit 0.1 ${m.train_val_img_per_s} (${m.train_val_ratio}); ` +
    `medians of ${m.rounds} rounds (ratios paired per round); ${m.train_tensors_leaked} tensors leaked`
  );
}
