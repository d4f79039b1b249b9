import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../util/errors";
import { dataDir } from "../util/paths";

/** The folder where lessons keep trained models: `data/models/<name>/`. */
export function modelDir(name: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new UserError(`Model name "${name}" may only use letters, digits, ".", "_" and "-" (it becomes a folder name).`);
  }
  return path.join(dataDir(), "models", name);
}

/**
 * A tfjs IO handler that reads and writes a model as `model.json` + `weights.bin` in a folder, the same layout
 * as tfjs-node's `file://` handler, on every backend. Saving writes into a temporary folder and renames it into
 * place, so an interrupted save never leaves a half-written model.
 */
export function folderHandler(dir: string): tf.io.IOHandler {
  return {
    save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      const weights = artifacts.weightData ? tf.io.concatenateArrayBuffers(([] as ArrayBuffer[]).concat(artifacts.weightData)) : new ArrayBuffer(0);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        trainingConfig: artifacts.trainingConfig,
        userDefinedMetadata: artifacts.userDefinedMetadata,
        weightsManifest: [{ paths: ["./weights.bin"], weights: artifacts.weightSpecs ?? [] }],
      };
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      const temp = `${dir}.${process.pid}.tmp`;
      fs.rmSync(temp, { recursive: true, force: true });
      fs.mkdirSync(temp);
      fs.writeFileSync(path.join(temp, "model.json"), JSON.stringify(modelJson));
      fs.writeFileSync(path.join(temp, "weights.bin"), Buffer.from(weights));
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(temp, dir);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const jsonPath = path.join(dir, "model.json");
      if (!fs.existsSync(jsonPath)) {
        throw new UserError(`No saved model at ${dir} (model.json missing). Run the lesson that trains it first, or check the name.`);
      }
      let json: { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] } & Record<string, unknown>;
      try {
        json = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
      } catch (error) {
        throw new UserError(`${jsonPath} is not valid JSON (${(error as Error).message}). Delete the folder and train the model again.`);
      }
      const specs = json.weightsManifest.flatMap((group) => group.weights);
      const buffers = json.weightsManifest.flatMap((group) => group.paths.map((p) => fs.readFileSync(path.join(dir, p))));
      const bytes = Buffer.concat(buffers);
      const expected = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
      if (bytes.length !== expected) {
        throw new UserError(`${dir}: weights hold ${bytes.length} bytes but the model needs ${expected}. Delete the folder and train again.`);
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

/** Saves a model under `data/models/<name>/` (or `dir` when given) and returns the folder. */
export async function saveModel(model: tf.LayersModel, name: string, dir = modelDir(name)): Promise<string> {
  await model.save(folderHandler(dir), { includeOptimizer: model.optimizer != null });
  return dir;
}

/** Loads a model saved by {@link saveModel}; it comes back compiled when it was saved compiled. */
export async function loadModel(name: string, dir = modelDir(name)): Promise<tf.LayersModel> {
  return tf.loadLayersModel(folderHandler(dir));
}
