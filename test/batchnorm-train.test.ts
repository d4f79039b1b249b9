/**
 * Batch norm's one-call training step (lib/backend/batchnormTrain.ts, the native FmBatchNormTrain and
 * FmBatchNormTrainGrad kernels, lib/models/batchNormalization.ts): the native forward and backward against the
 * cpu backend's tf.moments + tf.batchNorm on odd shapes, a vgg11-bn training step against cpu, the moving statistics
 * against tfjs-layers' own layer, tensor lifetimes, serialization, and the fallback on plain wasm. The native tests
 * skip when the addon is not built.
 */
import { strict as assert } from "assert";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { onednnCallCounts } from "../lib/backend/onednn";
import {
  BATCH_NORM_TRAIN_GRAD_KERNEL,
  BATCH_NORM_TRAIN_KERNEL,
  batchNormTrain,
  batchNormTrainIsNative,
} from "../lib/backend/batchnormTrain";
import { UserError } from "../lib/util/errors";
import { assertClose, assertStepsLeakNothing, nativeTest, randomData, randomTensor, valuesOn } from "./onednn-helpers";
import { selectBackend } from "../lib/backend/select";
import { batchNormalization, FusedBatchNormalization } from "../lib/models/batchNormalization";
import { createPreset } from "../lib/models/presets";

/**
 * Shapes: C=3, a single row, rows that split into several uneven reduction chunks, 4-D NHWC with many channels,
 * and vgg11-bn's first and last layers at a small batch.
 */
const SHAPES = [
  [7, 3],
  [1, 5],
  [3, 29, 31, 37],
  [2, 5, 7, 3],
  [4, 32, 32, 16],
  [16, 2, 2, 128],
];

/** y, mean, variance, then dx, dgamma, dbeta of a loss that weighs y and both statistics by fixed random tensors. */
function forwardAndGradients(shape: number[], seed: number, offset = 0): () => tf.Tensor[] {
  const C = shape[shape.length - 1];
  return () => {
    const x = tf.add(randomTensor(shape, seed), offset);
    const gamma = tf.add(randomTensor([C], seed + 1), 1.5) as tf.Tensor1D;
    const beta = randomTensor([C], seed + 2) as tf.Tensor1D;
    const [wy, wm, wv] = [randomTensor(shape, seed + 3), randomTensor([C], seed + 4), randomTensor([C], seed + 5)];
    const { y, mean, variance } = batchNormTrain(x, gamma, beta, 1e-3);
    const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => {
      const out = batchNormTrain(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3);
      return tf.addN([
        tf.sum(tf.mul(out.y, wy)),
        tf.sum(tf.mul(out.mean, wm)),
        tf.sum(tf.mul(out.variance, wv)),
      ]) as tf.Scalar;
    };
    return [y, mean, variance, ...tf.grads(loss)([x, gamma, beta])];
  };
}

/** Runs `f` on cpu (tfjs's ops) and on wasm with the native kernels, and checks both kernels ran natively. */
async function cpuAndNative(f: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; native: Float32Array[] }> {
  const cpu = await valuesOn("cpu", f);
  onednnCallCounts(true);
  const native = await valuesOn("wasm", f);
  const counts = onednnCallCounts(true);
  for (const k of [BATCH_NORM_TRAIN_KERNEL, BATCH_NORM_TRAIN_GRAD_KERNEL])
    assert.ok((counts[k]?.native ?? 0) > 0, `${k} ran natively`);
  return { cpu, native };
}

const OUTPUTS = ["y", "mean", "variance", "dx", "dgamma", "dbeta"];

nativeTest("the native forward and backward match tfjs's ops on cpu, on odd and preset shapes", async () => {
  for (const [i, shape] of SHAPES.entries()) {
    const { cpu, native } = await cpuAndNative(forwardAndGradients(shape, 10 * i + 1));
    OUTPUTS.forEach((name, j) => assertClose(native[j], cpu[j], `${name} of [${shape}]`, 1e-4, 1e-5));
  }
});

nativeTest("the batch variance stays accurate far from zero (values around 1000)", async () => {
  const shape = [3, 29, 31, 37];
  const C = 37;
  await tf.setBackend("wasm");
  const { mean, variance } = tf.tidy(() => {
    const out = batchNormTrain(
      tf.add(randomTensor(shape, 5), 1000),
      tf.ones([C]) as tf.Tensor1D,
      tf.zeros([C]) as tf.Tensor1D,
    );
    return { mean: out.mean.dataSync(), variance: out.variance.dataSync() };
  });
  // Reference in double precision from the same float32 inputs.
  const x = randomData(
    shape.reduce((a, b) => a * b, 1),
    5,
  ).map((v) => v + 1000);
  const rows = x.length / C;
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x[r * C + c];
    const m = sum / rows;
    let m2 = 0;
    for (let r = 0; r < rows; r++) m2 += (x[r * C + c] - m) ** 2;
    assert.ok(Math.abs(mean[c] - m) <= 1e-6 * m, `mean[${c}] ${mean[c]} vs ${m}`);
    assert.ok(Math.abs(variance[c] - m2 / rows) <= 1e-4 * (m2 / rows), `variance[${c}] ${variance[c]} vs ${m2 / rows}`);
  }
});

/** Deterministic images and one-hot labels. */
function batch(n: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.tidy(() => tf.add(tf.mul(randomTensor([n, 28, 28, 1], seed), 0.5), 0.5));
  const labels = Array.from({ length: n }, (_, i) => (i * 7 + seed) % 10);
  return { x, y: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), 10).toFloat()) };
}

/**
 * Two vgg11-bn training steps at batch 8: both losses, and every weight (trainable and moving statistics) after the
 * first step (the second step's statistics would depend on weights Adam moved by up to its learning rate where a
 * gradient is ~0 and rounds differently).
 */
async function vggSteps(
  backend: "cpu" | "wasm",
): Promise<{ losses: number[]; weights: Float32Array[]; names: string[] }> {
  await tf.setBackend(backend);
  const model = createPreset("vgg11-bn", { seed: 2, dropout: false });
  const { x, y } = batch(8, 3);
  const losses: number[] = [];
  let weights: Float32Array[] = [];
  for (let i = 0; i < 2; i++) {
    const out = await model.trainOnBatch(x, y); // [loss, accuracy]
    losses.push(Array.isArray(out) ? out[0] : out);
    if (i === 0) weights = model.weights.map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
  }
  const names = model.weights.map((w) => w.originalName.replace(/\d+/g, "")); // layer numbers differ between models
  tf.dispose([x, y]);
  model.dispose();
  return { losses, weights, names };
}

nativeTest("a vgg11-bn training step on wasm+onednn matches cpu: losses, weights and moving statistics", async () => {
  const cpu = await vggSteps("cpu");
  onednnCallCounts(true);
  const native = await vggSteps("wasm");
  const counts = onednnCallCounts(true);
  assert.equal(counts[BATCH_NORM_TRAIN_KERNEL]?.native, 2 * 8, "8 BatchNorm layers, 2 steps, all native");
  assert.equal(counts[BATCH_NORM_TRAIN_GRAD_KERNEL]?.native, 2 * 8);
  native.losses.forEach((l, i) =>
    assert.ok(Math.abs(l - cpu.losses[i]) < 1e-4 * Math.max(1, cpu.losses[i]), `loss ${i}: ${l} vs ${cpu.losses[i]}`),
  );
  assert.ok(cpu.losses[1] < cpu.losses[0], "the loss goes down (the comparison is not between two broken runs)");
  assert.deepEqual(native.names, cpu.names);
  let moving = 0;
  native.weights.forEach((w, i) => {
    const name = native.names[i];
    if (/moving_(mean|variance)/.test(name)) {
      moving++;
      assertClose(w, cpu.weights[i], name, 1e-4, 1e-4);
      return;
    }
    // Adam's first step moves a weight by the learning rate (1e-3) whatever its gradient's size, so a gradient that is
    // ~0 (a convolution's bias before BatchNorm) can step either way on the two backends.
    let worst = 0;
    for (let j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs(w[j] - cpu.weights[i][j]));
    assert.ok(worst <= 1.05e-3 * 2, `${name} differs by ${worst}`);
  });
  assert.equal(moving, 16);
});

/** The moving statistics of a layer after three training calls on x (channels-last, momentum 0.8). */
function movingStatistics(layer: tf.layers.Layer, x: tf.Tensor): Float32Array[] {
  for (let i = 0; i < 3; i++) tf.dispose(layer.apply(tf.mul(x, i + 1), { training: true }) as tf.Tensor);
  return layer.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
}

nativeTest("the moving mean and variance update as tfjs-layers' BatchNormalization updates them", async () => {
  await tf.setBackend("wasm");
  const x = randomTensor([6, 5, 4, 3], 9);
  const args = { momentum: 0.8, epsilon: 1e-3 };
  onednnCallCounts(true);
  const ours = movingStatistics(batchNormalization(args), x);
  assert.equal(onednnCallCounts(true)[BATCH_NORM_TRAIN_KERNEL]?.native, 3);
  const theirs = movingStatistics(tf.layers.batchNormalization(args), x);
  assert.equal(ours.length, 4, "gamma, beta, moving mean, moving variance");
  ours.forEach((w, i) => assertClose(w, theirs[i], `weight ${i}`, 1e-5, 1e-6));
  assert.ok(
    ours[3].some((v) => Math.abs(v - 1) > 0.1),
    "the moving variance moved",
  );
  x.dispose();
});

nativeTest("vgg11-bn training steps leave no tensors behind", async () => {
  await tf.setBackend("wasm");
  const model = createPreset("vgg11-bn", { seed: 1 });
  const { x, y } = batch(4, 5);
  await assertStepsLeakNothing(model, x, y);
  tf.dispose([x, y]);
  model.dispose();
});

test("saved models keep the class name BatchNormalization and load into the faster layer", async () => {
  await tf.setBackend("cpu");
  const model = tf.sequential({ layers: [batchNormalization({ inputShape: [2, 2, 3], momentum: 0.9 })] });
  const x = randomTensor([2, 2, 2, 3], 4);
  tf.dispose(model.apply(x, { training: true }) as tf.Tensor); // moves the moving statistics off their start
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  assert.match(JSON.stringify(saved?.modelTopology), /"class_name":"BatchNormalization"/);
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
  assert.ok(loaded.layers[0] instanceof FusedBatchNormalization);
  assert.equal(loaded.layers[0].getClassName(), "BatchNormalization");
  const [a, b] = [model, loaded].map((m) => (m.predict(x) as tf.Tensor).dataSync());
  assert.deepEqual(Array.from(b), Array.from(a));
  assert.equal(tf.layers.batchNormalization({}).getClassName(), "BatchNormalization");
  tf.dispose(x);
  model.dispose();
  loaded.dispose();
});

test("batchNormTrain names a wrong gamma or beta, and falls back to tfjs's ops on cpu", async () => {
  await tf.setBackend("cpu");
  assert.equal(batchNormTrainIsNative(), false);
  const x = tf.zeros([4, 3]);
  assert.throws(
    () => batchNormTrain(x, tf.ones([2]) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D),
    (e: Error) => e instanceof UserError && /gamma/.test(e.message),
  );
  assert.throws(
    () => batchNormTrain(x, tf.ones([3]) as tf.Tensor1D, tf.zeros([3, 1]) as unknown as tf.Tensor1D),
    (e: Error) => e instanceof UserError && /beta/.test(e.message),
  );
  const out = batchNormTrain(
    tf.tensor2d([
      [1, 2],
      [3, 6],
    ]),
    tf.ones([2]) as tf.Tensor1D,
    tf.zeros([2]) as tf.Tensor1D,
    0,
  );
  assert.deepEqual(Array.from(out.mean.dataSync()), [2, 4]);
  assert.deepEqual(Array.from(out.variance.dataSync()), [1, 4]);
  assert.deepEqual(Array.from(out.y.dataSync()), [-1, -1, 1, 1]);
});

nativeTest("on plain wasm (no native kernels) vgg11-bn still trains, through tfjs's path", async () => {
  await selectBackend({ backend: "wasm" }); // the library's wasm kernels, without the native ones
  try {
    assert.equal(batchNormTrainIsNative(), false);
    const model = createPreset("vgg11-bn", { seed: 1, dropout: false });
    const { x, y } = batch(8, 6);
    onednnCallCounts(true);
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) losses.push(((await model.trainOnBatch(x, y)) as number[])[0]);
    assert.equal(onednnCallCounts(true)[BATCH_NORM_TRAIN_KERNEL], undefined);
    assert.ok(losses.every(Number.isFinite) && losses[2] < losses[0], `losses ${losses}`);
    tf.dispose([x, y]);
    model.dispose();
  } finally {
    await selectBackend({ backend: "wasm+onednn" });
  }
});
