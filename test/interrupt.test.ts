import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { spawn } from "child_process";
import * as os from "os";
import * as path from "path";
import { before, test } from "node:test";
import { createPreset } from "../lib/models/presets";
import { train, TrainResult } from "../lib/train/train";
import { Interrupted } from "../lib/util/interrupt";
import { DisplayMessage, setDisplayWriter } from "../lib/util/notebook";
import { syntheticSet, until, useCpu } from "./helpers";

before(useCpu);

const ROOT = path.join(__dirname, "..", "..");
const CLI = path.join(ROOT, "dist", "lib", "cli", "main.js");

const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

/**
 * Starts `fmnist train --json` on the plain cpu backend and waits until its first epoch is done (training is then
 * surely under way). Returns the process, its output so far (kept up to date) and its exit code to come.
 */
async function trainingInCli(preset: string, subset: number) {
  const child = spawn(
    process.execPath,
    [CLI, "train", "--preset", preset, "--epochs", "50", "--subset", String(subset), "--json"],
    {
      env: { ...process.env, FMNIST_BACKEND: "cpu" },
    },
  );
  const seen = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => (seen.stdout += chunk));
  child.stderr.on("data", (chunk) => (seen.stderr += chunk));
  // as a shell reports it: 128 + the signal's number when a signal ended the process
  const exit = new Promise<number | null>((resolve) =>
    child.on("close", (code, signal) => resolve(signal ? 128 + os.constants.signals[signal] : code)),
  );
  await until(() => /epoch 1\/50 · step/.test(seen.stderr) || child.exitCode !== null, "the first epoch", 120_000);
  return { child, seen, exit };
}

// Runs last in this file's in-process tests on purpose: outside a kernel an interrupt belongs to the whole process.
test(
  "SIGINT stops training at a batch boundary: weights kept, board and error say where, nothing leaks",
  { timeout: 120_000 },
  async () => {
    const set = syntheticSet(400);
    const model = createPreset("mlp", { seed: 3 });
    await train(model, set, { epochs: 1, batchSize: 20, board: false }); // the optimizer's slots exist from here on
    const tensorsBefore = tf.memory().numTensors;
    const initial = weightsOf(model);
    const messages: DisplayMessage[] = [];
    setDisplayWriter((message) => void messages.push(message));
    try {
      const stopped = await train(model, set, {
        epochs: 50,
        batchSize: 20,
        callbacks: [
          {
            onBatchEnd: async (batch) => {
              if (batch !== 4) return;
              await new Promise((resolve) => setImmediate(resolve)); // train starts listening one turn after it starts
              process.kill(process.pid, "SIGINT");
            },
          },
        ],
      }).then(
        () => assert.fail("training ran to the end despite the interrupt"),
        (error: unknown) => error,
      );
      assert.ok(stopped instanceof Interrupted, String(stopped));
      assert.match(
        stopped.message,
        /^Training stopped by you at epoch 1, batch \d+ of 20; the model keeps the weights it reached/,
      );
      assert.equal(stopped.stack, `Interrupted: ${stopped.message}`);
      const partial = stopped.partial as TrainResult;
      assert.equal(partial.interrupted?.epoch, 1);
      assert.ok(
        partial.interrupted!.batch >= 5 && partial.interrupted!.batch < 20,
        `stopped at batch ${partial.interrupted?.batch}`,
      );
      assert.equal(partial.history.loss.length, 1);
      assert.ok(partial.curves && partial.curves.batches.length === partial.interrupted!.batch);
      const board = messages[messages.length - 1].data["text/plain"] as string;
      assert.match(board, new RegExp(`stopped by you at epoch 1, batch ${partial.interrupted!.batch} of 20`));

      const reached = weightsOf(model);
      assert.notDeepEqual(reached, initial, "the weights did not move");
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(weightsOf(model), reached, "the weights still change after the stop");
      assert.equal(tf.memory().numTensors, tensorsBefore);

      // a later call of the same scope (the next run of a loop over models) stops at its first batch
      const next = await train(model, set, { epochs: 5, batchSize: 20, board: false }).catch(
        (error: Interrupted) => error,
      );
      assert.equal((next as Interrupted).message.slice(0, 48), "Training stopped by you at epoch 1, batch 1 of 2");
    } finally {
      setDisplayWriter(null);
      model.dispose();
    }
  },
);

test(
  "Ctrl-C in `fmnist train` stops after the current batch, prints the partial result and exits 130",
  { timeout: 120_000 },
  async () => {
    const { child, seen, exit } = await trainingInCli("mlp", 2000);
    child.kill("SIGINT");
    const code = await exit;
    assert.equal(code, 130, seen.stderr);
    const partial = JSON.parse(seen.stdout.trim().split("\n").pop()!);
    assert.equal(partial.model, "mlp");
    assert.equal(partial.test_accuracy, undefined);
    assert.match(partial.stopped, /^stopped by you at epoch \d+, batch \d+ of 63$/);
    assert.ok(partial.train_accuracy > 0 && partial.img_per_s > 0, seen.stdout);
    assert.match(
      seen.stderr,
      /fmnist train: stopped by you at epoch \d+, batch \d+ of 63; the partial result is above/,
    );
    assert.doesNotMatch(seen.stderr, /\n\s+at /, "stack trace");
  },
);

test(
  "a second Ctrl-C in `fmnist train` quits at once, without waiting to print the partial result",
  { timeout: 120_000 },
  async () => {
    // cnn-simple on the plain cpu backend takes seconds per batch of 32: time enough to press Ctrl-C twice in one batch
    const { child, seen, exit } = await trainingInCli("cnn-simple", 32);
    // both presses land early in epoch 2's one long batch, 50 ms apart (two signals, not one)
    child.kill("SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill("SIGINT");
    assert.equal(await exit, 130, seen.stderr);
    assert.equal(seen.stdout, "", "the second Ctrl-C waited for the batch and printed the partial result");
  },
);
