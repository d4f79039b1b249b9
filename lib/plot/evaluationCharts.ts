/**
 * Evaluation pictures from plain data: confusion matrix, per-class accuracy bars, and a PNG grid of the
 * most confident mistakes.
 */
import { CLASS_NAMES, className } from "./classNames";
import { ClassAccuracy, matrixAccuracy, mostConfidentMistakes } from "../metrics/classification";
import { imageGridPng } from "./imageGrid";
import { ImageInput } from "./raster";
import { VegaLiteSpec } from "./render";
import { COLORS, finishSpec, percent, title } from "./specCommon";

/** Options shared by the evaluation charts. */
export interface EvaluationChartOptions {
  /** Chart title. */
  title?: string;
  /** Class names (default {@link CLASS_NAMES}). */
  classNames?: readonly string[];
}

/** One cell of a confusion matrix as the heatmaps draw it: class indices and names, count, share of the true class. */
export interface ConfusionCell {
  t: number;
  p: number;
  trueName: string;
  predName: string;
  count: number;
  share: number;
}

/** The cells of `matrix[true][predicted]`, row by row, each with its share of its row (0 for an empty row). */
export function confusionCells(matrix: readonly (readonly number[])[], names: readonly string[]): ConfusionCell[] {
  return matrix.flatMap((row, t) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    return row.map((count, p) => ({
      t,
      p,
      trueName: className(t, names),
      predName: className(p, names),
      count,
      share: rowTotal > 0 ? count / rowTotal : 0,
    }));
  });
}

/** The layer that writes each cell's count on a confusion heatmap: white on dark cells, grey for zeros. */
export function confusionCountLayer(fontSize: number) {
  return {
    mark: { type: "text", fontSize },
    encoding: {
      text: { field: "count", type: "quantitative" },
      color: {
        condition: [
          { test: "datum.share > 0.5", value: "white" },
          { test: "datum.count === 0", value: "#8c959f" },
        ],
        value: COLORS.text,
      },
    },
  };
}

/**
 * Confusion-matrix heatmap: true class down, predicted class across, count in every cell, colour = share of
 * the true class's images (so rows of different sizes compare fairly).
 *
 * @example await showChart(confusionMatrixSpec(confusionMatrix(testLabels, predicted)))
 * @param matrix - `matrix[true][predicted]` counts, e.g. from {@link confusionMatrix}.
 */
export function confusionMatrixSpec(
  matrix: readonly (readonly number[])[],
  options: EvaluationChartOptions = {},
): VegaLiteSpec {
  const names = options.classNames ?? CLASS_NAMES;
  const cells = confusionCells(matrix, names).map((cell) => ({ ...cell, shareText: percent(cell.share) }));
  const total = cells.reduce((sum, cell) => sum + cell.count, 0);
  const order = matrix.map((_, i) => className(i, names));
  const side = Math.max(240, matrix.length * 44);
  return finishSpec({
    title: title(
      options.title ?? "Confusion matrix",
      `${total} images, accuracy ${percent(matrixAccuracy(matrix))}; ` + "rows: true class, columns: predicted class",
    ),
    width: side,
    height: side,
    data: { values: cells },
    encoding: {
      x: {
        field: "predName",
        type: "nominal",
        sort: order,
        axis: { title: "predicted class", labelAngle: -40, orient: "bottom", grid: false },
      },
      y: { field: "trueName", type: "nominal", sort: order, axis: { title: "true class", grid: false } },
    },
    layer: [
      {
        mark: { type: "rect", tooltip: true },
        encoding: {
          color: {
            field: "share",
            type: "quantitative",
            scale: { scheme: "blues", domain: [0, 1] },
            legend: { title: "share of row", format: ".0%", gradientLength: side - 40, titleLimit: 200 },
          },
          tooltip: [
            { field: "trueName", title: "true class" },
            { field: "predName", title: "predicted" },
            { field: "count", title: "images" },
            { field: "shareText", title: "share of true class" },
          ],
        },
      },
      confusionCountLayer(11),
    ],
  });
}

/**
 * Horizontal bars of accuracy per class, with the value written on each bar and a rule at the mean.
 *
 * @example await showChart(perClassAccuracySpec(perClassAccuracy(matrix)))
 * @param accuracies - per class: numbers in 0..1 (index = class), or {@link ClassAccuracy} records.
 */
export function perClassAccuracySpec(
  accuracies: ArrayLike<number> | readonly ClassAccuracy[],
  options: EvaluationChartOptions = {},
): VegaLiteSpec {
  const names = options.classNames ?? CLASS_NAMES;
  const rows = Array.from(accuracies as ArrayLike<number | ClassAccuracy>, (a, i) => {
    const acc = typeof a === "number" ? a : a.accuracy;
    const label = typeof a === "number" ? i : a.label;
    const images = typeof a === "number" ? null : a.total;
    return {
      index: label,
      name: className(label, names),
      percent: +(acc * 100).toFixed(2),
      text: percent(acc),
      images,
    };
  }).filter((r) => Number.isFinite(r.percent));
  const order = rows.map((r) => r.name);
  const mean = rows.reduce((s, r) => s + r.percent, 0) / Math.max(1, rows.length);
  return finishSpec({
    title: title(options.title ?? "Accuracy per class", `mean over classes ${mean.toFixed(1)}% (dashed line)`),
    width: 420,
    height: Math.max(160, rows.length * 24),
    data: { values: rows },
    layer: [
      {
        mark: { type: "bar", color: COLORS.train, tooltip: true },
        encoding: {
          y: { field: "name", type: "nominal", sort: order, axis: { title: "class" } },
          x: { field: "percent", type: "quantitative", scale: { domain: [0, 100] }, axis: { title: "accuracy (%)" } },
        },
      },
      {
        // value inside the bar, at its start, when the bar is long enough; else just after the bar's end
        transform: [{ filter: "datum.percent >= 15" }],
        mark: { type: "text", align: "left", dx: 5, color: "white", fontSize: 11 },
        encoding: {
          y: { field: "name", type: "nominal", sort: order },
          x: { datum: 0, type: "quantitative" },
          text: { field: "text" },
        },
      },
      {
        transform: [{ filter: "datum.percent < 15" }],
        mark: { type: "text", align: "left", dx: 4, color: COLORS.text, fontSize: 11 },
        encoding: {
          y: { field: "name", type: "nominal", sort: order },
          x: { field: "percent", type: "quantitative" },
          text: { field: "text" },
        },
      },
      {
        data: { values: [{ mean }] },
        mark: { type: "rule", color: COLORS.validation, strokeDash: [6, 4], strokeWidth: 2 },
        encoding: { x: { field: "mean", type: "quantitative" } },
      },
    ],
  });
}

/** Options for {@link mistakesGridPng}. */
export interface MistakesGridOptions extends EvaluationChartOptions {
  /** How many mistakes to show (default 16). */
  count?: number;
  /** Images per row of the grid. */
  columns?: number;
}

/**
 * PNG grid of the wrong predictions the model was most confident about: each image with its true class and
 * the (red) predicted class and confidence.
 *
 * @example showPng(mistakesGridPng(testImages, probs, testLabels))
 * @param images - all evaluated images (784 values each).
 * @param probabilities - class probabilities per image.
 * @param labels - true class per image.
 * @throws Error when there are no mistakes to show.
 */
export function mistakesGridPng(
  images: ArrayLike<ImageInput>,
  probabilities: ArrayLike<ArrayLike<number>>,
  labels: ArrayLike<number>,
  options: MistakesGridOptions = {},
): Buffer {
  if (images.length !== labels.length) {
    throw new Error(
      `mistakesGridPng got ${images.length} images but ${labels.length} labels; pass one label per image.`,
    );
  }
  const mistakes = mostConfidentMistakes(probabilities, labels, options.count ?? 16);
  if (mistakes.length === 0)
    throw new Error("mistakesGridPng: the model made no mistakes on these images, so there is nothing to show.");
  return imageGridPng(
    mistakes.map((m) => ({
      image: images[m.index],
      label: m.label,
      predicted: m.predicted,
      probability: m.probability,
    })),
    {
      title: options.title ?? `Most confident mistakes (${mistakes.length})`,
      columns: options.columns,
      classNames: options.classNames,
    },
  );
}
