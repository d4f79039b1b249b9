import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { before, test } from "node:test";
import { createPreset } from "../lib/models/presets";
import { shiftAndFlip } from "../lib/train/augment";
import { train } from "../lib/train/train";
import { UserError } from "../lib/util/errors";
import { syntheticSet, useCpu } from "./helpers";

before(useCpu);

/** A 28×28 image with a single bright pixel at (x, y). */
function dot(x: number, y: number): Float32Array {
  const image = new Float32Array(784);
  image[y * 28 + x] = 1;
  return image;
}

const where = (image: Float32Array) => {
  const i = image.indexOf(1);
  return i < 0 ? undefined : { x: i % 28, y: Math.floor(i / 28) };
};

test("shifts stay within maxShift, flips mirror the columns, and both happen", () => {
  const augment = shiftAndFlip({ maxShift: 2, seed: 3 });
  const moves = new Set<string>();
  for (let trial = 0; trial < 400; trial++) {
    const image = dot(10, 12);
    augment(image, 1);
    const at = where(image);
    assert.ok(at, "the dot stays inside the image");
    assert.equal(
      image.reduce((a, b) => a + b, 0),
      1,
      "nothing else is drawn",
    );
    const dy = at.y - 12;
    const dx = at.x - 10;
    const mirroredDx = at.x - (27 - 10);
    assert.ok(Math.abs(dy) <= 2, `row moved by ${dy}`);
    assert.ok(Math.abs(dx) <= 2 || Math.abs(mirroredDx) <= 2, `column ${at.x}`);
    moves.add(`${dx},${dy}`);
  }
  const mirrored = [...moves].filter((m) => Math.abs(Number(m.split(",")[0])) > 2).length;
  assert.ok(mirrored > 0, "some images were mirrored");
  assert.ok(moves.size >= 25 + 10, `saw ${moves.size} different moves`);
});

test("pixels shifted out of the image are lost and the border is filled with zeros", () => {
  const augment = shiftAndFlip({ maxShift: 3, flip: false, seed: 1 });
  let lost = 0;
  for (let trial = 0; trial < 200; trial++) {
    const image = dot(0, 27);
    augment(image, 1);
    if (!where(image)) lost++;
  }
  assert.ok(lost > 100, `the corner dot left the image in ${lost} of 200 trials`);
});

test("each image of a batch gets its own move; the same seed gives the same moves", () => {
  const batch = (seed: number) => {
    const pixels = new Float32Array(784 * 8);
    for (let k = 0; k < 8; k++) pixels.set(dot(14, 14), k * 784);
    shiftAndFlip({ seed })(pixels, 8);
    return Array.from({ length: 8 }, (_, k) => JSON.stringify(where(pixels.subarray(k * 784, (k + 1) * 784))));
  };
  assert.deepEqual(batch(5), batch(5));
  assert.notDeepEqual(batch(5), batch(6));
  assert.ok(new Set(batch(5)).size > 1, "the images did not all move alike");
});

test("maxShift 0 without flips leaves the images as they are", () => {
  const image = Float32Array.from({ length: 784 }, (_, i) => (i % 97) / 97);
  const copy = image.slice();
  shiftAndFlip({ maxShift: 0, flip: false })(image, 1);
  assert.deepEqual(image, copy);
});

test("a maxShift that is not a whole number of pixels below 28 is refused", () => {
  assert.throws(() => shiftAndFlip({ maxShift: 1.5 }), UserError);
  assert.throws(() => shiftAndFlip({ maxShift: 28 }), /maxShift must be a whole number/);
});

test("train applies the augmentation to training batches only, without leaking tensors", async () => {
  const set = syntheticSet(60);
  const model = createPreset("mlp", { seed: 1 });
  let augmented = 0;
  const counts: number[] = [];
  const result = await train(model, set, {
    epochs: 3,
    batchSize: 20,
    validationSplit: 0.2,
    board: false,
    augment: (pixels, count) => {
      assert.equal(pixels.length, count * 784);
      augmented += count;
    },
    callbacks: [{ onEpochEnd: async () => void counts.push(tf.memory().numTensors) }],
  });
  assert.equal(augmented, 3 * result.samples, "every training image once per epoch, no validation image");
  assert.equal(counts[2], counts[0], `tensors per epoch: ${counts}`);
  model.dispose();
});
