/**
 * Whole training steps on wasm with the native oneDNN kernels against the cpu backend: a small
 * conv net with BatchNorm, dropout and dense layers, and every course preset at a small batch.
 * Skips when the addon is not built.
 */
import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { BATCH_NORM_TRAIN_GRAD_KERNEL, BATCH_NORM_TRAIN_KERNEL } from "../lib/backend/batchnormTrain";
import { onednnCallCounts } from "../lib/backend/onednn";
import { lcgFloats } from "./helpers";
import { assertStepsLeakNothing, nativeTest, smallConvNet } from "./onednn-helpers";
import { createPreset, presetInfo } from "../lib/models/presets";

/** Deterministic data in [0, 1) and one-hot labels, identical on every backend. */
function batch(shape: number[], seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const values = lcgFloats(
    shape.reduce((a, b) => a * b, 1),
    seed,
  );
  const labels = Array.from({ length: shape[0] }, (_, i) => (i * 7 + seed) % 10);
  return { x: tf.tensor(values, shape), y: tf.oneHot(tf.tensor1d(labels, "int32"), 10).toFloat() };
}

/**
 * Largest |a - b| relative to the largest |b|, or to `floor` when that is larger: a gradient that
 * is ~0 by construction (a conv bias followed by BatchNorm) is compared at the scale of the others.
 */
function relativeError(a: Float32Array, b: Float32Array, floor = 1e-12): number {
  assert.equal(a.length, b.length);
  let scale = floor;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  return worst;
}

/** Asserts every gradient matches, each relative to its own size or 1% of the largest gradient. */
function assertGradientsClose(actual: Float32Array[], expected: Float32Array[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: number of gradients`);
  let largest = 0;
  for (const g of expected) for (const v of g) largest = Math.max(largest, Math.abs(v));
  assert.ok(largest > 0, `${what}: all gradients are zero`);
  actual.forEach((g, i) => {
    const err = relativeError(g, expected[i], 1e-2 * largest);
    assert.ok(err < tol, `${what} gradient ${i}: relative error ${err}`);
  });
}

interface StepResult {
  grads: Float32Array[];
  losses: number[];
  weights: Float32Array[];
}

/** Gradients of the training loss at the initial weights, then `steps` Adam steps (losses and final weights). */
async function trainOn(
  backend: "cpu" | "wasm",
  make: () => tf.LayersModel,
  shape: number[],
  steps: number,
): Promise<StepResult> {
  await tf.setBackend(backend);
  const model = make();
  const { x, y } = batch(shape, 11);
  const { grads } = tf.variableGrads(
    () => {
      const p = model.apply(x, { training: true }) as tf.Tensor;
      return tf.mean(tf.metrics.categoricalCrossentropy(y, p)) as tf.Scalar;
    },
    model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val),
  );
  const gradValues = Object.values(grads).map((g) => Float32Array.from(g.dataSync() as Float32Array));
  tf.dispose(Object.values(grads));
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const out = await model.trainOnBatch(x, y); // [loss, metrics...] when the model has metrics
    losses.push(Array.isArray(out) ? out[0] : out);
  }
  const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
  tf.dispose([x, y]);
  model.dispose();
  return { grads: gradValues, losses, weights };
}

nativeTest("a small conv net with BatchNorm, dropout and dense layers trains as on cpu", async () => {
  const cpu = await trainOn("cpu", smallConvNet, [8, 12, 12, 1], 3);
  onednnCallCounts(true);
  const wasm = await trainOn("wasm", smallConvNet, [8, 12, 12, 1], 3);
  const counts = onednnCallCounts(true);
  for (const k of [
    "Conv2D",
    "Conv2DBackpropInput",
    "Conv2DBackpropFilter",
    "MaxPoolGrad",
    // tf.layers.batchNormalization trains through the one-call native step, forward and backward
    BATCH_NORM_TRAIN_KERNEL,
    BATCH_NORM_TRAIN_GRAD_KERNEL,
    "Multiply",
    "Sum",
  ]) {
    assert.ok((counts[k]?.native ?? 0) > 0, `${k} ran natively during training`);
  }
  assertGradientsClose(wasm.grads, cpu.grads, 1e-4, "small conv net");
  wasm.losses.forEach((l, i) =>
    assert.ok(
      Math.abs(l - cpu.losses[i]) < 1e-4 * Math.max(1, Math.abs(cpu.losses[i])),
      `loss ${i}: ${l} vs ${cpu.losses[i]}`,
    ),
  );
  assert.ok(cpu.losses[2] < cpu.losses[0], "the loss goes down (the comparison is not between two broken runs)");
  // Adam moves each weight by about the learning rate whatever the gradient's size, so a gradient
  // that is ~0 on both backends may step either way: allow two steps' worth (2e-3) per weight.
  wasm.weights.forEach((w, i) => {
    let worst = 0;
    for (let j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs(w[j] - cpu.weights[i][j]));
    assert.ok(worst <= 2.1e-3, `weight ${i} differs by ${worst}`);
  });
});

nativeTest("every preset's loss gradient matches cpu (batch 4)", async () => {
  for (const name of ["mlp", "mlp-deep", "cnn-simple", "cnn-deep", "vgg11-bn"]) {
    const info = presetInfo(name);
    const shape = info.layout === "flat" ? [4, 784] : [4, 28, 28, 1];
    const make = () => createPreset(name, { seed: 1, dropout: false });
    const cpu = await trainOn("cpu", make, shape, 1);
    const wasm = await trainOn("wasm", make, shape, 1);
    assertGradientsClose(wasm.grads, cpu.grads, 2e-4, name);
    assert.ok(
      Math.abs(wasm.losses[0] - cpu.losses[0]) < 1e-4 * Math.max(1, cpu.losses[0]),
      `${name} loss ${wasm.losses[0]} vs ${cpu.losses[0]}`,
    );
  }
});

nativeTest("training steps on wasm+onednn leave no tensors behind", async () => {
  await tf.setBackend("wasm");
  const model = smallConvNet();
  const { x, y } = batch([8, 12, 12, 1], 3);
  await assertStepsLeakNothing(model, x, y);
  tf.dispose([x, y]);
  model.dispose();
});
