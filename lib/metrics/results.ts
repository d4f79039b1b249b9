/**
 * The result record of one trained model (what it reached, how fast, on which backend) and where records are
 * kept: saved per profile under `data/results/`, read back by the comparison lesson.
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../util/errors";
import { dataDir, writeFileAtomic } from "../util/paths";
import type { Profile } from "../util/profile";

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

/** The fields every record has, with their types: a record without them is from another version of the course. */
const RECORD_FIELDS: Partial<Record<keyof ResultRecord, "string" | "number">> = {
  lesson: "string",
  model: "string",
  params: "number",
  epochs: "number",
  test_accuracy: "number",
  train_accuracy: "number",
  seconds: "number",
  backend: "string",
  profile: "string",
};

/**
 * Reads one saved record and checks it (valid JSON, every field with its type, the profile of its folder).
 *
 * @throws UserError naming the file and the lesson that writes it again
 */
export function readRecord(file: string, profile: Profile): ResultRecord {
  const lesson = path.basename(file).split("--")[0];
  const number = /^(\d\d)-/.exec(lesson)?.[1];
  const rerun = number
    ? `re-run lesson ${lesson} (\`npm run lessons -- --profile ${profile} --only ${number}\`), which writes it again`
    : "delete it and re-run the lesson that wrote it";
  let record: ResultRecord;
  try {
    record = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UserError(`${file} is truncated or corrupt (${(error as Error).message}): ${rerun}.`);
  }
  const wrong = Object.entries(RECORD_FIELDS).find(
    ([key, type]) => typeof (record as unknown as Record<string, unknown> | null)?.[key] !== type,
  );
  if (wrong || record.profile !== profile) {
    const what = wrong ? `its field ${wrong[0]} is missing or not a ${wrong[1]}` : `its profile is ${record.profile}`;
    throw new UserError(`${file} is not a result record of this course's version (${what}): ${rerun}.`);
  }
  return record;
}

/**
 * The saved records of a profile, in lesson order.
 *
 * @param lessons when given, every one of these lessons must have saved at least one record
 * @throws UserError naming the lessons to run first when some are missing, or a record file that is damaged
 *   ({@link readRecord})
 */
export function readResults(profile: Profile, options: { lessons?: string[]; root?: string } = {}): ResultRecord[] {
  const dir = resultsDir(profile, options.root);
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort()
    : [];
  const records = files.map((f) => readRecord(path.join(dir, f), profile));
  const missing = (options.lessons ?? []).filter((lesson) => !records.some((r) => r.lesson === lesson));
  if (missing.length > 0) {
    const how = profile === "full" ? "run them in order" : "run them with `npm run lessons -- --profile smoke`";
    throw new UserError(`No results of lesson(s) ${missing.join(", ")} in ${dir}: ${how}, then this one again.`);
  }
  return records;
}
