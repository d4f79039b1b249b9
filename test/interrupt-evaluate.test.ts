import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { before, test } from "node:test";
import { createPreset } from "../lib/models/presets";
import { evaluate, predictProbabilities } from "../lib/train/evaluate";
import { timeTrainingSteps } from "../lib/train/timing";
import { Interrupted } from "../lib/util/interrupt";
import { setDisplayWriter } from "../lib/util/notebook";
import { syntheticSet, useCpu } from "./helpers";

before(useCpu);

/**
 * Runs `work` as a notebook cell of its own (an interrupt belongs to the cell it arrived in; without a cell it would
 * belong to the whole test process and stop every later test at once).
 */
async function inOwnCell<T>(work: () => Promise<T>): Promise<T> {
  setDisplayWriter(() => undefined);
  try {
    return await work();
  } finally {
    setDisplayWriter(null);
  }
}

/** Makes `method` of `target` send this process SIGINT (as Jupyter's stop button does) during its `at`-th call. */
function interruptDuringCall<K extends string>(
  target: Record<K, (...args: never[]) => unknown>,
  method: K,
  at: number,
) {
  const original = target[method];
  let calls = 0;
  target[method] = ((...args: never[]) => {
    if (++calls === at) process.kill(process.pid, "SIGINT");
    return original.apply(target, args);
  }) as (typeof target)[K];
  return () => calls;
}

test("an interrupt during evaluate stops it within one batch with a clear error and no leaked tensors", async () => {
  const model = createPreset("mlp", { seed: 2 });
  const set = syntheticSet(2000);
  const complete = await evaluate(model, set, { batchSize: 100 }); // runs to the end without an interrupt
  assert.equal(complete.predictions.length, 2000);
  const tensorsBefore = tf.memory().numTensors;
  const calls = interruptDuringCall(model as unknown as Record<"predict", () => unknown>, "predict", 3);
  const error = await inOwnCell(() => evaluate(model, set, { batchSize: 100 })).then(
    () => assert.fail("evaluate ran to the end despite the interrupt"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof Interrupted, String(error));
  const stoppedAfter = Number(
    /^Evaluation stopped by you after batch (\d+) of 20; nothing was returned\.$/.exec(error.message)?.[1],
  );
  assert.ok(stoppedAfter === 3 || stoppedAfter === 4, `${error.message} (interrupt during batch 3)`);
  assert.equal(calls(), stoppedAfter, "it predicted another batch after stopping");
  assert.equal(error.partial, stoppedAfter);
  assert.equal(tf.memory().numTensors, tensorsBefore, "tensors leaked");
  // the next cell starts afresh
  assert.equal((await inOwnCell(() => predictProbabilities(model, set.subset(100)))).length, 1000);
  model.dispose();
});

test("an interrupt while timing training steps stops it between two steps", async () => {
  const model = createPreset("mlp", { seed: 2 });
  const xs = tf.randomUniform([32, 28, 28, 1], 0, 1, "float32", 3);
  const ys = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: 32 }, (_, i) => i % 10),
      "int32",
    ),
    10,
  );
  await timeTrainingSteps(model, xs, ys, { steps: 1, warmup: 1 }); // the optimizer's slots exist from here on
  const tensorsBefore = tf.memory().numTensors;
  const calls = interruptDuringCall(model as unknown as Record<"trainOnBatch", () => unknown>, "trainOnBatch", 2);
  const error = await inOwnCell(() => timeTrainingSteps(model, xs, ys, { steps: 20, warmup: 1 })).catch((e) => e);
  assert.ok(error instanceof Interrupted, String(error));
  assert.match(error.message, /^Timing training steps stopped by you after batch [23] of 21/);
  assert.ok(calls() <= 3, `${calls()} steps ran`);
  assert.equal(tf.memory().numTensors, tensorsBefore, "tensors leaked");
  tf.dispose([xs, ys]);
  model.dispose();
});
