import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { before, test } from "node:test";
import { checkAgainstPreset } from "../lib/models/presetCheck";
import { UserError } from "../lib/util/errors";
import { useCpu } from "./helpers";

before(useCpu);

function handWrittenMlp(hiddenUnits = 128): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: hiddenUnits, activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
}

test("a network written by hand like the preset matches it, whatever its initial weights", () => {
  const model = handWrittenMlp();
  const check = checkAgainstPreset(model, "mlp");
  assert.equal(check.matches, true, check.summary);
  assert.deepEqual(check.differences, []);
  assert.equal(check.layers, 3);
  assert.equal(check.params, 101770);
  assert.match(check.summary, /same 3 layers, settings and 101,770 parameters as the preset "mlp"/);
  model.dispose();
});

test("another width is named with the layer, the setting and both parameter counts", () => {
  const model = handWrittenMlp(64);
  const check = checkAgainstPreset(model, "mlp");
  assert.equal(check.matches, false);
  assert.ok(check.differences.includes("layer 2 (Dense): units 64, preset 128"), check.differences.join("\n"));
  assert.ok(check.differences.some((d) => d.startsWith("50,890 parameters, the preset 101,770")));
  assert.match(check.summary, /^differs from the preset "mlp": layer 2 \(Dense\): units 64, preset 128/);
  model.dispose();
});

test("tfjs's default batch-norm momentum (0.99) is caught against vgg11-bn's 0.9", () => {
  const model = tf.sequential({
    layers: [
      tf.layers.zeroPadding2d({ padding: 2, inputShape: [28, 28, 1] }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: "same" }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
    ],
  });
  const check = checkAgainstPreset(model, "vgg11-bn");
  assert.equal(check.matches, false);
  assert.ok(
    check.differences.includes("layer 3 (BatchNormalization): momentum 0.99, preset 0.9"),
    check.differences.join("\n"),
  );
  assert.ok(check.differences.some((d) => /^4 layers, the preset has \d+$/.test(d)));
  model.dispose();
});

test("a different layer class, a missing layer and preset options are all taken into account", () => {
  const model = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10, activation: "softmax" })],
  });
  const check = checkAgainstPreset(model, "cnn-simple");
  assert.equal(check.differences[0], "layer 1 (Flatten): the preset has Conv2D here");
  model.dispose();
  const noDropout = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 5, padding: "same", activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 5, padding: "same", activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1024, activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  assert.equal(checkAgainstPreset(noDropout, "cnn-deep", { convBlocks: 2, dropout: false }).matches, true);
  assert.equal(checkAgainstPreset(noDropout, "cnn-deep", { convBlocks: 2 }).matches, false);
  assert.throws(() => checkAgainstPreset(noDropout, "lenet"), UserError);
  noDropout.dispose();
});

test("the check frees the preset it builds", () => {
  const model = handWrittenMlp();
  const before = tf.memory().numTensors;
  checkAgainstPreset(model, "mlp");
  checkAgainstPreset(model, "vgg11-bn");
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});
