import { strict as assert } from "assert";
import { test } from "node:test";
import * as util from "util";
import * as plot from "../lib/plot";
import { ResultRecord, saveResult } from "../lib/metrics/results";
import { tempDir } from "./helpers";
import { UserError } from "../lib/util/errors";
import {
  agreementHistogram,
  correctCounts,
  ModelAnswers,
  sharedConfusions,
  sharedMistakes,
} from "../lib/compare/agreement";
import {
  COMPARED_LESSONS,
  COMPARED_MODELS,
  comparedModels,
  comparedRecords,
  LATER_LESSONS,
  recordOfSaved,
  savedModelName,
} from "../lib/compare/models";
import { PUBLISHED_RESULTS } from "../lib/compare/published";
import { accuracyFrontier, recordLabel, remeasuredRecord } from "../lib/compare/records";
import { renderSvg, VegaLiteSpec } from "../lib/plot/render";
import { tableBundle } from "../lib/plot/table";

/** Answers of a model that predicts `predictions`, giving its prediction probability `confidence` and the rest evenly. */
function answers(predictions: number[], confidence = 0.8): ModelAnswers {
  const probabilities = new Float32Array(predictions.length * 10).fill((1 - confidence) / 9);
  predictions.forEach((p, i) => (probabilities[i * 10 + p] = confidence));
  return { predictions, probabilities };
}

function record(
  lesson: string,
  model: string,
  test_accuracy: number,
  seconds: number,
  extra: Partial<ResultRecord> = {},
): ResultRecord {
  return {
    lesson,
    model,
    params: 1000,
    epochs: 2,
    batch: 32,
    train_images: 54000,
    train_accuracy: 0.9,
    test_accuracy,
    seconds,
    img_per_s: 100,
    backend: "cpu",
    profile: "full",
    ...extra,
  };
}

const labels = [0, 1, 2, 6, 6, 4];
const modelA = answers([0, 1, 2, 0, 2, 4]); // wrong on images 3 and 4
const modelB = answers([0, 1, 4, 0, 6, 2], 0.6); // wrong on 2, 3 and 5
const modelC = answers([0, 7, 2, 2, 6, 4]); // wrong on 1 and 3

test("correct counts and the agreement histogram count, per image, the models that are right", () => {
  assert.deepEqual(Array.from(correctCounts(labels, [modelA, modelB, modelC])), [3, 2, 2, 0, 2, 2]);
  assert.deepEqual(agreementHistogram(labels, [modelA, modelB, modelC]), [1, 0, 4, 1]);
  assert.throws(() => correctCounts(labels, [answers([0, 1])]), /2 images .* 6 labels/);
  assert.throws(() => correctCounts(labels, []), /at least one model/);
});

test("shared mistakes are the images every model gets wrong, surest first, with the answer most models gave", () => {
  const mistakes = sharedMistakes(labels, [modelA, modelB, modelC]);
  assert.deepEqual(
    mistakes.map((m) => m.index),
    [3],
  );
  assert.deepEqual(mistakes[0].predictions, [0, 0, 2]);
  assert.deepEqual([mistakes[0].consensus, mistakes[0].consensusVotes], [0, 2]);
  assert.ok(Math.abs(mistakes[0].trueProbability - (0.2 / 9 + 0.4 / 9 + 0.2 / 9) / 3) < 1e-6);
  // two models wrong on both images: the one where they gave the true class less probability comes first
  const probabilities = new Float32Array(20);
  probabilities.set([0.3, 0.7], 0); // image 0: true class 0 at 30%
  probabilities.set([0.1, 0.9], 10); // image 1: true class 0 at 10%
  const order = sharedMistakes([0, 0], [{ predictions: [1, 1], probabilities }]);
  assert.deepEqual(
    order.map((m) => m.index),
    [1, 0],
  );
  assert.deepEqual(sharedMistakes(labels, [answers(labels)]), []);
});

test("shared confusions rank mistakes by the model that makes them least", () => {
  const a = [
    [5, 3, 0],
    [0, 5, 1],
    [4, 0, 5],
  ];
  const b = [
    [5, 2, 1],
    [0, 5, 9],
    [0, 0, 5],
  ];
  const ranked = sharedConfusions([a, b], 3);
  assert.deepEqual(
    ranked.map((c) => [c.label, c.predicted, c.least]),
    [
      [0, 1, 2],
      [1, 2, 1],
      [2, 0, 0],
    ],
  );
  assert.deepEqual(ranked[0].counts, [3, 2]);
  assert.throws(
    () =>
      sharedConfusions([
        a,
        [
          [1, 0],
          [0, 1],
        ],
      ]),
    /differ in size/,
  );
  assert.throws(() => sharedConfusions([]), /at least one/);
});

test("the accuracy frontier keeps only runs that beat every faster run", () => {
  const runs = [
    record("01", "a", 0.88, 30),
    record("02", "b", 0.87, 45),
    record("03", "c", 0.91, 150),
    record("04", "d", 0.905, 70),
    record("05", "e", 0.91, 500),
    record("05", "f", 0.93, 600),
    record("02", "g", 0.883, 30),
  ];
  assert.deepEqual(
    accuracyFrontier(runs).map((r) => r.model),
    ["g", "d", "c", "f"],
  );
  assert.deepEqual(accuracyFrontier([]), []);
});

test("records get short labels, and a re-measured record keeps the training facts but times inference", () => {
  assert.equal(recordLabel({ lesson: "03-cnn-simple", model: "cnn-simple" }), "03 cnn-simple");
  const trained = record("05-vgg", "vgg11-bn", 0.93, 600, { epochs: 12 });
  const again = remeasuredRecord("06-comparison", trained, {
    accuracy: 0.931,
    seconds: 4,
    images: 10000,
    backend: "wasm",
  });
  assert.deepEqual(
    [
      again.lesson,
      again.model,
      again.epochs,
      again.train_accuracy,
      again.test_accuracy,
      again.seconds,
      again.img_per_s,
      again.timing,
      again.backend,
    ],
    ["06-comparison", "vgg11-bn", 12, 0.9, 0.931, 4, 2500, "inference", "wasm"],
  );
});

test("the compared models come from compared lessons, with smoke twins, and find the record they came from", () => {
  for (const m of COMPARED_MODELS)
    assert.ok(
      [...COMPARED_LESSONS, ...LATER_LESSONS].includes(m.lesson),
      `${m.lesson} is not among the compared lessons`,
    );
  assert.equal(new Set(COMPARED_MODELS.map((m) => m.saved)).size, COMPARED_MODELS.length);
  const mlp = COMPARED_MODELS[0];
  assert.equal(savedModelName(mlp, "smoke"), `${mlp.saved}-smoke`);
  assert.equal(savedModelName(mlp, "full"), mlp.saved);
  const records = [
    record(mlp.lesson, "short", 0.85, 10),
    record(mlp.lesson, "long", 0.88, 30),
    record(mlp.lesson, "wide", 0.881, 30, { params: 5000 }),
    record("03-cnn-simple", "cnn", 0.88, 30),
  ];
  assert.equal(recordOfSaved(mlp, records, { params: 1000, accuracy: 0.8799 }).model, "long");
  assert.equal(recordOfSaved(mlp, records, { params: 1000, accuracy: 0.84 }).model, "short");
  assert.throws(
    () => recordOfSaved(mlp, records, { params: 777, accuracy: 0.88 }),
    (e: Error) =>
      e instanceof UserError &&
      e.message.includes(`run lesson ${mlp.lesson} again`) &&
      e.message.includes("777 parameters"),
  );
});

test("the comparison needs every earlier lesson's records and takes a later lesson's once it has run", () => {
  const root = tempDir();
  const earlier = COMPARED_LESSONS.map((lesson) => record(lesson, "m", 0.9, 10));
  for (const r of earlier.slice(1)) saveResult(r, root);
  assert.throws(
    () => comparedRecords("full", root),
    (e: Error) => e instanceof UserError && e.message.includes(COMPARED_LESSONS[0]),
  );
  saveResult(earlier[0], root);
  saveResult(record("07-in-the-browser", "page", 0.9, 1), root);
  const before = comparedRecords("full", root);
  assert.deepEqual(
    before.map((r) => r.lesson),
    [...COMPARED_LESSONS],
    "only the compared lessons, in course order",
  );
  assert.ok(
    !comparedModels(before).some((m) => LATER_LESSONS.includes(m.lesson)),
    "a later lesson's model before it ran",
  );
  saveResult(record(LATER_LESSONS[0], "resnet", 0.93, 600), root);
  const after = comparedRecords("full", root);
  assert.deepEqual(
    after.map((r) => r.lesson),
    [...COMPARED_LESSONS, LATER_LESSONS[0]],
  );
  assert.deepEqual(
    comparedModels(after),
    COMPARED_MODELS.filter((m) => after.some((r) => r.lesson === m.lesson)),
  );
  assert.ok(comparedModels(after).some((m) => m.lesson === LATER_LESSONS[0]));
});

test("published results are accuracies with their source", () => {
  for (const r of PUBLISHED_RESULTS) {
    assert.ok(r.accuracy > 0.5 && r.accuracy < 1, `${r.name}: ${r.accuracy}`);
    assert.ok(r.source === "paper" || r.source === "readme");
  }
});

test("a UserError shows as one line, not a stack trace, where a notebook prints it", () => {
  assert.equal(util.inspect(new UserError("Run lesson 03 first.")), "UserError: Run lesson 03 first.");
});

const overview = [
  record("00-dataset", "nearest-class-mean", 0.677, 0.1, { timing: "inference", img_per_s: 85000 }),
  record("01-basic-classification", "mlp", 0.88, 30),
  record("03-cnn-simple", "cnn-simple", 0.915, 150, { params: 1386506 }),
];
const matrix = (k: number) =>
  Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? 90 - k : (t + p + k) % 4)));
const names = ["MLP", "simple CNN"];

const charts: [string, VegaLiteSpec, string[]][] = [
  [
    "records overview",
    plot.recordsOverviewSpec(overview),
    ["Every result record", "03 cnn-simple", "1.39M", "inference", "images/s (log)"],
  ],
  [
    "accuracy vs time",
    plot.accuracyVsTimeSpec(overview),
    ["Accuracy against training time", "01 mlp", "03 cnn-simple", "03-cnn-simple"],
  ],
  [
    "confusion matrices",
    plot.confusionMatricesSpec(names.map((name, k) => ({ name, matrix: matrix(k) }))),
    ["MLP", "simple CNN", "Ankle boot", "89"],
  ],
  [
    "per-class comparison",
    plot.perClassComparisonSpec(
      names.map((name, k) => ({ name, perClassAccuracy: matrix(k).map((row, t) => row[t] / 100) })),
    ),
    ["Accuracy per class, model by model", "Shirt", "simple CNN"],
  ],
  [
    "shared confusions",
    plot.sharedConfusionsSpec(sharedConfusions([matrix(0), matrix(1)], 4), names),
    ["The mistakes every model makes", "→", "simple CNN"],
  ],
  ["agreement", plot.agreementSpec([3, 5, 92]), ["How many of the models", "all 2", "92 (92.0%)", "all wrong"]],
  [
    "benchmark",
    plot.benchmarkSpec([{ name: "MLP", accuracy: 0.88 }], PUBLISHED_RESULTS),
    ["MLP (this course)", "88.0%", "SVC, RBF kernel", "README (submitted)"],
  ],
];

for (const [name, spec, expected] of charts) {
  test(`${name} chart compiles without vega warnings and draws its texts`, async () => {
    const warnings: string[] = [];
    const svg = await renderSvg(spec, warnings);
    assert.deepEqual(warnings, [], `warnings for ${name}: ${warnings.join("; ")}`);
    assert.ok(/<path|<rect/.test(svg), `${name}: no marks`);
    for (const text of expected) assert.ok(svg.includes(text), `${name}: SVG lacks "${text}"`);
  });
}

test("the accuracy-against-time chart names the runs on its line in rows of their own, not beside close points", async () => {
  // Runs seconds and tenths of a point apart, as the course's MLPs and batch-norm tests are: labels at the points
  // would print over each other.
  const close = [3.6, 12.3, 14.1, 14.7, 23.5, 31.2].map((seconds, i) =>
    record("02-keras-apis", `run ${i} with a long descriptive name`, 0.838 + i * 0.004, seconds),
  );
  const spec = plot.accuracyVsTimeSpec(close) as { hconcat: { layer: { mark: { type: string } }[] }[] };
  const [scatter, names] = spec.hconcat;
  assert.deepEqual(
    scatter.layer.map((l) => l.mark.type),
    ["line", "point"],
    "the scatter carries no text beside its points",
  );
  assert.deepEqual(names, { ...names, height: { step: 20 } }, "one 20-pixel row per run on the line");
  const svg = await renderSvg(spec);
  for (const r of close) assert.equal(svg.split(`>02 ${r.model}<`).length - 1, 1, `${r.model} is named once`);
});

test("comparison charts refuse empty input with a message naming the chart", () => {
  assert.throws(() => plot.recordsOverviewSpec([]), /recordsOverviewSpec/);
  assert.throws(() => plot.accuracyVsTimeSpec([overview[0]]), /accuracyVsTimeSpec/);
  assert.throws(() => plot.confusionMatricesSpec([]), /confusionMatricesSpec/);
  assert.throws(() => plot.sharedConfusionsSpec(sharedConfusions([matrix(0)], 2), names), /one count per model/);
  assert.throws(() => plot.agreementSpec([5]), /agreementSpec/);
});

test("a table shows its rows as HTML and as text, escaping what HTML would read", () => {
  const bundle = tableBundle(
    [
      { model: "a<b", accuracy: 0.9 },
      { model: "cnn", accuracy: 0.915, note: "best" },
    ],
    { caption: "Models" },
  );
  const html = String(bundle["text/html"]);
  for (const text of ["Models", "a&lt;b", "0.915", "best"]) assert.ok(html.includes(text), `HTML lacks ${text}`);
  const lines = String(bundle["text/plain"]).split("\n");
  assert.equal(lines[0], "Models");
  assert.ok(
    lines.some((l) => /cnn\s+0\.915\s+best/.test(l)),
    "text rows keep their cells in column order",
  );
  assert.throws(() => tableBundle([]), /at least one row/i);
});
