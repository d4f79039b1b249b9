/**
 * The fused RMSprop update on the library's wasm set-up (initWasm): non-centered tf.train.rmsprop runs the one
 * RmspropUpdateWasm kernel per small variable and follows tfjs's own optimizer on cpu (with momentum 0 without
 * reading or writing the moments); large variables and centered RMSprop keep tfjs's op sequence.
 */
import { strict as assert } from "assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { initWasm } from "../lib/backend/wasm";
import { RMSPROP_KERNEL } from "../lib/backend/wasm/kernels/rmsprop";
import { assertValuesClose, ODD_SIZES, rmspropSteps } from "./rmsprop-helpers";

before(async () => {
  await initWasm({ threads: 2 });
});

/** Keras' defaults, as makeOptimizer builds them for mlp-deep. */
const keras = () => tf.train.rmsprop(1e-3, 0.9, 0, 1e-7);

test("non-centered RMSprop on wasm runs the fused kernel and matches tfjs on cpu after three steps", async () => {
  for (const [label, make] of [
    ["Keras defaults", keras],
    ["with momentum", () => tf.train.rmsprop(0.01, 0.8, 0.5, 1e-6)],
  ] as [string, () => tf.Optimizer][]) {
    const wasm = await rmspropSteps("wasm", make);
    const cpu = await rmspropSteps("cpu", make);
    assert.ok(wasm.kernels.includes(RMSPROP_KERNEL), `${label}: kernels ${wasm.kernels.join(",")}`);
    assertValuesClose(wasm.values, cpu.values, 1e-6, label);
    assert.deepEqual(wasm.weightNames, cpu.weightNames, "slot variables named and ordered as tfjs has them");
    assert.deepEqual(wasm.weightNames.slice(0, 2), ["iter", "v0/rms"]);
    assert.ok(cpu.smallestMove > 1e-4, `${label}: every variable moved (${cpu.smallestMove}), not a no-op on both`);
  }
});

test("with momentum 0 the fused kernel leaves the moments at zero (no step reads them); with momentum they follow cpu", async () => {
  const sizes = [7, 1001];
  for (const [momentum, make] of [
    [0, keras],
    [0.5, () => tf.train.rmsprop(0.01, 0.8, 0.5, 1e-6)],
  ] as [number, () => tf.Optimizer][]) {
    const wasm = await rmspropSteps("wasm", make, sizes);
    const cpu = await rmspropSteps("cpu", make, sizes);
    const [meanSquares, moments] = [0, sizes.length].map((at) => wasm.slots.slice(at, at + sizes.length));
    const [cpuMeanSquares, cpuMoments] = [0, sizes.length].map((at) => cpu.slots.slice(at, at + sizes.length));
    assertValuesClose(meanSquares, cpuMeanSquares, 1e-6, `momentum ${momentum}: mean squares`);
    assert.ok(
      cpuMoments.every((m) => m.some((x) => x !== 0)),
      "tfjs keeps the last step as the moment even with momentum 0",
    );
    const untouched = moments.every((m) => m.every((x) => x === 0));
    if (momentum === 0) assert.ok(untouched, "moments untouched");
    else assertValuesClose(moments, cpuMoments, 1e-6, "moments");
  }
});

test("on plain wasm, variables of 65,536 values or more keep tfjs's ops", async () => {
  const small = await rmspropSteps("wasm", keras, [1001]);
  const large = await rmspropSteps("wasm", keras, [65537]);
  assert.ok(small.kernels.includes(RMSPROP_KERNEL));
  assert.ok(!large.kernels.includes(RMSPROP_KERNEL) && large.kernels.includes("Sqrt"), large.kernels.join(","));
});

test("centered RMSprop falls back to tfjs's update and still matches cpu", async () => {
  const make = () => tf.train.rmsprop(1e-3, 0.9, 0.2, 1e-7, true);
  const wasm = await rmspropSteps("wasm", make);
  const cpu = await rmspropSteps("cpu", make);
  assert.ok(!wasm.kernels.includes(RMSPROP_KERNEL), wasm.kernels.join(","));
  assertValuesClose(wasm.values, cpu.values, 1e-6, "centered");
  assert.equal(wasm.weightNames.length, 1 + 3 * ODD_SIZES.length, "iterations, then rms, momentum and mg slots");
});
