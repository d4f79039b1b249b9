/**
 * Charts that compare several models: per-epoch curves of named runs on one chart, and test accuracy bars.
 */
import { VegaLiteSpec } from "./render";
import { COLORS, finishSpec, percent, title } from "./specCommon";
import { accuracyKey } from "../metrics/trainingRecord";

/** Per-epoch values by metric name: loss, acc/accuracy, val_loss, val_acc/val_accuracy. */
export type MetricHistory = { [metric: string]: ArrayLike<unknown> | undefined };

/**
 * One named training run: its per-epoch metrics, or the whole `tf.History` returned by `model.fit`
 * (its `.history` is read).
 */
export interface NamedRun {
  name: string;
  history: MetricHistory | { history: MetricHistory };
}

/** The metric table of a run, whether given directly or as a `tf.History`. */
function metricsOf(run: NamedRun): MetricHistory {
  const h = run.history as { history?: unknown };
  return h.history && typeof h.history === "object" && !Array.isArray(h.history)
    ? (h.history as MetricHistory)
    : (run.history as MetricHistory);
}

/** Options for {@link compareRunsSpec}. */
export interface CompareRunsOptions {
  /** Chart title (default "Training runs compared"). */
  title?: string;
  /** Y-axis title of the loss panel (default "loss (cross-entropy)"). */
  lossTitle?: string;
}

/**
 * Longest axis or legend label, in pixels, before vega cuts it with "…". Headless vega has no canvas to measure text and
 * estimates 0.8 × font size per character, far wider than real text, so limits are generous.
 */
const LABEL_LIMIT = 480;

/** Line style of each data split: dashed for training data, solid for validation data. */
const DASHES = { train: [6, 4], validation: [1, 0] };

type RunRow = { run: string; epoch: number; metric: "loss" | "accuracy"; split: "train" | "validation"; value: number };

/** Long-format rows (run, epoch, metric, split, value) of several runs; accuracy in percent. */
export function runRows(runs: readonly NamedRun[]): RunRow[] {
  const rows: RunRow[] = [];
  for (const run of runs) {
    const history = metricsOf(run);
    const acc = accuracyKey(Object.keys(history));
    const series: [string | undefined, "loss" | "accuracy", "train" | "validation", number][] = [
      ["loss", "loss", "train", 1],
      ["val_loss", "loss", "validation", 1],
      [acc, "accuracy", "train", 100],
      [acc && `val_${acc}`, "accuracy", "validation", 100],
    ];
    for (const [key, metric, split, scale] of series) {
      const values = key ? history[key] : undefined;
      if (!values) continue;
      for (let i = 0; i < values.length; i++) {
        const v = Number(values[i]);
        if (Number.isFinite(v))
          rows.push({ run: run.name, epoch: i + 1, metric, split, value: +(v * scale).toFixed(5) });
      }
    }
  }
  return rows;
}

/**
 * The accuracy axis of {@link compareRunsSpec}: zoomed to the values (percent) in steps of 5 with at least one point
 * of margin, from 0 when a value is below 20%, so that the title can say truthfully whether it starts at 0.
 */
function accuracyAxis(percents: readonly number[]): [number, number] {
  const lowest = Math.min(...percents);
  const low = lowest < 20 ? 0 : 5 * Math.floor((lowest - 1) / 5);
  const high = Math.min(100, 5 * Math.ceil((Math.max(...percents) + 1) / 5));
  return [low, high];
}

/**
 * Accuracy (left) and loss (right) per epoch of several runs on one chart: colour = run, dashed = train,
 * solid = validation. The accuracy axis is zoomed to the runs ({@link accuracyAxis}) and its title says where it starts
 * when that is not 0.
 *
 * @example await showChart(compareRunsSpec([{ name: "MLP", history: h1.history }, { name: "CNN", history: h2.history }]))
 * @throws Error when no run has any values.
 */
export function compareRunsSpec(runs: readonly NamedRun[], options: CompareRunsOptions = {}): VegaLiteSpec {
  const rows = runRows(runs);
  if (rows.length === 0) {
    throw new Error(
      "compareRunsSpec: the runs have no loss/accuracy values; pass model.fit(...).history for each run.",
    );
  }
  // Only the splits the runs have appear in the legend (no "validation" entry for runs trained without one).
  const splits = (["train", "validation"] as const).filter((split) => rows.some((r) => r.split === split));
  const maxEpoch = Math.max(...rows.map((r) => r.epoch));
  const step = Math.ceil(maxEpoch / 12);
  const epochTicks = Array.from({ length: Math.max(2, maxEpoch) }, (_, i) => i + 1).filter((e) => (e - 1) % step === 0);
  const panel = (metric: "loss" | "accuracy", yTitle: string, yScale: object = { zero: false }) => ({
    title: { text: metric === "loss" ? "Loss" : "Accuracy", fontSize: 13 },
    width: 340,
    height: 240,
    transform: [{ filter: `datum.metric === '${metric}'` }],
    encoding: {
      x: {
        field: "epoch",
        type: "quantitative",
        scale: { domain: [1, Math.max(2, maxEpoch)] },
        axis: { title: "epoch", format: "d", values: epochTicks },
      },
      y: { field: "value", type: "quantitative", scale: yScale, axis: { title: yTitle } },
      color: {
        field: "run",
        type: "nominal",
        title: "run",
        sort: runs.map((r) => r.name),
        legend: { symbolType: "stroke", symbolStrokeWidth: 3, symbolSize: 500, labelLimit: LABEL_LIMIT },
      },
      detail: { field: "split" },
      tooltip: [
        { field: "run" },
        { field: "split", title: "data" },
        { field: "epoch" },
        { field: "value", title: yTitle, format: ".4f" },
      ],
    },
    layer: [
      {
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          strokeDash: {
            field: "split",
            type: "nominal",
            title: "data",
            sort: splits,
            scale: { domain: splits, range: splits.map((split) => DASHES[split]) },
            legend: { symbolType: "stroke", symbolStrokeWidth: 2, symbolStrokeColor: "#555", symbolSize: 500 },
          },
        },
      },
      { mark: { type: "point", filled: true, size: 30 } },
    ],
  });
  const panels = [];
  const accuracies = rows.filter((r) => r.metric === "accuracy").map((r) => r.value);
  if (accuracies.length > 0) {
    const [low, high] = accuracyAxis(accuracies);
    const accuracyTitle = low > 0 ? `accuracy (%; the axis starts at ${low}, not 0)` : "accuracy (%)";
    panels.push(panel("accuracy", accuracyTitle, { domain: [low, high] }));
  }
  panels.push(panel("loss", options.lossTitle ?? "loss (cross-entropy)"));
  return finishSpec({
    title: title(
      options.title ?? "Training runs compared",
      splits.includes("validation")
        ? "dashed: training data, solid: validation data"
        : "training data only (no validation set)",
    ),
    data: { values: rows },
    hconcat: panels,
    resolve: { scale: { y: "independent" } },
  });
}

/** One model's test accuracy (0..1). */
export interface ModelScore {
  name: string;
  accuracy: number;
}

/**
 * Bar chart of test accuracy per model, best first (or in the given order with `keepOrder`), with the value on
 * each bar; the axis runs from 0 to 100%.
 *
 * @example await showChart(testAccuracySpec([{ name: "MLP", accuracy: 0.88 }, { name: "CNN", accuracy: 0.91 }]))
 * @throws Error when the list is empty.
 */
export function testAccuracySpec(
  scores: readonly ModelScore[],
  options: { title?: string; keepOrder?: boolean } = {},
): VegaLiteSpec {
  if (scores.length === 0) throw new Error("testAccuracySpec needs at least one { name, accuracy } entry.");
  const rows = scores.map((s) => ({
    name: s.name,
    percent: +(s.accuracy * 100).toFixed(2),
    text: percent(s.accuracy, 2),
  }));
  const order = (options.keepOrder ? rows : rows.slice().sort((a, b) => b.percent - a.percent)).map((r) => r.name);
  const best = scores.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  return finishSpec({
    title: title(options.title ?? "Test accuracy per model", `best: ${best.name} ${percent(best.accuracy, 2)}`),
    width: 420,
    height: Math.max(80, rows.length * 30),
    data: { values: rows },
    encoding: {
      y: { field: "name", type: "nominal", sort: order, axis: { title: "model", labelLimit: LABEL_LIMIT } },
      x: { field: "percent", type: "quantitative", scale: { domain: [0, 100] }, axis: { title: "test accuracy (%)" } },
    },
    layer: [
      { mark: { type: "bar", color: COLORS.train, tooltip: true } },
      {
        mark: { type: "text", align: "left", dx: 4, color: COLORS.text, fontSize: 12 },
        encoding: { text: { field: "text" } },
      },
    ],
  });
}

/** One labelled accuracy (0..1), e.g. of a part of the data. */
export interface NamedAccuracy {
  part: string;
  accuracy: number;
}

/**
 * Dots for a few accuracies that lie close together, each with its value. The axis is zoomed to them (whole
 * percents, two points of margin) and the subtitle says where it starts, so small gaps are visible without being
 * mistaken for large ones.
 *
 * @throws Error when the list is empty
 */
export function accuracyDotsSpec(values: readonly NamedAccuracy[], options: { title?: string } = {}): VegaLiteSpec {
  if (values.length === 0) throw new Error("accuracyDotsSpec needs at least one { part, accuracy } entry.");
  const rows = values.map((v) => ({
    part: v.part,
    percent: +(v.accuracy * 100).toFixed(2),
    text: percent(v.accuracy),
  }));
  const low = Math.max(0, Math.floor(Math.min(...rows.map((r) => r.percent))) - 2);
  const high = Math.min(100, Math.ceil(Math.max(...rows.map((r) => r.percent))) + 2);
  return finishSpec({
    title: title(options.title ?? "Accuracy", `the axis is zoomed: it starts at ${low}%, not at 0`),
    width: 360,
    height: Math.max(60, rows.length * 28),
    data: { values: rows },
    encoding: {
      y: { field: "part", type: "nominal", sort: null, title: null, axis: { labelLimit: LABEL_LIMIT } },
      x: { field: "percent", type: "quantitative", scale: { domain: [low, high] }, title: "accuracy (%)" },
    },
    layer: [
      { mark: { type: "point", filled: true, size: 140, color: COLORS.train } },
      {
        mark: { type: "text", align: "left", dx: 10, fontSize: 12, color: COLORS.text },
        encoding: { text: { field: "text" } },
      },
    ],
  });
}

/** One measurement of one setting with one seed (see {@link settingDotsSpec}). */
export interface SettingValue {
  setting: string;
  seed: number;
  value: number;
}

/** Options for {@link settingDotsSpec}. */
export interface SettingDotsOptions {
  title: string;
  subtitle?: string;
  /** Title of the x axis (what the settings are). */
  settingTitle: string;
  /** Title of the y axis (what was measured). */
  valueTitle: string;
  /** A log y axis (all values must be > 0). */
  log?: boolean;
  /** A dashed horizontal reference line, e.g. ln 10 for a loss. */
  reference?: number;
}

/**
 * One dot per seed for each setting (settings in the given order, seeds side by side in colour), with an optional
 * dashed reference line: shows at a glance whether a result holds for every seed or depends on luck.
 *
 * @throws Error when the list is empty, or when a log axis is asked for with values <= 0
 */
export function settingDotsSpec(values: readonly SettingValue[], options: SettingDotsOptions): VegaLiteSpec {
  if (values.length === 0) throw new Error("settingDotsSpec needs at least one { setting, seed, value } entry.");
  if (options.log && values.some((v) => !(v.value > 0)))
    throw new Error("settingDotsSpec: a log axis needs values above 0.");
  const rows = values.map((v) => ({ setting: v.setting, seed: `seed ${v.seed}`, value: v.value }));
  const settings = [...new Set(rows.map((r) => r.setting))];
  const y = {
    field: "value",
    type: "quantitative",
    title: options.valueTitle,
    scale: options.log ? { type: "log" } : { zero: false },
  };
  const layers: object[] = [
    {
      data: { values: rows },
      mark: { type: "point", filled: true, size: 70, opacity: 0.85, tooltip: true },
      encoding: {
        x: {
          field: "setting",
          type: "nominal",
          sort: settings,
          title: options.settingTitle,
          axis: { labelAngle: 0, labelLimit: 160 },
        },
        xOffset: { field: "seed", type: "nominal" },
        y,
        color: { field: "seed", type: "nominal", title: null, legend: { orient: "bottom" } },
      },
    },
  ];
  if (options.reference !== undefined) {
    layers.push({
      data: { values: [{ value: options.reference }] },
      mark: { type: "rule", color: "#444444", strokeDash: [5, 4] },
      encoding: { y: { field: "value", type: "quantitative" } },
    });
  }
  return finishSpec({
    title: title(options.title, options.subtitle),
    width: Math.max(240, settings.length * 110),
    height: 220,
    layer: layers,
  });
}
