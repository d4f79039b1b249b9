/**
 * wasm+onednn on top of the library's own wasm set-up (initWasm, what selectBackend runs): the
 * native kernels must win over the library's replacements, and the native versions of the
 * library's fused kernels (AdamUpdateWasm, RmspropUpdateWasm, DropoutMultiplierWasm) must give their values bit for
 * bit. Skips when the addon is not built.
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

nativeTest("native AdamUpdateWasm gives the library kernel's values bit for bit", async () => {
  // 131,071 is the largest update kept on one thread (two 65,536-value grains, optim.cc); 131,089 is split into
  // chunks on a multi-threaded addon, so both sides of that boundary are checked.
  for (const n of [7, 100003, 131071, 131089]) {
    const [native, library] = nativeAndLibrary(() => {
      const inputs = {
        value: tf.tensor1d(data(n, 1)),
        gradient: tf.tensor1d(data(n, 2, 0.01)),
        m: tf.tensor1d(data(n, 3, 0.001)),
        v: tf.abs(tf.tensor1d(data(n, 4, 1e-5))),
        accBeta1: tf.scalar(0.9 ** 3),
        accBeta2: tf.scalar(0.999 ** 3),
      };
      const attrs = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 1e-3 };
      return tf.engine().runKernel(ADAM, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    });
    assert.equal(native.length, 3);
    native.forEach((a, i) => assert.deepEqual(Array.from(a), Array.from(library[i]), `n=${n} output ${i}`));
  }
});

nativeTest("native RmspropUpdateWasm gives the library kernel's values bit for bit", async () => {
  for (const n of [7, 200003]) {
    for (const momentum of [0, 0.5]) {
      const [native, library] = nativeAndLibrary(() => {
        const inputs = {
          value: tf.tensor1d(data(n, 11)),
          gradient: tf.tensor1d(data(n, 12, 0.01)),
          ms: tf.abs(tf.tensor1d(data(n, 13, 1e-5))),
          mom: tf.tensor1d(data(n, 14, 1e-3)),
        };
        const attrs = { decay: 0.9, momentum, epsilon: 1e-7, learningRate: 1e-3 };
        return tf.engine().runKernel(RMSPROP, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      });
      assert.equal(native.length, 3);
      native.forEach((a, i) =>
        assert.deepEqual(Array.from(a), Array.from(library[i]), `n=${n} momentum=${momentum} output ${i}`),
      );
    }
  }
});

nativeTest("with the native kernel, RMSprop fuses variables of every size and matches tfjs on cpu", async () => {
  const make = () => tf.train.rmsprop(1e-3, 0.9, 0, 1e-7);
  const cpu = await rmspropSteps("cpu", make);
  onednnCallCounts(true);
  const wasm = await rmspropSteps("wasm", make);
  assert.equal(onednnCallCounts(true)[RMSPROP]?.native, 3 * ODD_SIZES.length, "every variable, every step");
  assertValuesClose(wasm.values, cpu.values, 1e-6, "wasm+onednn");
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
