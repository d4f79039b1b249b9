import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { before, test } from "node:test";
import { saveResult, readResults, resultsDir } from "../lib/metrics/results";
import { createPreset } from "../lib/models/presets";
import { loadModel, saveModel } from "../lib/train/io";
import { UserError } from "../lib/util/errors";
import { exportForWeb, requireExport } from "../lib/web/export";
import { sampleRecord, syntheticSet, tempDir, useCpu } from "./helpers";

before(useCpu);

const ROOT = path.join(__dirname, "..", "..");
const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

/** Asserts that `attempt` fails with one line (a UserError) that matches every pattern. */
async function failsWithOneLine(attempt: () => unknown, patterns: RegExp[], what: string): Promise<void> {
  const error = await Promise.resolve()
    .then(attempt)
    .then(
      () => assert.fail(`${what}: no error`),
      (e: unknown) => e,
    );
  assert.ok(error instanceof UserError, `${what}: ${String(error)}`);
  assert.doesNotMatch(error.message, /\n/, `${what}: more than one line`);
  for (const pattern of patterns) assert.match(error.message, pattern, what);
}

/** A damage done to a saved folder and what its error must name. */
type Damage = [what: string, damage: (dir: string) => void, names: RegExp];

const rewriteJson = (file: string, change: (json: Record<string, unknown>) => void) => {
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  change(json);
  fs.writeFileSync(file, JSON.stringify(json));
};
const truncate = (file: string) => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
const flipByte = (file: string) => {
  const bytes = fs.readFileSync(file);
  bytes[bytes.length >> 1] ^= 0xff;
  fs.writeFileSync(file, bytes);
};

const MODEL_DAMAGES: Damage[] = [
  ["weights.bin missing", (dir) => fs.rmSync(path.join(dir, "weights.bin")), /weights\.bin is missing/],
  ["weights.bin truncated", (dir) => truncate(path.join(dir, "weights.bin")), /weights\.bin.*truncated/],
  ["weights.bin corrupt", (dir) => flipByte(path.join(dir, "weights.bin")), /weights\.bin.*checksum.*corrupt/],
  ["model.json missing", (dir) => fs.rmSync(path.join(dir, "model.json")), /model\.json is missing/],
  ["model.json truncated", (dir) => truncate(path.join(dir, "model.json")), /model\.json is truncated or corrupt/],
  [
    "model.json empty object",
    (dir) => fs.writeFileSync(path.join(dir, "model.json"), "{}"),
    /model\.json is not a saved model/,
  ],
  [
    "model.json of a later version",
    (dir) => rewriteJson(path.join(dir, "model.json"), (json) => (json.fmnistFormat = 2)),
    /model\.json was written in another format .*version 2/,
  ],
  [
    "a graph model",
    (dir) => rewriteJson(path.join(dir, "model.json"), (json) => (json.format = "graph-model")),
    /model\.json was written in another format \(graph-model/,
  ],
  [
    "a manifest that points outside the folder",
    (dir) =>
      rewriteJson(path.join(dir, "model.json"), (json) => {
        (json.weightsManifest as { paths: string[] }[])[0].paths = ["../../etc/passwd"];
      }),
    /model\.json lists a weight file outside its folder \("\.\.\/\.\.\/etc\/passwd"\)/,
  ],
];

test("a damaged saved model gives one line naming the file and the lesson that saves it again", async () => {
  const model = createPreset("mlp", { seed: 4 });
  const parent = tempDir();
  for (const [what, damage, names] of MODEL_DAMAGES) {
    const dir = path.join(parent, "03-cnn-simple-smoke");
    await saveModel(model, "03-cnn-simple-smoke", dir);
    damage(dir);
    await failsWithOneLine(
      () => loadModel("03-cnn-simple-smoke", dir),
      [
        names,
        new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
        /re-run lesson 03 \(`npm run lessons -- --profile smoke --only 03`\)/,
      ],
      what,
    );
    fs.rmSync(dir, { recursive: true });
  }
  model.dispose();
});

test("a damaged result record gives one line naming the file and the lesson that writes it again", async () => {
  const damages: [string, (file: string) => void, RegExp][] = [
    ["truncated", truncate, /truncated or corrupt/],
    ["without its accuracy", (file) => rewriteJson(file, (json) => delete json.test_accuracy), /field test_accuracy/],
    ["from the other profile", (file) => rewriteJson(file, (json) => (json.profile = "full")), /profile is full/],
  ];
  for (const [what, damage, names] of damages) {
    const root = tempDir();
    const file = saveResult(sampleRecord("04-cnn-deep", "cnn-deep", 0.5, "smoke"), root);
    damage(file);
    await failsWithOneLine(
      () => readResults("smoke", { root }),
      [
        names,
        /04-cnn-deep--cnn-deep\.json/,
        /re-run lesson 04-cnn-deep \(`npm run lessons -- --profile smoke --only 04`\)/,
      ],
      what,
    );
  }
  assert.equal(readResults("smoke", { root: path.dirname(path.dirname(resultsDir("smoke", tempDir()))) }).length, 0);
});

test("a damaged web export gives one line naming the file and lesson 07", async () => {
  const model = createPreset("mlp", { seed: 4 });
  const damages: Damage[] = [
    [
      "a shard missing",
      (dir) => fs.rmSync(path.join(dir, "model", "group1-shard1of1.bin")),
      /group1-shard1of1\.bin is missing/,
    ],
    [
      "a shard truncated",
      (dir) => truncate(path.join(dir, "model", "group1-shard1of1.bin")),
      /shard1of1\.bin.*truncated/,
    ],
    ["page-data.json truncated", (dir) => truncate(path.join(dir, "page-data.json")), /page-data\.json is truncated/],
    [
      "page-data.json with too few pixels",
      (dir) => rewriteJson(path.join(dir, "page-data.json"), (json) => (json.pixels = "AAAA")),
      /page-data\.json does not hold the page's data/,
    ],
  ];
  for (const [what, damage, names] of damages) {
    const dir = tempDir();
    await exportForWeb(model, syntheticSet(10), { model: "mlp", description: "untrained", count: 10, dir });
    requireExport(dir, "smoke");
    damage(dir);
    await failsWithOneLine(
      () => requireExport(dir, "smoke"),
      [names, /run lesson 07-in-the-browser \(`npm run lessons -- --profile smoke --only 07`\)/],
      what,
    );
  }
  model.dispose();
});

/**
 * A child process that saves an mlp (seed 2) over `dir` and pauses its `pauseAt`-th file-system change of the save
 * (writing, renaming, removing, making a folder) before making it, saying so on stdout.
 */
const SAVER = `
const fs = require("fs");
const [dir, pauseAt] = [process.argv[1], Number(process.argv[2])]; // node -e: no script name in argv
let armed = false, changes = 0;
for (const name of ["writeFileSync", "renameSync", "rmSync", "mkdirSync"]) {
  const original = fs[name];
  fs[name] = (...args) => {
    if (armed && ++changes === pauseAt) {
      process.stdout.write("paused before " + name + " " + path.basename(String(args[0])) + "\\n");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    }
    return original.apply(fs, args);
  };
}
const path = require("path");
const { createPreset } = require(${JSON.stringify(path.join(ROOT, "dist", "lib", "models", "presets.js"))});
const { saveModel } = require(${JSON.stringify(path.join(ROOT, "dist", "lib", "train", "io.js"))});
const model = createPreset("mlp", { seed: 2 });
armed = true;
saveModel(model, "m", dir).then(() => process.stdout.write("saved\\n"));
`;

/** Runs the saver until it pauses (then kills it with SIGKILL) or saves; returns what it said. */
function saveKilledAt(dir: string, pauseAt: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", SAVER, dir, String(pauseAt)], { env: { ...process.env } });
    let said = "";
    child.stdout.on("data", (chunk) => {
      said += chunk;
      if (said.includes("paused")) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("close", () => resolve(said.trim()));
  });
}

test(
  "a save killed (SIGKILL) at any step leaves a model that loads: the previous one, or the new one when complete",
  { timeout: 300_000 },
  async (t) => {
    const previous = createPreset("mlp", { seed: 1 });
    const replacement = createPreset("mlp", { seed: 2 });
    const [before, after] = [weightsOf(previous), weightsOf(replacement)];
    const parent = tempDir();
    const dir = path.join(parent, "m");
    const steps: string[] = [];
    for (let pauseAt = 1; pauseAt < 30; pauseAt++) {
      await saveModel(previous, "m", dir);
      const said = await saveKilledAt(dir, pauseAt);
      if (said === "saved") break;
      assert.match(said, /^paused before/, said);
      steps.push(said.replace("paused before ", ""));
      const loaded = await loadModel("m", dir);
      const weights = weightsOf(loaded);
      loaded.dispose();
      assert.ok(
        [before, after].some((w) => JSON.stringify(w) === JSON.stringify(weights)),
        `killed ${said}: the model loads with other weights`,
      );
      if (!steps.some((s) => /^renameSync m\.\d+\.tmp/.test(s)) || said.includes(".tmp")) {
        assert.deepEqual(weights, before, `killed ${said}: the previous model is gone`);
      }
      assert.deepEqual(fs.readdirSync(parent), ["m"], `killed ${said}: leftovers of the killed save remain`);
    }
    t.diagnostic(`killed before: ${steps.join("; ")}`);
    assert.ok(steps.length >= 5, `the save paused at only ${steps.length} steps: ${steps.join(", ")}`);
    assert.ok(
      steps.some((s) => /^renameSync m\.\d+\.tmp/.test(s)),
      `never killed before the new folder moved in: ${steps}`,
    );
    previous.dispose();
    replacement.dispose();
  },
);
