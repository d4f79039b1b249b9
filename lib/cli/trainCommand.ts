/**
 * `fmnist train`: trains one preset from the command line and prints its result record.
 */
import { selectBackend, describeBackend } from "../backend/select";
import { loadFashionMnist } from "../data/dataset";
import { PRESET_NAMES, presetInfo } from "../models/presets";
import { ResultRecord, roundRecord } from "../metrics/results";
import { resultOf } from "../train/result";
import { trainPreset } from "../train/run";
import { describeStop } from "../train/stopOnInterrupt";
import { TrainResult } from "../train/train";
import { UserError } from "../util/errors";
import { Interrupted } from "../util/interrupt";
import { parseFlags, positiveInt, stringFlag } from "./args";

export const TRAIN_HELP = `fmnist train --preset NAME [--epochs N] [--subset N] [--seed N] [--json]
  Trains a preset from the terminal with a progress bar, evaluates it on the test set and prints the result record.
  Ctrl-C stops after the current batch, prints the partial result (no test accuracy) and exits 130.
  Presets: ${PRESET_NAMES.join(", ")}.`;

/** `fmnist train`: train one preset and print its result record. */
export async function trainCommand(argv: string[]): Promise<void> {
  const values = parseFlags("train", argv, {
    preset: { type: "string" },
    epochs: { type: "string" },
    subset: { type: "string" },
    seed: { type: "string" },
    json: { type: "boolean" },
  });
  const preset = stringFlag(values, "preset");
  if (!preset) throw new UserError(`--preset is required. Choose one of: ${PRESET_NAMES.join(", ")}.`);
  if (!PRESET_NAMES.includes(preset))
    throw new UserError(`Unknown preset "${preset}". Choose one of: ${PRESET_NAMES.join(", ")}.`);
  const epochs = positiveInt(values, "epochs") ?? 1;
  const subset = positiveInt(values, "subset");
  const seed = Number(stringFlag(values, "seed") ?? 0);
  if (!Number.isInteger(seed)) throw new UserError(`--seed must be an integer, got "${stringFlag(values, "seed")}".`);
  const backend = await selectBackend();
  const data = await loadFashionMnist();
  if (!values.json) console.error(`Training ${preset} on ${describeBackend(backend, { reasons: "full" })}`);
  const print = (record: object) =>
    console.log(
      values.json
        ? JSON.stringify(record)
        : Object.entries(record)
            .map(([k, v]) => `${k}: ${v}`)
            .join("\n"),
    );
  try {
    const { model, record } = await trainPreset(preset, data, { epochs, subset, seed, lesson: "cli", callbacks: [] });
    model.dispose();
    print(roundRecord(record));
  } catch (error) {
    if (!(error instanceof Interrupted) || !error.partial) throw error;
    const partial = partialRecord(preset, error.partial as TrainResult);
    print(partial);
    throw new Interrupted(`${partial.stopped}; the partial result is above (no test evaluation).`);
  }
}

/** The result record of a training that Ctrl-C stopped: no test accuracy, and where it stopped. */
function partialRecord(preset: string, fit: TrainResult): Omit<ResultRecord, "test_accuracy"> & { stopped: string } {
  const { test_accuracy: _notMeasured, ...record } = roundRecord(
    resultOf({ lesson: "cli", model: preset }, presetInfo(preset).params, fit, { accuracy: NaN }),
  );
  return { ...record, stopped: fit.interrupted ? describeStop(fit.interrupted) : "stopped by you" };
}
