import * as tf from "@tensorflow/tfjs";
import { ImageSet } from "../data/dataset";
import { createPreset, PresetOptions, presetInfo } from "../models/presets";
import { evaluate } from "./evaluate";
import { hasSavedModel, loadModel, modelDir } from "./io";
import { ResultRecord, resultOf } from "./result";
import { train, TrainResult } from "./train";

/** Options for {@link trainPreset}. */
export interface TrainPresetOptions {
  epochs: number;
  /** Train on the first N training images only (quick runs). */
  subset?: number;
  seed?: number;
  /** Name of the lesson (or "cli") for the result record. */
  lesson?: string;
  preset?: PresetOptions;
  callbacks?: tf.CustomCallbackArgs[];
}

/**
 * Builds a preset, trains it at its walkthrough's batch size and evaluates it on the test set:
 * one call for the CLI, the benchmark's accuracy runs and model comparisons in lessons.
 * The caller disposes the returned model.
 */
export async function trainPreset(name: string, data: { train: ImageSet; test: ImageSet }, options: TrainPresetOptions): Promise<{ model: tf.LayersModel; result: TrainResult; record: ResultRecord }> {
  const info = presetInfo(name, options.preset);
  const model = createPreset(name, { seed: options.seed, ...options.preset });
  const trainSet = options.subset ? data.train.subset(options.subset) : data.train;
  const result = await train(model, trainSet, {
    epochs: options.epochs,
    batchSize: info.batchSize,
    seed: options.seed,
    callbacks: options.callbacks,
  });
  const test = evaluate(model, data.test);
  const record = resultOf({ lesson: options.lesson ?? "cli", model: name }, info.params, result, test);
  return { model, result, record };
}

/**
 * The model a lesson saved under `saved` when there is one (`fit` is then null); otherwise the preset trained now
 * with the `quick` settings, so that a later lesson still runs when an earlier one has not been run. `dir`
 * overrides where the saved model is looked for (default `data/models/<saved>/`).
 */
export async function savedOrQuickPreset(
  saved: string,
  preset: string,
  data: { train: ImageSet; test: ImageSet },
  quick: TrainPresetOptions,
  dir = modelDir(saved),
): Promise<{ model: tf.LayersModel; fit: TrainResult | null }> {
  if (hasSavedModel(saved, dir)) return { model: await loadModel(saved, dir), fit: null };
  const { model, result } = await trainPreset(preset, data, quick);
  return { model, fit: result };
}
