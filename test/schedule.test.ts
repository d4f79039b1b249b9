import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { before, test } from "node:test";
import { createPreset } from "../lib/models/presets";
import { learningRateScheduler, warmupCosineSchedule } from "../lib/train/schedule";
import { train } from "../lib/train/train";
import { UserError } from "../lib/util/errors";
import { syntheticSet, useCpu } from "./helpers";

before(useCpu);

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

test("warm-up climbs linearly to the peak, then the cosine falls to the floor at the last step", () => {
  const schedule = warmupCosineSchedule({ peak: 0.01, totalSteps: 110, warmupSteps: 10, floor: 0.0001 });
  assert.ok(close(schedule(0), 0.001), `first step ${schedule(0)}`);
  assert.ok(close(schedule(5), 0.001 + 0.009 * 0.5));
  assert.ok(close(schedule(10), 0.01), "peak right after the warm-up");
  assert.ok(close(schedule(109), 0.0001), `last step ${schedule(109)}`);
  const middle = schedule(10 + 99 / 2);
  assert.ok(close(middle, 0.0001 + (0.01 - 0.0001) / 2), `half way down ${middle}`);
  for (let step = 11; step < 110; step++) assert.ok(schedule(step) <= schedule(step - 1), `rises at step ${step}`);
});

test("without warm-up the schedule starts at the peak", () => {
  const schedule = warmupCosineSchedule({ peak: 0.5, totalSteps: 3 });
  assert.deepEqual([0, 1, 2].map(schedule), [0.5, 0.25, 0]);
});

test("bad schedule settings are refused with the setting's name", () => {
  assert.throws(() => warmupCosineSchedule({ peak: 0, totalSteps: 10 }), /peak learning rate must be positive/);
  assert.throws(() => warmupCosineSchedule({ peak: 1, totalSteps: 10, warmupSteps: 10 }), /warmupSteps/);
  assert.throws(() => warmupCosineSchedule({ peak: 1, totalSteps: 10, floor: 2 }), /floor/);
  assert.throws(() => warmupCosineSchedule({ peak: 1, totalSteps: 2.5 }), UserError);
});

for (const optimizer of ["adam", "sgd"] as const) {
  test(`the scheduler sets ${optimizer}'s learning rate before every batch, and the steps follow it`, async () => {
    const set = syntheticSet(40);
    const run = async (rate: (step: number) => number) => {
      const model = createPreset("mlp", { seed: 2, optimizer });
      const scheduler = learningRateScheduler(model, rate);
      await train(model, set, { epochs: 2, batchSize: 10, board: false, callbacks: [scheduler.callback] });
      const weights = Float32Array.from(model.getWeights()[0].dataSync());
      const lastRate = (model.optimizer as unknown as { learningRate: number }).learningRate;
      model.dispose();
      return { weights, rates: scheduler.rates, lastRate };
    };
    const decaying = await run((step) => 0.01 / (step + 1));
    assert.equal(decaying.rates.length, 8, "one rate per batch over both epochs");
    assert.ok(close(decaying.rates[7], 0.01 / 8));
    assert.ok(close(decaying.lastRate, 0.01 / 8), "the optimizer holds the last rate");
    const frozen = await run(() => 1e-12);
    const initial = createPreset("mlp", { seed: 2, compile: false });
    const start = Float32Array.from(initial.getWeights()[0].dataSync());
    initial.dispose();
    const moved = (w: Float32Array) => w.reduce((sum, v, i) => sum + Math.abs(v - start[i]), 0);
    assert.ok(moved(frozen.weights) < moved(decaying.weights) / 1000, "a near-zero rate barely moves the weights");
  });
}

test("scheduling an uncompiled model is refused", () => {
  const model = createPreset("mlp", { compile: false });
  assert.throws(() => learningRateScheduler(model, () => 0.1), /compile it/);
  model.dispose();
});

test("the scheduler leaks no tensors", async () => {
  const model = createPreset("mlp", { seed: 1 });
  const scheduler = learningRateScheduler(model, warmupCosineSchedule({ peak: 0.01, totalSteps: 12 }));
  const counts: number[] = [];
  await train(model, syntheticSet(40), {
    epochs: 3,
    batchSize: 10,
    board: false,
    callbacks: [scheduler.callback, { onEpochEnd: async () => void counts.push(tf.memory().numTensors) }],
  });
  assert.equal(counts[2], counts[0], `tensors per epoch: ${counts}`);
  model.dispose();
});
