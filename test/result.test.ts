import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { test } from "node:test";
import { clearResults, readResults, resultsDir, saveResult } from "../lib/metrics/results";
import { resultOf } from "../lib/train/result";
import { TrainResult } from "../lib/train/train";
import { UserError } from "../lib/util/errors";
import { sampleRecord as record, tempDir } from "./helpers";

test("resultOf takes the counts, the last epoch's accuracy and the timing from the training result", () => {
  const fit: TrainResult = {
    history: { loss: [1, 0.5], acc: [0.6, 0.8] },
    epochs: 2,
    batchSize: 32,
    samples: 54000,
    seconds: 10,
    imgPerSecond: 10800,
    backend: "wasm",
  };
  const r = resultOf({ lesson: "01-x", model: "mlp" }, 101770, fit, { accuracy: 0.88 });
  assert.deepEqual(
    [r.train_images, r.train_accuracy, r.test_accuracy, r.epochs, r.batch, r.seconds, r.img_per_s, r.timing, r.backend],
    [54000, 0.8, 0.88, 2, 32, 10, 10800, "training", "wasm"],
  );
});

test("saved records read back in lesson order, a re-run replaces its record, profiles stay apart", () => {
  const root = tempDir();
  saveResult(record("03-cnn", "cnn-simple", 0.9), root);
  saveResult(record("01-basic", "mlp", 0.88), root);
  saveResult(record("03-cnn", "cnn-simple", 0.91), root);
  saveResult(record("01-basic", "mlp", 0.5, "smoke"), root);
  const full = readResults("full", { root });
  assert.deepEqual(
    full.map((r) => [r.lesson, r.test_accuracy]),
    [
      ["01-basic", 0.88],
      ["03-cnn", 0.91],
    ],
  );
  assert.deepEqual(
    readResults("smoke", { root }).map((r) => r.test_accuracy),
    [0.5],
  );
  assert.equal(full[1].seconds, 1.2, "records are saved rounded");
  assert.deepEqual(
    fs.readdirSync(resultsDir("full", root)).filter((f) => f.endsWith(".tmp")),
    [],
  );
});

test("model names with slashes, spaces and brackets make safe file names", () => {
  const root = tempDir();
  const file = saveResult(record("02-keras", "mlp-deep (Adam, /255)", 0.87), root);
  assert.equal(path.dirname(file), resultsDir("full", root));
  assert.match(path.basename(file), /^02-keras--mlp-deep_Adam_255_\.json$/);
});

test("missing lessons and broken files are named, with what to do", () => {
  const root = tempDir();
  saveResult(record("01-basic", "mlp", 0.88), root);
  assert.throws(
    () => readResults("full", { root, lessons: ["01-basic", "03-cnn", "04-deep"] }),
    (e: Error) => e instanceof UserError && /03-cnn, 04-deep/.test(e.message) && /run them/.test(e.message),
  );
  fs.writeFileSync(path.join(resultsDir("full", root), "05-vgg--x.json"), "{ not json");
  assert.throws(
    () => readResults("full", { root }),
    (e: Error) => e instanceof UserError && /05-vgg--x\.json/.test(e.message) && /re-run/.test(e.message),
  );
});

test("clearing a lesson's records removes only that lesson's, in that profile", () => {
  const root = tempDir();
  saveResult(record("02-keras", "old name", 0.8), root);
  saveResult(record("02-keras", "mlp", 0.85), root);
  saveResult(record("02-keras-extra", "mlp", 0.86), root);
  saveResult(record("02-keras", "mlp", 0.5, "smoke"), root);
  assert.equal(clearResults("full", "02-keras", root), 2);
  assert.deepEqual(
    readResults("full", { root }).map((r) => r.lesson),
    ["02-keras-extra"],
  );
  assert.equal(readResults("smoke", { root }).length, 1);
  assert.equal(clearResults("full", "03-missing", tempDir()), 0);
});
