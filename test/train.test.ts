import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { before, test } from "node:test";
import { createPreset } from "../lib/models/presets";
import { evaluate, predictProbabilities } from "../lib/train/evaluate";
import { loadModel, saveModel } from "../lib/train/io";
import { trainPreset, trainVariants } from "../lib/train/run";
import { train } from "../lib/train/train";
import { UserError } from "../lib/util/errors";
import { syntheticSet, tempDir, useCpu } from "./helpers";

before(useCpu);

test("a few steps lower the loss, and a small subset can be overfit", async () => {
  const set = syntheticSet(200);
  const model = createPreset("mlp", { seed: 1 });
  const result = await train(model, set, { epochs: 8, batchSize: 20, seed: 1 });
  const { loss, acc } = result.history;
  assert.equal(loss.length, 8);
  assert.ok(loss[7] < loss[0] / 3, `loss went ${loss[0]} → ${loss[7]}`);
  assert.ok(acc[7] >= 0.99, `training accuracy ${acc[7]}`);
  assert.equal(result.samples, 200);
  assert.ok(result.imgPerSecond > 0 && result.seconds > 0);
  model.dispose();
});

test("no tensors leak across epochs", async () => {
  const set = syntheticSet(40);
  const model = createPreset("cnn-simple", { seed: 2 });
  const counts: number[] = [];
  await train(model, set, {
    epochs: 3,
    batchSize: 10,
    validationSplit: 0.25,
    callbacks: [{ onEpochEnd: async () => void counts.push(tf.memory().numTensors) }],
  });
  assert.equal(counts.length, 3);
  assert.equal(counts[1], counts[0], `tensors per epoch: ${counts}`);
  assert.equal(counts[2], counts[0], `tensors per epoch: ${counts}`);
  model.dispose();
});

test("same seeds, same training: weights and batch order are reproducible", async () => {
  const set = syntheticSet(60);
  const run = async (seed: number) => {
    const model = createPreset("mlp", { seed: 5 });
    const result = await train(model, set, { epochs: 2, batchSize: 10, seed });
    model.dispose();
    return result.history.loss;
  };
  const a = await run(1);
  const b = await run(1);
  const c = await run(2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test("same seed, same dropout masks: a model with dropout trains to the same losses; another seed does not", async () => {
  const set = syntheticSet(60);
  const run = async (seed: number) => {
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [28, 28, 1] }),
        tf.layers.dense({ units: 16, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: "categoricalCrossentropy" });
    const result = await train(model, set, { epochs: 2, batchSize: 10, seed, board: false });
    model.dispose();
    return result.history.loss;
  };
  const a = await run(1);
  assert.deepEqual(await run(1), a, "the same seed trained to other losses: the dropout masks were not seeded");
  assert.notDeepEqual(await run(2), a);
});

test("validation metrics come back when asked for", async () => {
  const set = syntheticSet(100);
  const model = createPreset("mlp", { seed: 1 });
  const result = await train(model, set, { epochs: 2, batchSize: 25, validationData: syntheticSet(40, 9) });
  assert.equal(result.history.val_loss?.length, 2);
  assert.equal(result.history.val_acc?.length, 2);
  await assert.rejects(
    train(model, set, { epochs: 1, validationSplit: 0.1, validationData: set }),
    /either validationSplit or validationData/,
  );
  await assert.rejects(train(model, set, { epochs: 1, batchsize: 3 } as never), /Unknown train option\(s\) batchsize/);
  model.dispose();
});

test("a NaN loss stops training with a clear error naming the epoch and batch", async () => {
  const set = syntheticSet(40);
  const model = createPreset("mlp", { seed: 1, learningRate: 1e30, optimizer: "sgd" });
  await assert.rejects(train(model, set, { epochs: 3, batchSize: 10 }), (error: unknown) => {
    assert.ok(error instanceof UserError);
    assert.match(
      (error as Error).message,
      /The loss became (NaN|Infinity) at epoch \d+, batch \d+; training stopped. Usual causes: a learning rate too high/,
    );
    return true;
  });
  model.dispose();
});

test("evaluate returns plain data that agrees with itself", async () => {
  const set = syntheticSet(50);
  const model = createPreset("mlp", { seed: 1 });
  await train(model, set, { epochs: 3, batchSize: 10 });
  const e = await evaluate(model, set, { mistakes: 5 });
  assert.equal(e.predictions.length, 50);
  assert.equal(e.probabilities.length, 500);
  const confusionTotal = e.confusion.flat().reduce((a, b) => a + b, 0);
  assert.equal(confusionTotal, 50);
  const diagonal = e.confusion.reduce((sum, row, i) => sum + row[i], 0);
  assert.equal(diagonal / 50, e.accuracy);
  assert.ok(e.mistakes.length <= 5);
  for (let i = 1; i < e.mistakes.length; i++) assert.ok(e.mistakes[i - 1].probability >= e.mistakes[i].probability);
  assert.ok(e.loss > 0 && Number.isFinite(e.loss));
  model.dispose();
});

test("save then load gives identical predictions, with the optimizer restored, and leaks no tensor", async () => {
  const set = syntheticSet(30);
  const model = createPreset("cnn-simple", { seed: 3 });
  await train(model, set, { epochs: 1, batchSize: 10 });
  const dir = `${tempDir()}/cnn`;
  const held = tf.memory().numTensors;
  await saveModel(model, "cnn", dir);
  assert.equal(tf.memory().numTensors, held, "saving left tensors behind");
  const loaded = await loadModel("cnn", dir);
  assert.deepEqual(
    Array.from(await predictProbabilities(loaded, set)),
    Array.from(await predictProbabilities(model, set)),
  );
  assert.ok(loaded.optimizer, "the loaded model is compiled");
  await train(loaded, set, { epochs: 1, batchSize: 10 });
  await assert.rejects(
    loadModel("missing", `${dir}-missing`),
    /No saved model at .*model\.json is missing\): save it again/,
  );
  loaded.dispose();
  assert.equal(tf.memory().numTensors, held, "the loaded model's dispose() left its optimizer's state behind");
  model.dispose();
});

test("trainPreset names the record after its label and validates when asked", async () => {
  const data = { train: syntheticSet(60), test: syntheticSet(20, 3) };
  const { model, result, record } = await trainPreset("mlp", data, {
    epochs: 1,
    seed: 1,
    label: "mlp, sgd",
    lesson: "t",
    validationSplit: 0.2,
    board: false,
    preset: { optimizer: "sgd" },
  });
  assert.equal(record.model, "mlp, sgd");
  assert.equal(record.train_images, 48);
  assert.equal(result.history.val_acc?.length, 1);
  model.dispose();
});

test("trainVariants trains each variant with the same settings and frees every model", async () => {
  const data = { train: syntheticSet(40), test: syntheticSet(20, 3) };
  const tensors = tf.memory().numTensors;
  const runs = await trainVariants(
    [
      { label: "adam", preset: "mlp" },
      { label: "sgd", preset: "mlp", options: { optimizer: "sgd" } },
    ],
    data,
    { epochs: 2, seed: 1, lesson: "t", board: false },
  );
  assert.deepEqual(
    runs.map((r) => r.label),
    ["adam", "sgd"],
  );
  assert.deepEqual(
    runs.map((r) => r.record.model),
    ["adam", "sgd"],
  );
  assert.ok(runs.every((r) => r.result.epochs === 2 && r.result.history.loss.length === 2));
  assert.notDeepEqual(runs[0].result.history.loss, runs[1].result.history.loss);
  assert.equal(tf.memory().numTensors, tensors);
});
