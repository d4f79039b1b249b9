/**
 * Trains presets in one call: one preset, several variants side by side, or a quick one when no saved model is there
 * to load.
 */
import * as tf from "@tensorflow/tfjs";
import { ImageSet } from "../data/dataset";
import type { ResultRecord } from "../metrics/results";
import { createPreset, PresetOptions, presetInfo } from "../models/presets";
import { evaluate } from "./evaluate";
import { hasSavedModel, loadModel, modelDir } from "./io";
import { resultOf } from "./result";
import { train, TrainOptions, TrainResult } from "./train";

/** Options for {@link trainPreset}. */
export interface TrainPresetOptions {
  epochs: number;
  /** Train on the first N training images only (quick runs). */
  subset?: number;
  seed?: number;
  /** Name of the lesson (or "cli") for the result record. */
  lesson?: string;
  /** Name of the model in the result record (default: the preset's name); tells variants of one preset apart. */
  label?: string;
  preset?: PresetOptions;
  callbacks?: tf.CustomCallbackArgs[];
  /** Hold out this fraction of the training images to validate on after each epoch (see {@link TrainOptions}). */
  validationSplit?: number;
  /** The live training board's options, or false for none (default: on, titled with the label). */
  board?: TrainOptions["board"];
}

/**
 * Builds a preset, trains it at its walkthrough's batch size and evaluates it on the test set:
 * one call for the CLI, the benchmark's accuracy runs and model comparisons in lessons.
 * The caller disposes the returned model.
 */
export async function trainPreset(
  name: string,
  data: { train: ImageSet; test: ImageSet },
  options: TrainPresetOptions,
): Promise<{ model: tf.LayersModel; result: TrainResult; record: ResultRecord }> {
  const info = presetInfo(name, options.preset);
  const model = createPreset(name, { seed: options.seed, ...options.preset });
  const trainSet = options.subset ? data.train.subset(options.subset) : data.train;
  const result = await train(model, trainSet, {
    epochs: options.epochs,
    batchSize: info.batchSize,
    seed: options.seed,
    callbacks: options.callbacks,
    validationSplit: options.validationSplit,
    board: options.board ?? { title: options.label ?? name },
  });
  const test = await evaluate(model, data.test);
  const record = resultOf({ lesson: options.lesson ?? "cli", model: options.label ?? name }, info.params, result, test);
  return { model, result, record };
}

/** One variant of a preset in a comparison: its label in charts and records, the preset and its options. */
export interface PresetVariant {
  label: string;
  preset: string;
  options?: PresetOptions;
}

/** What {@link trainVariants} returns for each variant (its model already disposed). */
export interface TrainedVariant {
  label: string;
  result: TrainResult;
  record: ResultRecord;
}

/**
 * Trains several variants in turn on the same data with the same settings (epochs, seed, validation split), each at
 * its preset's batch size, evaluates each on the test set, and frees each model before the next: a fair comparison
 * that keeps only one model in memory at a time.
 */
export async function trainVariants(
  variants: readonly PresetVariant[],
  data: { train: ImageSet; test: ImageSet },
  options: Omit<TrainPresetOptions, "label" | "preset">,
): Promise<TrainedVariant[]> {
  const trained: TrainedVariant[] = [];
  for (const variant of variants) {
    const { model, result, record } = await trainPreset(variant.preset, data, {
      ...options,
      label: variant.label,
      preset: variant.options,
    });
    // the optimizer is not the model's to dispose (compile got an instance), and Adam keeps two tensors per weight
    model.optimizer.dispose();
    model.dispose();
    trained.push({ label: variant.label, result, record });
  }
  return trained;
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
