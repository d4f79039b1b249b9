import { strict as assert } from "assert";
import { test } from "node:test";
import { PNG } from "pngjs";
import * as plot from "../lib/plot";
import { decodePng } from "./helpers";
import {
  confusionMatrix,
  matrixAccuracy,
  mostConfidentMistakes,
  perClassAccuracy,
} from "../lib/metrics/classification";
import { TrainingRecord } from "../lib/metrics/trainingRecord";
import { GraphLayer, modelGraphSvg } from "../lib/plot/modelGraph";
import { checkNotebookCharts, NotebookJson } from "../lib/plot/notebookCharts";
import {
  CHART_PROBLEM_PREFIX,
  chartBundle,
  chartProblemLine,
  chartProblems,
  compileVegaLite,
  renderChart,
  renderPng,
  renderSvg,
  svgToPng,
  VEGA_LITE_MIME,
  VEGA_LITE_SCHEMA,
  VegaLiteSpec,
} from "../lib/plot/render";
import { NamedRun } from "../lib/plot/runCharts";
import { downsample, smooth } from "../lib/plot/series";
import { sourceComparisonBundle } from "../lib/plot/sourceTable";
import { trainingCurvesSpec } from "../lib/plot/trainingCharts";

/** A 28x28 test image (0–255): a bright rectangle with a gradient, so it is neither blank nor uniform. */
function fakeImage(seed: number): number[] {
  return Array.from({ length: 784 }, (_, i) => {
    const r = Math.floor(i / 28),
      c = i % 28;
    return r > 4 + (seed % 5) && r < 24 && c > 6 && c < 22 ? (r * 9 + c * 3 + seed * 17) % 256 : 0;
  });
}

function softmaxRow(predicted: number, confidence: number): number[] {
  const rest = (1 - confidence) / 9;
  return Array.from({ length: 10 }, (_, i) => (i === predicted ? confidence : rest));
}

const labels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const predicted = labels.map((l, i) => (i % 4 === 0 ? (l + 1) % 10 : l));
const matrix = confusionMatrix(labels, predicted);
const record: TrainingRecord = {
  totalEpochs: 3,
  stepsPerEpoch: 20,
  batches: Array.from({ length: 40 }, (_, i) => ({
    epoch: Math.floor(i / 20),
    batch: i % 20,
    loss: 2 / (1 + i / 10),
    acc: 0.5 + i / 100,
    size: 32,
  })),
  epochs: [0, 1].map((e) => ({
    epoch: e,
    loss: 1 - e / 4,
    acc: 0.6 + e / 10,
    valLoss: 1.1 - e / 5,
    valAcc: 0.58 + e / 10,
    seconds: 1,
    logs: {},
  })),
};
const runs: NamedRun[] = [
  {
    name: "Dense net",
    history: {
      loss: [0.7, 0.5, 0.45],
      acc: [0.75, 0.82, 0.85],
      val_loss: [0.6, 0.5, 0.48],
      val_acc: [0.78, 0.82, 0.83],
    },
  },
  {
    name: "Conv net",
    history: {
      loss: [0.5, 0.35, 0.3],
      accuracy: [0.82, 0.87, 0.89],
      val_loss: [0.4, 0.33, 0.32],
      val_accuracy: [0.85, 0.88, 0.89],
    },
  },
];

/** Every chart the toolkit builds, with strings its picture must contain. */
const charts: [string, VegaLiteSpec, string[]][] = [
  ["image", plot.imageSpec(fakeImage(1), { label: 9 }), ["Ankle boot", "pixel value", "column (pixel)", "row (pixel)"]],
  [
    "prediction",
    plot.predictionSpec(fakeImage(2), softmaxRow(7, 0.8), { label: 5 }),
    ["Prediction: Sneaker", "Sandal", "probability (%)", "predicted (wrong)"],
  ],
  [
    "confusion",
    plot.confusionMatrixSpec(matrix),
    ["Confusion matrix", "T-shirt/top", "predicted class", "true class", "accuracy 75.0%"],
  ],
  [
    "per-class",
    plot.perClassAccuracySpec(perClassAccuracy(matrix)),
    ["Accuracy per class", "Pullover", "accuracy (%)", "50.0%"],
  ],
  ["per-class-low", plot.perClassAccuracySpec([0.05, 0.9]), ["T-shirt/top", "Trouser", "5.0%", "90.0%"]],
  [
    "training",
    trainingCurvesSpec(record, { title: "Board test", subtitle: "epoch 2/3" }),
    ["Board test", "epoch 2/3", "accuracy (%)", "validation", "train, smoothed"],
  ],
  [
    "compare",
    plot.compareRunsSpec(runs),
    ["Training runs compared", "Dense net", "Conv net", "accuracy (%; the axis starts at 70, not 0)", "epoch"],
  ],
  [
    "dead-units",
    plot.deadUnitsSpec([
      {
        name: "Sequential",
        layers: [
          { layer: "a", units: 784, dead: 0.05 },
          { layer: "b", units: 100, dead: 1 },
        ],
      },
      { name: "functional", layers: [{ layer: "c", units: 100, dead: 0 }] },
    ]),
    ["Dead ReLU units", "hidden 1 (784 units)", "dead units (%)", "functional"],
  ],
  [
    "accuracy-dots",
    plot.accuracyDotsSpec([
      { part: "training", accuracy: 0.91 },
      { part: "test", accuracy: 0.8822 },
    ]),
    ["it starts at 86%, not at 0", "88.2%", "training"],
  ],
  [
    "setting-dots",
    plot.settingDotsSpec(
      [
        { setting: "lr 0.001", seed: 0, value: 0.6 },
        { setting: "lr 0.001", seed: 1, value: 0.55 },
        { setting: "lr 0.1", seed: 0, value: 2.3 },
      ],
      {
        title: "Late loss",
        settingTitle: "learning rate",
        valueTitle: "loss (log scale)",
        log: true,
        reference: Math.LN10,
      },
    ),
    ["Late loss", "lr 0.1", "seed 1", "loss (log scale)"],
  ],
  [
    "test-accuracy",
    plot.testAccuracySpec([
      { name: "Dense net", accuracy: 0.85 },
      { name: "Conv net", accuracy: 0.9 },
    ]),
    ["Test accuracy per model", "90.00%", "test accuracy (%)"],
  ],
];

/** Number of pixels that are not (near) white. */
function inked(png: PNG): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i] + png.data[i + 1] + png.data[i + 2] < 3 * 235) n++;
  return n;
}

for (const [name, spec, expected] of charts) {
  test(`${name} chart compiles without vega-lite warnings, draws its data and renders an SVG with its texts`, async () => {
    const chart = await renderChart(spec);
    assert.deepEqual(chartProblems(chart), [], `problems of ${name}`);
    assert.ok(chart.drawnDataItems > 0, `${name}: no data item drawn`);
    const svg = chart.svg;
    assert.match(svg, /^<svg[^>]*width="\d+"/);
    assert.ok(/<path|<rect/.test(svg), `${name}: no marks in SVG`);
    for (const text of expected) assert.ok(svg.includes(text), `${name}: SVG lacks "${text}"`);
    assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
  });
}

test("charts rasterise to a 2x PNG whose size matches the SVG and that has ink", async () => {
  const spec = charts[2][1];
  const svg = await renderSvg(spec);
  const w = Number(/width="(\d+)"/.exec(svg)![1]),
    h = Number(/height="(\d+)"/.exec(svg)![1]);
  const { png, width, height } = await renderPng(spec, 2);
  const img = decodePng(png);
  assert.deepEqual([width, height], [w, h]);
  assert.deepEqual([img.width, img.height], [2 * w, 2 * h]);
  assert.ok(inked(img) > img.width * img.height * 0.05, "PNG is almost blank");
});

test("chartBundle carries vega-lite, a PNG with its display size, and text", async () => {
  const { bundle, metadata } = await chartBundle(charts[3][1], { text: "per-class accuracy" });
  assert.deepEqual(Object.keys(bundle).sort(), [VEGA_LITE_MIME, "image/png", "text/plain"].sort());
  assert.equal(bundle["text/plain"], "per-class accuracy");
  const size = metadata["image/png"] as { width: number; height: number };
  assert.equal(decodePng(bundle["image/png"] as Uint8Array).width, size.width * 2);
  const withSvg = await chartBundle(charts[3][1], { fallbacks: ["png", "svg"] });
  assert.match(String(withSvg.bundle["image/svg+xml"]), /^<svg/);
});

/** Bars from zero on a log scale: vega cannot place their bottoms, so the plot shows axes and nothing else. */
const logBarsFromZero: VegaLiteSpec = {
  title: "Log bars",
  data: {
    values: [
      { v: 1, n: 10 },
      { v: 2, n: 1000 },
    ],
  },
  mark: "bar",
  encoding: { x: { field: "v", type: "ordinal" }, y: { field: "n", type: "quantitative", scale: { type: "log" } } },
};

test("a chart whose data marks are not drawn is reported, with vega's warning", async () => {
  const chart = await renderChart(logBarsFromZero);
  assert.equal(chart.dataItems, 2);
  assert.equal(chart.drawnDataItems, 0);
  const problems = chartProblems(chart);
  assert.ok(
    problems.some((p) => /log scale/i.test(p)),
    `no log-scale warning in ${problems.join("; ")}`,
  );
  assert.ok(
    problems.some((p) => /2 of its 2 data items/.test(p)),
    problems.join("; "),
  );
  const fixed = await renderChart({ ...logBarsFromZero, mark: "point" });
  assert.deepEqual(chartProblems(fixed), []);
});

test("a chart without data marks and a vega-lite warning are problems", async () => {
  const empty = await renderChart({
    data: { values: [] },
    mark: "point",
    encoding: { x: { field: "a", type: "quantitative" } },
  });
  assert.ok(
    chartProblems(empty).includes("it draws no data marks (only axes, gridlines or titles)"),
    chartProblems(empty).join("; "),
  );
  const unknownChannel = await renderChart({
    data: { values: [{ a: 1 }] },
    mark: "point",
    encoding: { x: { field: "a", type: "quantitative" }, shape: { field: "a", type: "quantitative" } },
  });
  assert.ok(chartProblems(unknownChannel).length > 0, "a shape channel on a quantitative field should warn");
});

test("checkNotebookCharts renders every saved chart again and reads problem lines", async () => {
  const good = (await chartBundle(charts[3][1])).bundle;
  const notebook: NotebookJson = {
    cells: [
      { cell_type: "markdown" },
      {
        cell_type: "code",
        outputs: [
          {
            output_type: "display_data",
            data: { [VEGA_LITE_MIME]: good[VEGA_LITE_MIME], "text/plain": "ok" },
          },
        ],
      },
      {
        cell_type: "code",
        outputs: [
          { output_type: "display_data", data: { [VEGA_LITE_MIME]: logBarsFromZero } },
          { output_type: "display_data", data: { "text/plain": chartProblemLine(logBarsFromZero, ["x"]) } },
        ],
      },
    ],
  };
  const report = await checkNotebookCharts(notebook);
  assert.equal(report.charts, 2);
  assert.ok(report.problems.length >= 3, report.problems.join("\n"));
  assert.ok(
    report.problems.every((p) => p.startsWith("code cell 2")),
    report.problems.join("\n"),
  );
  assert.ok(report.problems.some((p) => p.includes(CHART_PROBLEM_PREFIX)));
  assert.deepEqual((await checkNotebookCharts({ cells: notebook.cells.slice(0, 2) })).problems, []);
});

test("modelGraphSvg draws one box per layer and one arrow per connection, with a bend for a skip", async () => {
  type Layer = GraphLayer & { inboundNodes: { inboundLayers: GraphLayer[] }[] };
  const layer = (name: string, parents: GraphLayer[]): Layer => ({
    name,
    getClassName: () => (parents.length ? "Dense" : "InputLayer"),
    outputShape: [null, 4],
    countParams: () => 20,
    inboundNodes: [{ inboundLayers: parents }],
  });
  const input = layer("pixels", []);
  const deep = layer("deep_1", [input]);
  const joined = layer("joined", [input, deep]);
  const svg = modelGraphSvg({ layers: [input, deep, joined] }, "A <branch>");
  assert.equal((svg.match(/<rect x=/g) ?? []).length, 3);
  assert.equal((svg.match(/class="edge"/g) ?? []).length, 3);
  assert.equal((svg.match(/<path class="edge"/g) ?? []).length, 1, "the skip connection should bend around");
  for (const text of ["pixels (InputLayer)", "deep_1 (Dense)", "A &lt;branch&gt;", "20 params"])
    assert.ok(svg.includes(text), text);
  const png = decodePng((await svgToPng(svg)).png);
  assert.ok(inked(png) > 1000);
});

test("compareRunsSpec lists only the data splits the runs have", () => {
  const trainOnly = plot.compareRunsSpec([{ name: "no validation", history: { loss: [1, 0.5], acc: [0.5, 0.8] } }]);
  const text = JSON.stringify(trainOnly);
  assert.ok(!text.includes("validation data"), "a chart without validation runs must not explain a validation line");
  assert.ok(text.includes('"domain":["train"]'), text.slice(0, 400));
  assert.ok(JSON.stringify(plot.compareRunsSpec(runs)).includes('"domain":["train","validation"]'));
});

test("compareRunsSpec's accuracy axis title says where the axis starts, and says nothing when it starts at 0", () => {
  const accuracyAxisOf = (spec: VegaLiteSpec) => {
    const panel = (spec as { hconcat: { encoding: { y: { scale: unknown; axis: { title: string } } } }[] }).hconcat[0];
    return { domain: (panel.encoding.y.scale as { domain: number[] }).domain, title: panel.encoding.y.axis.title };
  };
  assert.deepStrictEqual(accuracyAxisOf(plot.compareRunsSpec(runs)), {
    domain: [70, 90],
    title: "accuracy (%; the axis starts at 70, not 0)",
  });
  const chance = { name: "stuck at chance", history: { loss: [2.3, 2.3], acc: [0.1, 0.1] } };
  assert.deepStrictEqual(accuracyAxisOf(plot.compareRunsSpec([...runs, chance])), {
    domain: [0, 90],
    title: "accuracy (%)",
  });
});

test("the source comparison table puts both figures in one row, numbers to 4 places, a dash where one is missing", () => {
  const bundle = sourceComparisonBundle(
    [
      { quantity: "test accuracy", source: 0.8777, ours: 0.88216, note: "10,000 test images" },
      { quantity: "epoch 3 loss", source: null, ours: 0.31 },
    ],
    { title: "Lesson <01>" },
  );
  const text = String(bundle["text/plain"]);
  assert.match(text, /^Lesson <01>\n/);
  assert.match(text, /test accuracy\s+0\.8777\s+0\.8822\s+10,000 test images/);
  assert.match(text, /epoch 3 loss\s+–\s+0\.3100/);
  assert.ok(String(bundle["text/html"]).includes("Lesson &lt;01&gt;"));
  assert.throws(() => sourceComparisonBundle([]), /at least one row/);
});

test("a broken spec fails with a message naming the chart", () => {
  assert.throws(
    () => compileVegaLite({ title: "Bad chart", mark: "nonsense-mark", data: { values: [] } }),
    /Bad chart/,
  );
});

test("confusion matrix, per-class accuracy and mistakes are computed from plain data", () => {
  assert.equal(matrix[0][1], 1); // label 0 at index 0 predicted as 1
  assert.equal(matrix[1][1], 2);
  assert.equal(matrixAccuracy(matrix), 15 / 20);
  const perClass = perClassAccuracy(matrix);
  assert.equal(perClass[0].accuracy, 0.5);
  assert.equal(perClass[1].accuracy, 1);
  const probs = labels.map((_, i) => softmaxRow(predicted[i], 0.5 + i / 50));
  const mistakes = mostConfidentMistakes(probs, labels, 3);
  assert.deepEqual(
    mistakes.map((m) => m.index),
    [16, 12, 8],
  );
  assert.equal(mistakes[0].predicted, (labels[16] + 1) % 10);
  assert.throws(() => confusionMatrix([0, 1], [0]), /2 labels but 1 predictions/);
  assert.throws(() => confusionMatrix([0], [12]), /not a class/);
});

test("smoothing removes start-up bias and downsampling keeps the mean", () => {
  assert.deepEqual(
    smooth([4, 4, 4], 0.9).map((v) => +v.toFixed(9)),
    [4, 4, 4],
  );
  const pts = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: i % 2 }));
  const down = downsample(pts, 100);
  assert.equal(down.length, 100);
  assert.ok(down.every((p) => Math.abs(p.y - 0.5) < 1e-9));
});

test("run comparison reads acc and accuracy histories and rejects empty runs", () => {
  const spec = plot.compareRunsSpec(runs);
  const rows = spec.data.values as { run: string; metric: string; split: string; value: number }[];
  assert.equal(
    rows.filter((r) => r.run === "Conv net" && r.metric === "accuracy" && r.split === "validation").length,
    3,
  );
  assert.throws(() => plot.compareRunsSpec([{ name: "x", history: {} }]), /no loss\/accuracy values/);
  // a whole tf.History object (as returned by model.fit) is accepted too
  const fitResult = { epoch: [0, 1], params: {}, history: { loss: [0.9, 0.6], val_loss: [1, 0.8] } };
  const fromHistory = plot.compareRunsSpec([{ name: "fit", history: fitResult }]).data.values as { split: string }[];
  assert.deepEqual(
    fromHistory.map((r) => r.split),
    ["train", "train", "validation", "validation"],
  );
});
