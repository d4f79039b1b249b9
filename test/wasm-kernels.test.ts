import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { initWasm, wasmThreadCount, WasmInfo } from "../lib/backend/wasm";
import { seedDropoutMasks } from "../lib/backend/wasm/kernels/dropout";

// Each kernel the library registers for 'wasm' is checked against tfjs's reference 'cpu' backend.

let info: WasmInfo;

before(async () => {
  info = await initWasm({ threads: 2 });
});

/** Deterministic pseudo-random values in [-1, 1) (an LCG, so cases are reproducible). */
function values(n: number, seed: number, zeroFraction = 0): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = s / 2 ** 31 - 1;
    out[i] = v < -1 + 2 * zeroFraction ? 0 : v;
  }
  return out;
}

type Inputs = { shape: number[]; data: Float32Array }[];

/** Runs `fn` on fresh tensors on one backend and returns its outputs as arrays. */
async function runOn(
  backend: string,
  inputs: Inputs,
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<{ shape: number[]; data: Float32Array }[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const xs = inputs.map((i) => tf.tensor(i.data, i.shape));
  const out = tf.tidy(() => {
    const r = fn(...xs);
    return Array.isArray(r) ? r : [r];
  });
  const res = out.map((t) => ({ shape: t.shape, data: t.dataSync() as Float32Array }));
  tf.dispose(out);
  tf.dispose(xs);
  assert.equal(tf.memory().numTensors, before, `tensors leaked on ${backend}`);
  return res;
}

/** Asserts wasm and cpu agree on `fn` within a tolerance relative to the output's scale. */
async function sameOnBoth(
  label: string,
  inputs: Inputs,
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  rtol = 1e-4,
): Promise<void> {
  const w = await runOn("wasm", inputs, fn);
  const c = await runOn("cpu", inputs, fn);
  await tf.setBackend("wasm");
  assert.equal(w.length, c.length, `${label}: output count`);
  for (let k = 0; k < w.length; k++) {
    assert.deepEqual(w[k].shape, c[k].shape, `${label}: shape of output ${k}`);
    let scale = 0;
    for (const v of c[k].data) scale = Math.max(scale, Math.abs(v));
    const tol = rtol * Math.max(scale, 1e-3);
    for (let i = 0; i < c[k].data.length; i++) {
      const diff = Math.abs(w[k].data[i] - c[k].data[i]);
      if (!(diff <= tol)) {
        assert.fail(`${label}: output ${k}[${i}] wasm=${w[k].data[i]} cpu=${c[k].data[i]} (tol ${tol})`);
      }
    }
  }
}

function inp(shape: number[], seed: number, zeroFraction = 0): { shape: number[]; data: Float32Array } {
  return {
    shape,
    data: values(
      shape.reduce((a, b) => a * b, 1),
      seed,
      zeroFraction,
    ),
  };
}

test("initWasm reports threads, SIMD and the registered kernels, and is idempotent", async () => {
  assert.equal(info.threads, 2, "the threaded build started with the two threads asked for");
  assert.equal(info.threads, wasmThreadCount());
  assert.equal(tf.getBackend(), "wasm");
  for (const k of ["BatchMatMul", "_FusedMatMul", "Conv2DBackpropInput", "Conv2DBackpropFilter", "MaxPoolGrad"]) {
    assert.ok(info.kernels.includes(k), `${k} registered`);
    assert.ok(tf.getKernel(k, "wasm"), `${k} present in the registry`);
  }
  const again = await initWasm({ threads: 2 });
  assert.deepEqual(again, info);
});

test("a process using two wasm threads exits by itself when its work is done", () => {
  const lib = path.join(__dirname, "..", "lib", "backend", "wasm");
  const script = `
    const tf = require("@tensorflow/tfjs");
    require(${JSON.stringify(lib)}).initWasm({ threads: 2 }).then((info) => {
      const y = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]));
      console.log("threads=" + info.threads + " sum=" + y.sum().dataSync()[0]);
    });`;
  // The timeout only guards against a hang (pool workers keeping Node alive); it measures nothing.
  const run = spawnSync(process.execPath, ["-e", script], {
    encoding: "utf8",
    timeout: 60000,
    cwd: path.join(__dirname, "..", ".."),
  });
  assert.equal(run.signal, null, "the process had to be killed: pool workers kept it alive");
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /threads=2 sum=262144/);
});

test("initWasm rejects a thread count that is not a positive integer", async () => {
  await assert.rejects(initWasm({ threads: 0 }), /threads must be a positive integer/);
  await assert.rejects(initWasm({ threads: 1.5 }), /threads must be a positive integer/);
});

test("matMul matches cpu for every transpose combination and odd shapes", async () => {
  const cases: [number, number, number][] = [
    [32, 784, 128],
    [1, 5, 3],
    [7, 3, 1],
    [13, 17, 19],
    [100, 1024, 10],
    [3, 200, 2],
  ];
  let seed = 1;
  for (const [m, k, n] of cases) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        const a = inp(tA ? [k, m] : [m, k], seed++);
        const b = inp(tB ? [n, k] : [k, n], seed++);
        await sameOnBoth(`matMul ${m}x${k}x${n} tA=${tA} tB=${tB}`, [a, b], (x, y) =>
          tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, tA, tB),
        );
      }
    }
  }
});

test("batched matMul (batch > 1) still matches cpu", async () => {
  await sameOnBoth("batched", [inp([3, 4, 5], 7), inp([3, 6, 5], 8)], (x, y) => tf.matMul(x, y, false, true));
});

test("fused matMul with bias and relu matches cpu, with and without transposes", async () => {
  for (const tA of [false, true]) {
    for (const tB of [false, true]) {
      const a = inp(tA ? [20, 9] : [9, 20], 11);
      const b = inp(tB ? [6, 20] : [20, 6], 12);
      await sameOnBoth(`fused tA=${tA} tB=${tB}`, [a, b, inp([6], 13)], (x, y, bias) =>
        tf.fused.matMul({
          a: x as tf.Tensor2D,
          b: y as tf.Tensor2D,
          transposeA: tA,
          transposeB: tB,
          bias,
          activation: "relu",
        }),
      );
    }
  }
});

test("dense-layer gradients (matMul, bias sum, relu) match cpu", async () => {
  await sameOnBoth("dense grads", [inp([32, 50], 21), inp([50, 16], 22), inp([16], 23)], (x, w, b) => {
    const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.fused
        .matMul({ a: xx as tf.Tensor2D, b: ww as tf.Tensor2D, bias: bb, activation: "relu" })
        .square()
        .sum();
    return tf.grads(f)([x, w, b]);
  });
});

const convCases: { x: number[]; f: number[]; s: number; pad: "valid" | "same" }[] = [
  { x: [2, 28, 28, 1], f: [3, 3, 1, 8], s: 1, pad: "valid" },
  { x: [2, 14, 14, 4], f: [5, 5, 4, 6], s: 1, pad: "same" },
  { x: [1, 9, 9, 3], f: [3, 3, 3, 5], s: 2, pad: "same" },
  { x: [2, 10, 8, 2], f: [3, 3, 2, 4], s: 2, pad: "valid" },
  { x: [1, 8, 7, 3], f: [5, 5, 3, 2], s: 2, pad: "same" },
  { x: [2, 10, 8, 4], f: [3, 3, 4, 2], s: 2, pad: "valid" },
  { x: [3, 11, 9, 2], f: [3, 3, 2, 6], s: 2, pad: "valid" },
  { x: [3, 4, 4, 128], f: [3, 3, 128, 64], s: 1, pad: "same" },
  { x: [2, 7, 7, 64], f: [5, 5, 64, 128], s: 1, pad: "same" },
];

test("conv2d forward and both gradients match cpu (valid/same, stride 1 and 2, 3x3 and 5x5)", async () => {
  let seed = 100;
  for (const c of convCases) {
    await sameOnBoth(`conv ${JSON.stringify(c)}`, [inp(c.x, seed++), inp(c.f, seed++)], (x, f) => {
      const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.s, c.pad);
      const [dx, df] = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
        tf
          .conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.s, c.pad)
          .square()
          .sum(),
      )([x, f]);
      return [y, dx, df];
    });
  }
});

test("Conv2DBackpropInput and Conv2DBackpropFilter kernels match cpu when called directly", async () => {
  const c = convCases[2];
  const outShape = [1, 5, 5, 5];
  await sameOnBoth("direct backprop", [inp(outShape, 301), inp(c.f, 302), inp(c.x, 303)], (dy, f, x) => [
    tf.conv2dTranspose(dy as tf.Tensor4D, f as tf.Tensor4D, c.x as [number, number, number, number], c.s, c.pad),
    tf
      .engine()
      .runKernel(
        "Conv2DBackpropFilter",
        { x, dy },
        { strides: c.s, pad: c.pad, dataFormat: "NHWC", filterShape: c.f },
      ) as tf.Tensor,
  ]);
});

test("maxPool gradient matches cpu, including tied maxima and odd sizes", async () => {
  const cases: { x: number[]; k: number; s: number; pad: "valid" | "same" }[] = [
    { x: [2, 28, 28, 3], k: 2, s: 2, pad: "valid" },
    { x: [1, 7, 7, 2], k: 2, s: 2, pad: "valid" },
    { x: [1, 7, 5, 2], k: 3, s: 2, pad: "same" },
  ];
  let seed = 200;
  for (const c of cases) {
    // Five distinct values, so many windows have several maxima: the first one must get the gradient.
    const x = inp(c.x, seed++);
    x.data = x.data.map((v) => Math.round(v * 2) / 2);
    await sameOnBoth(`maxPool ${JSON.stringify(c)}`, [x], (x) => {
      const pool = (xx: tf.Tensor) => tf.maxPool(xx as tf.Tensor4D, c.k, c.s, c.pad);
      const p = pool(x);
      const weights = tf.range(1, 1 + p.size).reshape(p.shape);
      return [p, tf.grad((xx: tf.Tensor) => pool(xx).mul(weights).sum())(x)];
    });
  }
});

test("sum and mean over leading axes, tile and clone match cpu", async () => {
  const x = inp([4, 5, 6, 7], 400);
  await sameOnBoth("reductions", [x], (t) => [
    t.sum([0, 1, 2]),
    t.mean([0, 1, 2]),
    t.sum([0]),
    t.sum([1, 0], true),
    t.mean([0, 1, 2], true),
    t.sum(),
    t.sum([3]),
    t.mean([1, 2]),
  ]);
  // Enough rows for the pooled path (and a prime row count that cannot use it).
  await sameOnBoth("big reductions", [inp([64, 16, 16, 8], 404), inp([4099, 3], 405)], (a, b) => [
    a.sum([0, 1, 2]),
    a.mean([0, 1, 2]),
    a.sum([0, 1], true),
    b.sum([0]),
    b.mean([0]),
  ]);
  await sameOnBoth("tile", [inp([1, 1, 1, 7], 401), inp([2, 3], 402)], (a, b) => [
    tf.tile(a, [4, 5, 6, 1]),
    tf.tile(b, [3, 2]),
    tf.tile(b, [1, 1]),
    tf.tile(a.reshape([7]), [3]),
  ]);
  await sameOnBoth("int tile", [inp([2, 2], 403)], (a) => tf.tile(a.mul(10).round().toInt(), [2, 3]).toFloat());
  await sameOnBoth("clone", [x], (t) => {
    const c = t.clone();
    return c.add(1);
  });
});

test("Mean and Sum gradients equal tfjs's dy × ones formula exactly", async () => {
  await tf.setBackend("wasm");
  const before = tf.memory().numTensors;
  const x = tf.tensor(values(60, 900), [3, 4, 5]);
  const w = tf.tensor(values(4, 901), [4]);
  const [gMean, gSum, gMeanKeep] = [
    tf.grad((t: tf.Tensor) => tf.mean(t, [0, 2]).mul(w).sum())(x),
    tf.grad((t: tf.Tensor) => tf.sum(t, [0, 2]).mul(w).sum())(x),
    tf.grad((t: tf.Tensor) =>
      tf
        .mean(t, [0, 2], true)
        .mul(w.reshape([1, 4, 1]))
        .sum(),
    )(x),
  ];
  const wv = w.dataSync();
  const [m, s, mk] = [gMean.dataSync(), gSum.dataSync(), gMeanKeep.dataSync()];
  for (let i = 0; i < 60; i++) {
    const j = Math.floor(i / 5) % 4;
    assert.equal(m[i], Math.fround(wv[j] / 15), `mean gradient ${i}`);
    assert.equal(mk[i], Math.fround(wv[j] / 15), `keepDims mean gradient ${i}`);
    assert.equal(s[i], wv[j], `sum gradient ${i}`);
  }
  tf.dispose([x, w, gMean, gSum, gMeanKeep]);
  assert.equal(tf.memory().numTensors, before);
});

test("batch-norm training, dropout and softmax cross-entropy gradients match cpu", async () => {
  await sameOnBoth("batchNorm forms", [inp([3, 4, 5], 510), inp([5], 511), inp([5], 512)], (x, m, v) => {
    const variance = v.abs().add(0.1);
    return [
      tf.batchNorm(x, m, variance, undefined, undefined, 1e-3),
      tf.batchNorm(x, m, variance, m, variance, 1e-3),
      tf.batchNorm(x, tf.scalar(0.2), tf.scalar(0.5), tf.scalar(-1), tf.scalar(3), 1e-3),
    ];
  });
  await sameOnBoth(
    "bn grads",
    [inp([4, 6, 6, 5], 500), inp([5], 501), inp([5], 502)],
    (x, g, b) => {
      const f = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
        const { mean, variance } = tf.moments(xx, [0, 1, 2]);
        const y = tf.batchNorm(xx as tf.Tensor4D, mean, variance, bb, gg.add(1), 1e-3);
        const d = tf.dropout(tf.relu(y), 0.3, undefined, 7);
        const logits = d.reshape([4, -1]).slice([0, 0], [4, 10]);
        return tf.losses.softmaxCrossEntropy(tf.oneHot([1, 3, 5, 7], 10), logits);
      };
      return tf.grads(f)([x, g, b]);
    },
    2e-4,
  );
});

/** Runs three optimizer steps on two variables with fixed gradients and returns their values. */
async function optimizerSteps(backend: string, make: () => tf.Optimizer): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const w0 = tf.tensor(values(300, 800), [20, 15]);
  const b0 = tf.tensor(values(15, 801));
  // Big enough for the wasm Adam's large-variable path.
  const big0 = tf.tensor(values(70000, 802), [280, 250]);
  const w = tf.variable(w0);
  const b = tf.variable(b0);
  const big = tf.variable(big0);
  tf.dispose([w0, b0, big0]);
  const opt = make();
  for (let step = 0; step < 3; step++) {
    const gw = tf.tensor(values(300, 810 + step, 0.2), [20, 15]);
    const gb = tf.tensor(values(15, 820 + step));
    const gbig = tf.tensor(values(70000, 830 + step, 0.1), [280, 250]);
    opt.applyGradients([
      { name: w.name, tensor: gw },
      { name: b.name, tensor: gb },
      { name: big.name, tensor: gbig },
    ]);
    tf.dispose([gw, gb, gbig]);
  }
  const out = [w, b, big].map((v) => v.dataSync().slice() as Float32Array);
  opt.dispose();
  tf.dispose([w, b, big]);
  assert.equal(tf.memory().numTensors, before, `the optimizer leaked tensors on ${backend}`);
  return out;
}

for (const [name, make] of [
  ["Adam (fused on wasm)", () => tf.train.adam(0.01, 0.8, 0.95, 1e-6)],
  ["RMSprop", () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-6)],
] as [string, () => tf.Optimizer][]) {
  test(`${name} updates match cpu over several steps`, async () => {
    const wasm = await optimizerSteps("wasm", make);
    const cpu = await optimizerSteps("cpu", make);
    await tf.setBackend("wasm");
    for (let k = 0; k < cpu.length; k++) {
      for (let i = 0; i < cpu[k].length; i++) {
        assert.ok(
          Math.abs(wasm[k][i] - cpu[k][i]) <= 1e-6,
          `${name} variable ${k}[${i}]: wasm ${wasm[k][i]} cpu ${cpu[k][i]}`,
        );
      }
    }
  });
}

test("unseeded dropout on wasm keeps about 1-rate of the values, scaled, with a matching gradient", async () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor(values(100000, 700).map((v) => v + 2));
  const [out, grad] = tf.tidy(() => {
    const y = tf.dropout(x, 0.25);
    const g = tf.grad((t: tf.Tensor) => tf.dropout(t, 0.25).sum())(x);
    return [y, g];
  });
  const xv = x.dataSync();
  const ov = out.dataSync();
  const gv = grad.dataSync();
  let kept = 0;
  let keptGrad = 0;
  for (let i = 0; i < xv.length; i++) {
    if (ov[i] !== 0) {
      kept++;
      assert.ok(Math.abs(ov[i] - xv[i] / 0.75) <= 1e-5 * Math.abs(xv[i]), `kept value ${i} scaled by 1/keepProb`);
    }
    if (gv[i] !== 0) {
      keptGrad++;
      assert.ok(Math.abs(gv[i] - 1 / 0.75) < 1e-6, `gradient ${i} is 1/keepProb`);
    }
  }
  // 75% kept: the binomial standard deviation is ~137 elements, so ±1500 never fails by chance.
  assert.ok(Math.abs(kept - 75000) < 1500, `kept ${kept} of 100000`);
  assert.ok(Math.abs(keptGrad - 75000) < 1500, `gradient kept ${keptGrad} of 100000`);
  tf.dispose([x, out, grad]);
  assert.equal(tf.memory().numTensors, before);
});

test("inside a seeded stream, unseeded dropout draws a new mask per call and the same masks per run, on wasm and cpu", async () => {
  const masksOf = (backend: string, seed: number) => {
    const end = seedDropoutMasks(seed);
    try {
      return [0, 1].map(() => tf.tidy(() => Array.from(tf.dropout(tf.ones([4096]), 0.5).dataSync())));
    } finally {
      end();
    }
  };
  for (const backend of ["wasm", "cpu"]) {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const [first, second] = masksOf(backend, 1);
    assert.notDeepEqual(first, second, `${backend}: the second call drew the first call's mask`);
    assert.deepEqual(masksOf(backend, 1), [first, second], `${backend}: the same seed drew other masks`);
    assert.notDeepEqual(masksOf(backend, 2)[0], first, `${backend}: another seed drew the same mask`);
    const kept = first.filter((v) => v !== 0).length;
    assert.ok(Math.abs(kept - 2048) < 200, `${backend}: kept ${kept} of 4096 at rate 0.5`);
    assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
  }
  await tf.setBackend("wasm");
});

test("tfjs's own seeded dropout repeats one mask at every call (why the stream above exists)", () => {
  const [first, second] = [0, 1].map(() => tf.tidy(() => Array.from(tf.dropout(tf.ones([1024]), 0.5, undefined, 7).dataSync())));
  assert.deepEqual(first, second);
});

/** A small conv net with every layer type the presets use. */
function smallNet(): tf.LayersModel {
  const L = tf.layers;
  const m = tf.sequential();
  m.add(L.zeroPadding2d({ inputShape: [12, 12, 1], padding: 2 }));
  // No bias before batch norm: its true gradient is zero, so Adam would amplify rounding noise.
  m.add(L.conv2d({ filters: 8, kernelSize: 3, padding: "same", useBias: false }));
  m.add(L.batchNormalization());
  m.add(L.activation({ activation: "relu" }));
  m.add(L.maxPooling2d({ poolSize: 2 }));
  m.add(L.conv2d({ filters: 16, kernelSize: 5, padding: "same", activation: "relu" }));
  m.add(L.maxPooling2d({ poolSize: 2 }));
  m.add(L.dropout({ rate: 0.25, seed: 3 }));
  m.add(L.flatten());
  m.add(L.dense({ units: 32, activation: "relu" }));
  m.add(L.dropout({ rate: 0.4, seed: 4 }));
  m.add(L.dense({ units: 10, activation: "softmax" }));
  m.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  return m;
}

test("a whole training step (conv, batch norm, dropout, dense, Adam) matches cpu and leaks no tensors", async () => {
  await tf.setBackend("cpu");
  const seedModel = smallNet();
  const init = seedModel.getWeights().map((w) => ({ shape: w.shape, data: w.dataSync().slice() as Float32Array }));
  seedModel.dispose();
  const batch = 6;
  const xs = values(batch * 144, 600).map((v) => (v + 1) / 2);
  const labels = Array.from({ length: batch }, (_, i) => (i * 7) % 10);

  async function train(backend: string): Promise<{ losses: number[]; weights: Float32Array[] }> {
    await tf.setBackend(backend);
    const model = smallNet();
    model.setWeights(init.map((w) => tf.tensor(w.data, w.shape)));
    const x = tf.tensor4d(xs, [batch, 12, 12, 1]);
    const y = tf.oneHot(labels, 10).toFloat();
    const losses: number[] = [];
    losses.push(Number(await model.trainOnBatch(x, y)));
    const count = tf.memory().numTensors;
    losses.push(Number(await model.trainOnBatch(x, y)));
    assert.equal(tf.memory().numTensors, count, `a training step on ${backend} changed the tensor count`);
    const weights = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
    tf.dispose([x, y]);
    model.dispose();
    return { losses, weights };
  }
  const w = await train("wasm");
  const c = await train("cpu");
  await tf.setBackend("wasm");
  for (let i = 0; i < 2; i++)
    assert.ok(
      Math.abs(w.losses[i] - c.losses[i]) <= 1e-4 * Math.max(1, Math.abs(c.losses[i])),
      `loss ${i}: ${w.losses[i]} vs ${c.losses[i]}`,
    );
  assert.equal(w.weights.length, c.weights.length);
  let moved = 0;
  for (let k = 0; k < c.weights.length; k++) {
    for (let i = 0; i < c.weights[k].length; i++) {
      const diff = Math.abs(w.weights[k][i] - c.weights[k][i]);
      assert.ok(diff <= 2e-4, `weight ${k}[${i}]: wasm ${w.weights[k][i]} cpu ${c.weights[k][i]}`);
      if (Math.abs(c.weights[k][i] - init[k].data[i]) > 1e-5) moved++;
    }
  }
  assert.ok(moved > 100, "training moved the weights");
});
