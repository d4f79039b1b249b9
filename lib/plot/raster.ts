/**
 * A minimal RGBA raster for composing PNG pictures (image tiles, captions, borders) with pngjs.
 * Everything is pixel-exact: images are upscaled nearest-neighbour and text uses the bitmap font.
 */
import { PNG } from "pngjs";
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphBitmap } from "./font";

/** An RGB colour, each channel 0–255. */
export type Rgb = readonly [number, number, number];

/**
 * A grayscale image as plain data: a flat row-major array (length width*height, e.g. 784) or rows of
 * pixels. Values are 0–255 or 0–1 (see {@link GrayImage} for how the range is chosen).
 */
export type ImageInput = ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** A grayscale image normalised to 0..1 intensities. */
export interface GrayImage {
  width: number;
  height: number;
  /** Row-major intensities in 0..1. */
  data: Float64Array;
}

/** Options for {@link toGrayImage}. */
export interface GrayOptions {
  /** Width of a flat image; by default the square root of its length (28 for 784 values). */
  width?: number;
  /**
   * Value range mapped to black..white. Default: `[0, 1]` if every value is within 0..1, else `[0, 255]`.
   */
  range?: readonly [number, number];
}

/**
 * Normalises image data (flat or nested, 0–255 or 0–1) to a {@link GrayImage}.
 *
 * @throws Error when the data is empty or not rectangular.
 */
export function toGrayImage(image: ImageInput, options: GrayOptions = {}): GrayImage {
  let flat: number[];
  let width: number;
  const first = image.length > 0 ? (image as ArrayLike<unknown>)[0] : undefined;
  if (first !== undefined && typeof first === "object") {
    const rows = image as ArrayLike<ArrayLike<number>>;
    width = rows[0].length;
    flat = [];
    for (let r = 0; r < rows.length; r++) {
      if (rows[r].length !== width) {
        throw new Error(
          `image row ${r} has ${rows[r].length} pixels but row 0 has ${width}; rows must be equal length.`,
        );
      }
      for (let c = 0; c < width; c++) flat.push(Number(rows[r][c]));
    }
  } else {
    flat = Array.from(image as ArrayLike<number>, Number);
    width = options.width ?? Math.round(Math.sqrt(flat.length));
  }
  if (flat.length === 0 || width <= 0 || flat.length % width !== 0) {
    throw new Error(
      `image has ${flat.length} values, which is not a ${width}-pixel-wide rectangle; ` +
        "pass 784 values for a 28x28 image, or set options.width.",
    );
  }
  const range = options.range ?? defaultRange(flat);
  const span = range[1] - range[0] || 1;
  const data = new Float64Array(flat.length);
  for (let i = 0; i < flat.length; i++) data[i] = Math.min(1, Math.max(0, (flat[i] - range[0]) / span));
  return { width, height: flat.length / width, data };
}

/** `[0, 1]` when every value fits in 0..1, else `[0, 255]`. */
export function defaultRange(values: ArrayLike<number>): [number, number] {
  for (let i = 0; i < values.length; i++) if (values[i] > 1 || values[i] < 0) return [0, 255];
  return [0, 1];
}

/** A mutable RGBA picture with simple drawing operations. */
export class Raster {
  /** RGBA bytes, row-major. */
  readonly pixels: Uint8Array;

  /** Creates a `width` x `height` picture filled with `background`. */
  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    if (!(width > 0 && height > 0 && Number.isInteger(width) && Number.isInteger(height))) {
      throw new Error(`Raster size must be positive integers, got ${width}x${height}.`);
    }
    this.pixels = new Uint8Array(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  /** Sets one pixel (ignored outside the picture). */
  setPixel(x: number, y: number, color: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    this.pixels[i] = color[0];
    this.pixels[i + 1] = color[1];
    this.pixels[i + 2] = color[2];
    this.pixels[i + 3] = 255;
  }

  /** Fills an axis-aligned rectangle (clipped to the picture). */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    const x0 = Math.max(0, Math.floor(x)),
      y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.floor(x + w)),
      y1 = Math.min(this.height, Math.floor(y + h));
    for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) this.setPixel(xx, yy, color);
  }

  /** Draws a rectangle outline `thickness` pixels wide, inside the given box. */
  strokeRect(x: number, y: number, w: number, h: number, color: Rgb, thickness = 1): void {
    this.fillRect(x, y, w, thickness, color);
    this.fillRect(x, y + h - thickness, w, thickness, color);
    this.fillRect(x, y, thickness, h, color);
    this.fillRect(x + w - thickness, y, thickness, h, color);
  }

  /**
   * Draws a grayscale image upscaled by an integer factor with nearest-neighbour (crisp pixels).
   *
   * @param invert - draw 1 as black and 0 as white instead of the usual 0 = black.
   */
  drawGray(image: GrayImage, x: number, y: number, scale: number, invert = false): void {
    for (let r = 0; r < image.height; r++) {
      for (let c = 0; c < image.width; c++) {
        const v = image.data[r * image.width + c];
        const g = Math.round((invert ? 1 - v : v) * 255);
        this.fillRect(x + c * scale, y + r * scale, scale, scale, [g, g, g]);
      }
    }
  }

  /**
   * Draws text with the bitmap font; `y` is the top of the glyph cell. `bold` doubles strokes horizontally.
   *
   * @returns the x coordinate just after the text.
   */
  drawText(text: string, x: number, y: number, color: Rgb, scale = 1, bold = false): number {
    let cx = x;
    for (const ch of text) {
      const bits = glyphBitmap(ch);
      for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
        for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
          if (!bits[gy * GLYPH_WIDTH + gx]) continue;
          this.fillRect(cx + gx * scale, y + gy * scale, scale + (bold ? Math.max(1, scale >> 1) : 0), scale, color);
        }
      }
      cx += GLYPH_ADVANCE * scale;
    }
    return cx;
  }

  /** Encodes the picture as PNG bytes. */
  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.pixels.buffer, this.pixels.byteOffset, this.pixels.byteLength);
    return PNG.sync.write(png);
  }
}

/**
 * Encodes one grayscale image as a PNG, upscaled by an integer factor with nearest-neighbour.
 *
 * @example const png = grayImagePng(pixels, { scale: 8 }); // 224x224 PNG of a 28x28 image
 */
export function grayImagePng(
  image: ImageInput,
  options: GrayOptions & { scale?: number; invert?: boolean } = {},
): Buffer {
  const gray = toGrayImage(image, options);
  const scale = Math.max(1, Math.round(options.scale ?? 1));
  const raster = new Raster(gray.width * scale, gray.height * scale);
  raster.drawGray(gray, 0, 0, scale, options.invert ?? false);
  return raster.toPng();
}

/** Returns a `data:image/png;base64,...` URL for PNG bytes (for image marks in vega-lite specs). */
export function pngDataUrl(png: Uint8Array): string {
  return "data:image/png;base64," + Buffer.from(png).toString("base64");
}
