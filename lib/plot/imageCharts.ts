/**
 * Vega-lite charts of single images: a large image with a colour bar (like matplotlib imshow + colorbar),
 * and an image next to the model's class probabilities.
 */
import { CLASS_NAMES, className } from "./classNames";
import { argmax } from "../metrics/classification";
import { defaultRange, ImageInput, toGrayImage } from "./raster";
import { VegaLiteSpec } from "./render";
import { COLORS, finishSpec, percent, title } from "./specCommon";

/** One pixel as a data row: its row, column and raw value. */
interface PixelRow {
  row: number;
  col: number;
  value: number;
}

/** Flattens an image into pixel rows and returns its size and value range. */
function pixelData(
  image: ImageInput,
  width?: number,
): { rows: PixelRow[]; width: number; height: number; range: [number, number] } {
  const gray = toGrayImage(image, { width, range: [0, 1] });
  const raw: number[] = [];
  const first = image.length > 0 ? (image as ArrayLike<unknown>)[0] : undefined;
  if (first !== undefined && typeof first === "object") {
    const nested = image as ArrayLike<ArrayLike<number>>;
    for (let r = 0; r < nested.length; r++) for (let c = 0; c < nested[r].length; c++) raw.push(Number(nested[r][c]));
  } else {
    for (let i = 0; i < image.length; i++) raw.push(Number((image as ArrayLike<number>)[i]));
  }
  const rows = raw.map((value, i) => ({
    row: Math.floor(i / gray.width),
    col: i % gray.width,
    value: +value.toFixed(4),
  }));
  return { rows, width: gray.width, height: gray.height, range: defaultRange(raw) };
}

/**
 * The image as one rectangle per pixel (row 0 at the top, axes in pixel coordinates): data, mark and encoding of a
 * vega-lite view, with titled pixel axes or none, and the given colour encoding.
 */
function pixelRectangles(
  pixels: { rows: PixelRow[]; width: number; height: number },
  options: { axes: boolean; tooltip: boolean; color: VegaLiteSpec },
): VegaLiteSpec {
  const axis = (name: string) => (options.axes ? { title: `${name} (pixel)`, grid: false } : null);
  return {
    data: { values: pixels.rows },
    transform: [
      { calculate: "datum.col + 1", as: "col2" },
      { calculate: "datum.row + 1", as: "row2" },
    ],
    mark: { type: "rect", ...(options.tooltip ? { tooltip: true } : {}), aria: false },
    encoding: {
      x: {
        field: "col",
        type: "quantitative",
        scale: { domain: [0, pixels.width], nice: false },
        axis: axis("column"),
      },
      x2: { field: "col2" },
      y: {
        field: "row",
        type: "quantitative",
        scale: { domain: [0, pixels.height], nice: false, reverse: true },
        axis: axis("row"),
      },
      y2: { field: "row2" },
      color: options.color,
    },
  };
}

/** Options for {@link imageSpec}. */
export interface ImageSpecOptions {
  /** Chart title (default: the class name when `label` is given, else "Image"). */
  title?: string;
  /** True class of the image, shown in the title. */
  label?: number;
  /** Class names (default {@link CLASS_NAMES}). */
  classNames?: readonly string[];
  /** Colour bar range (default 0–1 when all values fit, else 0–255). */
  range?: readonly [number, number];
  /** "gray" (black to white, default) or any vega colour scheme name, e.g. "viridis". */
  colorScheme?: string;
  /** Size of the image in screen pixels (default 336 = 12 per image pixel for 28x28). */
  size?: number;
  /** Width of a flat image (default: square root of its length). */
  width?: number;
}

/**
 * One image drawn large, pixel by pixel, with a colour bar showing the pixel-value scale
 * (axes in pixel coordinates, row 0 at the top).
 *
 * @example await showChart(imageSpec(trainImages[0], { label: trainLabels[0] }))
 */
export function imageSpec(image: ImageInput, options: ImageSpecOptions = {}): VegaLiteSpec {
  const { rows, width, height, range: autoRange } = pixelData(image, options.width);
  const range = options.range ?? autoRange;
  const size = options.size ?? 336;
  const scheme = options.colorScheme ?? "gray";
  const color = scheme === "gray" ? { domain: [...range], range: ["black", "white"] } : { domain: [...range], scheme };
  const heading =
    options.title ??
    (options.label !== undefined ? `Image of class "${className(options.label, options.classNames)}"` : "Image");
  return finishSpec({
    title: title(heading, `${width}x${height} pixels, values ${range[0]}–${range[1]}`),
    width: size,
    height: Math.round((size * height) / width),
    ...pixelRectangles(
      { rows, width, height },
      {
        axes: true,
        tooltip: true,
        color: {
          field: "value",
          type: "quantitative",
          scale: color,
          legend: {
            title: "pixel value",
            gradientLength: Math.round((size * height) / width) - 20,
            gradientThickness: 14,
            orient: "right",
          },
        },
      },
    ),
  });
}

/** Options for {@link predictionSpec}. */
export interface PredictionSpecOptions {
  /** True class of the image; its bar is green, a wrong prediction red. */
  label?: number;
  /** Class names (default {@link CLASS_NAMES}). */
  classNames?: readonly string[];
  /** Chart title (default says what was predicted and whether it is right). */
  title?: string;
}

/**
 * The image (left) next to the model's probability for every class (right). The predicted class is
 * green when right and red when wrong; the true class is green.
 *
 * @example await showChart(predictionSpec(testImages[3], probs[3], { label: testLabels[3] }))
 * @throws Error when the probability list is empty.
 */
export function predictionSpec(
  image: ImageInput,
  probabilities: ArrayLike<number>,
  options: PredictionSpecOptions = {},
): VegaLiteSpec {
  if (probabilities.length === 0) throw new Error("predictionSpec needs one probability per class; got an empty list.");
  const names = options.classNames ?? CLASS_NAMES;
  const predicted = argmax(probabilities);
  const label = options.label;
  const bars = Array.from({ length: probabilities.length }, (_, i) => {
    const p = Number(probabilities[i]);
    let role = "other class";
    if (i === label) role = "true class";
    if (i === predicted)
      role = label === undefined ? "predicted" : label === predicted ? "predicted = true class" : "predicted (wrong)";
    return { index: i, name: className(i, names), percent: +(p * 100).toFixed(2), text: percent(p), role };
  });
  const verdict =
    label === undefined ? "" : label === predicted ? " (right)" : ` (wrong, true class: ${className(label, names)})`;
  const heading =
    options.title ??
    `Prediction: ${className(predicted, names)} ${percent(Number(probabilities[predicted]))}${verdict}`;
  const { rows, width, height, range } = pixelData(image);
  const side = Math.max(1, Math.floor(196 / Math.max(width, height))) * Math.max(width, height);
  const barHeight = Math.max(196, probabilities.length * 22);
  const palette: [string, string][] = [
    ["true class", COLORS.right],
    ["predicted = true class", COLORS.right],
    ["predicted (wrong)", COLORS.wrong],
    ["predicted", COLORS.train],
    ["other class", COLORS.neutral],
  ];
  const used = palette.filter(([role]) => bars.some((b) => b.role === role));
  return finishSpec({
    title: title(heading, label === undefined ? undefined : `true class: ${className(label, names)}`),
    hconcat: [
      {
        title: { text: "input image", fontSize: 12, fontWeight: "normal" },
        width: side,
        height: Math.round((side * height) / width),
        ...pixelRectangles(
          { rows, width, height },
          {
            axes: false,
            tooltip: false,
            color: {
              field: "value",
              type: "quantitative",
              scale: { domain: [...range], range: ["black", "white"] },
              legend: null,
            },
          },
        ),
      },
      {
        title: { text: "model output", fontSize: 12, fontWeight: "normal" },
        width: 300,
        height: barHeight,
        data: { values: bars },
        encoding: {
          y: { field: "name", type: "nominal", sort: bars.map((b) => b.name), axis: { title: null } },
          x: {
            field: "percent",
            type: "quantitative",
            scale: { domain: [0, 100] },
            axis: { title: "probability (%)" },
          },
        },
        layer: [
          {
            mark: { type: "bar", tooltip: true },
            encoding: {
              color: {
                field: "role",
                type: "nominal",
                legend: { title: null, orient: "bottom", direction: "vertical", labelLimit: 400 },
                scale: { domain: used.map((u) => u[0]), range: used.map((u) => u[1]) },
              },
            },
          },
          { mark: { type: "text", align: "left", dx: 3, fontSize: 11 }, encoding: { text: { field: "text" } } },
        ],
      },
    ],
  });
}
