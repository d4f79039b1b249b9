import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { test } from "node:test";

const CLI = path.join(__dirname, "..", "lib", "cli", "main.js");

function fmnist(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, FMNIST_BACKEND: "cpu" },
  });
}

test("fmnist data --json reports 60000/10000 with verified checksums", () => {
  const run = fmnist("data", "--json");
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.train, 60000);
  assert.equal(report.test, 10000);
  assert.equal(report.checksums_verified, true);
  assert.equal(report.train_per_class["Ankle boot"], 6000);
});

test("fmnist presets --json lists every preset with its counts", () => {
  const run = fmnist("presets", "--json");
  assert.equal(run.status, 0, run.stderr);
  const rows = run.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  const vgg = rows.find((r) => r.name === "vgg11-bn");
  assert.deepEqual([vgg.params, vgg.trainable_params], [680970, 679594]);
  assert.equal(rows.length, 7);
});

test("bad input gives a one-line error and a non-zero exit, never a stack trace", () => {
  for (const args of [
    ["train", "--preset", "resnet"],
    ["data", "--frobnicate"],
    ["nonsense"],
    ["train", "--preset", "mlp", "--epochs", "0"],
    ["lessons", "--kernel", "python3"],
  ]) {
    const run = fmnist(...args);
    assert.notEqual(run.status, 0, args.join(" "));
    assert.doesNotMatch(run.stderr, /\n\s+at /, `stack trace for ${args.join(" ")}: ${run.stderr}`);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
  }
  assert.match(fmnist("train", "--preset", "resnet").stderr, /Unknown preset "resnet". Choose one of: mlp/);
  assert.match(fmnist("lessons", "--kernel", "python3").stderr, /--kernel must be tslab or deno, got "python3"/);
});

test("a missing data folder is reported with where it looked and how to fix it", () => {
  const run = spawnSync(process.execPath, [CLI, "data"], {
    encoding: "utf8",
    env: { ...process.env, FASHION_MNIST_DIR: "/nonexistent/fmnist" },
  });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /FASHION_MNIST_DIR is set to \/nonexistent\/fmnist/);
});

test("fmnist train runs a preset end to end and prints the result record", () => {
  const run = fmnist("train", "--preset", "mlp", "--subset", "2000", "--json");
  assert.equal(run.status, 0, run.stderr);
  const record = JSON.parse(run.stdout.trim().split("\n").pop()!);
  assert.equal(record.model, "mlp");
  assert.equal(record.params, 101770);
  assert.equal(record.backend, "cpu");
  assert.ok(record.test_accuracy > 0.5, `test accuracy ${record.test_accuracy}`);
});
