/**
 * The source's printed figures beside ours, in one table: every lesson that reproduces a walkthrough shows one,
 * so a learner sees at a glance what reproduced and what did not.
 */
import { MimeBundle, ShowOptions, showBundle } from "./display";
import { escapeHtml } from "./modelSummary";

/** One quantity the source printed, and what this run measured. `null` where one side has no figure. */
export interface SourceFigure {
  quantity: string;
  source: number | string | null;
  ours: number | string | null;
  /** Why the two may differ, or what the figure means. */
  note?: string;
}

/** Options for {@link sourceComparisonBundle}. */
export interface SourceTableOptions {
  /** Caption above the table. */
  title?: string;
  /** Decimals of numeric figures (default 4, as Keras prints them). */
  digits?: number;
  /** Column headings (default "source" and "this run"). */
  sourceLabel?: string;
  oursLabel?: string;
}

/** A figure as printed: numbers to `digits` decimals, missing ones as a dash. */
function figure(value: number | string | null, digits: number): string {
  if (value === null) return "–";
  return typeof value === "number" ? value.toFixed(digits) : value;
}

/**
 * The comparison as a MIME bundle: an HTML table for notebooks and an aligned text table for everything else.
 *
 * @throws Error when `rows` is empty
 */
export function sourceComparisonBundle(rows: readonly SourceFigure[], options: SourceTableOptions = {}): MimeBundle {
  if (rows.length === 0) throw new Error("sourceComparisonBundle needs at least one row.");
  const {
    title = "The source's figures and ours",
    digits = 4,
    sourceLabel = "source",
    oursLabel = "this run",
  } = options;
  const cells = rows.map((r) => [r.quantity, figure(r.source, digits), figure(r.ours, digits), r.note ?? ""]);
  const header = ["", sourceLabel, oursLabel, ""];
  const cell = (tag: string, value: string, i: number) =>
    `<${tag} style="text-align:${i === 1 || i === 2 ? "right" : "left"};padding:2px 10px">${escapeHtml(value)}</${tag}>`;
  const html =
    `<table><caption style="text-align:left"><b>${escapeHtml(title)}</b></caption>` +
    `<thead><tr>${header.map((h, i) => cell("th", h, i)).join("")}</tr></thead><tbody>` +
    cells.map((row) => `<tr>${row.map((v, i) => cell("td", v, i)).join("")}</tr>`).join("") +
    "</tbody></table>";
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row
      .map((v, i) => (i === 1 || i === 2 ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const text = [title, line(header), ...cells.map(line)].join("\n");
  return { "text/html": html, "text/plain": text };
}

/**
 * Shows the source's figures beside ours as one notebook output (does nothing outside a notebook).
 *
 * @example showSourceComparison([{ quantity: "test accuracy", source: 0.8777, ours: test.accuracy }])
 */
export function showSourceComparison(
  rows: readonly SourceFigure[],
  options: SourceTableOptions & ShowOptions = {},
): void {
  showBundle(sourceComparisonBundle(rows, options), options);
}
