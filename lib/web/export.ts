/**
 * Exports the trained model and a few test images for the web page under `data/web/<profile>/`.
 */
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as path from "path";
import { ImageSet } from "../data/dataset";
import { currentProfile, Profile } from "../util/profile";
import { folderHandler, readSavedModel } from "../train/io";
import { UserError } from "../util/errors";
import { dataDir, writeFileAtomic } from "../util/paths";

/** The lesson that exports the page's model; messages about a missing export name it. */
export const WEB_LESSON = "07-in-the-browser";

/** Largest weight file of an export: 4 MiB, the shard size of tfjs's own converter. */
export const SHARD_BYTES = 4 * 1024 * 1024;

/** What the page shows besides the model: where the model came from, and test images with their labels. */
export interface PageData {
  /** Which saved model this is, and how it was trained, in words. */
  model: string;
  description: string;
  /** Index of the first test image, and the labels of `labels.length` consecutive test images. */
  firstTestImage: number;
  labels: number[];
  /** Their pixels, 784 bytes each, base64. */
  pixels: string;
}

/** Where the page's files of a profile go: `data/web/<profile>/` (`model/` and `page-data.json`). */
export function webExportDir(profile: Profile = currentProfile(), root = dataDir()): string {
  return path.join(root, "web", profile);
}

/**
 * Exports a model in tfjs's web format into `<dir>/model/` (`model.json` + weight shards of at most
 * {@link SHARD_BYTES}, without the optimizer's state, which a browser never needs) and the first `count` test
 * images into `<dir>/page-data.json`. Returns the files written, for the lesson to list.
 */
export async function exportForWeb(
  model: tf.LayersModel,
  test: ImageSet,
  options: { model: string; description: string; count: number; dir?: string },
): Promise<string[]> {
  const dir = options.dir ?? webExportDir();
  if (!(Number.isInteger(options.count) && options.count > 0 && options.count <= test.count)) {
    throw new UserError(`count must be a whole number from 1 to ${test.count}, got ${options.count}.`);
  }
  await model.save(folderHandler(path.join(dir, "model"), { shardBytes: SHARD_BYTES }), { includeOptimizer: false });
  const sample = test.subset(options.count);
  const data: PageData = {
    model: options.model,
    description: options.description,
    firstTestImage: 0,
    labels: Array.from(sample.labels),
    pixels: Buffer.from(sample.images).toString("base64"),
  };
  writeFileAtomic(path.join(dir, "page-data.json"), JSON.stringify(data));
  return [
    ...fs.readdirSync(path.join(dir, "model")).map((f) => path.join(dir, "model", f)),
    path.join(dir, "page-data.json"),
  ];
}

/** How to make the export again, for error messages: lesson 07 in that profile. */
function recreateExport(profile: Profile): string {
  return `run lesson ${WEB_LESSON} (\`npm run lessons -- --profile ${profile} --only 07\`), which exports it again`;
}

/**
 * Checks that a folder holds a complete export, with one line that names the file and the lesson to run when it
 * does not: `model/model.json` and its weight shards (present, as long as the manifest says, matching their
 * checksum), and `page-data.json` (valid, 784 bytes of pixels per label).
 *
 * @throws UserError when a file is missing, truncated, corrupt or from another version
 */
export function requireExport(dir: string, profile: Profile = currentProfile()): void {
  const recreate = recreateExport(profile);
  for (const file of [path.join("model", "model.json"), "page-data.json"]) {
    if (!fs.existsSync(path.join(dir, file))) {
      throw new UserError(`No exported model in ${dir} (${file} is missing): ${recreate}.`);
    }
  }
  readSavedModel(path.join(dir, "model"), recreate);
  const pageData = path.join(dir, "page-data.json");
  let data: PageData;
  try {
    data = JSON.parse(fs.readFileSync(pageData, "utf8"));
  } catch (error) {
    throw new UserError(`${pageData} is truncated or corrupt (${(error as Error).message}): ${recreate}.`);
  }
  const labelsOk = Array.isArray(data?.labels) && data.labels.every((l) => Number.isInteger(l) && l >= 0 && l < 10);
  const pixels = typeof data?.pixels === "string" ? Buffer.from(data.pixels, "base64").length : -1;
  if (!labelsOk || data.labels.length === 0 || pixels !== data.labels.length * 784 || typeof data.model !== "string") {
    throw new UserError(
      `${pageData} does not hold the page's data (model, labels 0..9 and 784 pixels per label): ${recreate}.`,
    );
  }
}
