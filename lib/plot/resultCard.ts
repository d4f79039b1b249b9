/**
 * Shows a result record in a notebook: the record itself for the lesson runner, a small card, and plain text.
 */
import { ResultRecord, roundRecord } from "../metrics/results";
import { showBundle } from "./display";

/** MIME type under which lessons display their result records (one display per trained model). */
export const RESULT_MIME = "application/vnd.fmnist.result+json";

/**
 * Shows a result record in the notebook as one output: the record itself under {@link RESULT_MIME} (the lesson
 * runner collects it), a small HTML card, and plain text. Numbers are rounded with {@link roundRecord}.
 */
export function showResult(record: ResultRecord): void {
  const rounded = roundRecord(record);
  const rows = Object.entries(rounded)
    .map(
      ([key, value]) =>
        `<tr><th style="text-align:left;padding-right:1em">${key}</th><td style="text-align:left">${value}</td></tr>`,
    )
    .join("");
  showBundle({
    [RESULT_MIME]: rounded,
    "text/html": `<table><caption style="text-align:left"><b>Result: ${rounded.model}</b></caption>${rows}</table>`,
    "text/plain": JSON.stringify(rounded, null, 2),
  });
}
