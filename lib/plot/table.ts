/**
 * Small tables of plain values (records, references, checks) as one notebook output: an HTML table for front ends
 * that render HTML, and aligned plain text for the others. Numeric columns are right-aligned.
 */
import { MimeBundle, showBundle } from "./display";

/** One table row: column name to value (numbers are shown as given; round them first). */
export type TableRow = Record<string, string | number>;

/** Options for {@link tableBundle} and {@link showTable}. */
export interface TableOptions {
  caption?: string;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The HTML and plain-text versions of a table whose columns are the keys of its rows (in first-seen order).
 *
 * @throws Error when there are no rows.
 */
export function tableBundle(rows: readonly TableRow[], options: TableOptions = {}): MimeBundle {
  if (rows.length === 0) throw new Error("A table needs at least one row.");
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (row: TableRow, column: string) => String(row[column] ?? "");
  const numeric = columns.map((c) => rows.every((r) => r[c] === undefined || typeof r[c] === "number"));
  const align = (i: number) => (numeric[i] ? "right" : "left");
  const head = columns.map((c, i) => `<th style="text-align:${align(i)}">${escapeHtml(c)}</th>`).join("");
  const body = rows.map((r) => `<tr>${columns.map((c, i) => `<td style="text-align:${align(i)}">${escapeHtml(cell(r, c))}</td>`).join("")}</tr>`).join("");
  const caption = options.caption ? `<caption style="text-align:left"><b>${escapeHtml(options.caption)}</b></caption>` : "";
  const texts = [columns, ...rows.map((r) => columns.map((c) => cell(r, c)))];
  const widths = columns.map((_, i) => Math.max(...texts.map((t) => t[i].length)));
  const lines = texts.map((t) => t.map((text, i) => (numeric[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]))).join("  ").trimEnd());
  return {
    "text/html": `<table>${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`,
    "text/plain": [...(options.caption ? [options.caption] : []), ...lines].join("\n"),
  };
}

/** Shows a table (see {@link tableBundle}) as one notebook output; does nothing outside a notebook. */
export function showTable(rows: readonly TableRow[], options: TableOptions = {}): void {
  showBundle(tableBundle(rows, options));
}
