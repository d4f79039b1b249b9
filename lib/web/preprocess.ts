/**
 * Turns a drawing or a photo into what a Fashion-MNIST model expects: one light garment on a black background,
 * cropped to the object, centred in a square, 28×28, values 0..1. Pure TypeScript with no Node or DOM imports,
 * so the same code runs in the web page (bundled by esbuild) and in the lessons.
 */
import { IMAGE_SIZE } from "../data/classes";
import { UserError } from "../util/errors";

/** Pixels as a browser's `ImageData` holds them: `width × height × 4` RGBA bytes, row by row. */
export interface RgbaImage {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/** One grey channel, row by row; the value range is given by the step that made it (0..255 or 0..1). */
export interface GreyPixels {
  width: number;
  height: number;
  pixels: Float32Array;
}

/** A rectangle in pixel units: columns `x .. x + width - 1`, rows `y .. y + height - 1`. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Every intermediate picture of {@link preprocessImage}, in order, so lessons and the page can show them. */
export interface PreprocessSteps {
  /** 1. Luminance 0..255 (transparent pixels count as white paper). */
  grey: GreyPixels;
  /** 2. Object light on dark: inverted when the border was light; 0..255. */
  inverted: GreyPixels;
  /** Whether step 2 inverted the picture. */
  wasInverted: boolean;
  /** The background level (median of the border after step 2), 0..255. */
  background: number;
  /** 3. The object's bounding box in the picture, and the crop to it. */
  box: Box;
  cropped: GreyPixels;
  /** 4. The crop centred in a square as wide as its longest side (background all around). */
  centred: GreyPixels;
  /** 5. The square resampled to 28×28 by averaging the pixels each target pixel covers; 0..255. */
  resized: GreyPixels;
  /** 6. Background to 0 and the brightest pixel to 1: the 784 model inputs. */
  input: Float32Array;
}

/** Options for {@link preprocessImage}. */
export interface PreprocessOptions {
  /**
   * A pixel belongs to the object when it is brighter than the background by this share of the brightest
   * pixel's contrast (default 0.1): faint noise stays out of the bounding box.
   */
  threshold?: number;
}

/** ITU-R BT.601 luminance weights (what most image tools use for "greyscale"). */
const LUMA = [0.299, 0.587, 0.114] as const;

/** Step 1: luminance of each pixel, with transparency composited over white (a drawing on blank paper). */
export function toGreyscale(image: RgbaImage): GreyPixels {
  const { width, height, data } = image;
  if (
    !(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) ||
    data.length !== width * height * 4
  ) {
    throw new UserError(`An RGBA image of ${width}×${height} needs ${width * height * 4} bytes, got ${data.length}.`);
  }
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const alpha = data[i * 4 + 3] / 255;
    const luma = LUMA[0] * data[i * 4] + LUMA[1] * data[i * 4 + 1] + LUMA[2] * data[i * 4 + 2];
    pixels[i] = alpha * luma + (1 - alpha) * 255;
  }
  return { width, height, pixels };
}

/** The median of the outermost rows and columns: what the picture's background looks like. */
export function borderMedian(image: GreyPixels): number {
  const { width, height, pixels } = image;
  const values: number[] = [];
  for (let x = 0; x < width; x++) values.push(pixels[x], pixels[(height - 1) * width + x]);
  for (let y = 1; y < height - 1; y++) values.push(pixels[y * width], pixels[y * width + width - 1]);
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

/** Step 2: Fashion-MNIST garments are light on black; a picture with a light border is turned over (255 − v). */
export function invertIfLight(grey: GreyPixels): { image: GreyPixels; inverted: boolean } {
  if (borderMedian(grey) <= 127.5) return { image: grey, inverted: false };
  return { image: { ...grey, pixels: grey.pixels.map((v) => 255 - v) }, inverted: true };
}

/**
 * The smallest box holding every pixel brighter than `level`.
 *
 * @returns null when no pixel is brighter (a blank picture)
 */
export function boundingBox(image: GreyPixels, level: number): Box | null {
  const { width, height, pixels } = image;
  let left = width,
    right = -1,
    top = height,
    bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x] <= level) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  return right < 0 ? null : { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

/** Step 3: the pixels inside a box. */
export function crop(image: GreyPixels, box: Box): GreyPixels {
  const pixels = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const from = (box.y + y) * image.width + box.x;
    pixels.set(image.pixels.subarray(from, from + box.width), y * box.width);
  }
  return { width: box.width, height: box.height, pixels };
}

/** Step 4: the image in the middle of a square as wide as its longest side, the rest filled with `background`. */
export function centreInSquare(image: GreyPixels, background: number): GreyPixels {
  const side = Math.max(image.width, image.height);
  const pixels = new Float32Array(side * side).fill(background);
  const left = Math.floor((side - image.width) / 2),
    top = Math.floor((side - image.height) / 2);
  for (let y = 0; y < image.height; y++) {
    pixels.set(image.pixels.subarray(y * image.width, (y + 1) * image.width), (top + y) * side + left);
  }
  return { width: side, height: side, pixels };
}

/**
 * Step 5: resamples to `width × height` by area averaging: each target pixel is the mean of the source area it
 * covers, weighted by overlap. Shrinking a thin stroke greys it instead of dropping it; enlarging repeats pixels.
 */
export function resizeArea(image: GreyPixels, width: number, height: number): GreyPixels {
  const sx = image.width / width,
    sy = image.height / height;
  const pixels = new Float32Array(width * height);
  for (let ty = 0; ty < height; ty++) {
    const y0 = ty * sy,
      y1 = y0 + sy;
    for (let tx = 0; tx < width; tx++) {
      const x0 = tx * sx,
        x1 = x0 + sx;
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.min(Math.ceil(y1), image.height); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(Math.ceil(x1), image.width); x++) {
          sum += wy * (Math.min(x + 1, x1) - Math.max(x, x0)) * image.pixels[y * image.width + x];
        }
      }
      pixels[ty * width + tx] = sum / (sx * sy);
    }
  }
  return { width, height, pixels };
}

/** Step 6: background to 0, the brightest pixel to 1, clamped (Fashion-MNIST uses the whole 0..255 range). */
export function stretchToUnit(image: GreyPixels, background: number): Float32Array {
  let brightest = background;
  for (const v of image.pixels) if (v > brightest) brightest = v;
  const span = brightest - background || 1;
  return image.pixels.map((v) => Math.min(1, Math.max(0, (v - background) / span)));
}

/**
 * Runs the six steps: greyscale, inversion (when the background is light), crop to the object, centring in a
 * square, 28×28 by area averaging, scaling to 0..1. The result's `input` is ready for a Fashion-MNIST model.
 *
 * @throws UserError when the picture is blank (nothing stands out from its border)
 */
export function preprocessImage(image: RgbaImage, options: PreprocessOptions = {}): PreprocessSteps {
  const threshold = options.threshold ?? 0.1;
  if (!(threshold >= 0 && threshold < 1)) throw new UserError(`threshold must be in [0, 1), got ${threshold}.`);
  const grey = toGreyscale(image);
  const { image: inverted, inverted: wasInverted } = invertIfLight(grey);
  const background = borderMedian(inverted);
  let brightest = background;
  for (const v of inverted.pixels) if (v > brightest) brightest = v;
  const box =
    brightest - background < 1 ? null : boundingBox(inverted, background + threshold * (brightest - background));
  if (!box)
    throw new UserError("The picture is blank: nothing stands out from its background. Draw or drop a garment first.");
  const cropped = crop(inverted, box);
  const centred = centreInSquare(cropped, background);
  const resized = resizeArea(centred, IMAGE_SIZE, IMAGE_SIZE);
  return {
    grey,
    inverted,
    wasInverted,
    background,
    box,
    cropped,
    centred,
    resized,
    input: stretchToUnit(resized, background),
  };
}

/**
 * The model inputs a picture gives when steps are left out, beside the full preprocessing, to show what each
 * step is for: greyscale only (the whole picture squeezed to 28×28), inverted but not cropped (the whole picture
 * centred and scaled), and all six steps.
 */
export function preprocessAblation(
  image: RgbaImage,
  options: PreprocessOptions = {},
): { name: string; input: Float32Array }[] {
  const grey = toGreyscale(image);
  const squeezed = resizeArea(grey, IMAGE_SIZE, IMAGE_SIZE).pixels.map((v) => v / 255);
  const { image: inverted } = invertIfLight(grey);
  const background = borderMedian(inverted);
  const uncropped = stretchToUnit(resizeArea(centreInSquare(inverted, background), IMAGE_SIZE, IMAGE_SIZE), background);
  return [
    { name: "grey, squeezed", input: squeezed },
    { name: "inverted, not cropped", input: uncropped },
    { name: "all six steps", input: preprocessImage(image, options).input },
  ];
}
