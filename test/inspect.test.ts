import { strict as assert } from "assert";
import { before, test } from "node:test";
import { convFilters, featureMaps, layerNamesOf } from "../lib/models/inspect";
import { createPreset } from "../lib/models/presets";
import { UserError } from "../lib/util/errors";
import { useCpu } from "./helpers";

before(useCpu);

const image = Array.from({ length: 784 }, (_, i) => ((i * 37) % 251) * (i % 28 > 5 ? 1 : 0));

test("the maps after conv are ReLU(filter · patch + bias), and after pooling the max of each 2x2 block", () => {
  const model = createPreset("cnn-simple", { seed: 1, compile: false });
  const [conv] = layerNamesOf(model, "Conv2D");
  const [pool] = layerNamesOf(model, "MaxPooling2D");
  const { height, width, filters } = convFilters(model, conv);
  assert.deepEqual([height, width, filters.length], [3, 3, 64]);
  const bias = model.getLayer(conv).getWeights()[1].dataSync();
  const [afterConv, afterPool] = featureMaps(model, image, [conv, pool]);
  assert.deepEqual([afterConv.height, afterConv.width, afterConv.maps.length], [26, 26, 64]);
  assert.deepEqual([afterPool.height, afterPool.width, afterPool.maps.length], [13, 13, 64]);
  for (const f of [0, 17, 63]) {
    for (const [r, c] of [
      [0, 0],
      [10, 13],
      [25, 25],
    ]) {
      let sum = bias[f];
      for (let dr = 0; dr < 3; dr++)
        for (let dc = 0; dc < 3; dc++) sum += filters[f][dr * 3 + dc] * (image[(r + dr) * 28 + c + dc] / 255);
      assert.ok(Math.abs(afterConv.maps[f][r * 26 + c] - Math.max(0, sum)) < 1e-5, `filter ${f} at (${r}, ${c})`);
    }
    for (const [r, c] of [
      [0, 0],
      [6, 9],
      [12, 12],
    ]) {
      const block = [0, 1, 26, 27].map((d) => afterConv.maps[f][2 * r * 26 + 2 * c + d]);
      assert.equal(afterPool.maps[f][r * 13 + c], Math.max(...block));
    }
  }
  model.dispose();
});

test("inspecting the wrong layer or image says what is wrong", () => {
  const model = createPreset("cnn-simple", { seed: 1, compile: false });
  const [dense] = layerNamesOf(model, "Dense");
  assert.throws(
    () => convFilters(model, "nope"),
    (e: unknown) => e instanceof UserError && /has no layer "nope". Its layers: /.test((e as Error).message),
  );
  assert.throws(() => convFilters(model, dense), /is a Dense, not a Conv2D/);
  assert.throws(() => convFilters(model, layerNamesOf(model, "Conv2D")[0], 1), /input channels 0..0; got 1/);
  assert.throws(() => featureMaps(model, image, [dense]), /not a stack of maps/);
  assert.throws(() => featureMaps(model, image.slice(1), [dense]), /one 28×28 image \(784 pixels\), got 783/);
  model.dispose();
});
