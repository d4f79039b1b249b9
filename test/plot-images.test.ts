import { strict as assert } from "assert";
import { test } from "node:test";
import { PNG } from "pngjs";
import { CLASS_NAMES } from "../lib/data/classes";
import * as plot from "../lib/plot";
import { hasGlyph, textWidth } from "../lib/plot/font";
import { decodePng } from "./helpers";
import { mistakesGridPng } from "../lib/plot/evaluationCharts";
import { gridCaption } from "../lib/plot/imageGrid";
import { grayImagePng, Raster, toGrayImage } from "../lib/plot/raster";

function pixel(png: PNG, x: number, y: number): [number, number, number] {
  const i = (y * png.width + x) * 4;
  return [png.data[i], png.data[i + 1], png.data[i + 2]];
}

/** Counts pixels matching a predicate. */
function count(png: PNG, pred: (r: number, g: number, b: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) if (pred(png.data[i], png.data[i + 1], png.data[i + 2])) n++;
  return n;
}

const isRed = (r: number, g: number, b: number) => r > 180 && g < 80 && b < 80;

/** A 28x28 image in 0..1 with a white square in the middle. */
const square = Array.from({ length: 784 }, (_, i) =>
  Math.floor(i / 28) >= 10 && Math.floor(i / 28) < 18 && i % 28 >= 10 && i % 28 < 18 ? 1 : 0,
);

test("grayImagePng upscales nearest-neighbour: crisp 8x8 blocks, exact size", () => {
  const png = decodePng(grayImagePng(square, { scale: 8 }));
  assert.deepEqual([png.width, png.height], [224, 224]);
  assert.deepEqual(pixel(png, 80, 80), [255, 255, 255]); // first white pixel (10*8)
  assert.deepEqual(pixel(png, 79, 80), [0, 0, 0]); // last black pixel before it: no blur
  assert.equal(
    count(png, (r) => r === 255),
    64 * 64,
  );
});

test("toGrayImage accepts flat or nested data in 0-255 or 0-1 and rejects ragged input", () => {
  const nested = Array.from({ length: 28 }, (_, r) => square.slice(r * 28, r * 28 + 28).map((v) => v * 255));
  const a = toGrayImage(nested),
    b = toGrayImage(square);
  assert.deepEqual([a.width, a.height], [28, 28]);
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
  assert.throws(() => toGrayImage([[1, 2], [3]]), /row 1 has 1 pixels/);
  assert.throws(() => toGrayImage([1, 2, 3]), /not a 2-pixel-wide rectangle/);
});

test("image grid PNG has the expected layout, captions and no red when predictions are right", () => {
  const items = Array.from({ length: 6 }, (_, i) => ({ image: square, label: i }));
  const png = decodePng(plot.imageGridPng(items, { columns: 3, scale: 2, title: "Six images" }));
  assert.ok(png.width >= 3 * 56 && png.height >= 2 * 56, `grid too small: ${png.width}x${png.height}`);
  assert.equal(count(png, isRed), 0);
  // each 56x56 tile is pure black except its 16x16 white square; captions are dark grey, not pure black
  assert.equal(
    count(png, (r, g, b) => r === 0 && g === 0 && b === 0),
    6 * (56 * 56 - 16 * 16),
  );
  // two rows of tiles: a vertical line through the first column's centre crosses each tile's black area twice
  // (above and below its white square), so 2 rows give 4 black runs
  const x = 12 + Math.floor(((png.width - 24) / 3 - 14) / 2);
  let runs = 0;
  for (let y = 1; y < png.height; y++) if (pixel(png, x, y)[0] === 0 && pixel(png, x, y - 1)[0] !== 0) runs++;
  assert.equal(runs, 4);
});

test("wrong predictions get a red frame and caption; right ones green", () => {
  const wrong = decodePng(
    plot.imageGridPng([{ image: square, label: 0, predicted: 6, probability: 0.93 }], { scale: 3 }),
  );
  const right = decodePng(
    plot.imageGridPng([{ image: square, label: 0, predicted: 0, probability: 0.93 }], { scale: 3 }),
  );
  assert.ok(count(wrong, isRed) > 4 * 84, "red frame missing");
  assert.equal(count(right, isRed), 0);
  assert.ok(count(right, (r, g, b) => g > 100 && r < 60 && b < 90) > 20, "green caption missing");
});

test("caption text for grid items names the classes", () => {
  const lines = gridCaption({ image: square, label: 9, predicted: 7, probability: 0.5 });
  assert.deepEqual(
    lines.map((l) => l.text),
    ["Ankle boot", "Sneaker 50%"],
  );
  assert.throws(() => plot.imageGridPng([]), /at least one image/);
});

test("mistakes grid shows only wrong predictions, most confident first", () => {
  const images = [square, square, square, square];
  const probs = [
    [0.9, 0.1],
    [0.2, 0.8],
    [0.3, 0.7],
    [0.6, 0.4],
  ];
  const png = decodePng(mistakesGridPng(images, probs, [0, 0, 0, 1], { classNames: ["left", "right"] }));
  assert.ok(count(png, isRed) > 0);
  assert.throws(() => mistakesGridPng([square], [[0.9, 0.1]], [0]), /no mistakes/);
});

test("the bitmap font covers every class name", () => {
  for (const name of CLASS_NAMES) {
    for (const ch of name) assert.ok(hasGlyph(ch), `no glyph for "${ch}" in "${name}"`);
  }
  const r = new Raster(80, 12);
  const end = r.drawText("Bag", 1, 1, [0, 0, 0]);
  assert.equal(end, 1 + 3 * 6);
  assert.equal(textWidth("Bag", 2), (3 * 6 - 1) * 2);
  assert.equal(hasGlyph("€"), false);
  const png = decodePng(r.toPng());
  assert.ok(count(png, (v) => v === 0) > 10);
});
