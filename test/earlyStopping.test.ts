import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { before, test } from "node:test";
import { ImageSet } from "../lib/data/dataset";
import { createPreset } from "../lib/models/presets";
import { EarlyStopping, earlyStopping } from "../lib/train/earlyStopping";
import { train } from "../lib/train/train";
import { UserError } from "../lib/util/errors";
import { syntheticSet, useCpu } from "./helpers";

before(useCpu);

/** Validation images whose labels are shifted by one class: the better the model learns, the worse it does on them. */
function misleadingSet(): ImageSet {
  const set = syntheticSet(40, 7);
  return new ImageSet(
    set.images,
    set.labels.map((l) => (l + 1) % 10),
    "misleading",
  );
}

const firstWeights = (model: tf.LayersModel) => Array.from(model.getWeights()[0].dataSync().slice(0, 50));

test("early stopping stops after `patience` epochs without improvement and puts the best weights back", async () => {
  const model = createPreset("mlp", { seed: 3 });
  const stopper = earlyStopping(model, { monitor: "val_loss", patience: 2 });
  const afterEpoch: number[][] = [];
  const fit = await train(model, syntheticSet(200), {
    epochs: 10,
    batchSize: 20,
    seed: 1,
    board: false,
    validationData: misleadingSet(),
    callbacks: [stopper.callback, { onEpochEnd: async () => void afterEpoch.push(firstWeights(model)) }],
  });
  const valLoss = fit.history.val_loss!;
  const best = valLoss.indexOf(Math.min(...valLoss)) + 1;
  assert.equal(stopper.bestEpoch, best);
  assert.equal(stopper.bestValue, valLoss[best - 1]);
  assert.equal(stopper.stoppedEpoch, best + 2, `val_loss per epoch: ${valLoss}`);
  assert.equal(fit.epochs, best + 2, "the result counts the epochs actually run");
  assert.ok(fit.epochs < 10);
  assert.deepEqual(firstWeights(model), afterEpoch[best - 1], "weights are those of the best epoch");
  assert.notDeepEqual(firstWeights(model), afterEpoch[afterEpoch.length - 1]);
  model.dispose();
});

test("early stopping watching accuracy keeps the highest, and leaks no tensors", async () => {
  const model = createPreset("mlp", { seed: 4 });
  const options = { epochs: 6, batchSize: 20, seed: 2, board: false as const, validationData: syntheticSet(40, 5) };
  await train(model, syntheticSet(100), { ...options, epochs: 1 }); // creates the optimizer's variables
  const before = tf.memory().numTensors;
  const stopper = earlyStopping(model, { monitor: "val_acc", patience: 6 });
  const fit = await train(model, syntheticSet(100), { ...options, callbacks: [stopper.callback] });
  assert.equal(tf.memory().numTensors, before);
  const valAcc = fit.history.val_acc!;
  assert.equal(stopper.bestEpoch, valAcc.indexOf(Math.max(...valAcc)) + 1);
  assert.equal(stopper.stoppedEpoch, undefined);
  model.dispose();
});

test("early stopping says what is missing when the watched value is not reported, and rejects bad options", async () => {
  const model = createPreset("mlp", { seed: 1 });
  const stopper = earlyStopping(model);
  await assert.rejects(
    train(model, syntheticSet(20), { epochs: 2, batchSize: 10, board: false, callbacks: [stopper.callback] }),
    (e: unknown) =>
      e instanceof UserError &&
      /watches "val_loss", which training did not report.*validationSplit/.test((e as Error).message),
  );
  assert.throws(
    () => new EarlyStopping(model, { monitor: "val_auc" as never }),
    /monitor must be one of val_loss, val_acc, loss, acc/,
  );
  assert.throws(() => earlyStopping(model, { patience: 1.5 }), /patience must be a whole number/);
  assert.throws(() => earlyStopping(model, { minDelta: -1 }), /minDelta must be ≥ 0/);
  model.dispose();
});
