/**
 * Batch norm's one-call training step (lib/backend/batchnormTrain.ts, the native FmBatchNormTrain and
 * FmBatchNormTrainGrad kernels, and tfjs-layers' BatchNormalization patched to use them): the native forward and
 * backward against the cpu backend's tf.moments + tf.batchNorm on odd shapes, a vgg11-bn training step against cpu, a
 * VGG-11 written by hand with tf.layers against the preset, the moving statistics against tfjs-layers' own path,
 * tensor lifetimes, serialization, and the fallback on cpu and plain wasm. The native tests skip when the addon is
 * not built.
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
import { checkAgainstPreset } from "../lib/models/presetCheck";
import { createPreset, VGG11_PATTERN } from "../lib/models/presets";
import { UserError } from "../lib/util/errors";
import { assertClose, assertStepsLeakNothing, nativeTest, randomData, randomTensor, valuesOn } from "./onednn-helpers";
import { selectBackend } from "../lib/backend/select";

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

/**
 * The weights (gamma, beta, moving mean, moving variance) of a tf.layers.batchNormalization layer after three
 * training calls on the same input, on one backend, and how many times the native training kernel ran.
 */
async function movingStatistics(backend: "cpu" | "wasm"): Promise<{ weights: Float32Array[]; nativeCalls: number }> {
  await tf.setBackend(backend);
  const layer = tf.layers.batchNormalization({ momentum: 0.8, epsilon: 1e-3 });
  onednnCallCounts(true);
  tf.tidy(() => {
    const x = randomTensor([6, 5, 4, 3], 9);
    for (let i = 0; i < 3; i++) layer.apply(tf.mul(x, i + 1), { training: true });
  });
  const nativeCalls = onednnCallCounts(true)[BATCH_NORM_TRAIN_KERNEL]?.native ?? 0;
  const weights = layer.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
  layer.dispose();
  return { weights, nativeCalls };
}

nativeTest(
  "tf.layers.batchNormalization trains natively and moves its statistics as tfjs-layers does on cpu",
  async () => {
    const native = await movingStatistics("wasm");
    const tfjs = await movingStatistics("cpu");
    assert.equal(native.nativeCalls, 3, "every training call ran the native kernel");
    assert.equal(tfjs.nativeCalls, 0, "cpu has no native kernel: tfjs-layers' own path ran");
    assert.equal(native.weights.length, 4, "gamma, beta, moving mean, moving variance");
    native.weights.forEach((w, i) => assertClose(w, tfjs.weights[i], `weight ${i}`, 1e-5, 1e-6));
    assert.ok(
      native.weights[3].some((v) => Math.abs(v - 1) > 0.1),
      "the moving variance moved",
    );
  },
);

/** VGG-11 with batch norm as a lesson writes it, layer by layer with tf.layers, compiled as the preset is. */
function handBuiltVgg11Bn(widthDivisor: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.zeroPadding2d({ padding: 2, inputShape: [28, 28, 1] }));
  for (const step of VGG11_PATTERN) {
    if (step === "M") {
      model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
      continue;
    }
    model.add(tf.layers.conv2d({ filters: step / widthDivisor, kernelSize: 3, padding: "same" }));
    model.add(tf.layers.batchNormalization({ momentum: 0.9 }));
    model.add(tf.layers.reLU());
  }
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 256, activation: "relu" }));
  model.add(tf.layers.dense({ units: 256, activation: "relu" }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

/** Two training steps of a model on one batch: the losses, every weight after them, and the native kernel calls. */
async function twoSteps(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor) {
  onednnCallCounts(true);
  const losses: number[] = [];
  for (let i = 0; i < 2; i++) losses.push(((await model.trainOnBatch(x, y)) as number[])[0]);
  const counts = onednnCallCounts(true);
  const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
  return {
    losses,
    weights,
    forward: counts[BATCH_NORM_TRAIN_KERNEL]?.native ?? 0,
    backward: counts[BATCH_NORM_TRAIN_GRAD_KERNEL]?.native ?? 0,
  };
}

nativeTest(
  "a VGG-11 written by hand with tf.layers trains through the native kernels as the preset does; on cpu, through tfjs",
  async () => {
    await tf.setBackend("wasm");
    const preset = createPreset("vgg11-bn", { seed: 4, dropout: false, widthDivisor: 8 });
    const hand = handBuiltVgg11Bn(8);
    assert.ok(checkAgainstPreset(hand, "vgg11-bn", { dropout: false, widthDivisor: 8 }).matches, "the same network");
    hand.setWeights(preset.getWeights());
    const start = hand.getWeights().map((w) => w.clone());
    const { x, y } = batch(8, 7);
    const ours = await twoSteps(hand, x, y);
    const theirs = await twoSteps(preset, x, y);
    assert.deepEqual([ours.forward, ours.backward], [2 * 8, 2 * 8], "8 BatchNorm layers, 2 steps, each way native");
    assert.deepEqual([theirs.forward, theirs.backward], [2 * 8, 2 * 8]);
    ours.losses.forEach((l, i) =>
      assert.ok(Math.abs(l - theirs.losses[i]) < 1e-5, `loss ${i}: ${l} vs ${theirs.losses[i]}`),
    );
    ours.weights.forEach((w, i) => assertClose(w, theirs.weights[i], `weight ${i}`, 1e-4, 1e-5));

    // the same network, from the same start, on cpu: tfjs-layers' own path, to the same first loss
    const [xs, ys] = [x.dataSync(), y.dataSync()];
    await tf.setBackend("cpu");
    const onCpu = handBuiltVgg11Bn(8);
    onCpu.setWeights(start);
    const cpuBatch = [tf.tensor(xs, x.shape), tf.tensor(ys, y.shape)];
    const cpuRun = await twoSteps(onCpu, cpuBatch[0], cpuBatch[1]);
    assert.deepEqual([cpuRun.forward, cpuRun.backward], [0, 0], "no native kernel on cpu");
    assert.ok(
      Math.abs(cpuRun.losses[0] - ours.losses[0]) < 1e-4 * Math.max(1, ours.losses[0]),
      `first loss ${cpuRun.losses[0]} vs ${ours.losses[0]}`,
    );
    tf.dispose([x, y, ...start, ...cpuBatch]);
    for (const m of [preset, hand, onCpu]) m.dispose();
  },
);

nativeTest("vgg11-bn training steps leave no tensors behind", async () => {
  await tf.setBackend("wasm");
  const model = createPreset("vgg11-bn", { seed: 1 });
  const { x, y } = batch(4, 5);
  await assertStepsLeakNothing(model, x, y);
  tf.dispose([x, y]);
  model.dispose();
});

test("saved models keep tfjs-layers' class BatchNormalization and load into it", async () => {
  await tf.setBackend("cpu");
  const model = createPreset("vgg11-bn", { widthDivisor: 64, dropout: false });
  const x = randomTensor([2, 28, 28, 1], 4);
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
  const tfjsClass = tf.layers.batchNormalization({}).constructor;
  const normalizations = (m: tf.LayersModel) => m.layers.filter((l) => l.getClassName() === "BatchNormalization");
  assert.equal(normalizations(model).length, 8);
  for (const m of [model, loaded]) assert.ok(normalizations(m).every((l) => l.constructor === tfjsClass));
  const [a, b] = [model, loaded].map((m) => (m.predict(x) as tf.Tensor).dataSync());
  assert.deepEqual(Array.from(b), Array.from(a));
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
