/**
 * Lesson 04 (04-cnn-deep): accuracy against gradient steps, the unit TensorFlow 1's estimators count training in,
 * with a marked step (such as where a walkthrough stopped).
 */
import { VegaLiteSpec } from "../render";
import { COLORS, finishSpec, title } from "../specCommon";
import type { TrainingRecord } from "../../metrics/trainingRecord";
import { downsample, smooth } from "../series";

/** A named series of (steps, accuracy 0..1) points. */
export interface StepSeries {
  name: string;
  points: { steps: number; accuracy: number }[];
}

/** Options for {@link accuracyByStepsSpec}. */
export interface StepsChartOptions {
  title?: string;
  subtitle?: string;
  /** A vertical line at this step with a label, e.g. `{ steps: 1500, label: "the source stops here" }`. */
  marker?: { steps: number; label: string };
}

/**
 * Accuracy (%) per series against steps, one coloured line each, with an optional marked step.
 *
 * @throws Error when no series has points
 */
export function accuracyByStepsSpec(series: readonly StepSeries[], options: StepsChartOptions = {}): VegaLiteSpec {
  const rows = series.flatMap((s) =>
    s.points.map((p) => ({ series: s.name, steps: p.steps, accuracy: +(p.accuracy * 100).toFixed(2) })),
  );
  if (rows.length === 0) throw new Error("accuracyByStepsSpec needs at least one point.");
  const layers: object[] = [
    {
      data: { values: rows },
      encoding: {
        x: {
          field: "steps",
          type: "quantitative",
          scale: { zero: false },
          axis: { title: "gradient steps (batches)" },
        },
        y: { field: "accuracy", type: "quantitative", scale: { zero: false }, axis: { title: "accuracy (%)" } },
        color: {
          field: "series",
          type: "nominal",
          title: null,
          sort: series.map((s) => s.name),
          legend: { orient: "bottom", labelLimit: 300 },
        },
        tooltip: [{ field: "series" }, { field: "steps" }, { field: "accuracy", format: ".2f" }],
      },
      layer: [{ mark: { type: "line", strokeWidth: 2 } }, { mark: { type: "point", filled: true, size: 40 } }],
    },
  ];
  if (options.marker) {
    layers.unshift({
      data: { values: [options.marker] },
      encoding: { x: { field: "steps", type: "quantitative", title: "gradient steps (batches)" } },
      layer: [
        { mark: { type: "rule", color: COLORS.neutral, strokeDash: [4, 3], strokeWidth: 1.5 } },
        {
          mark: { type: "text", align: "left", dx: 4, y: 8, color: COLORS.text, fontSize: 11 },
          encoding: { text: { field: "label" } },
        },
      ],
    });
  }
  return finishSpec({
    title: title(options.title ?? "Accuracy by steps", options.subtitle),
    width: 460,
    height: 260,
    layer: layers,
  });
}

/**
 * The training accuracy of a recorded run (the `curves` of `fm.train` or `fm.trainSteps`) step by step, smoothed
 * (default weight 0.95) and averaged down to at most `maxPoints` points (default 120), for {@link accuracyByStepsSpec}.
 */
export function trainingAccuracyBySteps(
  record: TrainingRecord,
  options: { smoothing?: number; maxPoints?: number } = {},
): StepSeries["points"] {
  const accuracies = record.batches.map((b) => b.acc).filter((a): a is number => a !== undefined && Number.isFinite(a));
  const smoothed = smooth(accuracies, options.smoothing ?? 0.95).map((y, i) => ({ x: i + 1, y }));
  return downsample(smoothed, options.maxPoints ?? 120).map((p) => ({ steps: Math.round(p.x), accuracy: p.y }));
}
