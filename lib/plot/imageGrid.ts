/**
 * A grid of small grayscale images (e.g. 28x28 Fashion-MNIST) with class-name captions, as one PNG.
 * Pixels are upscaled nearest-neighbour and captions use the built-in bitmap font, so the picture is
 * crisp and identical in every front end, with no fonts needed.
 */
import { className, CLASS_NAMES } from "./classNames";
import { GLYPH_HEIGHT, textWidth } from "./font";
import { ImageInput, Raster, Rgb, toGrayImage } from "./raster";

/** One image of a grid and what to write under it. */
export interface GridItem {
  /** Pixels: 784 values (or 28 rows of 28), 0–255 or 0–1. */
  image: ImageInput;
  /** True class index (written first, in dark grey). */
  label?: number;
  /** Predicted class index (second line: green when it equals `label`, red otherwise). */
  predicted?: number;
  /** Confidence of the prediction, 0..1, appended as a percentage. */
  probability?: number;
  /** Free caption used instead of the class names. */
  caption?: string;
}

/** Options for {@link imageGridPng}. */
export interface ImageGridOptions {
  /** Title drawn above the grid. */
  title?: string;
  /** Images per row; default fits the grid in about 1000 pixels. */
  columns?: number;
  /** Integer upscaling of each image (default 4: a 28x28 image becomes 112x112). */
  scale?: number;
  /** Class names for labels (default {@link CLASS_NAMES}). */
  classNames?: readonly string[];
  /** Value range of the pixels (default: 0–1 if all values fit, else 0–255). */
  range?: readonly [number, number];
  /** Draw dark garments on white (default false: white garment on black, as stored). */
  invert?: boolean;
  /** Integer size of the caption font (default 2: 12 px per character). */
  fontScale?: number;
}

const TEXT: Rgb = [36, 41, 47];
const MUTED: Rgb = [101, 109, 118];
const RIGHT: Rgb = [26, 127, 55];
const WRONG: Rgb = [207, 34, 46];
const MARGIN = 12;
const GAP = 14;

/** The caption lines (text and colour) under one grid image. */
export function gridCaption(
  item: GridItem,
  classNames: readonly string[] = CLASS_NAMES,
): { text: string; color: Rgb }[] {
  const lines: { text: string; color: Rgb }[] = [];
  if (item.caption !== undefined) lines.push({ text: item.caption, color: TEXT });
  else if (item.label !== undefined) lines.push({ text: className(item.label, classNames), color: TEXT });
  if (item.predicted !== undefined) {
    const pct = item.probability === undefined ? "" : ` ${Math.round(item.probability * 100)}%`;
    const wrong = item.label !== undefined && item.label !== item.predicted;
    const color = item.label === undefined ? TEXT : wrong ? WRONG : RIGHT;
    lines.push({ text: className(item.predicted, classNames) + pct, color });
  }
  return lines;
}

/**
 * Draws images in a grid with their class names (true, and predicted when given; wrong predictions get a
 * red caption and a red frame) and returns the PNG bytes.
 *
 * @example showPng(imageGridPng(xs.map((image, i) => ({ image, label: ys[i] })), { title: "Training images" }))
 * @throws Error when `items` is empty.
 */
export function imageGridPng(items: readonly GridItem[], options: ImageGridOptions = {}): Buffer {
  if (items.length === 0) throw new Error("imageGridPng needs at least one image; got an empty list.");
  const names = options.classNames ?? CLASS_NAMES;
  const scale = Math.max(1, Math.round(options.scale ?? 4));
  const fs = Math.max(1, Math.round(options.fontScale ?? 2));
  const lineH = (GLYPH_HEIGHT + 2) * fs;
  const grays = items.map((it) => toGrayImage(it.image, { range: options.range }));
  const captions = items.map((it) => gridCaption(it, names));
  const tileW = Math.max(...grays.map((g) => g.width)) * scale;
  const tileH = Math.max(...grays.map((g) => g.height)) * scale;
  const maxLines = Math.max(...captions.map((c) => c.length));
  const captionW = Math.max(0, ...captions.flat().map((l) => textWidth(l.text, fs)));
  const cellW = Math.max(tileW, captionW) + GAP;
  const frame = Math.min(4, Math.max(2, scale - 1));
  const cellH = frame + tileH + 8 + maxLines * lineH + GAP;
  const columns = Math.max(
    1,
    Math.min(items.length, options.columns ?? (Math.floor((1000 - 2 * MARGIN) / cellW) || 1)),
  );
  const rows = Math.ceil(items.length / columns);

  const hasPredictions = items.some((it) => it.predicted !== undefined && it.label !== undefined);
  const header: { text: string; color: Rgb; scale: number; bold: boolean }[] = [];
  if (options.title) header.push({ text: options.title, color: TEXT, scale: fs, bold: true });
  if (hasPredictions) {
    header.push({ text: "caption: true class / predicted (red = wrong)", color: MUTED, scale: fs, bold: false });
  }
  const headerH = header.reduce((h, l) => h + (GLYPH_HEIGHT + 3) * l.scale, 0) + (header.length ? 6 : 0);
  const width = Math.max(columns * cellW, ...header.map((l) => textWidth(l.text, l.scale) + 2)) + 2 * MARGIN;
  const height = MARGIN + headerH + rows * cellH + MARGIN - GAP;
  const raster = new Raster(width, height);

  let y = MARGIN;
  for (const line of header) {
    raster.drawText(line.text, MARGIN, y, line.color, line.scale, line.bold);
    y += (GLYPH_HEIGHT + 3) * line.scale;
  }
  const gridTop = MARGIN + headerH;
  items.forEach((item, i) => {
    const col = i % columns,
      row = Math.floor(i / columns);
    const cellX = MARGIN + col * cellW,
      cellY = gridTop + row * cellH + frame;
    const g = grays[i];
    const tx = cellX + Math.floor((cellW - GAP - g.width * scale) / 2);
    raster.drawGray(g, tx, cellY, scale, options.invert ?? false);
    const wrong = item.predicted !== undefined && item.label !== undefined && item.predicted !== item.label;
    if (wrong)
      raster.strokeRect(
        tx - frame,
        cellY - frame,
        g.width * scale + 2 * frame,
        g.height * scale + 2 * frame,
        WRONG,
        frame,
      );
    let ly = cellY + g.height * scale + 8;
    for (const line of captions[i]) {
      const lx = cellX + Math.floor((cellW - GAP - textWidth(line.text, fs)) / 2);
      raster.drawText(line.text, lx, ly, line.color, fs);
      ly += lineH;
    }
  });
  return raster.toPng();
}
