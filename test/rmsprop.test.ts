/**
 * The fused RMSprop update on the library's wasm set-up (initWasm): non-centered tf.train.rmsprop runs the one
 * RmspropUpdateWasm kernel per small variable and follows tfjs's own optimizer on cpu; large variables and centered
 * RMSprop keep tfjs's op sequence.
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
