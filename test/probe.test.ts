import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { before, test } from "node:test";
import { makeOptimizer } from "../lib/models/presets";
import { deadUnits, firstStep, probeRun } from "../lib/train/probe";
import { KerasRMSprop } from "../lib/train/kerasRmsprop";
import { syntheticSet, useCpu } from "./helpers";

before(useCpu);

/** 784 → 16 → 8 → 10 ReLU chain with named layers and a fixed seed. */
function smallMlp(seed = 1, biasOfFirstLayer = 0): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 10 + k });
  return tf.sequential({
    layers: [
      tf.layers.dense({
        name: "wide",
        units: 16,
        activation: "relu",
        inputShape: [784],
        kernelInitializer: init(1),
        biasInitializer: tf.initializers.constant({ value: biasOfFirstLayer }),
      }),
      tf.layers.dense({ name: "narrow", units: 8, activation: "relu", kernelInitializer: init(2) }),
      tf.layers.dense({ name: "classes", units: 10, activation: "softmax", kernelInitializer: init(3) }),
    ],
  });
}

test("deadUnits names each hidden layer and counts units that never fire", () => {
  const set = syntheticSet(50);
  const alive = smallMlp();
  const measured = deadUnits(alive, set, 255);
  assert.deepEqual(
    measured.map((d) => [d.layer, d.units]),
    [
      ["wide", 16],
      ["narrow", 8],
    ],
  );
  assert.ok(measured[0].dead < 0.5, `a fresh layer is mostly alive, got ${measured[0].dead}`);
  // A large negative bias and tiny inputs: every unit of the first layer is below zero for every image.
  const killed = smallMlp(1, -10);
  assert.equal(deadUnits(killed, set, 255)[0].dead, 1);
  const before = tf.memory().numTensors;
  deadUnits(alive, set, 255);
  assert.equal(tf.memory().numTensors, before, "deadUnits leaks tensors");
  alive.dispose();
  killed.dispose();
});

test("one RMSprop step moves every weight with a gradient by about lr/√0.1 with Keras' formula, less with tfjs's; Adam by lr", async () => {
  const set = syntheticSet(32);
  const xs = tf.tensor2d(
    Float32Array.from(set.images, (v) => v / 255),
    [32, 784],
  );
  const ys = tf.tensor1d(Float32Array.from(set.labels));
  const stepOf = async (optimizer: tf.Optimizer) => {
    const model = smallMlp(3);
    model.compile({ optimizer, loss: "sparseCategoricalCrossentropy" });
    const step = await firstStep(model, xs, ys, 0.001);
    model.dispose();
    optimizer.dispose();
    return step;
  };
  const keras = await stepOf(new KerasRMSprop(0.001));
  const tfjs = await stepOf(makeOptimizer("rmsprop", 0.001));
  const adam = await stepOf(tf.train.adam(0.001));
  assert.equal(keras.weights, 784 * 16);
  assert.ok(keras.moved > 0 && keras.moved <= keras.weights);
  assert.ok(Math.abs(keras.medianStepOverLr - 1 / Math.sqrt(0.1)) < 0.01, `Keras RMSprop: ${keras.medianStepOverLr}`);
  assert.ok(Math.abs(adam.medianStepOverLr - 1) < 0.01, `Adam: ${adam.medianStepOverLr}`);
  assert.ok(
    tfjs.medianStepOverLr < keras.medianStepOverLr,
    `tfjs ${tfjs.medianStepOverLr} vs Keras ${keras.medianStepOverLr}`,
  );
  tf.dispose([xs, ys]);
});

test("KerasRMSprop frees its slots, and its state persists between steps", async () => {
  const w = tf.variable(tf.tensor1d([1, -1]), true, "kerasRmspropTestWeight");
  const optimizer = new KerasRMSprop(0.1);
  const loss = () => w.square().sum() as tf.Scalar;
  optimizer.minimize(loss);
  const afterOne = w.dataSync().slice();
  // Step 1: ms = 0.1·g², step = 0.1·g/(√ms + ε) ≈ 0.316 in the direction of −g.
  assert.ok(Math.abs(afterOne[0] - (1 - 0.1 / Math.sqrt(0.1))) < 1e-4, `${afterOne[0]}`);
  optimizer.minimize(loss);
  assert.notDeepEqual(Array.from(w.dataSync()), Array.from(afterOne));
  const before = tf.memory().numTensors;
  optimizer.dispose();
  assert.ok(tf.memory().numTensors < before, "the mean-square slot was not freed");
  w.dispose();
});

test("probeRun records one loss per batch, a late loss and dead units, without leaking tensors", async () => {
  const set = syntheticSet(96);
  const model = smallMlp(5);
  model.compile({ optimizer: tf.train.adam(0.01), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  const options = { batchSize: 16, seed: 2, divisor: 255, probeSet: syntheticSet(20, 3) };
  const run = await probeRun(model, set, options);
  assert.equal(run.curve.length, 6);
  assert.ok(run.curve.every(Number.isFinite));
  assert.equal(run.lateLoss, run.curve[5]);
  assert.deepEqual(
    run.dead.map((d) => d.layer),
    ["wide", "narrow"],
  );
  // The first run creates Adam's slot variables; a second run on the same model must not add any tensor.
  const afterFirst = tf.memory().numTensors;
  await probeRun(model, set, options);
  assert.equal(tf.memory().numTensors, afterFirst, "probeRun leaks tensors");
  model.dispose();
});
