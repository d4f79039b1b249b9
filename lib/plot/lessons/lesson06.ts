/**
 * Charts of the comparison lesson: every lesson's result records side by side, accuracy against training time,
 * several confusion matrices at once, the confusions all models share, how often the models agree, and where the
 * course's models stand among published results.
 */
import { BenchmarkSource, PublishedResult } from "../../compare/published";
import { SharedConfusion } from "../../compare/agreement";
import { accuracyFrontier, recordLabel, timedTraining } from "../../compare/records";
import type { ResultRecord } from "../../metrics/results";
import { CLASS_NAMES, className } from "../classNames";
import { confusionCells, confusionCountLayer } from "../evaluationCharts";
import { VegaLiteSpec } from "../render";
import { COLORS, finishSpec, percent, title } from "../specCommon";

/** The record fields the comparison charts read. */
export type ComparedRecord = Pick<
  ResultRecord,
  "lesson" | "model" | "params" | "test_accuracy" | "seconds" | "img_per_s" | "timing"
>;

function requireSome<T>(items: readonly T[], what: string): void {
  if (items.length === 0) throw new Error(`${what} needs at least one entry; got an empty list.`);
}

/**
 * One row per record, four panels: test accuracy, parameters, seconds and images per second (the last three on
 * log scales, since they span orders of magnitude). Records that timed inference rather than training are drawn
 * hollow.
 *
 * @throws Error when there are no records.
 */
export function recordsOverviewSpec(
  records: readonly ComparedRecord[],
  options: { title?: string } = {},
): VegaLiteSpec {
  requireSome(records, "recordsOverviewSpec");
  const rows = records.map((r) => ({
    name: recordLabel(r),
    lesson: r.lesson,
    timed: timedTraining(r) ? "training" : "inference",
    accuracy: +(r.test_accuracy * 100).toFixed(2),
    params: r.params,
    seconds: r.seconds,
    speed: Math.round(r.img_per_s),
  }));
  const order = rows.map((r) => r.name);
  const panel = (field: string, heading: string, axisTitle: string, format: string, log: boolean, first: boolean) => ({
    title: { text: heading, fontSize: 13 },
    width: 170,
    height: Math.max(120, rows.length * 22),
    transform: log ? [{ filter: `datum.${field} > 0` }] : [],
    encoding: {
      y: { field: "name", type: "nominal", sort: order, axis: first ? { title: null, labelLimit: 260 } : null },
      x: {
        field,
        type: "quantitative",
        scale: log ? { type: "log" } : { zero: false, padding: 12 },
        axis: { title: axisTitle, format, tickCount: 4 },
      },
    },
    layer: [
      {
        mark: { type: "point", size: 70, strokeWidth: 2 },
        encoding: {
          color: { value: COLORS.train },
          fill: {
            field: "timed",
            type: "nominal",
            scale: { domain: ["training", "inference"], range: [COLORS.train, "white"] },
            legend: { title: "time measured", orient: "bottom" },
          },
          tooltip: [
            { field: "name", title: "model" },
            { field, title: axisTitle, format },
          ],
        },
      },
      {
        mark: { type: "text", align: "left", dx: 7, fontSize: 10, color: COLORS.text },
        encoding: { text: { field, format } },
      },
    ],
  });
  return finishSpec({
    title: title(
      options.title ?? "Every result record",
      `${rows.length} models; hollow: the time is of evaluation, not training`,
    ),
    data: { values: rows },
    hconcat: [
      panel("accuracy", "Test accuracy", "accuracy (%)", ".1f", false, true),
      panel("params", "Parameters", "parameters (log)", ".3~s", true, false),
      panel("seconds", "Time", "seconds (log)", ",.3~r", true, false),
      panel("speed", "Speed", "images/s (log)", ".3~s", true, false),
    ],
    spacing: 40,
  });
}

/**
 * Test accuracy against training time (log scale) for the records that timed training, one colour per lesson.
 * The step line joins the runs no other run beats on both counts: the cheapest way to each level of accuracy. Those
 * runs are named in a second panel, one row each in order of time with their accuracy and time, rather than
 * beside their points, where runs a few seconds and a few tenths of a point apart would print over each other.
 *
 * @throws Error when no record timed training.
 */
export function accuracyVsTimeSpec(records: readonly ComparedRecord[], options: { title?: string } = {}): VegaLiteSpec {
  const trained = records.filter((r) => timedTraining(r) && r.seconds > 0);
  requireSome(trained, "accuracyVsTimeSpec (records that timed training)");
  const frontier = new Set(accuracyFrontier(trained));
  const rows = trained.map((r) => ({
    name: recordLabel(r),
    lesson: r.lesson,
    seconds: r.seconds,
    accuracy: +(r.test_accuracy * 100).toFixed(2),
    onFrontier: frontier.has(r),
  }));
  const frontierRows = rows.filter((r) => r.onFrontier).sort((a, b) => a.seconds - b.seconds);
  const x = {
    field: "seconds",
    type: "quantitative",
    scale: { type: "log" },
    axis: { title: "training time (seconds, log scale)", format: ",~r" },
  };
  const y = {
    field: "accuracy",
    type: "quantitative",
    scale: { zero: false, padding: 14 },
    axis: { title: "test accuracy (%)" },
  };
  const color = {
    field: "lesson",
    type: "nominal",
    legend: { title: "lesson", orient: "bottom", columns: 3, labelLimit: 220 },
  };
  const tooltip = [
    { field: "name", title: "model" },
    { field: "seconds", format: ".1f" },
    { field: "accuracy", title: "accuracy (%)", format: ".2f" },
  ];
  return finishSpec({
    title: title(
      options.title ?? "Accuracy against training time",
      "line: the runs no faster run matches, named on the right; up and left is better",
    ),
    hconcat: [
      {
        width: 440,
        height: 320,
        layer: [
          {
            data: { values: frontierRows },
            mark: { type: "line", interpolate: "step-after", color: COLORS.neutral, strokeDash: [5, 3] },
            encoding: { x, y },
          },
          {
            data: { values: rows },
            mark: { type: "point", filled: true, size: 90 },
            encoding: { x, y, color, tooltip },
          },
        ],
      },
      {
        title: { text: "The runs on the line, fastest first", fontSize: 13, anchor: "start" },
        width: 200,
        height: { step: 20 },
        data: { values: frontierRows },
        transform: [{ calculate: "format(datum.seconds, ',.1f') + ' s'", as: "time" }],
        encoding: {
          y: { field: "name", type: "nominal", sort: null, axis: { title: null, labelLimit: 480 } },
          x: { ...y, scale: { zero: false, padding: 10 } },
        },
        layer: [
          { mark: { type: "point", filled: true, size: 90 }, encoding: { color, tooltip } },
          {
            mark: { type: "text", align: "left", dx: 8, fontSize: 11, color: COLORS.text },
            encoding: { text: { field: "time" } },
          },
        ],
      },
    ],
    spacing: 24,
  });
}

/**
 * Several confusion matrices side by side, two per row, sharing one colour scale (share of the true class) so
 * that the same shade means the same thing in each.
 *
 * @param models - name and `matrix[true][predicted]` counts of each model.
 * @throws Error when the list is empty.
 */
export function confusionMatricesSpec(
  models: readonly { name: string; matrix: readonly (readonly number[])[] }[],
  options: { title?: string; classNames?: readonly string[] } = {},
): VegaLiteSpec {
  requireSome(models, "confusionMatricesSpec");
  const names = options.classNames ?? CLASS_NAMES;
  const cells = models.flatMap(({ name, matrix }) =>
    confusionCells(matrix, names).map((cell) => ({ model: name, ...cell })),
  );
  const order = models[0].matrix.map((_, i) => className(i, names));
  return finishSpec({
    title: title(
      options.title ?? "Confusion matrices side by side",
      "rows: true class, columns: predicted class; colour: share of the true class",
    ),
    data: { values: cells },
    facet: {
      field: "model",
      type: "nominal",
      sort: models.map((m) => m.name),
      header: { title: null, labelFontSize: 14 },
    },
    columns: 2,
    spec: {
      width: 300,
      height: 300,
      encoding: {
        x: {
          field: "predName",
          type: "nominal",
          sort: order,
          axis: { title: "predicted class", labelAngle: -40, grid: false },
        },
        y: { field: "trueName", type: "nominal", sort: order, axis: { title: "true class", grid: false } },
      },
      layer: [
        {
          mark: { type: "rect" },
          encoding: {
            color: {
              field: "share",
              type: "quantitative",
              scale: { scheme: "blues", domain: [0, 1] },
              legend: { title: "share of row", format: ".0%" },
            },
            tooltip: [
              { field: "model" },
              { field: "trueName", title: "true class" },
              { field: "predName", title: "predicted" },
              { field: "count", title: "images" },
            ],
          },
        },
        confusionCountLayer(9),
      ],
    },
    resolve: { scale: { color: "shared" } },
  });
}

/**
 * Accuracy of every class for several models on one chart: one row per class, one dot per model, so that the
 * classes where better models gain (and the ones no model masters) stand out.
 *
 * @param models - name and per-class accuracy (0..1, index = class) of each model.
 * @throws Error when the list is empty.
 */
export function perClassComparisonSpec(
  models: readonly { name: string; perClassAccuracy: ArrayLike<number> }[],
  options: { title?: string; classNames?: readonly string[] } = {},
): VegaLiteSpec {
  requireSome(models, "perClassComparisonSpec");
  const names = options.classNames ?? CLASS_NAMES;
  const rows = models.flatMap((m) =>
    Array.from(m.perClassAccuracy, (accuracy, label) => ({
      model: m.name,
      name: className(label, names),
      percent: +(accuracy * 100).toFixed(2),
    })),
  );
  const classes = Array.from(models[0].perClassAccuracy, (_, label) => className(label, names));
  const lowest = Math.min(...rows.map((r) => r.percent).filter(Number.isFinite));
  const domain = [Math.max(0, Math.floor((lowest - 2) / 5) * 5), 100];
  return finishSpec({
    title: title(
      options.title ?? "Accuracy per class, model by model",
      "one row per class; the spread of a row is what the better models gain",
    ),
    width: 420,
    height: Math.max(160, classes.length * 24),
    data: { values: rows },
    encoding: {
      y: { field: "name", type: "nominal", sort: classes, axis: { title: "class" } },
      x: { field: "percent", type: "quantitative", scale: { domain }, axis: { title: "test accuracy (%)" } },
    },
    layer: [
      {
        mark: { type: "rule", color: "#afb8c1", strokeWidth: 2 },
        encoding: { x: { aggregate: "min", field: "percent" }, x2: { aggregate: "max", field: "percent" } },
      },
      {
        mark: { type: "point", filled: true, size: 70, opacity: 0.9 },
        encoding: {
          color: {
            field: "model",
            type: "nominal",
            sort: models.map((m) => m.name),
            legend: { title: "model", orient: "right" },
          },
          tooltip: [
            { field: "model" },
            { field: "name", title: "class" },
            { field: "percent", title: "accuracy (%)", format: ".1f" },
          ],
        },
      },
    ],
  });
}

/**
 * The confusions every model makes (from {@link SharedConfusion}): one group of bars per kind of mistake, one bar
 * per model, in the order given.
 *
 * @param modelNames - the models, in the order of each confusion's `counts`.
 * @throws Error when there is nothing to draw or a count list does not match the names.
 */
export function sharedConfusionsSpec(
  confusions: readonly SharedConfusion[],
  modelNames: readonly string[],
  options: { title?: string; classNames?: readonly string[] } = {},
): VegaLiteSpec {
  requireSome(confusions, "sharedConfusionsSpec");
  if (confusions.some((c) => c.counts.length !== modelNames.length)) {
    throw new Error(`sharedConfusionsSpec: each confusion needs one count per model (${modelNames.length}).`);
  }
  const names = options.classNames ?? CLASS_NAMES;
  const pair = (c: SharedConfusion) => `${className(c.label, names)} → ${className(c.predicted, names)}`;
  const rows = confusions.flatMap((c) => c.counts.map((count, k) => ({ pair: pair(c), model: modelNames[k], count })));
  return finishSpec({
    title: title(
      options.title ?? "The mistakes every model makes",
      "true class → predicted class: test images per model",
    ),
    width: 420,
    height: { step: 9 },
    data: { values: rows },
    encoding: {
      y: { field: "pair", type: "nominal", sort: confusions.map(pair), axis: { title: null, labelLimit: 260 } },
      yOffset: { field: "model", type: "nominal", sort: [...modelNames] },
      x: { field: "count", type: "quantitative", axis: { title: "test images" } },
    },
    layer: [
      {
        mark: { type: "bar", tooltip: true },
        encoding: {
          color: {
            field: "model",
            type: "nominal",
            sort: [...modelNames],
            legend: { title: "model", orient: "right" },
          },
        },
      },
      {
        mark: { type: "text", align: "left", dx: 3, fontSize: 8, color: COLORS.text },
        encoding: { text: { field: "count" } },
      },
    ],
  });
}

/**
 * How many test images exactly 0, 1, ..., N of the N models get right, from `agreementHistogram`.
 *
 * @throws Error when the histogram has fewer than two bars.
 */
export function agreementSpec(histogram: readonly number[], options: { title?: string } = {}): VegaLiteSpec {
  if (histogram.length < 2) throw new Error("agreementSpec needs counts for 0..N models right (N >= 1).");
  const total = histogram.reduce((a, b) => a + b, 0);
  const last = histogram.length - 1;
  const rows = histogram.map((images, right) => ({
    right: right === 0 ? "none" : right === last ? `all ${last}` : String(right),
    images,
    text: `${images} (${percent(total > 0 ? images / total : 0)})`,
    role: right === 0 ? "all wrong" : right === last ? "all right" : "they disagree",
  }));
  return finishSpec({
    title: title(options.title ?? "How many of the models get each test image right", `${total} test images`),
    width: 420,
    height: Math.max(120, rows.length * 30),
    data: { values: rows },
    encoding: {
      y: { field: "right", type: "ordinal", sort: rows.map((r) => r.right), axis: { title: "models right" } },
      x: { field: "images", type: "quantitative", axis: { title: "test images" } },
    },
    layer: [
      {
        mark: { type: "bar", tooltip: true },
        encoding: {
          color: {
            field: "role",
            type: "nominal",
            scale: {
              domain: ["all wrong", "they disagree", "all right"],
              range: [COLORS.wrong, COLORS.neutral, COLORS.right],
            },
            legend: { title: null, orient: "bottom" },
          },
        },
      },
      {
        mark: { type: "text", align: "left", dx: 4, fontSize: 11, color: COLORS.text },
        encoding: { text: { field: "text" } },
      },
    ],
  });
}

/**
 * The course's models among published results: one dot per result, best at the top, coloured by where it comes
 * from.
 *
 * @param ours - the course's models, each with its test accuracy (0..1).
 * @throws Error when both lists are empty.
 */
export function benchmarkSpec(
  ours: readonly { name: string; accuracy: number }[],
  published: readonly PublishedResult[],
  options: { title?: string } = {},
): VegaLiteSpec {
  const origin: Record<BenchmarkSource, string> = { paper: "paper (Table 3)", readme: "README (submitted)" };
  const rows = [
    ...ours.map((o) => ({ name: `${o.name} (this course)`, accuracy: o.accuracy, source: "this course", notes: "" })),
    ...published.map((p) => ({ name: p.name, accuracy: p.accuracy, source: origin[p.source], notes: p.notes })),
  ].map((r) => ({ ...r, percent: +(r.accuracy * 100).toFixed(2), text: percent(r.accuracy, 1) }));
  requireSome(rows, "benchmarkSpec");
  const order = rows
    .slice()
    .sort((a, b) => b.percent - a.percent)
    .map((r) => r.name);
  return finishSpec({
    title: title(
      options.title ?? "Where our models stand",
      "Fashion-MNIST test accuracy; published figures as their sources give them",
    ),
    width: 380,
    height: Math.max(120, rows.length * 20),
    data: { values: rows },
    encoding: {
      y: { field: "name", type: "nominal", sort: order, axis: { title: null, labelLimit: 300 } },
      x: {
        field: "percent",
        type: "quantitative",
        scale: { zero: false, padding: 10 },
        axis: { title: "test accuracy (%)" },
      },
    },
    layer: [
      {
        mark: { type: "point", filled: true, size: 80 },
        encoding: {
          color: {
            field: "source",
            type: "nominal",
            scale: {
              domain: ["this course", origin.paper, origin.readme],
              range: [COLORS.wrong, COLORS.neutral, COLORS.train],
            },
            legend: { title: "source", orient: "bottom" },
          },
          tooltip: [{ field: "name" }, { field: "text", title: "accuracy" }, { field: "notes" }],
        },
      },
      {
        mark: { type: "text", align: "left", dx: 8, fontSize: 10, color: COLORS.text },
        encoding: { text: { field: "text" } },
      },
    ],
  });
}
