/**
 * A lesson's last step for each trained model: its result record built from `fm.train` and `fm.evaluate`,
 * saved for the comparison lesson and shown.
 */
import { ResultRecord, saveResult } from "../metrics/results";
import { showResult } from "../plot/resultCard";
import { currentProfile } from "../util/profile";
import type { Evaluation } from "./evaluate";
import type { TrainResult } from "./train";

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

/** What a lesson calls at its end for each model: {@link saveResult} (for the comparison lesson), then {@link showResult} (lib/plot). */
export function reportResult(record: ResultRecord): void {
  saveResult(record);
  showResult(record);
}
