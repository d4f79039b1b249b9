import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { before, test } from "node:test";
import { createPreset, PRESET_NAMES, presetInfo } from "../lib/models/presets";
import { UserError } from "../lib/util/errors";
import { useCpu } from "./helpers";

before(useCpu);

// Counts worked out by hand from the layer sizes (see the presets' descriptions); trainable = PyTorch's count.
const EXPECTED: Record<string, [number, number]> = {
  mlp: [101770, 101770],
  "mlp-deep": [705050, 705050],
  "mlp-functional": [89610, 89610],
  "cnn-simple": [1386506, 1386506],
  "cnn-deep": [1447946, 1447946],
  vgg11: [678218, 678218],
  "vgg11-bn": [680970, 679594],
};

test("every preset has its exact parameter count", () => {
  assert.deepEqual([...PRESET_NAMES].sort(), Object.keys(EXPECTED).sort());
  for (const name of PRESET_NAMES) {
    const info = presetInfo(name);
    assert.deepEqual([info.params, info.trainableParams], EXPECTED[name], name);
  }
});

test("every preset maps a batch of images to ten probabilities", () => {
  for (const name of PRESET_NAMES) {
    const model = createPreset(name, { compile: false });
    const shape = presetInfo(name).layout === "flat" ? [3, 784] : [3, 28, 28, 1];
    tf.tidy(() => {
      const out = model.predict(tf.randomUniform(shape)) as tf.Tensor;
      assert.deepEqual(out.shape, [3, 10], name);
      const sums = out.sum(1).dataSync();
      for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-4, `${name}: softmax rows sum to ${s}`);
    });
    model.dispose();
  }
});

test("options change the architecture where the walkthroughs vary it", () => {
  assert.equal(presetInfo("cnn-deep", { dropout: false }).params, 1447946);
  const withoutDropout = createPreset("cnn-deep", { dropout: false, compile: false });
  assert.ok(!withoutDropout.layers.some((l) => l.getClassName() === "Dropout"));
  withoutDropout.dispose();
  // two blocks: Dense 1024 on 7x7x64 = 3136 inputs: 832 + 51,264 + (3136·1024 + 1024) + 10,250
  assert.equal(presetInfo("cnn-deep", { convBlocks: 2 }).params, 832 + 51264 + 3136 * 1024 + 1024 + 10250);
  const dropouts = (options: object) => {
    const model = createPreset("cnn-deep", { ...options, compile: false });
    const rates = model.layers
      .filter((l) => l.getClassName() === "Dropout")
      .map((l) => (l.getConfig() as { rate: number }).rate);
    model.dispose();
    return rates;
  };
  assert.deepEqual(dropouts({}), [0.25, 0.25, 0.4]);
  assert.deepEqual(dropouts({ blockDropout: false }), [0.4]);
  assert.deepEqual(dropouts({ convBlocks: 2 }), [0.4]);
  assert.equal(presetInfo("vgg11", { batchNorm: true }).params, 680970);
  assert.ok(presetInfo("vgg11-bn", { widthDivisor: 8 }).params < 680970 / 2);
  assert.equal(presetInfo("mlp", { optimizer: "sgd" }).optimizer, "sgd");
  // the eight convolutions of vgg11-bn carry 16+32+64+64+128+128+128+128 = 688 biases
  assert.equal(presetInfo("vgg11-bn", { convBias: false }).params, 680970 - 688);
});

test("vgg11-bn's batch norms average their statistics with PyTorch's momentum (0.9 in Keras terms)", () => {
  const model = createPreset("vgg11-bn", { compile: false });
  const norms = model.layers.filter((l) => l.getClassName() === "BatchNormalization");
  assert.equal(norms.length, 8);
  for (const layer of norms) assert.equal(layer.getConfig().momentum, 0.9);
  model.dispose();
});

test("initStddev draws every kernel from a normal distribution of that spread, biases still 0", () => {
  const model = createPreset("vgg11", { initStddev: 0.01, seed: 3, compile: false });
  const kernels = model.layers.filter((l) => ["Conv2D", "Dense"].includes(l.getClassName()));
  assert.equal(kernels.length, 11);
  for (const layer of kernels) {
    const [kernel, bias] = layer.getWeights().map((w) => Float32Array.from(w.dataSync()));
    const mean = kernel.reduce((a, b) => a + b, 0) / kernel.length;
    const std = Math.sqrt(kernel.reduce((a, b) => a + (b - mean) ** 2, 0) / kernel.length);
    assert.ok(Math.abs(std - 0.01) < 0.002, `${layer.name}: std ${std}`);
    assert.ok(bias.every((b) => b === 0));
  }
  model.dispose();
  assert.throws(() => createPreset("mlp", { initStddev: 0 }), /initStddev must be positive/);
});

test("the same seed gives the same initial weights; another seed does not", () => {
  const weights = (seed: number) => {
    const model = createPreset("mlp", { seed, compile: false });
    const values = model.getWeights()[0].dataSync().slice(0, 20);
    model.dispose();
    return Array.from(values);
  };
  assert.deepEqual(weights(3), weights(3));
  assert.notDeepEqual(weights(3), weights(4));
});

test("unknown presets, options and values are rejected with the valid choices", () => {
  assert.throws(
    () => createPreset("resnet"),
    (e: unknown) =>
      e instanceof UserError && /Unknown preset "resnet". Choose one of: mlp, mlp-deep/.test((e as Error).message),
  );
  assert.throws(
    () => createPreset("mlp", { dropuot: true } as never),
    /Unknown preset option\(s\) dropuot. Valid options: seed/,
  );
  assert.throws(() => createPreset("mlp", { optimizer: "adagrad" as never }), /Unknown optimizer "adagrad"/);
  assert.throws(
    () => createPreset("vgg11", { widthDivisor: 3 }),
    /widthDivisor must be a whole number that divides 64/,
  );
  assert.throws(() => createPreset("mlp", { learningRate: -1 }), /learningRate must be positive/);
  assert.throws(() => createPreset("cnn-deep", { convBlocks: 4 }), /convBlocks must be 2 or 3, got 4/);
});
