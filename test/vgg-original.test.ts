import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { before, test } from "node:test";
import { createOriginalVgg11 } from "../lib/models/vggOriginal";
import { timeTrainingSteps } from "../lib/train/timing";
import { UserError } from "../lib/util/errors";
import { useCpu } from "./helpers";

before(useCpu);

/** Weights and biases of VGG-11's eight convolutions for a given number of input channels. */
function convParams(channels: number): number {
  const widths = [64, 128, 256, 256, 512, 512, 512, 512];
  let total = 0;
  let inputs = channels;
  for (const w of widths) {
    total += 3 * 3 * inputs * w + w;
    inputs = w;
  }
  return total;
}

test("VGG-11 at full width has torchvision's layers; its parameters follow the layer arithmetic", () => {
  assert.equal(
    convParams(3) + (25088 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 1000 + 1000),
    132863336,
    "torchvision's vgg11 count",
  );
  const model = createOriginalVgg11({ inputSize: 64, channels: 1, classes: 10 });
  const flat = 2 * 2 * 512; // 64 pixels halved five times
  assert.equal(model.countParams(), convParams(1) + (flat * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 10 + 10));
  assert.equal(model.layers.filter((l) => l.getClassName() === "Conv2D").length, 8);
  assert.equal(model.layers.filter((l) => l.getClassName() === "MaxPooling2D").length, 5);
  assert.deepEqual(model.outputs[0].shape, [null, 10]);
  model.dispose();
});

test("an input size the five pools cannot halve evenly is refused", () => {
  assert.throws(() => createOriginalVgg11({ inputSize: 28 }), UserError);
  assert.throws(() => createOriginalVgg11({ inputSize: 0 }), /multiple of 32/);
});

test("timeTrainingSteps times the asked steps, trains the model and frees its tensors", async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: "softmax" })] });
  model.compile({ optimizer: tf.train.sgd(0.5), loss: "categoricalCrossentropy" });
  const xs = tf.ones([2, 4]);
  const ys = tf.oneHot(tf.tensor1d([0, 1], "int32"), 3);
  const before = Float32Array.from(model.getWeights()[0].dataSync());
  const tensors = tf.memory().numTensors;
  const timing = await timeTrainingSteps(model, xs, ys, { steps: 4, warmup: 2 });
  assert.equal(timing.secondsPerStep.length, 4);
  assert.equal(timing.batchSize, 2);
  assert.ok(timing.secondsPerStep.every((s) => s > 0) && timing.medianSeconds > 0);
  assert.notDeepEqual(Float32Array.from(model.getWeights()[0].dataSync()), before, "the steps trained the model");
  assert.equal(tf.memory().numTensors, tensors);
  const uncompiled = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
  await assert.rejects(timeTrainingSteps(uncompiled, xs, ys), /not compiled/);
  await assert.rejects(timeTrainingSteps(model, xs, ys, { steps: 0 }), UserError);
  tf.dispose([xs, ys]);
  model.dispose();
  uncompiled.dispose();
});
