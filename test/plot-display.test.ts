import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { before, test } from "node:test";
import * as plot from "../lib/plot";
import { useCpu } from "./helpers";
import { newLiveDisplay, showBundle } from "../lib/plot/display";
import { modelSummaryText, summarizeModel } from "../lib/plot/modelSummary";
import { formatDuration, progressBar, progressLine } from "../lib/plot/progress";
import { grayImagePng } from "../lib/plot/raster";
import { VEGA_LITE_MIME, VegaLiteSpec } from "../lib/plot/render";
import { trainingBoard } from "../lib/plot/trainingBoard";
import { DisplayMessage, DisplayWriter, inNotebook, setDisplayWriter } from "../lib/util/notebook";

before(useCpu);

type Sent = { message: DisplayMessage; update: boolean };

function fakeWriter(): { sent: Sent[]; writer: DisplayWriter } {
  const sent: Sent[] = [];
  return {
    sent,
    writer: (message, update) => {
      sent.push({ message, update });
    },
  };
}

/** A stream that records writes, optionally pretending to be a terminal. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return {
    writes,
    stream: {
      isTTY,
      columns: 100,
      write: (s: string) => {
        writes.push(s);
        return true;
      },
    },
  };
}

test("outside a notebook nothing is sent and nothing throws", async () => {
  assert.equal(inNotebook(), false);
  assert.equal(showBundle({ "text/plain": "x" }), false);
  assert.equal(newLiveDisplay().update({ "text/plain": "x" }), false);
  await plot.showChart(plot.testAccuracySpec([{ name: "m", accuracy: 0.5 }]));
  plot.showModelSummary({ name: "empty", layers: [] }, {});
});

test("showChart adds one problem line under a chart that warns or draws nothing, and none under a good one", async () => {
  const { sent, writer } = fakeWriter();
  await plot.showChart(plot.testAccuracySpec([{ name: "m", accuracy: 0.5 }]), { writer });
  assert.equal(sent.length, 1);
  await plot.showChart(
    { title: "Empty", data: { values: [] }, mark: "point", encoding: { x: { field: "a", type: "quantitative" } } },
    { writer },
  );
  assert.equal(sent.length, 3);
  assert.deepEqual(Object.keys(sent[2].message.data), ["text/plain"]);
  assert.match(String(sent[2].message.data["text/plain"]), /^chart problem: "Empty": .*it draws no data marks/);
});

test("showBundle sends one display_data with every MIME type, binary as base64", () => {
  const { sent, writer } = fakeWriter();
  const png = grayImagePng([0, 1, 1, 0], { width: 2 });
  assert.equal(showBundle({ "image/png": png, "text/plain": "2x2", "application/json": { a: 1 } }, { writer }), true);
  assert.equal(sent.length, 1);
  const { message, update } = sent[0];
  assert.equal(update, false);
  assert.equal(message.transient.display_id, undefined);
  assert.equal(message.data["image/png"], png.toString("base64"));
  assert.equal(message.data["text/plain"], "2x2");
  assert.deepEqual(message.data["application/json"], { a: 1 });
});

test("setDisplayWriter routes every display call and can be reset", () => {
  const { sent, writer } = fakeWriter();
  setDisplayWriter(writer);
  try {
    assert.equal(inNotebook(), true);
    plot.showPng(grayImagePng([1, 0, 0, 1], { width: 2 }), "tiny");
  } finally {
    setDisplayWriter(null);
  }
  assert.equal(inNotebook(), false);
  assert.equal(sent.length, 1);
  assert.deepEqual(Object.keys(sent[0].message.data).sort(), ["image/png", "text/plain"]);
});

test("a live display first sends display_data, then update_display_data with the same display_id", () => {
  const { sent, writer } = fakeWriter();
  const live = newLiveDisplay({ writer });
  for (let i = 0; i < 3; i++) live.update({ "text/plain": `step ${i}` });
  assert.deepEqual(
    sent.map((s) => s.update),
    [false, true, true],
  );
  assert.ok(live.id.length >= 8);
  assert.ok(sent.every((s) => s.message.transient.display_id === live.id));
  assert.equal(live.sent, 3);
  const other = newLiveDisplay({ writer });
  assert.notEqual(other.id, live.id);
});

test("showChart sends vega-lite as JSON, a PNG with its display size, and text in one output", async () => {
  const { sent, writer } = fakeWriter();
  const spec = plot.testAccuracySpec([
    { name: "Net A", accuracy: 0.8 },
    { name: "Net B", accuracy: 0.9 },
  ]);
  await plot.showChart(spec, { writer });
  assert.equal(sent.length, 1);
  const { data, metadata } = sent[0].message;
  assert.deepEqual(Object.keys(data).sort(), [VEGA_LITE_MIME, "image/png", "text/plain"].sort());
  assert.equal(typeof data[VEGA_LITE_MIME], "object");
  assert.match(String(data["image/png"]), /^iVBORw0KGgo/); // base64 of the PNG signature
  assert.match(String(data["text/plain"]), /Test accuracy per model/);
  assert.ok((metadata["image/png"] as { width: number }).width > 100);
});

function tinyConvModel(): tf.Sequential {
  const model = tf.sequential({ name: "tiny_cnn" });
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, name: "conv" }));
  model.add(tf.layers.batchNormalization({ name: "bn" }));
  model.add(tf.layers.flatten({ name: "flat" }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax", name: "out" }));
  return model;
}

test("model summary lists layers, shapes and params like Keras, as HTML + text", () => {
  const model = tinyConvModel();
  const summary = summarizeModel(model);
  assert.deepEqual(
    summary.layers.map((l) => [l.name, l.type, l.outputShape, l.params]),
    [
      ["conv", "Conv2D", "[null, 26, 26, 4]", 40],
      ["bn", "BatchNormalization", "[null, 26, 26, 4]", 16],
      ["flat", "Flatten", "[null, 2704]", 0],
      ["out", "Dense", "[null, 10]", 27050],
    ],
  );
  assert.equal(summary.totalParams, model.countParams());
  assert.deepEqual([summary.trainableParams, summary.nonTrainableParams], [27098, 8]);
  const text = modelSummaryText(summary);
  assert.match(text, /out \(Dense\)\s+\[null, 10\]\s+27,050/);
  assert.match(text, /Non-trainable params: 8/);
  const { sent, writer } = fakeWriter();
  plot.showModelSummary(model, { writer });
  assert.match(String(sent[0].message.data["text/html"]), /<table[\s\S]*BatchNormalization[\s\S]*27,106/);
  assert.equal(sent[0].message.data["text/plain"], text);
  model.dispose();
});

/** A small learnable problem: the class is which third of the 12 features is largest. */
function tinyData(n: number) {
  const xs: number[][] = [],
    ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 3;
    xs.push(Array.from({ length: 12 }, (_, j) => (Math.floor(j / 4) === label ? 1 : 0) + ((i * 7 + j * 3) % 5) / 10));
    ys.push(label);
  }
  return { x: tf.tensor2d(xs), y: tf.oneHot(tf.tensor1d(ys, "int32"), 3) };
}

function tinyDenseModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [12], units: 3, activation: "softmax" }));
  model.compile({ optimizer: tf.train.sgd(0.5), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

test("training board keeps one display updated during a real fit and records history", async () => {
  const { x, y } = tinyData(64);
  const model = tinyDenseModel();
  const { sent, writer } = fakeWriter();
  const term = fakeStream(true);
  const board = trainingBoard({
    title: "Tiny fit",
    totalEpochs: 3,
    batchSize: 8,
    samples: 48,
    writer,
    stream: term.stream,
  });
  const before = tf.memory().numTensors;
  const started = Date.now();
  const fitted = await model.fit(x, y, {
    epochs: 3,
    batchSize: 8,
    validationSplit: 0.25,
    callbacks: board,
    verbose: 0,
  });
  const seconds = (Date.now() - started) / 1000;
  assert.equal(tf.memory().numTensors, before, "tensors leaked during fit");

  assert.equal(board.activeMode, "notebook");
  assert.deepEqual(term.writes, [], "notebook mode must not write to the terminal");
  // start + 2 epoch ends (the last epoch end is covered by the final update) + final, plus throttled batch updates
  assert.ok(sent.length >= 4, `only ${sent.length} updates`);
  assert.ok(sent.length <= 4 + Math.ceil(seconds), `${sent.length} updates in ${seconds} s is not throttled`);
  assert.equal(board.displayUpdates, sent.length);
  assert.equal(sent[0].update, false);
  assert.ok(sent.slice(1).every((s) => s.update));
  assert.equal(new Set(sent.map((s) => s.message.transient.display_id)).size, 1);

  const final = sent[sent.length - 1].message;
  assert.ok(final.data["image/png"] && final.data[VEGA_LITE_MIME]);
  assert.match(
    String(final.data["text/plain"]),
    /Tiny fit: done: 3 epochs in \d+:\d\d · loss [\d.]+ · acc [\d.]+% · val loss/,
  );
  const rows = (final.data[VEGA_LITE_MIME] as VegaLiteSpec).data.values as { series: string }[];
  assert.equal(rows.filter((r) => r.series === "validation").length, 6); // loss + accuracy, 3 epochs

  const history = board.history();
  assert.equal(history.loss.length, 3);
  assert.deepEqual(
    history.val_loss.map((v) => +v.toFixed(6)),
    (fitted.history.val_loss as number[]).map((v) => +v.toFixed(6)),
  );
  const record = board.record();
  assert.equal(record.batches.length, 3 * 6);
  assert.equal(record.stepsPerEpoch, 6);
  assert.ok(record.epochs.every((e) => e.acc !== undefined && e.valAcc !== undefined));
  x.dispose();
  y.dispose();
  model.dispose();
});

test("training board in a terminal prints one line per epoch when not a TTY, \\r updates on a TTY", async () => {
  const { x, y } = tinyData(32);
  const model = tinyDenseModel();
  const plain = fakeStream(false);
  const board = trainingBoard({
    totalEpochs: 2,
    batchSize: 8,
    samples: 32,
    mode: "terminal",
    stream: plain.stream,
  });
  await model.fit(x, y, { epochs: 2, batchSize: 8, callbacks: board, verbose: 0 });
  assert.equal(plain.writes.length, 3, plain.writes.join(""));
  assert.match(plain.writes[0], /^epoch 1\/2 · step 4\/4 · \d+ img\/s · loss [\d.]+ · acc [\d.]+% · [\d.]+ s\n$/);
  assert.match(plain.writes[2], /^done: 2 epochs/);
  assert.equal(board.displayUpdates, 0);

  const tty = fakeStream(true);
  const board2 = trainingBoard({
    totalEpochs: 1,
    batchSize: 8,
    samples: 32,
    mode: "terminal",
    stream: tty.stream,
  });
  await model.fit(x, y, { epochs: 1, batchSize: 8, callbacks: board2, verbose: 0 });
  assert.ok(
    tty.writes.some((w) => w.startsWith("\r") && w.includes("█")),
    "no in-place progress bar",
  );
  assert.ok(tty.writes.filter((w) => w.endsWith("\n")).length <= 2);

  const silent = trainingBoard({ mode: "silent" });
  await model.fit(x, y, { epochs: 1, batchSize: 8, callbacks: silent, verbose: 0 });
  assert.equal(silent.history().loss.length, 1);
  x.dispose();
  y.dispose();
  model.dispose();
});

test("progress line formats epoch, step, speed, ETA and metrics", () => {
  const line = progressLine({
    epoch: 1,
    totalEpochs: 5,
    step: 120,
    stepsPerEpoch: 469,
    imagesPerSecond: 1534.4,
    etaSeconds: 42,
    loss: 0.51234,
    acc: 0.8123,
  });
  assert.equal(line, "epoch 2/5 · step 120/469 · 1534 img/s · ETA 0:42 · loss 0.5123 · acc 81.2%");
  assert.equal(
    progressLine({ epoch: 0, totalEpochs: 2, step: 5, stepsPerEpoch: 10, loss: 1 }, true, 4),
    "epoch 1/2 [██░░] 5/10 · loss 1.0000",
  );
  assert.equal(formatDuration(3725), "1:02:05");
  assert.equal(progressBar(0.5, 4), "[██░░]");
});
