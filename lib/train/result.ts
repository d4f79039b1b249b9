import * as fs from "fs";
import * as path from "path";
import { showBundle } from "../plot/display";
import { UserError } from "../util/errors";
import { dataDir, writeFileAtomic } from "../util/paths";
import type { Evaluation } from "./evaluate";
import { currentProfile, Profile } from "./profile";
import type { TrainResult } from "./train";

/** MIME type under which lessons display their result records (one display per trained model). */
export const RESULT_MIME = "application/vnd.fmnist.result+json";

/** What one training run achieved: the record lessons display and save, and the CLI prints. */
export interface ResultRecord {
  lesson: string;
  model: string;
  params: number;
  epochs: number;
  batch: number;
  /** Images trained on in each epoch (54,000 when 10% of the 60,000 are held out for validation). */
  train_images: number;
  train_accuracy: number;
  test_accuracy: number;
  /** Seconds measured: of training, or of inference alone when {@link ResultRecord.timing} says so. */
  seconds: number;
  /** Images per second over those seconds. */
  img_per_s: number;
  /** What `seconds` timed: `training` (the default) or `inference` (a model that is not trained, such as a baseline). */
  timing?: "training" | "inference";
  backend: string;
  profile: Profile;
}

/** Rounds the numbers of a record for display (accuracies to 4 places, times to 0.1 s, speed to whole images). */
export function roundRecord(record: ResultRecord): ResultRecord {
  return {
    ...record,
    train_accuracy: round(record.train_accuracy, 4),
    test_accuracy: round(record.test_accuracy, 4),
    seconds: round(record.seconds, 1),
    img_per_s: Math.round(record.img_per_s),
  };
}

function round(x: number, places: number): number {
  const f = 10 ** places;
  return Math.round(x * f) / f;
}

/**
 * The record of a model trained with `fm.train` and measured with `fm.evaluate`: everything but the names comes
 * from the two results (the training accuracy is the last epoch's mean), and the profile is the current one.
 */
export function resultOf(
  names: { lesson: string; model: string },
  params: number,
  fit: TrainResult,
  test: Pick<Evaluation, "accuracy">,
): ResultRecord {
  return {
    ...names,
    params,
    epochs: fit.epochs,
    batch: fit.batchSize,
    train_images: fit.samples,
    train_accuracy: fit.history.acc[fit.history.acc.length - 1] ?? NaN,
    test_accuracy: test.accuracy,
    seconds: fit.seconds,
    img_per_s: fit.imgPerSecond,
    timing: "training",
    backend: fit.backend,
    profile: currentProfile(),
  };
}

/** Where the records of one profile are kept: `data/results/<profile>/`, one JSON file per lesson and model. */
export function resultsDir(profile: Profile, root = dataDir()): string {
  return path.join(root, "results", profile);
}

/** File name of a record: its lesson and model, with anything but letters, digits, dots and dashes made `_`. */
function recordFile(record: Pick<ResultRecord, "lesson" | "model">): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9.-]+/g, "_");
  return `${safe(record.lesson)}--${safe(record.model)}.json`;
}

/**
 * Saves a record under {@link resultsDir} of its profile (atomically; a re-run of the same lesson and model
 * replaces it), so that a later lesson can compare models without training them again. Returns the file.
 */
export function saveResult(record: ResultRecord, root = dataDir()): string {
  const file = path.join(resultsDir(record.profile, root), recordFile(record));
  writeFileAtomic(file, JSON.stringify(roundRecord(record), null, 2) + "\n");
  return file;
}

/**
 * Deletes the saved records of one lesson in a profile, so that a new run of the lesson leaves only its own
 * records (a model renamed or dropped since an earlier run would otherwise linger). Returns how many it deleted.
 */
export function clearResults(profile: Profile, lesson: string, root = dataDir()): number {
  const dir = resultsDir(profile, root);
  if (!fs.existsSync(dir)) return 0;
  const prefix = recordFile({ lesson, model: "" }).replace(/\.json$/, "");
  const stale = fs.readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith(".json"));
  for (const f of stale) fs.rmSync(path.join(dir, f), { force: true });
  return stale.length;
}

/**
 * The saved records of a profile, in lesson order.
 *
 * @param lessons when given, every one of these lessons must have saved at least one record
 * @throws UserError naming the lessons to run first when some are missing, or a record file that is not valid JSON
 */
export function readResults(profile: Profile, options: { lessons?: string[]; root?: string } = {}): ResultRecord[] {
  const dir = resultsDir(profile, options.root);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : [];
  const records = files.map((f) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as ResultRecord;
    } catch (error) {
      throw new UserError(`${path.join(dir, f)} is not a valid result record (${(error as Error).message}): delete it and re-run its lesson.`);
    }
  });
  const missing = (options.lessons ?? []).filter((lesson) => !records.some((r) => r.lesson === lesson));
  if (missing.length > 0) {
    const how = profile === "full" ? "run them in order" : "run them with `npm run lessons -- --profile smoke`";
    throw new UserError(`No results of lesson(s) ${missing.join(", ")} in ${dir}: ${how}, then this one again.`);
  }
  return records;
}

/**
 * Shows a result record in the notebook as one output: the record itself under {@link RESULT_MIME} (the lesson
 * runner collects it), a small HTML card, and plain text. Numbers are rounded with {@link roundRecord}.
 */
export function showResult(record: ResultRecord): void {
  const rounded = roundRecord(record);
  const rows = Object.entries(rounded)
    .map(([key, value]) => `<tr><th style="text-align:left;padding-right:1em">${key}</th><td style="text-align:left">${value}</td></tr>`)
    .join("");
  showBundle({
    [RESULT_MIME]: rounded,
    "text/html": `<table><caption style="text-align:left"><b>Result: ${rounded.model}</b></caption>${rows}</table>`,
    "text/plain": JSON.stringify(rounded, null, 2),
  });
}

/** What a lesson calls at its end for each model: {@link saveResult} (for the comparison lesson), then {@link showResult}. */
export function reportResult(record: ResultRecord): void {
  saveResult(record);
  showResult(record);
}
