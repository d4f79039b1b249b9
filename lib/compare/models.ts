/**
 * Which trained models the comparison lesson puts side by side: one declarative table, so that the lesson, its
 * tests and the README agree on the names under which earlier lessons save their models and records.
 */
import { currentProfile, Profile } from "../util/profile";
import type { ResultRecord } from "../metrics/results";
import { UserError } from "../util/errors";

/** One model an earlier lesson trains, saves and records. */
export interface ComparedModel {
  /** Short name on charts, e.g. "simple CNN". */
  name: string;
  /** The lesson that trains it: its notebook's name, as in its result records. */
  lesson: string;
  /** The name it is saved under with `fm.saveModel` in the full profile; the smoke profile adds `-smoke`. */
  saved: string;
}

/** The lessons whose result records the comparison reads, in course order. */
export const COMPARED_LESSONS: readonly string[] = Object.freeze([
  "00-dataset",
  "01-basic-classification",
  "02-keras-apis",
  "03-cnn-simple",
  "04-cnn-deep",
  "05-vgg",
]);

/** The best model of each lesson that trains one worth keeping, from the first network to VGG. */
export const COMPARED_MODELS: readonly ComparedModel[] = Object.freeze([
  { name: "MLP", lesson: "01-basic-classification", saved: "01-basic-mlp" },
  { name: "simple CNN", lesson: "03-cnn-simple", saved: "03-cnn-simple" },
  { name: "deep CNN", lesson: "04-cnn-deep", saved: "04-cnn-deep" },
  { name: "VGG-11 + BN", lesson: "05-vgg", saved: "05-vgg11-bn" },
]);

/** The name a model is saved under in a profile: `saved` in `full`, `saved-smoke` in `smoke`. */
export function savedModelName(model: ComparedModel, profile: Profile = currentProfile()): string {
  return profile === "smoke" ? `${model.saved}-smoke` : model.saved;
}

/**
 * The result record a saved model came from: among its lesson's records of models with as many parameters, the
 * one whose test accuracy is closest to the accuracy the saved model reaches now. (A lesson may record several
 * runs of one architecture, such as a short and a long training, and saves only its best.)
 *
 * @throws UserError naming the lesson to run again when it recorded no model of that size (the saved model and
 * the records then come from different runs)
 */
export function recordOfSaved(
  model: ComparedModel,
  records: readonly ResultRecord[],
  measured: { params: number; accuracy: number },
): ResultRecord {
  const candidates = records.filter((r) => r.lesson === model.lesson && r.params === measured.params);
  if (candidates.length === 0) {
    throw new UserError(
      `Lesson ${model.lesson} recorded no model with ${measured.params} parameters like the saved ` +
        `"${model.saved}": run lesson ${model.lesson} again, so that its records and saved model come from the same run.`,
    );
  }
  const distance = (r: ResultRecord) => Math.abs(r.test_accuracy - measured.accuracy);
  return candidates.reduce((best, r) => (distance(r) < distance(best) ? r : best));
}
