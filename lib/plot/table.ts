import { UserError } from "../util/errors";
import { showBundle } from "./display";

/** One row of a table: column name to cell value. */
export type TableRow = Record<string, string | number>;

function columnsOf(rows: readonly TableRow[]): string[] {
  if (rows.length === 0) throw new UserError("A table needs at least one row.");
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return columns;
}

const escapeHtml = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const cell = (row: TableRow, column: string) => String(row[column] ?? "");

/** An HTML table of the rows (columns in order of first appearance, missing cells empty, text escaped). */
export function tableHtml(rows: readonly TableRow[], caption?: string): string {
  const columns = columnsOf(rows);
  const head = columns.map((c) => `<th style="text-align:left">${escapeHtml(c)}</th>`).join("");
  const body = rows.map((r) => `<tr>${columns.map((c) => `<td style="text-align:left">${escapeHtml(cell(r, c))}</td>`).join("")}</tr>`).join("");
  const title = caption ? `<caption style="text-align:left"><b>${escapeHtml(caption)}</b></caption>` : "";
  return `<table>${title}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The same table as aligned plain text, for terminals and the notebook's text fallback. */
export function tableText(rows: readonly TableRow[], caption?: string): string {
  const columns = columnsOf(rows);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r, c).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  const lines = [line(columns), line(widths.map((w) => "-".repeat(w))), ...rows.map((r) => line(columns.map((c) => cell(r, c))))];
  return (caption ? [caption, ...lines] : lines).join("\n");
}

/**
 * Shows rows as a table in the notebook (HTML, with plain text as the fallback).
 *
 * @throws UserError when there are no rows
 */
export function showTable(rows: readonly TableRow[], options: { caption?: string } = {}): void {
  showBundle({ "text/html": tableHtml(rows, options.caption), "text/plain": tableText(rows, options.caption) });
}
