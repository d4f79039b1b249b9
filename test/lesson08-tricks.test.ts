import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { before, test } from "node:test";
import { ImageSet } from "../lib/data/dataset";
import { createPreset } from "../lib/models/presets";
import { evaluate, predictProbabilities } from "../lib/train/evaluate";
import { loadModel, saveModel } from "../lib/train/io";
import { smoothedCrossEntropy } from "../lib/train/labelSmoothing";
import { train } from "../lib/train/train";
import { UserError } from "../lib/util/errors";
import { syntheticSet, tempDir, useCpu } from "./helpers";

before(useCpu);

test("label smoothing: the loss by hand for one image, plain cross-entropy at epsilon 0, a clear error out of range", () => {
  const probabilities = [0.7, 0.1, 0.05, 0.05, 0.02, 0.02, 0.02, 0.02, 0.01, 0.01];
  const yPred = tf.tensor2d([probabilities]);
  const yTrue = tf.oneHot([0], 10).toFloat();
  // targets 0.91 for the true class and 0.01 for each other one (epsilon 0.1 spread over 10 classes)
  const byHand = -probabilities.reduce((sum, p, k) => sum + (k === 0 ? 0.91 : 0.01) * Math.log(p), 0);
  const smoothed = smoothedCrossEntropy(0.1)(yTrue, yPred);
  assert.deepEqual(smoothed.shape, [1], "one loss per image, as tfjs's losses");
  assert.ok(Math.abs(smoothed.dataSync()[0] - byHand) < 1e-5, `${smoothed.dataSync()[0]} vs ${byHand}`);
  const plain = smoothedCrossEntropy(0)(yTrue, yPred).dataSync()[0];
  assert.ok(Math.abs(plain + Math.log(0.7)) < 1e-5);
  assert.throws(
    () => smoothedCrossEntropy(1),
    (e: unknown) => e instanceof UserError && /epsilon must be/.test(String(e)),
  );
  assert.throws(() => smoothedCrossEntropy(-0.1), UserError);
  tf.dispose([yPred, yTrue, smoothed]);
});

test("a model compiled with label smoothing trains without leaking, and saves and loads", async () => {
  const set = syntheticSet(60);
  const model = createPreset("mlp", { seed: 2 });
  model.compile({ optimizer: tf.train.adam(0.01), loss: smoothedCrossEntropy(0.1), metrics: ["accuracy"] });
  const first = await train(model, set, { epochs: 1, batchSize: 20, board: false });
  const afterFirstEpoch = tf.memory().numTensors; // the weights and Adam's state, made at the first step
  const more = await train(model, set, { epochs: 2, batchSize: 20, board: false });
  assert.equal(tf.memory().numTensors, afterFirstEpoch, "tensors leaked during training");
  assert.ok(
    more.history.loss[1] < first.history.loss[0],
    `loss did not fall: ${first.history.loss}, ${more.history.loss}`,
  );
  const dir = `${tempDir()}/smoothed`;
  await saveModel(model, "smoothed", dir);
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
  const loaded = await loadModel("smoothed", dir).finally(() => (console.warn = warn));
  assert.deepEqual(warnings, [], "loading warned (a loss function saved as an empty loss list)");
  assert.equal(loaded.optimizer, undefined, "a model whose loss has no name loads uncompiled");
  assert.deepEqual(
    Array.from(await predictProbabilities(loaded, set)),
    Array.from(await predictProbabilities(model, set)),
  );
  model.dispose();
  loaded.dispose();
});

test("mirror test-time augmentation averages each image's probabilities with its mirror image's", async () => {
  const set = syntheticSet(12);
  const model = createPreset("cnn-simple", { seed: 4 });
  const plain = await predictProbabilities(model, set);
  const before = tf.memory().numTensors;
  const averaged = await predictProbabilities(model, set, { mirror: true, batchSize: 5 });
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
  // the mirror images by hand: every row of every image reversed
  const mirroredImages = new Uint8Array(set.images.length);
  for (let i = 0; i < set.count * 28; i++) {
    const row = set.images.subarray(i * 28, (i + 1) * 28);
    mirroredImages.set(Uint8Array.from(row).reverse(), i * 28);
  }
  const mirroredSet = new ImageSet(mirroredImages, set.labels, "mirrored");
  const mirrored = await predictProbabilities(model, mirroredSet);
  for (let i = 0; i < plain.length; i++)
    assert.ok(Math.abs(averaged[i] - (plain[i] + mirrored[i]) / 2) < 1e-6, `at ${i}`);
  assert.ok(
    plain.some((p, i) => Math.abs(p - averaged[i]) > 1e-4),
    "mirroring changed nothing: the test cannot tell",
  );
  const e = await evaluate(model, set, { mirror: true });
  assert.deepEqual(Array.from(e.probabilities), Array.from(await predictProbabilities(model, set, { mirror: true })));
  model.dispose();
});

test("a disposed SGD-with-momentum optimizer leaves no tensor behind (tfjs 4.22 kept its learning-rate scalar)", () => {
  const weights = tf.variable(tf.tensor1d([1, -2, 3]));
  const before = tf.memory().numTensors;
  const optimizer = tf.train.momentum(0.05, 0.9, true);
  optimizer.setLearningRate(0.02); // a schedule replaces the rate scalar at every step
  for (let step = 0; step < 3; step++) optimizer.minimize(() => weights.square().sum());
  optimizer.dispose();
  assert.equal(tf.memory().numTensors, before);
  weights.dispose();
});
