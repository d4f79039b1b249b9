/**
 * Runs of tf.train.rmsprop on variables of odd sizes with fixed gradients, shared by the wasm and wasm+onednn tests of
 * the fused RMSprop update (test/rmsprop.test.ts, test/onednn-library-kernels.test.ts).
 */
import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { lcgFloats } from "./helpers";

/** Sizes that are neither multiples of 4 nor of 16, one past the plain-wasm large-variable boundary (65,536). */
export const ODD_SIZES = [7, 1001, 3 * 333, 65537];

/** What {@link rmspropSteps} saw: final values, the kernels the steps ran, and the optimizer's weights. */
export interface RmspropRun {
  values: Float32Array[];
  /** The optimizer's state variables in getWeights order (mean squares, then moments), after the iteration count. */
  slots: Float32Array[];
  /** Over the variables, the smallest of each one's largest change. */
  smallestMove: number;
  kernels: string[];
  weightNames: string[];
}

/**
 * Three `optimizer` steps on `backend` over variables of `sizes` values; asserts the run (optimizer included) leaves
 * no tensor behind.
 */
export async function rmspropSteps(
  backend: string,
  make: () => tf.Optimizer,
  sizes: number[] = ODD_SIZES,
): Promise<RmspropRun> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const initial = sizes.map((n, k) => lcgFloats(n, 900 + k, (u) => 2 * u - 1));
  const variables = initial.map((values) => tf.tidy(() => tf.variable(tf.tensor1d(values))));
  const optimizer = make();
  const kernels = new Set<string>();
  for (let step = 0; step < 3; step++) {
    const gradients = sizes.map((n, k) => ({
      name: variables[k].name,
      tensor: tf.tensor1d(lcgFloats(n, 1000 + 10 * k + step, (u) => (2 * u - 1) * 0.1)),
    }));
    const profile = await tf.profile(() => optimizer.applyGradients(gradients));
    profile.kernelNames.forEach((name) => kernels.add(name));
    tf.dispose(gradients.map((g) => g.tensor));
  }
  const weights = await optimizer.getWeights();
  // Variable names are global counters: name each slot by its variable's index instead.
  const weightNames = weights.map((w) =>
    variables.reduce((name, v, k) => name.replace(new RegExp(`^${v.name}/`), `v${k}/`), w.name),
  );
  weights[0].tensor.dispose(); // the iteration count, a fresh scalar; the rest are the optimizer's own variables
  const slots = weights.slice(1).map((w) => Float32Array.from(w.tensor.dataSync() as Float32Array));
  const values = variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  optimizer.dispose();
  tf.dispose(variables);
  assert.equal(tf.memory().numTensors, before, `RMSprop leaked tensors on ${backend}`);
  const smallestMove = Math.min(
    ...values.map((v, k) => v.reduce((largest, x, i) => Math.max(largest, Math.abs(x - initial[k][i])), 0)),
  );
  return { values, slots, smallestMove, kernels: [...kernels], weightNames };
}

/**
 * Asserts every value is within `rtol` of the reference, relative to the largest magnitude in its variable; NaN
 * must match NaN (tfjs's centered RMSprop takes √(ms − mg² − ε), NaN where a gradient's variance is below ε).
 */
export function assertValuesClose(actual: Float32Array[], expected: Float32Array[], rtol: number, label: string): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, k) => {
    const scale = e.reduce((largest, x) => (Number.isNaN(x) ? largest : Math.max(largest, Math.abs(x))), 0);
    for (let i = 0; i < e.length; i++) {
      if (Number.isNaN(e[i]) && Number.isNaN(actual[k][i])) continue;
      const diff = Math.abs(actual[k][i] - e[i]);
      if (!(diff <= rtol * scale)) assert.fail(`${label}: variable ${k}[${i}] ${actual[k][i]} vs ${e[i]}`);
    }
  });
}
