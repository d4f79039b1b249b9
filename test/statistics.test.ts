import { strict as assert } from "assert";
import { test } from "node:test";
import { ImageSet } from "../lib/data/dataset";
import { classMeanImages, firstOfClass, nearestMeanPredictions, pixelStatistics } from "../lib/data/statistics";
import { syntheticSet } from "./helpers";

test("pixelStatistics counts every value and gives mean, spread and background share", () => {
  const stats = pixelStatistics(Uint8Array.from([0, 0, 255, 255]));
  assert.equal(stats.histogram[0], 2);
  assert.equal(stats.histogram[255], 2);
  assert.equal(
    stats.histogram.reduce((a, b) => a + b, 0),
    4,
  );
  assert.equal(stats.mean, 127.5);
  assert.equal(stats.std, 127.5);
  assert.equal(stats.background, 0.5);
});

test("class means average each class's images, and the nearest mean classifies the synthetic bands", () => {
  const set = syntheticSet(200);
  const means = classMeanImages(set);
  assert.equal(means.length, 10);
  const ofClass3 = firstOfClass(set, 3, 20);
  assert.equal(ofClass3.length, 20);
  assert.ok(ofClass3.every((i) => set.labels[i] === 3));
  const expected = ofClass3.reduce((sum, i) => sum + set.image(i)[0], 0) / 20;
  assert.ok(Math.abs(means[3][0] - expected) < 1e-3, `${means[3][0]} vs ${expected}`);
  const predictions = nearestMeanPredictions(means, syntheticSet(50, 7));
  const correct = predictions.filter((p, i) => p === i % 10).length;
  assert.equal(correct, 50, "each synthetic class lights its own band, so its mean is always nearest");
});

test("a class without images gets a zero mean image instead of NaN", () => {
  const set = new ImageSet(new Uint8Array(784).fill(9), Uint8Array.from([2]), "one");
  const means = classMeanImages(set);
  assert.equal(means[2][0], 9);
  assert.equal(means[0][0], 0);
  assert.deepEqual(firstOfClass(set, 5, 3), []);
});
