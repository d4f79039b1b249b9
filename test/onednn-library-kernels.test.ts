/**
 * wasm+onednn on top of the library's own wasm set-up (initWasm, what selectBackend runs): the
 * native kernels must win over the library's replacements; the native DropoutMultiplierWasm must draw the library
 * kernel's mask bit for bit, and the native optimizer updates (AdamUpdateWasm, RmspropUpdateWasm, in float32) must
 * give tfjs's own optimizers' values on cpu, and the library kernels' (in double), within a few float32 roundings, a
 * bound that a wrong formula fails. Skips when the addon is not built.
 */
import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { installOnednn, onednnCallCounts, uninstallOnednn } from "../lib/backend/onednn";
import { initWasm } from "../lib/backend/wasm";
import { installOnednnOrThrow, lcgFloats, nativeTests } from "./helpers";
import { smallConvNet } from "./onednn-helpers";
import { assertValuesClose, ODD_SIZES, rmspropSteps } from "./rmsprop-helpers";
import { createPreset } from "../lib/models/presets";

/** tfjs's own Mean and Sum gradients, read before initWasm replaces them. */
const TFJS_GRADIENTS = ["Mean", "Sum"].map((name) => tf.getGradient(name));
const ADAM = "AdamUpdateWasm";
const RMSPROP = "RmspropUpdateWasm";
const DROPOUT = "DropoutMultiplierWasm";

/** A test that skips when the addon is not built; its body gets the kernels the addon serves after initWasm. */
const nativeTest = nativeTests(async () => {
  await initWasm();
  return installOnednnOrThrow().kernels;
});

/** Deterministic pseudo-random floats in [-scale, scale). */
function data(n: number, seed: number, scale = 1): Float32Array {
  return lcgFloats(n, seed >>> 0 || 1, (u) => (2 * u - 1) * scale);
}

/** Runs `f` with the native kernels installed, then with the library's own (uninstalled), and returns both results. */
function nativeAndLibrary(f: () => tf.Tensor[]): [Float32Array[], Float32Array[]] {
  const run = () => tf.tidy(() => f().map((t) => Float32Array.from(t.dataSync() as Float32Array)));
  onednnCallCounts(true);
  const native = run();
  uninstallOnednn();
  try {
    return [native, run()];
  } finally {
    installOnednn();
  }
}

nativeTest(
  "after initWasm, the native kernels replace the library's and serve its fused kernels too",
  async (kernels) => {
    for (const k of [
      "Conv2DBackpropFilter",
      "MaxPoolGrad",
      "BatchMatMul",
      "Sum",
      "Tile",
      "FusedBatchNorm",
      ADAM,
      RMSPROP,
      DROPOUT,
    ]) {
      assert.ok(kernels.includes(k), `${k} not in ${kernels.join(",")}`);
    }
    tf.tidy(() => {
      onednnCallCounts(true);
      tf.sum(
        tf.conv2d(tf.ones([1, 5, 5, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 4]) as tf.Tensor4D, 1, "same"),
      ).dataSync();
      assert.equal(onednnCallCounts(true).Conv2D?.native, 1);
    });
  },
);

nativeTest(
  "installOnednn({ gradients: false }) puts tfjs's Mean and Sum gradients back after initWasm; uninstall restores the library's",
  async () => {
    const registered = () => ["Mean", "Sum"].map((name) => tf.getGradient(name));
    const library = registered();
    assert.ok(
      library.every((g, i) => g !== undefined && g !== TFJS_GRADIENTS[i]),
      "initWasm installs the broadcasting gradients",
    );
    try {
      assert.deepEqual(installOnednn({ gradients: false })?.gradients, []);
      assert.ok(
        registered().every((g, i) => g === TFJS_GRADIENTS[i]),
        "tfjs's own gradients are back",
      );
      assert.deepEqual(installOnednn()?.gradients, ["Mean", "Sum"]);
      assert.ok(
        registered().every((g, i) => g === library[i]),
        "one broadcasting gradient module, shared with initWasm",
      );
      installOnednn({ gradients: false });
      uninstallOnednn();
      assert.ok(
        registered().every((g, i) => g === library[i]),
        "uninstall restores what initWasm had registered",
      );
    } finally {
      installOnednn();
    }
  },
);

/** float32's machine epsilon: one rounding moves a value by at most half of this, relative. */
const EPS32 = 2 ** -23;

/**
 * How far the optimizer updates may stray from tfjs's values, in float32 roundings ({@link EPS32}) at the size of
 * the terms: the native Adam rounds its rearranged formula a few times where tfjs rounds its own, and the library
 * kernels compute in double and round once.
 */
const ROUNDINGS = 8;

/**
 * `n` values whose magnitudes spread evenly over the decades from `lo` to `hi`, with random signs unless `signs`
 * gives them: update inputs from where epsilon outweighs the root in the denominator to where it is negligible.
 */
function spread(n: number, seed: number, lo: number, hi: number, signs?: Float32Array): Float32Array {
  const sign = signs ?? lcgFloats(n, seed + 7919, (u) => (u < 0.5 ? -1 : 1));
  return lcgFloats(n, seed, (u) => lo * (hi / lo) ** u).map((x, i) => x * Math.sign(sign[i]));
}

/** `n` signs, all plus, for {@link spread}. */
function positive(n: number): Float32Array {
  return new Float32Array(n).fill(1);
}

/**
 * Asserts each `actual[i]` lies within {@link ROUNDINGS} float32 roundings of `expected[i]` at `scale[i]`, the size
 * the arithmetic works at (the sum of the magnitudes of the terms that make the value).
 */
function assertWithinRoundings(actual: Float32Array, expected: Float32Array, scale: Float32Array, label: string): void {
  assert.equal(actual.length, expected.length, label);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= ROUNDINGS * EPS32 * scale[i])) {
      assert.fail(
        `${label}[${i}]: ${actual[i]} vs ${expected[i]}, ${(diff / (EPS32 * scale[i])).toFixed(1)} roundings`,
      );
    }
  }
}

/** |a| + |b| element-wise. */
function magnitudes(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((x, i) => Math.abs(x) + Math.abs(b[i]));
}

/** `f` over the indices of `like`, stored as float32. */
function each(like: Float32Array, f: (i: number) => number): Float32Array {
  return like.map((_, i) => f(i));
}

/**
 * One step of tfjs's own optimizer on the cpu backend from a given state: `slots` are its state variables in
 * getWeights order after `iterations` steps. Returns the new value, then the new slots; 'wasm' is active again after.
 */
async function tfjsStep(
  make: () => tf.Optimizer,
  iterations: number,
  value: Float32Array,
  gradient: Float32Array,
  slots: Float32Array[],
): Promise<Float32Array[]> {
  await tf.setBackend("cpu");
  try {
    const variable = tf.variable(tf.tensor1d(value));
    const optimizer = make();
    const state = slots.map((s, k) => ({ name: `${variable.name}/${k}`, tensor: tf.tensor1d(s) }));
    await optimizer.setWeights([{ name: "iter", tensor: tf.scalar(iterations, "int32") }, ...state]);
    const g = tf.tensor1d(gradient);
    optimizer.applyGradients([{ name: variable.name, tensor: g }]);
    const [iter, ...after] = await optimizer.getWeights();
    const out = [variable, ...after.map((w) => w.tensor)].map((t) => Float32Array.from(t.dataSync() as Float32Array));
    tf.dispose([iter.tensor, variable, g, ...state.map((w) => w.tensor)]);
    optimizer.dispose();
    return out;
  } finally {
    await tf.setBackend("wasm");
  }
}

nativeTest(
  "native AdamUpdateWasm gives tfjs's Adam (cpu) and the library kernel within float32 roundings; a wrong formula does not",
  async () => {
    const [beta1, beta2, epsilon, learningRate] = [0.9, 0.999, 1e-7, 1e-3];
    // the third step: tfjs's setWeights sets accBeta to β^(iterations + 1) in float32
    const [acc1, acc2] = [beta1, beta2].map((b) => Math.fround(Math.fround(b) ** 3));
    // 131,071 is the largest update kept on one thread (two 65,536-value grains, optim.cc); 131,089 is split into
    // chunks on a multi-threaded addon, so both sides of that boundary are checked.
    for (const n of [7, 100003, 131071, 131089]) {
      const w = spread(n, 1, 1e-4, 1);
      const g = spread(n, 2, 1e-7, 1e-1);
      const m = spread(n, 3, 1e-8, 1e-2, g); // m and g of one sign, so that m' is no difference of close values
      const v = spread(n, 4, 1e-14, 1e-4, positive(n));
      const [native, library] = nativeAndLibrary(() => {
        const inputs = {
          value: tf.tensor1d(w),
          gradient: tf.tensor1d(g),
          m: tf.tensor1d(m),
          v: tf.tensor1d(v),
          accBeta1: tf.scalar(acc1),
          accBeta2: tf.scalar(acc2),
        };
        const attrs = { beta1, beta2, epsilon, learningRate };
        return tf.engine().runKernel(ADAM, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      });
      const tfjs = await tfjsStep(() => tf.train.adam(learningRate, beta1, beta2, epsilon), 2, w, g, [m, v]);
      const [b1, b2] = [acc1, acc2].map((a) => Math.fround(1 - a));
      const moved = tfjs[0].map((x, i) => x - w[i]);
      const scales = [
        magnitudes(w, moved),
        magnitudes(
          m.map((x) => Math.fround(beta1) * x),
          g.map((x) => Math.fround(1 - beta1) * x),
        ),
        tfjs[2],
      ];
      assert.equal(native.length, 3);
      ["value", "m", "v"].forEach((name, k) => {
        assertWithinRoundings(native[k], tfjs[k], scales[k], `n=${n} native vs tfjs: new ${name}`);
        assertWithinRoundings(native[k], library[k], scales[k], `n=${n} native vs library: new ${name}`);
      });
      const [m1, v1] = [tfjs[1], tfjs[2]];
      const wrong: [string, (i: number) => number][] = [
        ["no bias correction of m", (i) => w[i] - (learningRate * m1[i]) / (Math.sqrt(v1[i] / b2) + epsilon)],
        ["no bias correction of v", (i) => w[i] - (learningRate * m1[i]) / b1 / (Math.sqrt(v1[i]) + epsilon)],
        ["epsilon inside the root", (i) => w[i] - (learningRate * m1[i]) / b1 / Math.sqrt(v1[i] / b2 + epsilon)],
        [
          "epsilon before the bias correction",
          (i) => w[i] - (learningRate * m1[i]) / b1 / ((Math.sqrt(v1[i]) + epsilon) / Math.sqrt(b2)),
        ],
      ];
      for (const [name, f] of wrong) {
        assert.throws(
          () => assertWithinRoundings(each(w, f), tfjs[0], scales[0], name),
          /roundings/,
          `n=${n}: ${name}`,
        );
      }
    }
  },
);

nativeTest(
  "native RmspropUpdateWasm gives tfjs's RMSprop (cpu) and the library kernel within float32 roundings; a wrong formula does not",
  async () => {
    const [decay, epsilon, learningRate] = [0.9, 1e-7, 1e-3];
    for (const n of [7, 200003]) {
      for (const momentum of [0, 0.5]) {
        const w = spread(n, 11, 1e-4, 1);
        const g = spread(n, 12, 1e-7, 1e-1);
        const ms = spread(n, 13, 1e-14, 1e-4, positive(n));
        const mom = spread(n, 14, 1e-8, 1e-2, g); // of the gradient's sign: mom' is no difference of close values
        const [native, library] = nativeAndLibrary(() => {
          // with momentum 0 the moments are left out: the kernel neither reads nor writes them
          const inputs: tf.NamedTensorMap = { value: tf.tensor1d(w), gradient: tf.tensor1d(g), ms: tf.tensor1d(ms) };
          if (momentum !== 0) inputs.mom = tf.tensor1d(mom);
          const attrs = { decay, momentum, epsilon, learningRate };
          return tf.engine().runKernel(RMSPROP, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        });
        const label = `n=${n} momentum=${momentum}`;
        const make = () => tf.train.rmsprop(learningRate, decay, momentum, epsilon);
        const [value1, ms1, mom1] = await tfjsStep(make, 2, w, g, [ms, mom]);
        assert.equal(native.length, momentum === 0 ? 2 : 3, `${label}: a new mom only from a mom`);
        const scales = [magnitudes(w, mom1), ms1, magnitudes(mom1, mom)];
        [value1, ms1, mom1].slice(0, native.length).forEach((expected, k) => {
          assertWithinRoundings(native[k], expected, scales[k], `${label} native vs tfjs: output ${k}`);
          assertWithinRoundings(native[k], library[k], scales[k], `${label} native vs library: output ${k}`);
        });
        const m = Math.fround(momentum);
        const step = (i: number, denominator: number) => (g[i] * learningRate) / denominator;
        const wrong: [string, (i: number) => number][] = [
          ["epsilon outside the root", (i) => w[i] - (mom[i] * m + step(i, Math.sqrt(ms1[i]) + epsilon))],
          ["the old mean square", (i) => w[i] - (mom[i] * m + step(i, Math.sqrt(ms[i] + epsilon)))],
          ["momentum on the value", (i) => w[i] - (mom[i] + step(i, Math.sqrt(ms1[i] + epsilon)))],
        ];
        for (const [name, f] of wrong) {
          assert.throws(
            () => assertWithinRoundings(each(w, f), value1, scales[0], name),
            /roundings/,
            `${label}: ${name}`,
          );
        }
      }
    }
  },
);

nativeTest("with the native kernel, RMSprop fuses variables of every size and matches tfjs on cpu", async () => {
  const make = () => tf.train.rmsprop(1e-3, 0.9, 0, 1e-7);
  const cpu = await rmspropSteps("cpu", make);
  onednnCallCounts(true);
  const wasm = await rmspropSteps("wasm", make);
  assert.equal(onednnCallCounts(true)[RMSPROP]?.native, 3 * ODD_SIZES.length, "every variable, every step");
  assertValuesClose(wasm.values, cpu.values, 1e-6, "wasm+onednn");
  assert.ok(
    wasm.slots.slice(ODD_SIZES.length).every((m) => m.every((x) => x === 0)),
    "with momentum 0 the moments are neither read nor written",
  );
  assert.deepEqual(wasm.weightNames, cpu.weightNames);
  const centered = await rmspropSteps("wasm", () => tf.train.rmsprop(1e-3, 0.9, 0, 1e-7, true));
  assert.ok(!centered.kernels.includes(RMSPROP), "centered RMSprop keeps tfjs's update");
});

nativeTest("mlp-deep (RMSprop) trains on wasm+onednn through the native kernel as on cpu, loss falling", async () => {
  const steps = 8;
  const train = async (backend: string) => {
    await tf.setBackend(backend);
    const model = createPreset("mlp-deep", { seed: 1, dropout: false });
    const x = tf.tensor2d(
      data(32 * 784, 21, 0.05).map((v) => v + 0.05),
      [32, 784],
    );
    const labels = [...Array(32).keys()].map((i) => i % 10);
    const y = tf.oneHot(tf.tensor1d(labels, "int32"), 10).toFloat();
    const losses: number[] = [];
    let tensors = 0;
    for (let step = 0; step < steps; step++) {
      losses.push(((await model.trainOnBatch(x, y)) as number[])[0]);
      if (step === 1) tensors = tf.memory().numTensors;
    }
    assert.equal(tf.memory().numTensors, tensors, `${backend}: steps after the first leave no tensor behind`);
    tf.dispose([x, y]);
    model.dispose();
    return losses;
  };
  const cpu = await train("cpu");
  onednnCallCounts(true);
  const wasm = await train("wasm");
  assert.equal(onednnCallCounts(true)[RMSPROP]?.native, steps * 8, "all eight variables each step");
  const shown = wasm.map((l) => l.toFixed(3)).join(", ");
  assert.ok(wasm[steps - 1] < 0.95 * wasm[0], `loss falls: ${shown}`);
  wasm.forEach((l, i) =>
    assert.ok(Math.abs(l - cpu[i]) < 1e-3 * Math.max(1, cpu[i]), `step ${i}: ${shown} vs cpu ${cpu}`),
  );
});

nativeTest("native DropoutMultiplierWasm draws the library kernel's mask bit for bit", async () => {
  for (const [shape, rate, seed] of [
    [[3, 1001], 0.4, 12345],
    [[7], 0.25, 0],
    [[100, 1024], 0.5, 4294967295],
  ] as [number[], number, number][]) {
    const [native, library] = nativeAndLibrary(() => [
      tf.engine().runKernel(DROPOUT, {}, { shape, rate, seed } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ]);
    assert.deepEqual(Array.from(native[0]), Array.from(library[0]), `${shape} ${rate} ${seed}`);
    if (native[0].length >= 1000) {
      const kept = native[0].filter((v) => v !== 0).length / native[0].length;
      assert.ok(Math.abs(kept - (1 - rate)) < 0.05, `keeps about 1 - rate (${kept})`);
    }
  }
});

nativeTest("Adam training on initWasm + onednn follows cpu", async () => {
  const losses = async (backend: string): Promise<number[]> => {
    await tf.setBackend(backend);
    const model = smallConvNet();
    const x = tf.tensor4d(data(8 * 144, 5), [8, 12, 12, 1]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], "int32"), 10).toFloat();
    const out: number[] = [];
    for (let i = 0; i < 4; i++) out.push(Number(await model.trainOnBatch(x, y)));
    tf.dispose([x, y]);
    model.dispose();
    return out;
  };
  const cpu = await losses("cpu");
  onednnCallCounts(true);
  const wasm = await losses("wasm");
  assert.ok((onednnCallCounts(true)[ADAM]?.native ?? 0) > 0, "the fused Adam kernel ran natively");
  assert.ok(cpu[3] < cpu[0], "the loss goes down");
  wasm.forEach((l, i) => assert.ok(Math.abs(l - cpu[i]) < 1e-4 * Math.max(1, cpu[i]), `step ${i}: ${l} vs ${cpu[i]}`));
});

nativeTest(
  "with the native kernel, Adam fuses variables of every size (a 90,000-weight kernel too) and still follows cpu",
  async () => {
    const steps = 3;
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const model = tf.sequential({
        layers: [
          tf.layers.dense({
            inputShape: [300],
            units: 300,
            activation: "relu",
            kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
          }),
          tf.layers.dense({
            units: 10,
            activation: "softmax",
            kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
          }),
        ],
      });
      model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
      const x = tf.tensor2d(data(16 * 300, 7), [16, 300]);
      const y = tf
        .oneHot(
          tf.tensor1d(
            [...Array(16).keys()].map((i) => i % 10),
            "int32",
          ),
          10,
        )
        .toFloat();
      const losses: number[] = [];
      for (let i = 0; i < steps; i++) losses.push(Number(await model.trainOnBatch(x, y)));
      const weights = Array.from(await model.layers[0].getWeights()[0].data());
      tf.dispose([x, y]);
      model.dispose();
      return { losses, weights };
    };
    const cpu = await run("cpu");
    onednnCallCounts(true);
    const wasm = await run("wasm");
    assert.equal(
      onednnCallCounts(true)[ADAM]?.native,
      4 * steps,
      "all four variables, the 90,000-weight kernel included, took the fused kernel each step",
    );
    wasm.losses.forEach((l, i) =>
      assert.ok(Math.abs(l - cpu.losses[i]) < 1e-4 * Math.max(1, cpu.losses[i]), `step ${i}: ${l} vs ${cpu.losses[i]}`),
    );
    const worst = Math.max(...wasm.weights.map((w, i) => Math.abs(w - cpu.weights[i])));
    assert.ok(worst < 1e-5, `weights after ${steps} steps differ by up to ${worst}`);
  },
);
