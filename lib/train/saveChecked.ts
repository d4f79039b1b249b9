/**
 * Saves a model and proves the copy works: loads it back and compares both copies' scores on test images.
 */
import * as tf from "@tensorflow/tfjs";
import { ImageSet } from "../data/dataset";
import { evaluate } from "./evaluate";
import { loadModel, modelDir, saveModel } from "./io";

/** What {@link saveModelChecked} saved and how the two copies scored. */
export interface SavedModelCheck {
  /** Folder the model was written to. */
  dir: string;
  /** Accuracy of the model in memory on the check set. */
  accuracy: number;
  /** Accuracy of the copy loaded back from disk on the same set: equal when nothing was lost. */
  reloadedAccuracy: number;
}

/**
 * Saves a model with {@link saveModel}, loads it back and scores both on `checkSet` (a thousand test images are
 * plenty), so that a lesson shows its saved model works before a later lesson relies on it. `dir` as in {@link saveModel}.
 */
export async function saveModelChecked(
  model: tf.LayersModel,
  name: string,
  checkSet: ImageSet,
  dir = modelDir(name),
): Promise<SavedModelCheck> {
  await saveModel(model, name, dir);
  const reloaded = await loadModel(name, dir);
  try {
    return {
      dir,
      accuracy: (await evaluate(model, checkSet)).accuracy,
      reloadedAccuracy: (await evaluate(reloaded, checkSet)).accuracy,
    };
  } finally {
    reloaded.dispose();
  }
}
