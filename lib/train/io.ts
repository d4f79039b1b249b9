/**
 * Saving and loading trained models under `data/models/<name>/`, written atomically through a folder handler.
 */
import * as tf from "@tensorflow/tfjs";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../util/errors";
import { dataDir } from "../util/paths";
import { saveWithOptimizer } from "./saveOptimizer";

/** The folder where lessons keep trained models: `data/models/<name>/`. */
export function modelDir(name: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new UserError(
      `Model name "${name}" may only use letters, digits, ".", "_" and "-" (it becomes a folder name).`,
    );
  }
  return path.join(dataDir(), "models", name);
}

/** The version of the folder layout {@link folderHandler} writes, kept in `model.json` as `fmnistFormat`. */
export const MODEL_FORMAT_VERSION = 1;

/**
 * How a learner gets a saved model back, from its folder's name: `03-cnn-simple-smoke` was saved by lesson 03 in the
 * smoke profile, so "re-run lesson 03 (`npm run lessons -- --profile smoke --only 03`), which saves it again".
 */
export function recreateHint(dir: string): string {
  const name = path.basename(dir);
  const lesson = /^(\d\d)-/.exec(name)?.[1];
  if (!lesson) return "save it again (fm.saveModel) or check the name";
  const profile = name.endsWith("-smoke") ? "smoke" : "full";
  return `re-run lesson ${lesson} (\`npm run lessons -- --profile ${profile} --only ${lesson}\`), which saves it again`;
}

/** What `model.json` holds, as {@link folderHandler} writes it. */
interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  fmnistFormat?: number;
  /** SHA-256 of all weight files' bytes in manifest order (absent in exports of other tools). */
  weightsSha256?: string;
  [key: string]: unknown;
}

const sha256 = (bytes: Uint8Array) => crypto.createHash("sha256").update(bytes).digest("hex");

/**
 * When a save was killed between moving the old folder aside and moving the new one in, puts the old one back (the
 * new one was never complete). Leftover temporary folders of killed saves are removed.
 */
function recoverInterruptedSave(dir: string): void {
  const parent = path.dirname(dir);
  if (!fs.existsSync(parent)) return;
  const base = path.basename(dir);
  const leftovers = fs
    .readdirSync(parent)
    .filter((f) => f.startsWith(`${base}.`) && /^\.\d+\.(tmp|old)$/.test(f.slice(base.length)))
    .filter((f) => !processAlive(Number(f.slice(base.length + 1).split(".")[0])));
  const aside = leftovers.find((f) => f.endsWith(".old") && fs.existsSync(path.join(parent, f, "model.json")));
  if (aside && !fs.existsSync(path.join(dir, "model.json"))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(path.join(parent, aside), dir);
  }
  for (const f of leftovers) fs.rmSync(path.join(parent, f), { recursive: true, force: true });
}

/** True while a process with that id runs (its save may still be under way); this process counts as not running. */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Reads and checks a saved model's files: `model.json` present, valid JSON, a layers model in this course's format
 * version, every weight file present, the weights as long as the manifest says and matching their checksum.
 *
 * @param recreate - how to get the model back, ending each error (default: from the folder's name, {@link recreateHint})
 * @throws UserError naming the file that is missing, truncated, corrupt or from another version, and what to run
 */
export function readSavedModel(dir: string, recreate = recreateHint(dir)): { json: ModelJson; weights: Buffer } {
  recoverInterruptedSave(dir);
  const jsonPath = path.join(dir, "model.json");
  if (!fs.existsSync(jsonPath)) throw new UserError(`No saved model at ${dir} (model.json is missing): ${recreate}.`);
  let json: ModelJson;
  try {
    json = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
  } catch (error) {
    throw new UserError(`${jsonPath} is truncated or corrupt (${(error as Error).message}): ${recreate}.`);
  }
  const manifestOk =
    Array.isArray(json?.weightsManifest) &&
    json.weightsManifest.every((g) => Array.isArray(g?.paths) && Array.isArray(g?.weights));
  if (typeof json?.modelTopology !== "object" || json.modelTopology === null || !manifestOk) {
    throw new UserError(`${jsonPath} is not a saved model (no modelTopology or weightsManifest): ${recreate}.`);
  }
  const version = json.fmnistFormat ?? MODEL_FORMAT_VERSION;
  if (version !== MODEL_FORMAT_VERSION || (json.format !== undefined && json.format !== "layers-model")) {
    throw new UserError(
      `${jsonPath} was written in another format (${json.format ?? "layers-model"}, version ${version}; this course ` +
        `reads layers-model version ${MODEL_FORMAT_VERSION}): ${recreate}.`,
    );
  }
  const files = json.weightsManifest.flatMap((group) => group.paths);
  const buffers = files.map((name) => {
    if (!/^(\.\/)?[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name)) {
      throw new UserError(`${jsonPath} lists a weight file outside its folder (${JSON.stringify(name)}): ${recreate}.`);
    }
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw new UserError(`${file} is missing (model.json lists it): ${recreate}.`);
    return fs.readFileSync(file);
  });
  const weights = Buffer.concat(buffers);
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const expected = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (weights.length !== expected) {
    throw new UserError(
      `${path.join(dir, files.join(", "))}: the weights hold ${weights.length} bytes but the model needs ${expected} ` +
        `(truncated or from another save): ${recreate}.`,
    );
  }
  if (json.weightsSha256 !== undefined && json.weightsSha256 !== sha256(weights)) {
    throw new UserError(
      `${path.join(dir, files.join(", "))}: the weights do not match the checksum in model.json (corrupt): ${recreate}.`,
    );
  }
  return { json, weights };
}

/**
 * A tfjs IO handler that reads and writes a model as `model.json` + `weights.bin` in a folder, the same layout
 * as tfjs-node's `file://` handler, on every backend. Saving writes into a temporary folder, then moves the old
 * folder aside, the new one in, and deletes the old one: a save killed at any point leaves the previous model
 * loadable (a load puts it back if the kill came between the two moves). Loading checks every file
 * ({@link readSavedModel}).
 *
 * @param options.shardBytes split the weights into files of at most this many bytes, named like tfjs's web
 *   format (`group1-shard1of2.bin`, ...), so that browsers can fetch and cache them in pieces
 * @param options.recreate how to get the model back, for load errors (default: from the folder's name)
 */
export function folderHandler(dir: string, options: { shardBytes?: number; recreate?: string } = {}): tf.io.IOHandler {
  return {
    save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      const weights = artifacts.weightData
        ? tf.io.concatenateArrayBuffers(([] as ArrayBuffer[]).concat(artifacts.weightData))
        : new ArrayBuffer(0);
      const shards = weightFiles(weights, options.shardBytes);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        trainingConfig: artifacts.trainingConfig,
        userDefinedMetadata: artifacts.userDefinedMetadata,
        weightsManifest: [{ paths: shards.map((s) => `./${s.name}`), weights: artifacts.weightSpecs ?? [] }],
        fmnistFormat: MODEL_FORMAT_VERSION,
        weightsSha256: sha256(new Uint8Array(weights)),
      };
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      recoverInterruptedSave(dir);
      const temp = `${dir}.${process.pid}.tmp`;
      const aside = `${dir}.${process.pid}.old`;
      fs.rmSync(temp, { recursive: true, force: true });
      fs.mkdirSync(temp);
      for (const shard of shards) fs.writeFileSync(path.join(temp, shard.name), shard.bytes);
      fs.writeFileSync(path.join(temp, "model.json"), JSON.stringify(modelJson));
      if (fs.existsSync(dir)) fs.renameSync(dir, aside);
      fs.renameSync(temp, dir);
      fs.rmSync(aside, { recursive: true, force: true });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const { json, weights } = readSavedModel(dir, options.recreate);
      return {
        modelTopology: json.modelTopology,
        format: json.format as string | undefined,
        generatedBy: json.generatedBy as string | undefined,
        convertedBy: json.convertedBy as string | null | undefined,
        trainingConfig: namedLossOnly(json.trainingConfig as tf.io.TrainingConfig | undefined),
        userDefinedMetadata: json.userDefinedMetadata as {} | undefined,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      };
    },
  };
}

/**
 * The training configuration to compile a loaded model with, or none when its loss has no name: tfjs saves a loss
 * function (such as `smoothedCrossEntropy(0.1)`) as an empty map of losses, and compiling with that warns that the
 * output "is missing from loss dictionary". Such a model loads uncompiled; compile it again to train it further.
 */
function namedLossOnly(config: tf.io.TrainingConfig | undefined): tf.io.TrainingConfig | undefined {
  const loss = config?.loss as unknown;
  const named = typeof loss === "string" || (typeof loss === "object" && loss !== null && Object.keys(loss).length > 0);
  return named ? config : undefined;
}

/** The weight files of a save: one `weights.bin`, or shards of at most `shardBytes` named as tfjs's web format. */
function weightFiles(weights: ArrayBuffer, shardBytes?: number): { name: string; bytes: Buffer }[] {
  if (shardBytes === undefined) return [{ name: "weights.bin", bytes: Buffer.from(weights) }];
  if (!(Number.isInteger(shardBytes) && shardBytes > 0))
    throw new UserError(`shardBytes must be a positive whole number, got ${shardBytes}.`);
  const count = Math.max(1, Math.ceil(weights.byteLength / shardBytes));
  return Array.from({ length: count }, (_, i) => ({
    name: `group1-shard${i + 1}of${count}.bin`,
    bytes: Buffer.from(weights.slice(i * shardBytes, (i + 1) * shardBytes)),
  }));
}

/** Saves a model under `data/models/<name>/` (or `dir` when given) and returns the folder. */
export async function saveModel(model: tf.LayersModel, name: string, dir = modelDir(name)): Promise<string> {
  const handler = folderHandler(dir);
  if (model.optimizer) await saveWithOptimizer(model, handler);
  else await model.save(handler);
  return dir;
}

/**
 * Loads a model saved by {@link saveModel}; it comes back compiled when it was saved compiled, and then owns the
 * optimizer tfjs rebuilt for it, so that `dispose()` frees the optimizer's state too (tfjs leaves it otherwise).
 */
export async function loadModel(name: string, dir = modelDir(name)): Promise<tf.LayersModel> {
  const model = await tf.loadLayersModel(folderHandler(dir));
  if (model.optimizer) (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
  return model;
}

/** True when a model of that name has been saved (it may still fail its checks when loaded). */
export function hasSavedModel(name: string, dir = modelDir(name)): boolean {
  recoverInterruptedSave(dir);
  return fs.existsSync(path.join(dir, "model.json"));
}
