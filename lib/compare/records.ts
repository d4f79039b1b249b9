/**
 * Combining the result records that the lessons save: labels for charts, the models that buy accuracy most
 * cheaply, and the record of a model measured again without training it.
 */
import { currentProfile } from "../util/profile";
import type { ResultRecord } from "../metrics/results";

/** A record's name on charts: the lesson's number and the model, e.g. "03 cnn-simple". */
export function recordLabel(record: Pick<ResultRecord, "lesson" | "model">): string {
  const number = /^\d+/.exec(record.lesson)?.[0] ?? record.lesson;
  return `${number} ${record.model}`;
}

/** True when a record timed training (records that say nothing about it did: that is the default). */
export function timedTraining(record: Pick<ResultRecord, "timing">): boolean {
  return (record.timing ?? "training") === "training";
}

/**
 * The runs no other run beats on both counts, fastest first: each one is more accurate than every faster run.
 * Every run off this list has a run that took no longer and reached at least its accuracy.
 */
export function accuracyFrontier<T extends Pick<ResultRecord, "seconds" | "test_accuracy">>(
  records: readonly T[],
): T[] {
  const byTime = records.slice().sort((a, b) => a.seconds - b.seconds || b.test_accuracy - a.test_accuracy);
  const frontier: T[] = [];
  for (const record of byTime) {
    if (frontier.length === 0 || record.test_accuracy > frontier[frontier.length - 1].test_accuracy)
      frontier.push(record);
  }
  return frontier;
}

/**
 * The record of a saved model measured again on the test set without training: its own record's training facts
 * (epochs, batch, images, training accuracy), the new test accuracy, and the seconds the evaluation took
 * (`timing: "inference"`).
 */
export function remeasuredRecord(
  lesson: string,
  trained: ResultRecord,
  measured: { accuracy: number; seconds: number; images: number; backend: string },
): ResultRecord {
  return {
    ...trained,
    lesson,
    test_accuracy: measured.accuracy,
    seconds: measured.seconds,
    img_per_s: measured.images / measured.seconds,
    timing: "inference",
    backend: measured.backend,
    profile: currentProfile(),
  };
}
