import { strict as assert } from "assert";
import type * as tf from "@tensorflow/tfjs";
import { after, before, test } from "node:test";
import { selectBackend } from "../lib/backend/select";
import { loadFashionMnist } from "../lib/data/dataset";
import { argmax } from "../lib/metrics/classification";
import { predictProbabilities } from "../lib/train/evaluate";
import { trainPreset } from "../lib/train/run";
import { buildPage } from "../lib/web/bundle";
import { chromiumMissing } from "../lib/web/chromium";
import { exportForWeb } from "../lib/web/export";
import { classifyInputs } from "../lib/web/classify";
import { checkPage, PageCheck, PageDrawing, SNEAKER_DRAWINGS } from "../lib/web/pageCheck";
import { preprocessImage } from "../lib/web/preprocess";
import { PageServer, servePage } from "../lib/web/server";
import { decodePng, tempDir } from "./helpers";

const missing = chromiumMissing();
const TEST_IMAGES = 24;
let model: tf.LayersModel;
let server: PageServer;
let seen: PageCheck;

before(async () => {
  if (missing) return;
  await selectBackend();
  const data = await loadFashionMnist();
  ({ model } = await trainPreset("cnn-simple", data, { epochs: 1, subset: 1000, seed: 7 }));
  const dir = tempDir();
  await exportForWeb(model, data.test, {
    model: "cnn-simple",
    description: "1 epoch on 1,000 images",
    count: TEST_IMAGES,
    dir,
  });
  await buildPage();
  server = await servePage(dir);
  seen = await checkPage(server.url);
});

after(async () => {
  await server?.close();
  model?.dispose();
});

test("headless Chromium classifies the test images exactly as Node does", { skip: missing ?? false }, async () => {
  assert.deepEqual(seen.consoleErrors, []);
  assert.match(seen.backend, /^(wasm|webgl)/);
  assert.equal(seen.tests.length, TEST_IMAGES);
  const data = await loadFashionMnist();
  const node = await predictProbabilities(model, data.test.subset(TEST_IMAGES));
  seen.tests.forEach((image, i) => {
    const expected = node.subarray(i * 10, i * 10 + 10);
    assert.equal(image.index, i);
    assert.equal(image.label, data.test.labels[i]);
    assert.equal(
      image.predicted,
      argmax(expected),
      `test image ${i}: browser says ${image.predicted}, Node ${argmax(expected)}`,
    );
    image.probabilities.forEach((p, c) =>
      assert.ok(Math.abs(p - expected[c]) <= 1e-3, `test image ${i}, class ${c}: ${p} vs ${expected[c]}`),
    );
  });
});

test(
  "drawings on the pad get a prediction, the same one Node computes from the same pixels",
  { skip: missing ?? false },
  () => {
    assert.deepEqual(
      seen.drawings.map((d) => d.name),
      SNEAKER_DRAWINGS.map((d) => d.name),
    );
    for (const drawing of seen.drawings) {
      assert.equal(drawing.probabilities.length, 10);
      assert.ok(Math.abs(drawing.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-3);
      assert.equal(drawing.predicted, argmax(drawing.probabilities));
      const [node] = classifyInputs(model, [preprocessImage(drawing.pixels).input]);
      drawing.probabilities.forEach((p, c) =>
        assert.ok(Math.abs(p - node[c]) <= 1e-3, `${drawing.name}, class ${c}: page ${p}, Node ${node[c]}`),
      );
    }
    const inkOf = (d: PageDrawing) => Array.from(d.pixels.data).filter((v, i) => i % 4 === 0 && v < 128).length;
    assert.ok(
      inkOf(seen.drawings[1]) > 1.3 * inkOf(seen.drawings[0]),
      "the pad was cleared and the second drawing filled in",
    );
  },
);

test("the screenshot is a picture of the whole page", { skip: missing ?? false }, () => {
  const png = decodePng(seen.screenshot);
  assert.equal(png.width, 1280);
  assert.ok(png.height >= 600, `height ${png.height}`);
  let dark = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i] < 100) dark++;
  assert.ok(dark > 1000, "the screenshot has text and pictures on it");
});

test(
  "the page is cross-origin isolated, so ?threads=2 gives WebAssembly two threads with the same answers",
  { skip: missing ?? false },
  async () => {
    if (!seen.backend.startsWith("wasm")) return;
    assert.match(seen.backend, /threaded build/, "COOP/COEP let the browser load tfjs's threaded build");
    const two = await checkPage(server.url, { query: "?threads=2", drawings: [] });
    assert.match(two.backend, /threaded build, 2 threads/);
    two.tests.forEach((image, i) =>
      image.probabilities.forEach((p, c) =>
        assert.ok(Math.abs(p - seen.tests[i].probabilities[c]) <= 1e-5, `test image ${i}, class ${c}`),
      ),
    );
    const refused = await checkPage(server.url, { query: "?threads=0", drawings: [] });
    assert.match(refused.backend, /threads=0 ignored \(a whole number from 1 to 8\)/);
  },
);
