import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { before, test } from "node:test";
import { createPreset } from "../lib/models/presets";
import { saveModelChecked } from "../lib/train/saveChecked";
import { joinFits, trainSteps } from "../lib/train/steps";
import { train } from "../lib/train/train";
import { UserError } from "../lib/util/errors";
import { syntheticSet, tempDir, useCpu } from "./helpers";

before(useCpu);

test("training by steps stops after exactly that many batches, part-way through a pass", async () => {
  const set = syntheticSet(100);
  const model = createPreset("mlp", { seed: 1 });
  const sizes: number[] = [];
  // 100 images in batches of 30 make 4 batches a pass (30, 30, 30, 10): 6 steps are one pass and 2 batches
  const fit = await trainSteps(model, set, {
    steps: 6,
    batchSize: 30,
    seed: 1,
    board: false,
    callbacks: [{ onBatchEnd: async (_b, logs) => void sizes.push(logs!.size) }],
  });
  assert.deepEqual(sizes, [30, 30, 30, 10, 30, 30]);
  assert.equal(fit.steps, 6);
  assert.equal(fit.epochs, 1.5);
  assert.equal(fit.history.loss.length, 2, "the part-way pass still reports its mean loss");
  assert.ok(
    Math.abs(fit.imgPerSecond * fit.seconds - 160) < 1e-6,
    `speed counts 160 images: ${fit.imgPerSecond * fit.seconds}`,
  );
  model.dispose();
});

test("training by steps rejects a step count that is not a positive whole number", async () => {
  const model = createPreset("mlp", { seed: 1 });
  for (const steps of [0, 2.5, -1]) {
    await assert.rejects(
      trainSteps(model, syntheticSet(10), { steps }),
      (e: unknown) => e instanceof UserError && /steps must be a positive whole number/.test((e as Error).message),
    );
  }
  model.dispose();
});

test("two goes of training join into one record: epochs, time and images add up", async () => {
  const set = syntheticSet(100);
  const model = createPreset("mlp", { seed: 2 });
  const first = await trainSteps(model, set, { steps: 5, batchSize: 20, board: false });
  const second = await train(model, set, {
    epochs: 2,
    batchSize: 20,
    seed: 1,
    board: false,
    validationData: syntheticSet(20, 3),
  });
  const joined = joinFits(first, second);
  assert.equal(joined.epochs, 3);
  assert.equal(joined.seconds, first.seconds + second.seconds);
  assert.ok(
    Math.abs(joined.imgPerSecond * joined.seconds - 300) < 1e-6,
    "100 images in the first go, 200 in the second",
  );
  assert.deepEqual(joined.history.loss, [...first.history.loss, ...second.history.loss]);
  assert.equal(joined.history.val_acc!.length, 3);
  assert.ok(Number.isNaN(joined.history.val_acc![0]) && joined.history.val_acc![2] === second.history.val_acc![1]);
  assert.throws(() => joinFits(first, { ...second, batchSize: 32 }), /batch 20 on 100 images and batch 32 on 100/);
  model.dispose();
});

test("a saved model is loaded back and scores the same on the check set", async () => {
  const model = createPreset("mlp", { seed: 6 });
  await trainSteps(model, syntheticSet(100), { steps: 10, batchSize: 20, board: false });
  const dir = path.join(tempDir(), "checked");
  const check = await saveModelChecked(model, "checked", syntheticSet(50, 4), dir);
  assert.equal(check.dir, dir);
  assert.ok(fs.existsSync(path.join(dir, "model.json")));
  assert.ok(check.accuracy > 0.1, `accuracy ${check.accuracy}`);
  assert.equal(check.reloadedAccuracy, check.accuracy);
  model.dispose();
});
