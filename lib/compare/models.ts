/**
 * Which trained models the comparison lesson puts side by side: one declarative table, so that the lesson, its
 * tests and the README agree on the names under which earlier lessons save their models and records.
 */
import { currentProfile, Profile } from "../util/profile";
import { readResults, ResultRecord } from "../metrics/results";
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
  { name: "small ResNet", lesson: "08-speedrun", saved: "08-resnet" },
]);

/**
 * Lessons after the comparison lesson that it includes once they have run: a learner runs lesson 06 again after them
 * (the lessons run in order, so a first run of 06 comes before them).
 */
export const LATER_LESSONS: readonly string[] = Object.freeze(["08-speedrun"]);

/**
 * The records the comparison reads, in course order: those of every lesson in {@link COMPARED_LESSONS} (each must have
 * left some) and those of {@link LATER_LESSONS} that have run.
 *
 * @throws UserError naming the earlier lessons that left no records, and how to run them
 */
export function comparedRecords(profile: Profile = currentProfile(), root?: string): ResultRecord[] {
  const wanted = [...COMPARED_LESSONS, ...LATER_LESSONS];
  return readResults(profile, { lessons: [...COMPARED_LESSONS], root }).filter((r) => wanted.includes(r.lesson));
}

/** The models of {@link COMPARED_MODELS} whose lesson left records among `records` (a later lesson's once it ran). */
export function comparedModels(records: readonly Pick<ResultRecord, "lesson">[]): ComparedModel[] {
  return COMPARED_MODELS.filter((m) => records.some((r) => r.lesson === m.lesson));
}

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
