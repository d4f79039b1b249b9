import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { before, test } from "node:test";
import { CLASS_NAMES } from "../lib/data/classes";
import { FashionMnist, ImageSet, loadFashionMnist } from "../lib/data/dataset";
import { toTensors } from "../lib/data/tensors";
import { syntheticSet, useCpu } from "./helpers";

let data: FashionMnist;

before(async () => {
  await useCpu();
  data = await loadFashionMnist();
});

test("the real data set has 60,000 + 10,000 images, balanced over ten classes, with verified checksums", () => {
  assert.equal(data.train.count, 60000);
  assert.equal(data.test.count, 10000);
  assert.deepEqual(data.train.classCounts(), new Array(10).fill(6000));
  assert.deepEqual(data.test.classCounts(), new Array(10).fill(1000));
  assert.ok(
    data.checksums.every((c) => c.matches === true),
    JSON.stringify(data.checksums),
  );
  assert.equal(CLASS_NAMES.length, 10);
  assert.equal(CLASS_NAMES[9], "Ankle boot");
  // The first training image of the official release is an ankle boot.
  assert.equal(data.train.labels[0], 9);
});

test("subset, shuffle and validation split", () => {
  const set = syntheticSet(100);
  assert.equal(set.subset(10).count, 10);
  assert.equal(set.subset(1000), set);
  const a = set.shuffle(7);
  const b = set.shuffle(7);
  const c = set.shuffle(8);
  assert.deepEqual(Array.from(a.labels), Array.from(b.labels));
  assert.notDeepEqual(Array.from(a.labels), Array.from(c.labels));
  assert.deepEqual(a.classCounts(), set.classCounts());
  const { train, validation } = set.splitValidation(0.2);
  assert.equal(train.count, 80);
  assert.equal(validation.count, 20);
  assert.deepEqual(Array.from(validation.labels), Array.from(set.labels.subarray(80)));
  assert.throws(() => set.splitValidation(1.5), /between 0 and 1/);
  assert.throws(() => set.image(100), /out of range/);
  assert.throws(() => new ImageSet(new Uint8Array(10), new Uint8Array(1), "bad"), /do not make 1 images/);
});

test("tensors: shapes, [0,1] range, 32x32 padding, one-hot or indices, nothing leaked", () => {
  const set = data.test.subset(50);
  const before = tf.memory().numTensors;
  const image = toTensors(set);
  const flat = toTensors(set, { layout: "flat", oneHot: false });
  const padded = toTensors(set, { padTo: 32 });
  tf.tidy(() => {
    const value = (t: tf.Tensor) => t.dataSync()[0];
    assert.deepEqual(image.xs.shape, [50, 28, 28, 1]);
    assert.deepEqual(image.ys.shape, [50, 10]);
    assert.ok(value(image.xs.max()) <= 1 && value(image.xs.min()) >= 0);
    assert.ok(value(image.xs.max()) > 0.9);
    assert.deepEqual(Array.from(image.ys.argMax(1).dataSync()), Array.from(set.labels));
    assert.deepEqual(flat.xs.shape, [50, 784]);
    assert.deepEqual(Array.from(flat.ys.dataSync()), Array.from(set.labels));
    assert.deepEqual(padded.xs.shape, [50, 32, 32, 1]);
    assert.equal(value(padded.xs.slice([0, 0, 0, 0], [50, 2, 32, 1]).sum()), 0);
    assert.ok(Math.abs(value(padded.xs.sum()) - value(image.xs.sum())) < 1e-2);
  });
  for (const t of [image, flat, padded]) tf.dispose([t.xs, t.ys]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => toTensors(set, { layout: "flat", padTo: 32 }), /padTo needs layout "image"/);
  assert.throws(() => toTensors(set, { padTo: 31 }), /even number/);
});
