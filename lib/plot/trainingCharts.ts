/**
 * Loss and accuracy curves of one training run: train per batch (raw and smoothed), train per epoch and
 * validation per epoch, side by side.
 */
import { VegaLiteSpec } from "./render";
import { COLORS, finishSpec, title } from "./specCommon";
import type { TrainingRecord } from "../metrics/trainingRecord";
import { batchPositions, downsample, smooth } from "./series";

/** Options for {@link trainingCurvesSpec}. */
export interface TrainingCurvesOptions {
  /** Chart title (default "Training curves"). */
  title?: string;
  /** Line under the title, e.g. a progress summary. */
  subtitle?: string;
  /** Smoothing weight of the per-batch curve, 0..<1 (default 0.9). */
  smoothing?: number;
  /** Most points drawn per per-batch curve (default 300); longer runs are averaged into buckets. */
  maxPoints?: number;
  /** Y-axis title of the loss panel (default "loss (cross-entropy)"). */
  lossTitle?: string;
}

type Row = { x: number; value: number; series: string; metric: "loss" | "accuracy" };

const SERIES: { name: string; color: string; dash: number[] }[] = [
  { name: "train, per batch", color: COLORS.trainLight, dash: [1, 0] },
  { name: "train, smoothed", color: COLORS.train, dash: [1, 0] },
  { name: "train, epoch mean", color: COLORS.train, dash: [6, 4] },
  { name: "validation", color: COLORS.validation, dash: [1, 0] },
];

/** Builds the long-format rows (one per point) that the chart draws. */
export function trainingCurveRows(record: TrainingRecord, smoothing = 0.9, maxPoints = 300): Row[] {
  const rows: Row[] = [];
  const xs = batchPositions(record);
  const addBatchSeries = (metric: "loss" | "accuracy", values: (number | undefined)[], scale: number) => {
    const pts: { x: number; y: number }[] = [];
    values.forEach((v, i) => {
      if (v !== undefined && Number.isFinite(v)) pts.push({ x: xs[i], y: v * scale });
    });
    if (pts.length === 0) return;
    const smoothed = smooth(
      pts.map((p) => p.y),
      smoothing,
    ).map((y, i) => ({ x: pts[i].x, y }));
    for (const p of downsample(pts, maxPoints)) rows.push({ x: p.x, value: p.y, series: SERIES[0].name, metric });
    for (const p of downsample(smoothed, maxPoints)) rows.push({ x: p.x, value: p.y, series: SERIES[1].name, metric });
  };
  addBatchSeries(
    "loss",
    record.batches.map((b) => b.loss),
    1,
  );
  addBatchSeries(
    "accuracy",
    record.batches.map((b) => b.acc),
    100,
  );
  for (const e of record.epochs) {
    const x = e.epoch + 1;
    const add = (v: number | undefined, series: string, metric: "loss" | "accuracy", scale: number) => {
      if (v !== undefined && Number.isFinite(v)) rows.push({ x, value: v * scale, series, metric });
    };
    add(e.loss, SERIES[2].name, "loss", 1);
    add(e.acc, SERIES[2].name, "accuracy", 100);
    add(e.valLoss, SERIES[3].name, "loss", 1);
    add(e.valAcc, SERIES[3].name, "accuracy", 100);
  }
  return rows.map((r) => ({ ...r, x: +r.x.toFixed(4), value: +r.value.toFixed(5) }));
}

/**
 * Loss (left) and accuracy (right) curves of one run, with the x axis in epochs.
 *
 * @example await showChart(trainingCurvesSpec(board.record(), { title: "CNN on Fashion-MNIST" }))
 */
export function trainingCurvesSpec(record: TrainingRecord, options: TrainingCurvesOptions = {}): VegaLiteSpec {
  const rows = trainingCurveRows(record, options.smoothing ?? 0.9, options.maxPoints ?? 300);
  const lastX = Math.max(1, ...rows.map((r) => r.x));
  const xMax = Math.max(record.totalEpochs ?? 0, Math.ceil(lastX - 1e-9));
  const present = SERIES.filter((s) => rows.some((r) => r.series === s.name));
  const legend = present.length ? present : SERIES;
  const hasAcc = rows.some((r) => r.metric === "accuracy");
  const names = legend.map((s) => s.name);
  const xTicks = Array.from({ length: xMax + 1 }, (_, i) => i).filter(
    (i) => xMax <= 12 || i % Math.ceil(xMax / 12) === 0,
  );
  const panel = (metric: "loss" | "accuracy", yTitle: string) => ({
    title: { text: metric === "loss" ? "Loss" : "Accuracy", fontSize: 13 },
    width: 340,
    height: 220,
    transform: [{ filter: `datum.metric === '${metric}'` }],
    encoding: {
      x: {
        field: "x",
        type: "quantitative",
        scale: { domain: [0, xMax], nice: false },
        axis: { title: "epoch", values: xTicks, format: "d" },
      },
      y: { field: "value", type: "quantitative", scale: { zero: false }, axis: { title: yTitle } },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        sort: names,
        scale: { domain: names, range: legend.map((s) => s.color) },
      },
      strokeDash: {
        field: "series",
        type: "nominal",
        title: null,
        sort: names,
        scale: { domain: names, range: legend.map((s) => s.dash) },
      },
      tooltip: [
        { field: "series" },
        { field: "x", title: "epoch", format: ".2f" },
        { field: "value", title: yTitle, format: ".4f" },
      ],
    },
    layer: [
      {
        transform: [{ filter: `datum.series === '${SERIES[0].name}'` }],
        mark: { type: "line", clip: true, strokeWidth: 1, opacity: 0.8 },
      },
      {
        transform: [{ filter: `datum.series !== '${SERIES[0].name}'` }],
        mark: { type: "line", clip: true, strokeWidth: 2.2 },
      },
      {
        transform: [{ filter: `datum.series === '${SERIES[2].name}' || datum.series === '${SERIES[3].name}'` }],
        mark: { type: "point", filled: true, size: 40, clip: true },
      },
    ],
  });
  const panels = [panel("loss", options.lossTitle ?? "loss (cross-entropy)")];
  if (hasAcc) panels.push(panel("accuracy", "accuracy (%)"));
  return finishSpec({
    title: title(options.title ?? "Training curves", options.subtitle),
    data: { values: rows },
    hconcat: panels,
    resolve: { scale: { y: "independent" } },
    config: {
      legend: {
        orient: "bottom",
        labelFontSize: 11,
        symbolStrokeWidth: 2,
        symbolType: "stroke",
        symbolSize: 500,
        labelLimit: 300,
      },
    },
  });
}
