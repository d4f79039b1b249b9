/**
 * Headless rendering of vega-lite specs (no browser, no canvas): compile with vega-lite, render an SVG
 * string with vega's `renderer: "none"` view, rasterise it to PNG with resvg, and package spec + picture +
 * text into one MIME bundle.
 */
import * as vega from "vega";
import * as vl from "vega-lite";
import { MimeBundle, ShowOptions, showBundle } from "./display";

/**
 * A vega-lite v5 specification as a plain JSON object (see https://vega.github.io/vega-lite/docs/).
 * Kept loose on purpose so that lessons can edit specs freely.
 */
export type VegaLiteSpec = { [key: string]: any };

/** The `$schema` URL written into every spec built here. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** MIME type JupyterLab uses for vega-lite 5 specs. */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** Collects vega / vega-lite log messages instead of printing them (no stderr noise in notebooks). */
function collectingLogger(sink: string[]): vega.LoggerInterface {
  let level = vega.Warn;
  const push =
    (kind: string, rank: number) =>
    (...args: readonly unknown[]) => {
      if (rank <= level) sink.push(`${kind}: ${args.map(String).join(" ")}`);
      return logger;
    };
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error: push("error", vega.Error),
    warn: push("warn", vega.Warn),
    info: push("info", vega.Info),
    debug: push("debug", vega.Debug),
  } as unknown as vega.LoggerInterface;
  return logger;
}

/**
 * Compiles a vega-lite spec to a vega spec. Warnings are not printed; pass `warnings` to receive them.
 *
 * @throws Error naming the chart (its title) when vega-lite rejects the spec.
 */
export function compileVegaLite(spec: VegaLiteSpec, warnings: string[] = []): vega.Spec {
  try {
    return vl.compile(spec as vl.TopLevelSpec, { logger: collectingLogger(warnings) }).spec;
  } catch (err) {
    throw new Error(
      `vega-lite could not compile the chart "${chartTitle(spec)}": ${(err as Error).message}. ` +
        "Check the spec against https://vega.github.io/vega-lite/docs/.",
    );
  }
}

/** Returns the title text of a spec (for messages and text/plain fallbacks), or "chart". */
export function chartTitle(spec: VegaLiteSpec): string {
  const title = spec.title;
  if (typeof title === "string") return title;
  if (Array.isArray(title)) return title.join(" ");
  if (title && typeof title === "object") {
    const text = (title as { text?: unknown }).text;
    if (typeof text === "string") return text;
    if (Array.isArray(text)) return text.join(" ");
  }
  return "chart";
}

/** A chart rendered headlessly, with what went wrong while drawing it. */
export interface RenderedChart {
  /** The standalone SVG document. */
  svg: string;
  /** vega-lite and vega warnings and errors, in the order they came. */
  warnings: string[];
  /** Items of the chart's data marks (bars, points, lines, texts of the data; not axes, gridlines or legends). */
  dataItems: number;
  /** How many of those items have a finite position and size, i.e. are really drawn. */
  drawnDataItems: number;
}

/** Start of the text line {@link showChart} adds under a chart that has problems (checks search for it). */
export const CHART_PROBLEM_PREFIX = "chart problem:";

/** Geometry channels of a scenegraph item that must be finite numbers when present (null means "not drawable"). */
const GEOMETRY = ["x", "y", "x2", "y2", "width", "height"];
/** Mark types whose items need a width and a height to be visible. */
const SIZED_MARKS = new Set(["rect", "image"]);

interface SceneMark {
  marktype: string;
  role: string;
  items: SceneItem[];
}
interface SceneItem {
  items?: SceneMark[];
  [channel: string]: unknown;
}

/** Counts the items of data marks (role "mark") in a vega scenegraph, and those with drawable geometry. */
function countDataItems(mark: SceneMark, counts = { dataItems: 0, drawnDataItems: 0 }): typeof counts {
  for (const item of mark.items) {
    if (mark.marktype === "group") {
      for (const child of item.items ?? []) countDataItems(child, counts);
    } else if (mark.role === "mark") {
      counts.dataItems++;
      const present = GEOMETRY.filter((channel) => channel in item);
      const finite = present.every((channel) => Number.isFinite(item[channel]));
      const sized = !SIZED_MARKS.has(mark.marktype) || (present.includes("width") && present.includes("height"));
      if (finite && sized) counts.drawnDataItems++;
    }
  }
  return counts;
}

/**
 * Renders a vega-lite spec to SVG headlessly and reports what went wrong: every vega-lite / vega warning or
 * error, and how many of its data items were really drawn (a bar from zero on a log scale, for example, has no
 * finite height and leaves an empty plot with only its axes).
 *
 * @throws Error naming the chart when vega-lite rejects the spec outright.
 */
export async function renderChart(spec: VegaLiteSpec): Promise<RenderedChart> {
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const view = new vega.View(vega.parse(compileVegaLite(spec, warnings)), {
    renderer: "none",
    logger,
    logLevel: vega.Warn,
  });
  try {
    const svg = await view.toSVG();
    const root = (view.scenegraph() as unknown as { root: SceneMark }).root;
    return { svg, warnings, ...countDataItems(root) };
  } finally {
    view.finalize();
  }
}

/**
 * What is wrong with a rendered chart, one sentence each: its warnings, and data that was not drawn.
 * An empty list means the chart compiled cleanly and drew every one of its data items.
 */
export function chartProblems(chart: RenderedChart): string[] {
  const problems = [...chart.warnings];
  if (chart.dataItems === 0) problems.push("it draws no data marks (only axes, gridlines or titles)");
  else if (chart.drawnDataItems < chart.dataItems) {
    problems.push(
      `${chart.dataItems - chart.drawnDataItems} of its ${chart.dataItems} data items have no finite position or size and are not drawn`,
    );
  }
  return problems;
}

/**
 * Renders a vega-lite spec to a standalone SVG document string, headlessly.
 *
 * @example const svg = await renderSvg(confusionMatrixSpec(matrix));
 * @param warnings - receives vega-lite / vega warnings instead of printing them.
 */
export async function renderSvg(spec: VegaLiteSpec, warnings: string[] = []): Promise<string> {
  const chart = await renderChart(spec);
  warnings.push(...chart.warnings);
  return chart.svg;
}

type ResvgModule = typeof import("@resvg/resvg-js");
let resvgModule: ResvgModule | null | undefined;

/** Loads @resvg/resvg-js once; `null` when its native binary is missing for this platform. */
function loadResvg(): ResvgModule | null {
  if (resvgModule === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      resvgModule = require("@resvg/resvg-js") as ResvgModule;
    } catch {
      resvgModule = null;
    }
  }
  return resvgModule;
}

/** True when SVG-to-PNG rasterisation (@resvg/resvg-js) is available on this machine. */
export function canRenderPng(): boolean {
  return loadResvg() !== null;
}

/** A rendered PNG and its size in CSS pixels (the PNG itself has `scale` times more pixels). */
export interface RenderedPng {
  png: Buffer;
  /** Display width in CSS pixels. */
  width: number;
  /** Display height in CSS pixels. */
  height: number;
}

/**
 * Rasterises an SVG string to PNG with @resvg/resvg-js, using the machine's fonts.
 *
 * @param scale - pixel density (default 2, sharp on high-DPI screens).
 * @throws Error when @resvg/resvg-js cannot load on this platform.
 */
export async function svgToPng(svg: string, scale = 2): Promise<RenderedPng> {
  const resvg = loadResvg();
  if (!resvg) {
    throw new Error(
      "PNG rendering needs @resvg/resvg-js with a prebuilt binary for this platform; " +
        "run `npm install @resvg/resvg-js`, or use renderSvg instead.",
    );
  }
  const image = await resvg.renderAsync(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: { loadSystemFonts: true, sansSerifFamily: "DejaVu Sans", defaultFontFamily: "DejaVu Sans" },
    logLevel: "off",
  });
  return { png: image.asPng(), width: Math.round(image.width / scale), height: Math.round(image.height / scale) };
}

/**
 * Renders a vega-lite spec straight to PNG (headless: vega SVG, then resvg).
 *
 * @example fs.writeFileSync("cm.png", (await renderPng(confusionMatrixSpec(m))).png)
 */
export async function renderPng(spec: VegaLiteSpec, scale = 2): Promise<RenderedPng> {
  return svgToPng(await renderSvg(spec), scale);
}

/** Options for {@link chartBundle} and {@link showChart}. */
export interface ChartBundleOptions extends ShowOptions {
  /** text/plain fallback (default: the chart title). */
  text?: string;
  /**
   * Static fallbacks to include (default `["png"]`). PNG is the default because nbconvert 6's HTML
   * templates strip inline SVG, and every front end shows PNG. Add "svg" for a vector copy (front ends that
   * prefer SVG will then use it). Without a working resvg, SVG is used instead of PNG.
   */
  fallbacks?: ("png" | "svg")[];
}

/**
 * Builds the MIME bundle for a chart: vega-lite (interactive in JupyterLab), a static fallback image
 * (classic Notebook, nbconvert HTML, GitHub, notebooks opened without a kernel) and text/plain.
 * The PNG's display size goes into the bundle's metadata, and the chart's {@link chartProblems} come alongside.
 */
export async function chartBundle(
  spec: VegaLiteSpec,
  options: ChartBundleOptions = {},
): Promise<{ bundle: MimeBundle; metadata: { [key: string]: unknown }; problems: string[] }> {
  const chart = await renderChart(spec);
  const svg = chart.svg;
  let fallbacks = options.fallbacks ?? ["png"];
  if (!canRenderPng()) fallbacks = ["svg"];
  const bundle: MimeBundle = { [VEGA_LITE_MIME]: spec };
  const metadata: { [key: string]: unknown } = {};
  if (fallbacks.includes("png")) {
    const png = await svgToPng(svg);
    bundle["image/png"] = png.png;
    metadata["image/png"] = { width: png.width, height: png.height };
  }
  if (fallbacks.includes("svg")) bundle["image/svg+xml"] = svg;
  bundle["text/plain"] = options.text ?? `[chart] ${chartTitle(spec)}`;
  return { bundle, metadata, problems: chartProblems(chart) };
}

/** The one text line shown under a chart with problems: {@link CHART_PROBLEM_PREFIX}, the chart's title, the problems. */
export function chartProblemLine(spec: VegaLiteSpec, problems: readonly string[]): string {
  return `${CHART_PROBLEM_PREFIX} "${chartTitle(spec)}": ${problems.join("; ")}`;
}

/**
 * Renders a chart and shows it as one notebook output (vega-lite + PNG + text). When vega-lite or vega warned
 * while rendering it, or its data marks drew nothing, one text line under it says so ({@link chartProblemLine});
 * the lesson tests fail on such a line.
 *
 * Outside a notebook nothing is shown (the chart is still rendered, so spec errors surface); use
 * {@link inNotebook} to tell. Returns nothing, so tslab prints nothing after the chart.
 *
 * @example await showChart(confusionMatrixSpec(matrix))
 */
export async function showChart(spec: VegaLiteSpec, options: ChartBundleOptions = {}): Promise<void> {
  const { bundle, metadata, problems } = await chartBundle(spec, options);
  showBundle(bundle, { ...options, metadata: { ...metadata, ...(options.metadata ?? {}) } });
  if (problems.length > 0) showBundle({ "text/plain": chartProblemLine(spec, problems) }, { writer: options.writer });
}

/**
 * Shows a PNG image as one notebook output, with a text/plain fallback.
 *
 * @example showPng(imageGridPng(items), "16 test images")
 * @param png - encoded PNG bytes (e.g. from {@link imageGridPng}).
 * @param text - text/plain description.
 * Does nothing outside a notebook; returns nothing, so tslab prints nothing after the image.
 */
export function showPng(png: Uint8Array, text = "[image]", options: ShowOptions = {}): void {
  showBundle({ "image/png": png, "text/plain": text }, options);
}
