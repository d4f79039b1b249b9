import { strict as assert } from "assert";
import { before, test } from "node:test";
import { CNN_DEEP_LADDER, LadderRung, sourceAccuracyMid } from "../lib/models/ladder";
import { createPreset, presetInfo } from "../lib/models/presets";
import { useCpu } from "./helpers";

before(useCpu);

/** Everything that defines a rung's training, read from the model it builds. */
function configuration(rung: LadderRung) {
  const model = createPreset("cnn-deep", rung.preset);
  const kinds = model.layers.map((l) => l.getClassName());
  const optimizer = model.optimizer.getClassName();
  const learningRate = (model.optimizer.getConfig() as { learningRate: number }).learningRate;
  const config = {
    optimizer: `${optimizer} ${learningRate}`,
    convs: kinds.filter((k) => k === "Conv2D").length,
    dropouts: kinds.filter((k) => k === "Dropout").length,
    steps: rung.steps,
    batch: rung.batchSize,
  };
  model.dispose();
  return config;
}

test("each rung of the ladder changes exactly one thing, the one it names", () => {
  const changed = CNN_DEEP_LADDER.slice(1).map((rung, i) => {
    const before = configuration(CNN_DEEP_LADDER[i]);
    const after = configuration(rung);
    return Object.keys(after).filter((k) => after[k as keyof typeof after] !== before[k as keyof typeof before]);
  });
  assert.deepEqual(changed, [["optimizer"], ["convs"], ["steps"], ["dropouts"]]);
  assert.deepEqual(configuration(CNN_DEEP_LADDER[0]), {
    optimizer: "SGD 0.001",
    convs: 2,
    dropouts: 1,
    steps: 1000,
    batch: 100,
  });
});

test("the last rung is the cnn-deep preset as the source's final code defines it", () => {
  const last = CNN_DEEP_LADDER[CNN_DEEP_LADDER.length - 1];
  const preset = presetInfo("cnn-deep");
  assert.deepEqual(presetInfo("cnn-deep", last.preset), preset);
  assert.equal(last.batchSize, preset.batchSize);
  assert.equal(last.steps, 1500);
  assert.deepEqual(configuration(last), { optimizer: "Adam 0.001", convs: 3, dropouts: 3, steps: 1500, batch: 100 });
});

test("the source's figures are kept as printed, a range by its middle", () => {
  assert.deepEqual(
    CNN_DEEP_LADDER.map((r) => r.sourceAccuracy),
    [0.29, 0.69, 0.73, 0.82, [0.89, 0.9]],
  );
  assert.equal(sourceAccuracyMid(CNN_DEEP_LADDER[4]), 0.895);
  assert.equal(sourceAccuracyMid(CNN_DEEP_LADDER[0]), 0.29);
  assert.ok(Object.isFrozen(CNN_DEEP_LADDER));
});
