/**
 * Small tables of text for lessons (the source's figures beside ours, settings side by side): HTML in a notebook,
 * aligned plain text elsewhere.
 */
import { MimeBundle, ShowOptions, showBundle } from "./display";
import { escapeHtml } from "./modelSummary";

/** One table row: column name → cell. Columns are taken in the order they first appear. */
export type TableRow = Record<string, string | number>;

/** Options for {@link tableBundle} and {@link showTable}. */
export interface TableOptions {
  caption?: string;
}

function columnsOf(rows: readonly TableRow[]): string[] {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return columns;
}

/**
 * The table as a notebook bundle: an HTML table and the same table as aligned plain text.
 *
 * @throws Error when there are no rows
 */
export function tableBundle(rows: readonly TableRow[], options: TableOptions = {}): MimeBundle {
  if (rows.length === 0) throw new Error("a table needs at least one row.");
  const columns = columnsOf(rows);
  const cell = (row: TableRow, column: string) => String(row[column] ?? "");
  const td = "padding:3px 12px;border-bottom:1px solid #e5e5e5;text-align:left";
  const th = "padding:4px 12px;border-bottom:2px solid #444;text-align:left";
  const caption = options.caption
    ? `<caption style="text-align:left;font-weight:bold;padding:4px 0">${escapeHtml(options.caption)}</caption>`
    : "";
  const html =
    `<table style="border-collapse:collapse;font-size:13px">${caption}` +
    `<thead><tr>${columns.map((c) => `<th style="${th}">${escapeHtml(c)}</th>`).join("")}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${columns.map((c) => `<td style="${td}">${escapeHtml(cell(r, c))}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
  const lines = [columns, ...rows.map((r) => columns.map((c) => cell(r, c)))];
  const widths = columns.map((_, i) => Math.max(...lines.map((line) => line[i].length)));
  const text = lines.map((line) =>
    line
      .map((s, i) => s.padEnd(widths[i]))
      .join("  ")
      .trimEnd(),
  );
  text.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  return { "text/html": html, "text/plain": [...(options.caption ? [options.caption] : []), ...text].join("\n") };
}

/** Shows a table: HTML (with a text fallback) in a notebook, the text on stdout otherwise. */
export function showTable(rows: readonly TableRow[], options: TableOptions & ShowOptions = {}): void {
  const bundle = tableBundle(rows, options);
  if (!showBundle(bundle, options)) console.log(bundle["text/plain"]);
}
