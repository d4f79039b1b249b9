import { strict as assert } from "assert";
import { test } from "node:test";
import * as plot from "../lib/plot";
import { decodePng } from "./helpers";
import { renderSvg, VegaLiteSpec } from "../lib/plot/render";
import { tableBundle } from "../lib/plot/table";

const history = {
  loss: [0.6, 0.4, 0.3, 0.22, 0.15],
  acc: [0.8, 0.86, 0.9, 0.92, 0.95],
  val_loss: [0.45, 0.36, 0.33, 0.35, 0.4],
  val_acc: [0.84, 0.88, 0.9, 0.9, 0.89],
};

async function svgOf(spec: VegaLiteSpec): Promise<string> {
  const warnings: string[] = [];
  const svg = await renderSvg(spec, warnings);
  assert.deepEqual(warnings, [], `vega-lite warnings: ${warnings.join("; ")}`);
  return svg;
}

test("the overfitting chart draws both splits, marks the kept epoch and rejects histories it cannot draw", async () => {
  const spec = plot.overfittingSpec(history, { bestEpoch: 3 });
  const svg = await svgOf(spec);
  for (const text of ["Where overfitting starts", "kept: epoch 3", "validation", "train", "accuracy (%)"])
    assert.ok(svg.includes(text), `SVG lacks "${text}"`);
  assert.throws(() => plot.overfittingSpec({ loss: [1], acc: [0.5] }, { bestEpoch: 1 }), /needs validation values/);
  assert.throws(() => plot.overfittingSpec(history, { bestEpoch: 6 }), /bestEpoch 6 is not one of the 5 epochs/);
});

test("the source-versus-ours chart keeps the step order and shows a range the source gives", async () => {
  const steps = [
    { label: "one", source: 0.29, ours: 0.71 },
    { label: "two", source: [0.89, 0.9] as const, ours: 0.905 },
  ];
  const spec = plot.sourceVersusOursSpec(steps, { title: "Ladder" });
  const svg = await svgOf(spec);
  for (const text of ["Ladder", "29%", "71.0%", "89–90%", "90.5%", "source (as printed)", "ours (measured here)"])
    assert.ok(svg.includes(text), `SVG lacks "${text}"`);
  const rows = spec.data.values as { step: string; side: string; value: number; low: number; high: number }[];
  assert.deepEqual(
    rows.map((r) => r.step),
    ["one", "one", "two", "two"],
  );
  assert.deepEqual(rows[2], { ...rows[2], value: 89.5, low: 89, high: 90 });
  const above = (spec.data.values as { side: string; above: boolean }[]).map((r) => r.above);
  assert.deepEqual(above, [false, true, false, true], "the higher value of each step is labelled above its point");
  assert.throws(() => plot.sourceVersusOursSpec([]), /at least one step/);
});

test("channel grids put every channel on one shared scale, signed or from zero", () => {
  const flat = (value: number) => new Float32Array(9).fill(value);
  // three 3x3 tiles of -2, 0 and 2, drawn 10x: 900 pixels each; count black and mid-grey pixels
  const maps = [flat(-2), flat(0), flat(2)];
  const shades = (png: Buffer) => {
    const { data } = decodePng(png);
    let black = 0,
      grey = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) continue;
      if (data[i] === 0) black++;
      else if (data[i] >= 120 && data[i] <= 135) grey++;
    }
    return { black, grey };
  };
  assert.deepEqual(shades(plot.channelGridPng(maps, { mode: "signed", scale: 10, columns: 3 })), {
    black: 900,
    grey: 900,
  });
  const positive = plot.channelGridPng(maps, { scale: 10, columns: 3 });
  assert.deepEqual(shades(positive), { black: 1800, grey: 0 });
  const two = plot.channelGridPng(maps, { channels: [2], scale: 10 });
  assert.ok(decodePng(two).width < decodePng(positive).width);
  assert.throws(() => plot.channelGridPng(maps, { channels: [5] }), /no such channels among 3 maps/);
});

test("tables list columns in first-seen order, escape HTML and align their text", () => {
  const bundle = tableBundle(
    [
      { "": "accuracy", source: "0.914" },
      { "": "a<b", ours: 0.9123 },
    ],
    { caption: "Source & ours" },
  );
  const html = String(bundle["text/html"]);
  assert.deepEqual(
    [...html.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]),
    ["", "source", "ours"],
  );
  assert.ok(html.includes("a&lt;b") && html.includes("Source &amp; ours"));
  assert.equal(
    bundle["text/plain"],
    [
      "Source & ours",
      "          source  ours",
      "--------  ------  ------",
      "accuracy  0.914",
      "a<b               0.9123",
    ].join("\n"),
  );
  assert.throws(() => tableBundle([]), /at least one row/);
});

test("the steps chart draws each series against steps with the marked step", async () => {
  const spec = plot.accuracyByStepsSpec(
    [
      {
        name: "test",
        points: [
          { steps: 1500, accuracy: 0.9 },
          { steps: 2100, accuracy: 0.91 },
        ],
      },
      {
        name: "training",
        points: [
          { steps: 1500, accuracy: 0.88 },
          { steps: 2100, accuracy: 0.92 },
        ],
      },
    ],
    { title: "Longer", marker: { steps: 1500, label: "the source stops here" } },
  );
  const svg = await svgOf(spec);
  for (const text of ["Longer", "the source stops here", "gradient steps (batches)", "training", "test"])
    assert.ok(svg.includes(text), `SVG lacks "${text}"`);
  assert.throws(() => plot.accuracyByStepsSpec([{ name: "x", points: [] }]), /at least one point/);
});

test("training accuracy by steps is smoothed per batch and thinned to the points asked for", () => {
  const batches = Array.from({ length: 300 }, (_, i) => ({
    epoch: Math.floor(i / 100),
    batch: i % 100,
    loss: 1,
    acc: i < 150 ? 0.2 : 0.8,
    size: 10,
  }));
  const points = plot.trainingAccuracyBySteps({ batches, epochs: [] }, { smoothing: 0, maxPoints: 30 });
  assert.equal(points.length, 30);
  assert.equal(points[0].steps, 6, "buckets of 10 steps, centred");
  assert.ok(Math.abs(points[0].accuracy - 0.2) < 1e-9 && Math.abs(points[29].accuracy - 0.8) < 1e-9);
  const smoothed = plot.trainingAccuracyBySteps({ batches, epochs: [] }, { maxPoints: 300 });
  assert.ok(smoothed[150].accuracy > 0.2 && smoothed[150].accuracy < 0.3, "smoothing lags the jump at step 151");
});

test("the race chart draws the curves, the labelled finishes and the budget, and refuses nothing to draw", async () => {
  const curves = [
    {
      name: "resnet",
      points: [
        { seconds: 60, accuracy: 0.88 },
        { seconds: 120, accuracy: 0.91 },
      ],
    },
  ];
  const finishes = [
    { name: "resnet", seconds: 125, accuracy: 0.9321 },
    { name: "05 vgg11-bn", seconds: 419, accuracy: 0.9267 },
  ];
  const spec = plot.raceSpec(curves, finishes, { title: "Race", budgetSeconds: 600 });
  const svg = await svgOf(spec);
  for (const text of ["Race", "resnet: 93.21%", "05 vgg11-bn: 92.67%", "training seconds", "accuracy (%)"])
    assert.ok(svg.includes(text), `SVG lacks "${text}"`);
  const y = (spec.layer as { encoding?: { y?: { scale: { domain: number[] } } } }[])[1].encoding!.y!.scale.domain;
  assert.deepEqual(y, [85, 100], "the accuracy axis starts at the 5 points below the lowest value");
  assert.throws(() => plot.raceSpec([], [], { budgetSeconds: 600 }), /at least one/);
  assert.throws(
    () => plot.raceSpec([], [{ name: "x", seconds: NaN, accuracy: 0.9 }], { budgetSeconds: 600 }),
    /finite/,
  );
});
