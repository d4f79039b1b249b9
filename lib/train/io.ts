/**
 * Saving and loading trained models under `data/models/<name>/`, written atomically through a folder handler.
 */
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../util/errors";
import { dataDir } from "../util/paths";

/** The folder where lessons keep trained models: `data/models/<name>/`. */
export function modelDir(name: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new UserError(
      `Model name "${name}" may only use letters, digits, ".", "_" and "-" (it becomes a folder name).`,
    );
  }
  return path.join(dataDir(), "models", name);
}

/**
 * A tfjs IO handler that reads and writes a model as `model.json` + `weights.bin` in a folder, the same layout
 * as tfjs-node's `file://` handler, on every backend. Saving writes into a temporary folder and renames it into
 * place, so an interrupted save never leaves a half-written model.
 *
 * @param options.shardBytes split the weights into files of at most this many bytes, named like tfjs's web
 *   format (`group1-shard1of2.bin`, ...), so that browsers can fetch and cache them in pieces
 */
export function folderHandler(dir: string, options: { shardBytes?: number } = {}): tf.io.IOHandler {
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
      };
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      const temp = `${dir}.${process.pid}.tmp`;
      fs.rmSync(temp, { recursive: true, force: true });
      fs.mkdirSync(temp);
      fs.writeFileSync(path.join(temp, "model.json"), JSON.stringify(modelJson));
      for (const shard of shards) fs.writeFileSync(path.join(temp, shard.name), shard.bytes);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(temp, dir);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const jsonPath = path.join(dir, "model.json");
      if (!fs.existsSync(jsonPath)) {
        throw new UserError(
          `No saved model at ${dir} (model.json missing). Run the lesson that trains it first, or check the name.`,
        );
      }
      let json: {
        modelTopology: object;
        weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
      } & Record<string, unknown>;
      try {
        json = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
      } catch (error) {
        throw new UserError(
          `${jsonPath} is not valid JSON (${(error as Error).message}). Delete the folder and train the model again.`,
        );
      }
      const specs = json.weightsManifest.flatMap((group) => group.weights);
      const buffers = json.weightsManifest.flatMap((group) =>
        group.paths.map((p) => fs.readFileSync(path.join(dir, p))),
      );
      const bytes = Buffer.concat(buffers);
      const expected = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
      if (bytes.length !== expected) {
        throw new UserError(
          `${dir}: weights hold ${bytes.length} bytes but the model needs ${expected}. Delete the folder and train again.`,
        );
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format as string | undefined,
        generatedBy: json.generatedBy as string | undefined,
        convertedBy: json.convertedBy as string | null | undefined,
        trainingConfig: json.trainingConfig as tf.io.TrainingConfig | undefined,
        userDefinedMetadata: json.userDefinedMetadata as {} | undefined,
        weightSpecs: specs,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      };
    },
  };
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
  await model.save(folderHandler(dir), { includeOptimizer: model.optimizer != null });
  return dir;
}

/** Loads a model saved by {@link saveModel}; it comes back compiled when it was saved compiled. */
export async function loadModel(name: string, dir = modelDir(name)): Promise<tf.LayersModel> {
  return tf.loadLayersModel(folderHandler(dir));
}

/** True when a model of that name has been saved. */
export function hasSavedModel(name: string, dir = modelDir(name)): boolean {
  return fs.existsSync(path.join(dir, "model.json"));
}
