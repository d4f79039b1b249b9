/**
 * Pictures of the web page's preprocessing steps as PNG, for lesson 07.
 */
import { imageGridPng } from "../plot/imageGrid";
import { PNG } from "pngjs";
import { GreyPixels, PreprocessSteps, resizeArea, RgbaImage } from "./preprocess";

/** Rows of pixels (what the image grid takes for pictures that are not square). */
function rows(image: GreyPixels): Float32Array[] {
  return Array.from({ length: image.height }, (_, y) => image.pixels.subarray(y * image.width, (y + 1) * image.width));
}

/** The image resampled so that its longest side is `size` pixels. */
function fitTo(image: GreyPixels, size: number): GreyPixels {
  const scale = size / Math.max(image.width, image.height);
  return resizeArea(image, Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale)));
}

/**
 * The six preprocessing steps side by side as one PNG, each picture fitted into `size` pixels (default 112) and
 * captioned: what the lessons show for a drawing or a photo.
 */
export function preprocessStepsPng(steps: PreprocessSteps, options: { title?: string; size?: number } = {}): Buffer {
  const size = options.size ?? 112;
  const input: GreyPixels = { width: 28, height: 28, pixels: steps.input.map((v) => v * 255) };
  const pictures: [string, GreyPixels][] = [
    ["1 grey", steps.grey],
    [steps.wasInverted ? "2 inverted" : "2 kept", steps.inverted],
    [`3 crop ${steps.box.width}x${steps.box.height}`, steps.cropped],
    ["4 centred", steps.centred],
    ["5 28x28", steps.resized],
    ["6 scaled 0-1", input],
  ];
  const items = pictures.map(([caption, image]) => ({ image: rows(fitTo(image, size)), caption }));
  return imageGridPng(items, { title: options.title, scale: 1, range: [0, 255], columns: pictures.length });
}

/** An RGBA picture (such as a mock photo or the drawing pad's pixels) as PNG bytes. */
export function rgbaPng(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(Uint8Array.from(image.data));
  return PNG.sync.write(png);
}
