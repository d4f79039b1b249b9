/**
 * Lesson 08 (08-speedrun): the race, test and validation accuracy against training seconds for the residual network
 * beside the best models of earlier lessons.
 */
import { VegaLiteSpec } from "../render";
import { COLORS, finishSpec, title } from "../specCommon";

/** One run in the race: its validation accuracy after each epoch, at the training seconds that epoch ended. */
export interface RaceCurve {
  name: string;
  points: { seconds: number; accuracy: number }[];
}

/** Where a run finished: its test accuracy at its training seconds. */
export interface RaceFinish {
  name: string;
  seconds: number;
  accuracy: number;
}

/** Options for {@link raceSpec}. */
export interface RaceOptions {
  title?: string;
  /** The time budget, drawn as a vertical rule. */
  budgetSeconds: number;
}

/**
 * The race: each curve is a run's validation accuracy (percent) after each of its epochs, placed at the training
 * seconds that epoch ended; each finish is a run's test accuracy where it stopped, as a labelled diamond; the
 * dashed rule is the time budget. The accuracy axis starts at the lowest whole 5 points below the data.
 *
 * @throws Error when there is nothing to draw or a value is not finite
 */
export function raceSpec(
  curves: readonly RaceCurve[],
  finishes: readonly RaceFinish[],
  options: RaceOptions,
): VegaLiteSpec {
  const lineRows = curves.flatMap((c) =>
    c.points.map((p) => ({ run: c.name, seconds: p.seconds, accuracy: 100 * p.accuracy })),
  );
  const finishRows = finishes.map((f) => ({
    run: f.name,
    seconds: f.seconds,
    accuracy: 100 * f.accuracy,
    label: `${f.name}: ${(100 * f.accuracy).toFixed(2)}%`,
  }));
  if (lineRows.length + finishRows.length === 0) throw new Error("raceSpec needs at least one curve point or finish.");
  const values = [...lineRows, ...finishRows].flatMap((r) => [r.seconds, r.accuracy]);
  if (!values.every(Number.isFinite) || !Number.isFinite(options.budgetSeconds))
    throw new Error("raceSpec: every seconds and accuracy value must be a finite number.");
  const lowest = Math.min(...lineRows.map((r) => r.accuracy), ...finishRows.map((r) => r.accuracy));
  const yDomain = [Math.max(0, Math.floor((lowest - 0.5) / 5) * 5), 100];
  const xMax =
    Math.max(options.budgetSeconds, ...lineRows.map((r) => r.seconds), ...finishRows.map((r) => r.seconds)) * 1.05;
  const x = { field: "seconds", type: "quantitative", title: "training seconds", scale: { domain: [0, xMax] } };
  const y = { field: "accuracy", type: "quantitative", title: "accuracy (%)", scale: { domain: yDomain, zero: false } };
  const runs = [...new Set([...lineRows.map((r) => r.run), ...finishRows.map((r) => r.run)])];
  const color = { field: "run", type: "nominal", title: null, scale: { domain: runs } };
  return finishSpec({
    title: title(
      options.title ?? "The race",
      "lines: validation accuracy after each epoch · diamonds: test accuracy at the end",
    ),
    width: 520,
    height: 300,
    layer: [
      {
        data: { values: [{ seconds: options.budgetSeconds, label: "budget" }] },
        mark: { type: "rule", strokeDash: [6, 4], color: COLORS.neutral },
        encoding: { x: { ...x, field: "seconds" } },
      },
      {
        data: { values: lineRows },
        mark: { type: "line", point: true, strokeWidth: 2, clip: true },
        encoding: { x, y, color },
      },
      {
        data: { values: finishRows },
        mark: { type: "point", shape: "diamond", filled: true, size: 120, clip: true },
        encoding: { x, y, color, tooltip: [{ field: "label", type: "nominal" }] },
      },
      {
        data: { values: finishRows },
        mark: { type: "text", align: "right", dx: -8, dy: -8, fontSize: 11 },
        encoding: { x, y, text: { field: "label", type: "nominal" }, color },
      },
    ],
  });
}
