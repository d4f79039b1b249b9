/**
 * Shared by the tests of the native oneDNN kernels (on top of ./helpers): the wasm+onednn test, deterministic data,
 * running a function on cpu or wasm, element-wise comparison, the training-step leak check, and a seeded small CNN.
 */
import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { installOnednnOrThrow, lcgFloats, nativeTests } from "./helpers";

/** A test that skips (saying why) when the addon is not built, and otherwise runs on wasm+onednn. */
export const nativeTest = nativeTests(async () => {
  await tf.setBackend("wasm");
  await tf.ready();
  installOnednnOrThrow();
});

/** Deterministic pseudo-random floats in [-1, 1) (an LCG, so both backends see the same data). */
export function randomData(n: number, seed: number): Float32Array {
  return lcgFloats(n, Math.imul(seed, 2654435761), (u) => 2 * u - 1);
}

/** A float32 tensor of `shape` filled by {@link randomData}. */
export function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    randomData(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
    "float32",
  );
}

/** Runs `f` on `backend` and returns the values of its output tensor(s); nothing is left allocated. */
export async function valuesOn(backend: "cpu" | "wasm", f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  let values: Float32Array[] = [];
  tf.tidy(() => {
    const out = f();
    values = (Array.isArray(out) ? out : [out]).map((t) => Float32Array.from(t.dataSync() as ArrayLike<number>));
  });
  return values;
}

/**
 * Asserts that `actual` matches `expected` element-wise within `rtol` of each value plus `atol`
 * times the largest magnitude in `expected` (sums of many products round differently).
 */
export function assertClose(
  actual: Float32Array,
  expected: Float32Array,
  what: string,
  rtol = 1e-4,
  atol = 1e-4,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (const v of expected) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`);
      continue;
    }
    const ok = a === e || Math.abs(a - e) <= rtol * Math.abs(e) + atol * scale;
    if (!ok) assert.fail(`${what}[${i}]: got ${a}, expected ${e} (scale ${scale})`);
  }
}

/**
 * Asserts that training steps leave no tensors behind: one step first (it creates the optimizer's slots), then the
 * tensor count must stay put over three more.
 */
export async function assertStepsLeakNothing(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<void> {
  await model.trainOnBatch(x, y);
  const after1 = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
  assert.equal(tf.memory().numTensors, after1);
}

/**
 * A small CNN with seeded initial weights (conv, batch norm, ReLU, max-pool, strided conv, dropout, dense), compiled
 * with Adam, for 12×12×1 inputs: the same network on every backend, to compare training step by step.
 */
export function smallConvNet(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [12, 12, 1],
        filters: 8,
        kernelSize: 3,
        padding: "same",
        kernelInitializer: init(1),
      }),
      tf.layers.batchNormalization({ axis: -1 }),
      tf.layers.reLU(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({
        filters: 16,
        kernelSize: 3,
        strides: 2,
        padding: "valid",
        activation: "relu",
        kernelInitializer: init(2),
      }),
      tf.layers.dropout({ rate: 0.25, seed: 3 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 32, activation: "relu", kernelInitializer: init(4) }),
      tf.layers.dropout({ rate: 0.4, seed: 5 }),
      tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: init(6) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  return model;
}
