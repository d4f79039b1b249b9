/**
 * The prose-numbers check: every decimal number and percentage a lesson's markdown states must be one its outputs
 * show, at the precision the prose writes it, unless the prose marks it right after the number as a figure the
 * source printed (`<!--source-->`) or as arithmetic done in the sentence (`<!--arithmetic-->`). Pure text work over
 * a notebook's JSON, no kernel: `test/lessonProse.test.ts` runs it over the committed lessons.
 */

/** A number as it is written: its value, how many decimals it shows, and whether a % sign follows it. */
export interface WrittenNumber {
  /** The characters as written, e.g. "91.6%" or "1,386.5". */
  text: string;
  /** Its absolute value (a sign is not part of what is compared). */
  value: number;
  /** Digits after the decimal point (negative for numbers in scientific notation shown to tens or more). */
  decimals: number;
  /** True when a % sign follows. */
  percent: boolean;
}

/** A number in a lesson's prose that the check looks for in the outputs. */
export interface ProseNumber extends WrittenNumber {
  /** True when "points" (percentage points) follows: then 0.004 in an output shows "0.4 points". */
  points: boolean;
  /** The marker right after the number, if any. */
  marker?: "source" | "arithmetic";
}

/** A prose number no output shows: where it is and what it says. */
export interface ProseNumberProblem {
  /** Markdown cell number, counted from 1 over all cells of the notebook (code cells included). */
  cell: number;
  /** The number as written. */
  number: string;
  /** The words around it, to find it in the cell. */
  context: string;
}

/** The parts of an .ipynb file the check reads. */
export interface ProseNotebook {
  cells: {
    cell_type: string;
    source: string | string[];
    outputs?: { output_type: string; text?: string | string[]; data?: { [mime: string]: unknown } }[];
  }[];
}

/** Markers a writer may put right after a number the outputs do not show. */
const MARKER = /^\s*<!--\s*(source|arithmetic)\s*-->/;

/**
 * A number with an optional thousands grouping, decimals and % sign; not part of a word, a longer dotted number or an
 * exponent. The look-behind keeps "x1.5" and the "3" of "v3.2" out; versions (4.22.0) are dropped afterwards.
 */
const NUMBER = /(?<![\p{L}\d.,_^])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?(\s?%)?/gu;

const joined = (text: unknown) => (Array.isArray(text) ? text.join("") : typeof text === "string" ? text : "");

/** Every number written in `text` (outputs and prose alike), with its value and shown precision. */
export function writtenNumbers(text: string): (WrittenNumber & { index: number; end: number })[] {
  const found: (WrittenNumber & { index: number; end: number })[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const index = m.index ?? 0;
    const end = index + m[0].length;
    // A dotted version or address (4.22.0, 127.0.0.1) is not a quantity.
    if (!m[3] && /^\.\d/.test(text.slice(end))) continue;
    const whole = m[1].replace(/,/g, "");
    const fraction = m[2] ?? "";
    const exponent = m[3] ? Number(m[3]) : 0;
    found.push({
      text: m[0],
      value: Math.abs(Number(`${whole}.${fraction || "0"}e${exponent}`)),
      decimals: fraction.length - exponent,
      percent: m[4] !== undefined,
      index,
      end,
    });
  }
  return found;
}

/**
 * Prose without what is not prose: fenced code, inline code that is more than a bare number, link targets, bare URLs
 * and HTML comments other than the two markers. Removed parts become spaces, so nothing joins across them.
 */
function proseOnly(markdown: string): string {
  const blank = (s: string) => " ".repeat(s.length);
  return markdown
    .replace(/```[\s\S]*?```/g, blank)
    .replace(/`([^`]*)`/g, (all, inner: string) => (/^\s*[\d.,]+\s*%?\s*$/.test(inner) ? ` ${inner} ` : blank(all)))
    .replace(/\]\([^)]*\)/g, (all) => "]" + blank(all.slice(1)))
    .replace(/<https?:[^>]*>|https?:\/\/\S+/g, blank)
    .replace(/<!--(?!\s*(?:source|arithmetic)\s*-->)[\s\S]*?-->/g, blank);
}

/** The decimal numbers and percentages of one markdown text, with the marker that follows each, if any. */
export function proseNumbers(markdown: string): (ProseNumber & { context: string })[] {
  const prose = proseOnly(markdown);
  return writtenNumbers(prose)
    .filter((n) => n.percent || n.decimals > 0)
    .map((n) => {
      const after = prose.slice(n.end);
      const marker = MARKER.exec(after)?.[1] as ProseNumber["marker"];
      const context = prose
        .slice(Math.max(0, n.index - 40), n.end + 40)
        .replace(/<!--[\s\S]*?-->/g, "")
        .replace(/\s+/g, " ")
        .trim();
      return { ...n, points: /^\s*(?:percentage\s+)?points?\b/.test(after), marker, context };
    });
}

/**
 * Whether an output's number shows a prose number at the precision the prose writes it: rounding the output to the
 * prose's decimals gives the prose's value, and the output shows at least that many decimals. A percentage (or
 * "points") is shown by the same figure or by a fraction (0.9159 shows "91.6%", 0.004 shows "0.4 points"); a plain
 * decimal by the same figure or by a percentage (88.6% shows "0.886"). A bare integer (7 epochs) shows no percentage.
 */
export function shows(output: WrittenNumber, prose: ProseNumber): boolean {
  // A bare integer in an output (a count, an epoch) is never read as a percentage.
  const asPercent = output.percent || output.decimals > 0 ? [1, 100] : [100];
  const scales = prose.percent || prose.points ? asPercent : output.percent ? [1, 0.01] : [1];
  const tolerance = 0.5 * 10 ** -prose.decimals * (1 + 1e-9);
  return scales.some(
    (scale) =>
      output.decimals - Math.log10(scale) >= prose.decimals - 1e-9 &&
      Math.abs(output.value * scale - prose.value) <= tolerance,
  );
}

/** Keys of a vega-lite spec whose contents a reader sees: its data and its titles and texts. */
const SHOWN_SPEC_KEYS = new Set(["data", "datasets", "values", "title", "subtitle", "text"]);

/**
 * Rows a chart's data may have for its values to count as shown. Longer data (a training curve's every batch, an
 * image's pixels) is a picture to the eye, and a thousand values would show almost any number by chance: a lesson
 * that quotes one prints it.
 */
export const MAX_SHOWN_CHART_ROWS = 100;

/** The text of a vega-lite spec a reader sees: its small data sets' values, its titles and its text marks. */
function specText(spec: unknown, shown = false): string[] {
  if (spec === null || spec === undefined) return [];
  if (typeof spec === "number") return shown ? [String(spec)] : [];
  if (typeof spec === "string") return shown ? [spec] : [];
  if (Array.isArray(spec))
    return shown && spec.length > MAX_SHOWN_CHART_ROWS ? [] : spec.flatMap((item) => specText(item, shown));
  if (typeof spec === "object")
    return Object.entries(spec).flatMap(([key, value]) => specText(value, shown || SHOWN_SPEC_KEYS.has(key)));
  return [];
}

/** Everything the outputs of a notebook show as text: streams, plain text, HTML (without its tags) and charts. */
export function outputText(notebook: ProseNotebook): string {
  const parts: string[] = [];
  for (const cell of notebook.cells) {
    for (const output of cell.outputs ?? []) {
      parts.push(joined(output.text));
      for (const [mime, payload] of Object.entries(output.data ?? {})) {
        if (mime === "text/plain" || mime === "text/markdown") parts.push(joined(payload));
        else if (mime === "text/html")
          parts.push(
            joined(payload)
              .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
              .replace(/<[^>]*>/g, " ")
              .replace(/&nbsp;/g, " "),
          );
        else if (/^application\/vnd\.vegalite\.v\d+\+json$/.test(mime))
          parts.push(...specText(typeof payload === "string" ? JSON.parse(payload) : payload));
      }
    }
  }
  return parts.join("\n");
}

/**
 * The prose numbers of a notebook that none of its outputs shows and that carry no marker, in cell order.
 * Numbers in markdown cells are compared with every output of the notebook, wherever it is.
 */
export function unshownProseNumbers(notebook: ProseNotebook): ProseNumberProblem[] {
  const outputs = writtenNumbers(outputText(notebook));
  const problems: ProseNumberProblem[] = [];
  notebook.cells.forEach((cell, i) => {
    if (cell.cell_type !== "markdown") return;
    for (const number of proseNumbers(joined(cell.source))) {
      if (number.marker || outputs.some((output) => shows(output, number))) continue;
      problems.push({ cell: i + 1, number: number.text, context: number.context });
    }
  });
  return problems;
}
