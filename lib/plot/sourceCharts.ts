/**
 * Charts that put a walkthrough's printed figures beside the course's measured ones.
 */
import { VegaLiteSpec } from "./render";
import { COLORS, finishSpec, title } from "./specCommon";

/** One step of a series of experiments: the source's figure (a number or a [low, high] range, 0..1) and ours. */
export interface SourceComparisonStep {
  label: string;
  source: number | readonly [number, number];
  ours: number;
}

/** Options for {@link sourceVersusOursSpec}. */
export interface SourceComparisonOptions {
  title?: string;
  subtitle?: string;
  /** Y-axis title (default "test accuracy (%)"). */
  yTitle?: string;
}

const SOURCE = "source (as printed)";
const OURS = "ours (measured here)";

/**
 * One line per side across a sequence of steps (left to right, in the given order): the source's figures in grey,
 * ours in blue, each point labelled with its value; a range the source gives is drawn as a vertical bar.
 *
 * @example showChart(sourceVersusOursSpec([{ label: "SGD", source: 0.29, ours: 0.7 }, { label: "Adam", source: 0.69, ours: 0.88 }]))
 * @throws Error when there are no steps
 */
export function sourceVersusOursSpec(
  steps: readonly SourceComparisonStep[],
  options: SourceComparisonOptions = {},
): VegaLiteSpec {
  if (steps.length === 0) throw new Error("sourceVersusOursSpec needs at least one step.");
  const pct = (x: number) => +(x * 100).toFixed(2);
  const rows = steps.flatMap((s) => {
    const [low, high] = typeof s.source === "number" ? [s.source, s.source] : s.source;
    const sourceText = low === high ? `${pct(low)}%` : `${pct(low)}–${pct(high)}%`;
    const oursHigher = s.ours >= (low + high) / 2;
    return [
      {
        step: s.label,
        side: SOURCE,
        value: pct((low + high) / 2),
        low: pct(low),
        high: pct(high),
        text: sourceText,
        above: !oursHigher,
      },
      {
        step: s.label,
        side: OURS,
        value: pct(s.ours),
        low: pct(s.ours),
        high: pct(s.ours),
        text: `${pct(s.ours).toFixed(1)}%`,
        above: oursHigher,
      },
    ];
  });
  const order = steps.map((s) => s.label);
  const sides = [SOURCE, OURS];
  const color = {
    field: "side",
    type: "nominal",
    title: null,
    sort: sides,
    scale: { domain: sides, range: [COLORS.neutral, COLORS.train] },
    legend: { orient: "bottom", symbolType: "stroke", symbolStrokeWidth: 3, labelLimit: 300 },
  };
  return finishSpec({
    title: title(options.title ?? "The source's figures and ours", options.subtitle),
    width: Math.max(320, 150 * steps.length),
    height: 280,
    data: { values: rows },
    encoding: {
      x: { field: "step", type: "ordinal", sort: order, axis: { title: null, labelAngle: 0, labelLimit: 200 } },
      y: {
        field: "value",
        type: "quantitative",
        scale: { domain: [0, 100] },
        axis: { title: options.yTitle ?? "test accuracy (%)" },
      },
      color,
    },
    layer: [
      { mark: { type: "line", strokeWidth: 2 } },
      {
        mark: { type: "rule", strokeWidth: 3 },
        encoding: { y: { field: "low", type: "quantitative" }, y2: { field: "high" } },
      },
      { mark: { type: "point", filled: true, size: 70, tooltip: true } },
      // the higher value of each step is labelled above its point, the lower one below, so that close values stay readable
      {
        transform: [{ filter: "datum.above" }],
        mark: { type: "text", dy: -12, fontSize: 11 },
        encoding: { text: { field: "text" } },
      },
      {
        transform: [{ filter: "!datum.above" }],
        mark: { type: "text", dy: 16, fontSize: 11 },
        encoding: { text: { field: "text" } },
      },
    ],
  });
}
