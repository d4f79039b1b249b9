import { strict as assert } from "assert";
import { test } from "node:test";
import { UserError } from "../lib/util/errors";
import { ImageSet } from "../lib/data/dataset";
import { mockPhoto, mockPhotos } from "../lib/web/photo";
import { preprocessStepsPng, rgbaPng } from "../lib/web/stepsPicture";
import {
  borderMedian,
  boundingBox,
  centreInSquare,
  crop,
  GreyPixels,
  invertIfLight,
  preprocessAblation,
  preprocessImage,
  resizeArea,
  RgbaImage,
  stretchToUnit,
  toGreyscale,
} from "../lib/web/preprocess";
import { decodePng } from "./helpers";

/** An RGBA picture from grey values (opaque). */
function rgbaOf(grey: GreyPixels): RgbaImage {
  const data = new Uint8ClampedArray(grey.width * grey.height * 4);
  grey.pixels.forEach((v, i) => data.set([v, v, v, 255], i * 4));
  return { width: grey.width, height: grey.height, data };
}

/** A w×h grey picture with `value` inside `box` and `background` elsewhere. */
function rectangle(
  width: number,
  height: number,
  box: { x: number; y: number; width: number; height: number },
  value: number,
  background = 0,
): GreyPixels {
  const pixels = new Float32Array(width * height).fill(background);
  for (let y = box.y; y < box.y + box.height; y++)
    for (let x = box.x; x < box.x + box.width; x++) pixels[y * width + x] = value;
  return { width, height, pixels };
}

/** A garment-like 28×28 test image: a bright trapezoid (a skirt) with shading, touching the top and bottom rows. */
function skirt(): Uint8Array {
  const image = new Uint8Array(784);
  for (let y = 0; y < 28; y++) {
    const half = 4 + Math.floor(y / 3);
    for (let x = 14 - half; x < 14 + half; x++) image[y * 28 + x] = 120 + Math.round((135 * (28 - y)) / 28);
  }
  return image;
}

test("greyscale uses BT.601 weights and treats transparency as white paper", () => {
  const grey = toGreyscale({ width: 3, height: 1, data: [255, 0, 0, 255, 0, 0, 255, 255, 0, 0, 0, 0] });
  assert.ok(Math.abs(grey.pixels[0] - 0.299 * 255) < 1e-3);
  assert.ok(Math.abs(grey.pixels[1] - 0.114 * 255) < 1e-3);
  assert.equal(grey.pixels[2], 255);
  assert.throws(() => toGreyscale({ width: 2, height: 2, data: [1, 2, 3] }), UserError);
});

test("a light background is inverted, a dark one is kept", () => {
  const paper = rectangle(10, 10, { x: 3, y: 3, width: 4, height: 4 }, 20, 240);
  const turned = invertIfLight(paper);
  assert.equal(turned.inverted, true);
  assert.equal(turned.image.pixels[0], 15);
  assert.equal(turned.image.pixels[4 * 10 + 4], 235);
  const night = rectangle(10, 10, { x: 3, y: 3, width: 4, height: 4 }, 200, 10);
  assert.equal(invertIfLight(night).inverted, false);
  assert.equal(borderMedian(night), 10);
});

test("the object's bounding box, the crop and the centred square", () => {
  const picture = rectangle(40, 30, { x: 5, y: 12, width: 20, height: 6 }, 200);
  const box = boundingBox(picture, 10)!;
  assert.deepEqual(box, { x: 5, y: 12, width: 20, height: 6 });
  assert.equal(boundingBox(rectangle(5, 5, { x: 0, y: 0, width: 0, height: 0 }, 0), 10), null);
  const cropped = crop(picture, box);
  assert.ok(cropped.pixels.every((v) => v === 200));
  const square = centreInSquare(cropped, 7);
  assert.deepEqual([square.width, square.height], [20, 20]);
  assert.equal(square.pixels[0], 7, "background above the object");
  assert.equal(square.pixels[7 * 20], 200, "the object starts on row 7 of 20: (20 - 6) / 2");
  assert.equal(square.pixels[13 * 20 + 19], 7, "and ends on row 12");
});

test("area resampling averages what each pixel covers: exact 2×2 means, and thin strokes survive as grey", () => {
  const big: GreyPixels = { width: 4, height: 2, pixels: Float32Array.from([0, 4, 8, 8, 4, 0, 0, 0]) };
  assert.deepEqual(Array.from(resizeArea(big, 2, 1).pixels), [2, 4]);
  const line = rectangle(280, 280, { x: 0, y: 140, width: 280, height: 2 }, 255);
  const small = resizeArea(line, 28, 28);
  assert.ok(
    Math.abs(small.pixels[14 * 28 + 3] - 51) < 1e-3,
    `a 2-pixel line in a 10-pixel cell is 20% ink, got ${small.pixels[14 * 28 + 3]}`,
  );
  const mean = (p: Float32Array) => p.reduce((a, b) => a + b, 0) / p.length;
  assert.ok(Math.abs(mean(small.pixels) - mean(line.pixels)) < 1e-3, "the mean brightness is kept");
  const up = resizeArea({ width: 2, height: 1, pixels: Float32Array.from([10, 30]) }, 4, 2);
  assert.deepEqual(Array.from(up.pixels), [10, 10, 30, 30, 10, 10, 30, 30]);
});

test("scaling maps the background to 0 and the brightest pixel to 1", () => {
  const scaled = stretchToUnit({ width: 3, height: 1, pixels: Float32Array.from([20, 60, 100]) }, 20);
  assert.deepEqual(Array.from(scaled), [0, 0.5, 1]);
});

test("a Fashion-MNIST image passes through unchanged, and a mock photo of it comes back close to it", () => {
  const original = skirt();
  const direct = preprocessImage(rgbaOf({ width: 28, height: 28, pixels: Float32Array.from(original) }));
  assert.equal(direct.wasInverted, false);
  const expected = Float32Array.from(original, (v) => v / 255);
  const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  assert.ok(maxDiff(direct.input, expected) < 1e-6, "an image that already fills its frame is not changed");

  const photo = mockPhoto(original, { width: 200, height: 150, size: 112, x: 70, y: 20, noise: 10 });
  const steps = preprocessImage(photo);
  assert.equal(steps.wasInverted, true);
  assert.ok(
    Math.abs(steps.box.height - 112) <= 2 && Math.abs(steps.box.y - 20) <= 2,
    `box ${JSON.stringify(steps.box)}`,
  );
  assert.equal(steps.input.length, 784);
  const meanDiff = steps.input.reduce((s, v, i) => s + Math.abs(v - expected[i]), 0) / 784;
  assert.ok(meanDiff < 0.06, `mean difference from the original ${meanDiff.toFixed(3)}`);
});

test("a blank picture is refused with a message saying what to do", () => {
  const blank = rgbaOf(rectangle(50, 50, { x: 0, y: 0, width: 0, height: 0 }, 0, 255));
  assert.throws(
    () => preprocessImage(blank),
    (error: Error) => error instanceof UserError && /blank/.test(error.message),
  );
  assert.throws(() => preprocessImage(blank, { threshold: 2 }), UserError);
});

test("mock photos are seeded, vary in size and place, and each one preprocesses back to its garment", () => {
  const garment = skirt();
  const set = new ImageSet(
    new Uint8Array([...garment, ...garment, ...garment, ...garment]),
    new Uint8Array([3, 3, 3, 3]),
    "skirts",
  );
  const photos = mockPhotos(set, 4, 9);
  assert.equal(photos.length, 4);
  assert.deepEqual(
    mockPhotos(set, 4, 9).map((p) => Array.from(p.data).slice(0, 40)),
    photos.map((p) => Array.from(p.data).slice(0, 40)),
  );
  assert.ok(new Set(photos.map((p) => `${p.width}x${p.height}`)).size > 1, "sizes differ");
  for (const photo of photos) {
    const { input } = preprocessImage(photo);
    const meanDiff = input.reduce((s, v, i) => s + Math.abs(v - garment[i] / 255), 0) / 784;
    assert.ok(meanDiff < 0.08, `${photo.width}x${photo.height}: mean difference ${meanDiff.toFixed(3)}`);
  }
});

test("the ablation leaves steps out: a squeezed light photo stays light, the full run equals preprocessImage", () => {
  const photo = mockPhoto(skirt(), { width: 200, height: 100, size: 60, x: 10, y: 30 });
  const variants = preprocessAblation(photo);
  assert.deepEqual(
    variants.map((v) => v.name),
    ["grey, squeezed", "inverted, not cropped", "all six steps"],
  );
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(mean(variants[0].input) > 0.6, "without inversion the background stays white");
  assert.ok(mean(variants[1].input) < mean(variants[2].input), "without cropping the garment is small in a dark frame");
  assert.deepEqual(variants[2].input, preprocessImage(photo).input);
});

test("the steps picture and an RGBA picture encode as PNG", () => {
  const photo = mockPhoto(skirt());
  const steps = decodePng(preprocessStepsPng(preprocessImage(photo), { title: "steps", size: 64 }));
  assert.ok(steps.width > 6 * 64 && steps.height > 64, `${steps.width}x${steps.height}`);
  const back = decodePng(rgbaPng(photo));
  assert.deepEqual([back.width, back.height], [160, 120]);
  assert.deepEqual(Array.from(back.data.subarray(0, 8)), Array.from(photo.data).slice(0, 8));
});
