/**
 * fm.train's bulk read-back of batch metrics (lib/train/deferredLogs.ts): listeners see every batch once, in order,
 * with the numbers tfjs computed, only later; nothing leaks; and fm.train's history and board curve equal those of
 * tfjs's own fit reading the loss back after every batch.
 */
import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { before, test } from "node:test";
import { createPreset } from "../lib/models/presets";
import { inputSpecOf, shuffledBatches } from "../lib/train/batches";
import { DeferredLogs } from "../lib/train/deferredLogs";
import { train } from "../lib/train/train";
import { syntheticSet, useCpu } from "./helpers";

before(useCpu);

/** A listener that writes down what it is told, in order. */
function recorder() {
  const events: string[] = [];
  const listener: tf.CustomCallbackArgs = {
    onTrainBegin: async () => void events.push("train begin"),
    onEpochBegin: async (epoch) => void events.push(`epoch ${epoch} begin`),
    onBatchEnd: async (batch, logs) => void events.push(`batch ${batch} loss ${logs?.loss} size ${logs?.size}`),
    onEpochEnd: async (epoch, logs) => void events.push(`epoch ${epoch} end loss ${logs?.loss}`),
    onTrainEnd: async () => void events.push("train end"),
  };
  return { events, listener };
}

/** Feeds `relay` one epoch of `batches` batches as tfjs's fit would, disposing each batch's logs after the callbacks. */
async function oneEpoch(relay: DeferredLogs, batches: number, afterBatch: () => void = () => undefined) {
  await relay.onTrainBegin();
  await relay.onEpochBegin(0);
  for (let b = 0; b < batches; b++) {
    const logs = { batch: b, size: 8, loss: tf.scalar(b + 0.25), acc: tf.scalar(b / 8) };
    await relay.onBatchEnd(b, logs as unknown as tf.Logs);
    tf.dispose([logs.loss, logs.acc]);
    afterBatch();
  }
  const epochLogs = { loss: tf.scalar(1.75), acc: tf.scalar(0.5) };
  await relay.onEpochEnd(0, epochLogs as unknown as tf.Logs);
  await relay.onTrainEnd();
  return epochLogs as unknown as tf.Logs;
}

test("batch metrics reach the listeners at the epoch's end, each batch once, in order, with nothing left behind", async () => {
  const { events, listener } = recorder();
  const trained: number[] = [];
  const relay = new DeferredLogs([listener], { readEveryMs: 1e9, onBatchTrained: (b) => void trained.push(b) });
  const tensors = tf.memory().numTensors;
  let toldDuringEpoch = 0;
  const epochLogs = await oneEpoch(relay, 4, () => {
    toldDuringEpoch = events.filter((e) => e.startsWith("batch")).length;
  });
  assert.equal(toldDuringEpoch, 0, "no batch read back before the epoch's end");
  assert.deepEqual(trained, [0, 1, 2, 3], "the per-batch check ran after every batch, without numbers");
  assert.deepEqual(events, [
    "train begin",
    "epoch 0 begin",
    "batch 0 loss 0.25 size 8",
    "batch 1 loss 1.25 size 8",
    "batch 2 loss 2.25 size 8",
    "batch 3 loss 3.25 size 8",
    "epoch 0 end loss 1.75",
    "train end",
  ]);
  assert.deepEqual(epochLogs, { loss: 1.75, acc: 0.5 }, "the epoch's logs hold numbers for tfjs's History");
  assert.equal(tf.memory().numTensors, tensors, "every kept and stacked tensor is freed");
});

test("with no wait between read-backs, each batch reaches the listeners before the next one trains", async () => {
  const { events, listener } = recorder();
  const relay = new DeferredLogs([listener], { readEveryMs: 0 });
  const toldAfterEach: number[] = [];
  await oneEpoch(relay, 3, () => toldAfterEach.push(events.filter((e) => e.startsWith("batch")).length));
  assert.deepEqual(toldAfterEach, [1, 2, 3]);
});

test("a slow listener does not hold training up, the epoch's end waits for it, and its error comes out", async () => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const told: number[] = [];
  const slow: tf.CustomCallbackArgs = {
    onBatchEnd: async (batch) => {
      told.push(batch);
      await gate; // a chart being drawn
    },
  };
  const relay = new DeferredLogs([slow], { readEveryMs: 0 });
  await relay.onTrainBegin();
  await relay.onEpochBegin(0);
  for (let b = 0; b < 3; b++) {
    const loss = tf.scalar(b);
    await relay.onBatchEnd(b, { loss } as unknown as tf.Logs); // returns although the listener is still busy
    loss.dispose();
  }
  assert.deepEqual(told, [0], "one hand-over at a time: the later batches wait for the first to finish");
  let ended = false;
  const epochEnd = relay.onEpochEnd(0, {}).then(() => (ended = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ended, false, "the epoch's end waits for the listener");
  release();
  await epochEnd;
  assert.deepEqual(told, [0, 1, 2]);

  const failing = new DeferredLogs([{ onBatchEnd: async () => Promise.reject(new Error("board broke")) }], {
    readEveryMs: 0,
  });
  await failing.onBatchEnd(0, { loss: 1 });
  await assert.rejects(failing.onEpochEnd(0, {}), /board broke/);
});

test("fm.train's history and board curve equal tfjs's fit reading the loss back after every batch", async () => {
  const set = syntheticSet(120);
  const options = { epochs: 2, batchSize: 10, seed: 3 };
  const ours = createPreset("mlp", { seed: 4 });
  const result = await train(ours, set, { ...options, board: { mode: "silent" } });

  const theirs = createPreset("mlp", { seed: 4 });
  const batchLosses: number[] = [];
  const history = await theirs.fitDataset(shuffledBatches(set, 10, 3, inputSpecOf(theirs), 255), {
    epochs: 2,
    batchesPerEpoch: 12,
    verbose: 0,
    callbacks: { onBatchEnd: async (_batch, logs) => void batchLosses.push(logs!.loss) },
  });
  assert.equal(batchLosses.length, 24);
  assert.deepEqual(result.history.loss, history.history.loss);
  assert.deepEqual(result.history.acc, history.history.acc);
  assert.deepEqual(
    result.curves?.batches.map((b) => b.loss),
    batchLosses,
    "the board got every batch's loss, in order",
  );
  ours.dispose();
  theirs.dispose();
});
