/**
 * A Keras-style model summary (layer name and type, output shape, parameter count; total / trainable /
 * non-trainable) as plain data, as a text table for terminals and as an HTML table for notebooks.
 */
import { MimeBundle, ShowOptions, showBundle } from "./display";

/** The parts of a tfjs layer the summary reads (any `tf.layers.Layer` fits). */
export interface SummaryLayer {
  name: string;
  getClassName(): string;
  readonly outputShape: unknown;
  countParams(): number;
  readonly trainableWeights: readonly { shape: readonly (number | null)[] }[];
  readonly nonTrainableWeights: readonly { shape: readonly (number | null)[] }[];
}

/** The parts of a tfjs model the summary reads (any `tf.LayersModel` / `tf.Sequential` fits). */
export interface SummaryModel {
  name: string;
  readonly layers: readonly SummaryLayer[];
}

/** One row of the summary. */
export interface LayerSummary {
  name: string;
  type: string;
  /** e.g. "[null, 26, 26, 32]" (null = any batch size). */
  outputShape: string;
  params: number;
}

/** A whole model summary as plain data. */
export interface ModelSummary {
  name: string;
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
}

function formatShape(shape: unknown): string {
  if (Array.isArray(shape) && shape.length > 0 && Array.isArray(shape[0])) return shape.map(formatShape).join(", ");
  if (Array.isArray(shape))
    return `[${shape.map((d) => (d === null || d === undefined ? "null" : String(d))).join(", ")}]`;
  return "?";
}

function weightCount(weights: readonly { shape: readonly (number | null)[] }[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce<number>((p, d) => p * (d ?? 0), 1), 0);
}

/**
 * Reads the layers of a built model into a {@link ModelSummary}.
 *
 * @example const s = summarizeModel(model); console.log(s.totalParams);
 * @throws Error when the model has not been built (no input shape yet).
 */
export function summarizeModel(model: SummaryModel): ModelSummary {
  const layers: LayerSummary[] = [];
  let trainable = 0;
  let nonTrainable = 0;
  for (const layer of model.layers) {
    let shape: unknown;
    try {
      shape = layer.outputShape;
    } catch {
      shape = undefined;
    }
    let params: number;
    try {
      params = layer.countParams();
    } catch (err) {
      throw new Error(
        `summarizeModel: layer "${layer.name}" of model "${model.name}" is not built yet ` +
          `(${(err as Error).message}). Give the first layer an inputShape, or call model.build(...) first.`,
      );
    }
    trainable += weightCount(layer.trainableWeights);
    nonTrainable += weightCount(layer.nonTrainableWeights);
    layers.push({ name: layer.name, type: layer.getClassName(), outputShape: formatShape(shape), params });
  }
  return {
    name: model.name,
    layers,
    totalParams: trainable + nonTrainable,
    trainableParams: trainable,
    nonTrainableParams: nonTrainable,
  };
}

/** 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** The summary as a fixed-width text table (for terminals and text/plain). */
export function modelSummaryText(summary: ModelSummary): string {
  const head = ["Layer (type)", "Output shape", "Params"];
  const body = summary.layers.map((l) => [`${l.name} (${l.type})`, l.outputShape, formatCount(l.params)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => `${cells[0].padEnd(w[0])}  ${cells[1].padEnd(w[1])}  ${cells[2].padStart(w[2])}`;
  const width = w[0] + w[1] + w[2] + 4;
  return [
    `Model: "${summary.name}"`,
    "─".repeat(width),
    line(head),
    "═".repeat(width),
    ...body.map(line),
    "═".repeat(width),
    `Total params: ${formatCount(summary.totalParams)}`,
    `Trainable params: ${formatCount(summary.trainableParams)}`,
    `Non-trainable params: ${formatCount(summary.nonTrainableParams)}`,
    "─".repeat(width),
  ].join("\n");
}

/** Escapes text for HTML and XML (SVG) content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The summary as an HTML table (inline styles only, so it looks the same in every front end). */
export function modelSummaryHtml(summary: ModelSummary): string {
  const td = "padding:3px 12px;border-bottom:1px solid #e5e5e5;text-align:left";
  const tdNum = td.replace("text-align:left", "text-align:right") + ";font-variant-numeric:tabular-nums";
  const th = "padding:4px 12px;border-bottom:2px solid #444;text-align:left";
  const rows = summary.layers.map(
    (l) =>
      `<tr><td style="${td}"><b>${escapeHtml(l.name)}</b> <span style="color:#57606a">(${escapeHtml(l.type)})</span></td>` +
      `<td style="${td};font-family:monospace">${escapeHtml(l.outputShape)}</td><td style="${tdNum}">${formatCount(l.params)}</td></tr>`,
  );
  const foot = (
    [
      ["Total params", summary.totalParams],
      ["Trainable params", summary.trainableParams],
      ["Non-trainable params", summary.nonTrainableParams],
    ] as [string, number][]
  ).map(
    ([k, v]) =>
      `<tr><td colspan="2" style="padding:2px 12px;text-align:right">${k}</td><td style="padding:2px 12px;text-align:right"><b>${formatCount(v)}</b></td></tr>`,
  );
  return (
    `<div><div style="font-weight:bold;margin:4px 0">Model: ${escapeHtml(summary.name)}</div>` +
    `<table style="border-collapse:collapse;font-size:13px">` +
    `<thead><tr><th style="${th}">Layer (type)</th><th style="${th}">Output shape</th><th style="${th};text-align:right">Params</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody><tfoot>${foot.join("")}</tfoot></table></div>`
  );
}

/** The notebook bundle: HTML table plus the text table as text/plain. */
export function modelSummaryBundle(summary: ModelSummary): MimeBundle {
  return { "text/html": modelSummaryHtml(summary), "text/plain": modelSummaryText(summary) };
}

/**
 * Shows a model summary: an HTML table (plus text) in a notebook, the text table on stdout otherwise.
 * Returns nothing so that tslab prints nothing after the table; use {@link summarizeModel} for the data.
 *
 * @example showModelSummary(model)
 */
export function showModelSummary(model: SummaryModel, options: ShowOptions = {}): void {
  const summary = summarizeModel(model);
  if (!showBundle(modelSummaryBundle(summary), options)) console.log(modelSummaryText(summary));
}
