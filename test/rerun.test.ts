/**
 * A lesson run twice in one kernel: the earlier run's models are freed when the lesson starts over, and the lesson
 * runner's verdict on what a second run left behind. test/lessons.test.ts runs every lesson twice for real.
 */
import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { test } from "node:test";
import { freeEarlierRun } from "../lib/backend/rerun";
import { selectBackend } from "../lib/backend/select";
import { rerunLeaks } from "../lib/cli/lessonsCommand";
import { createPreset } from "../lib/models/presets";
import { train } from "../lib/train/train";
import { setDisplayWriter } from "../lib/util/notebook";
import { syntheticSet } from "./helpers";

/** A trained preset, as a lesson's cell leaves it: weights and optimizer state in memory. */
async function trainedModel(): Promise<tf.LayersModel> {
  const model = createPreset("mlp", { seed: 1 });
  await train(model, syntheticSet(20), { epochs: 1, batchSize: 10, board: false });
  return model;
}

/** What `console.log` printed while `work` ran. */
async function printedBy(work: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.join(" "));
  try {
    await work();
  } finally {
    console.log = log;
  }
  return lines;
}

test("freeEarlierRun frees the weights and optimizer state of every model made before, and says so", async () => {
  await selectBackend({ backend: "cpu" });
  const empty = tf.memory().numTensors;
  const model = await trainedModel();
  const held = tf.memory().numTensors - empty;
  assert.ok(held > model.weights.length, `the model and its optimizer hold ${held} tensors`);
  assert.match(
    freeEarlierRun() ?? "",
    new RegExp(`^This kernel ran the lesson before: freed the ${held} weight tensors`),
  );
  assert.equal(tf.memory().numTensors, empty);
  assert.equal(freeEarlierRun(), null, "nothing left to free");
});

test("in a notebook, selecting the same backend again (the lesson's first cell run again) frees the earlier run", async () => {
  await selectBackend({ backend: "cpu" });
  const empty = tf.memory().numTensors;
  await trainedModel();
  const outside = await printedBy(() => selectBackend({ backend: "cpu" }));
  assert.deepEqual(outside, [], "outside a notebook nothing is freed or printed");
  assert.ok(tf.memory().numTensors > empty);
  setDisplayWriter(() => undefined);
  try {
    const inside = await printedBy(() => selectBackend({ backend: "cpu" }));
    assert.equal(inside.length, 1);
    assert.match(inside[0], /freed the \d+ weight tensors .*run the cells below again\.$/);
    assert.equal(tf.memory().numTensors, empty);
  } finally {
    setDisplayWriter(null);
  }
});

test("rerunLeaks finds more tensors or servers after a later run than after the first, and nothing else", () => {
  const reading = (tensors: number, servers: number) => ({ tensors, servers, seconds: 1 });
  assert.equal(rerunLeaks([reading(40, 1), reading(40, 1)]), null);
  assert.equal(rerunLeaks([reading(40, 1), reading(38, 0)]), null);
  assert.equal(rerunLeaks([reading(40, 0), reading(43, 0)]), "tensors: 40 after run 1, 43 after run 2");
  assert.equal(
    rerunLeaks([reading(40, 1), reading(40, 2), reading(41, 1)]),
    "servers: 1 after run 1, 2 after run 2; tensors: 40 after run 1, 41 after run 3",
  );
});
