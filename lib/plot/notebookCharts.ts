/**
 * Checks the charts saved in an executed notebook: every vega-lite output is rendered again headlessly and must
 * compile without vega / vega-lite warnings and draw its data marks, and no output may carry the problem line
 * that {@link showChart} adds under a broken chart. The lesson tests run this over every lesson, so a chart
 * that only shows axes cannot be committed.
 */
import * as fs from "fs";
import { UserError } from "../util/errors";
import { CHART_PROBLEM_PREFIX, chartProblems, chartTitle, renderChart, VegaLiteSpec } from "./render";

/** The parts of an .ipynb file this check reads. */
export interface NotebookJson {
  cells: {
    cell_type: string;
    outputs?: { output_type: string; text?: string | string[]; data?: { [mime: string]: unknown } }[];
  }[];
}

/** What {@link checkNotebookCharts} found. */
export interface NotebookChartReport {
  /** vega-lite charts found in the outputs. */
  charts: number;
  /** One line per problem: code cell number (from 1), chart title, what is wrong. */
  problems: string[];
}

const VEGA_LITE_MIME_PATTERN = /^application\/vnd\.vegalite\.v\d+\+json$/;

const joined = (text: unknown) => (Array.isArray(text) ? text.join("") : typeof text === "string" ? text : "");

/** Renders every vega-lite output of a notebook again and lists what is wrong with any of them. */
export async function checkNotebookCharts(notebook: NotebookJson): Promise<NotebookChartReport> {
  const report: NotebookChartReport = { charts: 0, problems: [] };
  let codeCell = 0;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    codeCell++;
    for (const output of cell.outputs ?? []) {
      const texts = [joined(output.text), joined(output.data?.["text/plain"])];
      for (const line of texts
        .join("\n")
        .split("\n")
        .filter((l) => l.includes(CHART_PROBLEM_PREFIX))) {
        report.problems.push(`code cell ${codeCell} shows: ${line.trim()}`);
      }
      for (const [mime, payload] of Object.entries(output.data ?? {})) {
        if (!VEGA_LITE_MIME_PATTERN.test(mime)) continue;
        report.charts++;
        const spec = (typeof payload === "string" ? JSON.parse(payload) : payload) as VegaLiteSpec;
        let problems: string[];
        try {
          problems = chartProblems(await renderChart(spec));
        } catch (error) {
          problems = [(error as Error).message];
        }
        for (const problem of problems)
          report.problems.push(`code cell ${codeCell}, chart "${chartTitle(spec)}": ${problem}`);
      }
    }
  }
  return report;
}

/**
 * {@link checkNotebookCharts} for a notebook file.
 *
 * @throws UserError when the file is missing or not a notebook
 */
export async function checkNotebookChartsFile(file: string): Promise<NotebookChartReport> {
  let notebook: NotebookJson;
  try {
    notebook = JSON.parse(fs.readFileSync(file, "utf8")) as NotebookJson;
  } catch (error) {
    throw new UserError(
      `${file} could not be read as a notebook (${(error as Error).message}); run the lesson again to write it.`,
    );
  }
  if (!Array.isArray(notebook.cells)) throw new UserError(`${file} has no cells: it is not a Jupyter notebook.`);
  return checkNotebookCharts(notebook);
}
