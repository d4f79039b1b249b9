/**
 * The native oneDNN kernels on the wasm backend, each checked against the cpu backend: preset
 * shapes (smaller batches) and odd ones, gradients, fallbacks for inputs they do not take, and
 * tensor lifetimes. Skips when the addon is not built.
 */
import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {
  installOnednn,
  onednnCallCounts,
  onednnInfo,
  onednnUnavailableReason,
  uninstallOnednn,
} from "../lib/backend/onednn";
import { assertClose, nativeTest, randomTensor, valuesOn } from "./onednn-helpers";

/**
 * Runs `f` on cpu and on wasm+onednn and compares every output. `kernels` must each have run
 * natively (not handed back to the replaced kernel) during the wasm run.
 */
async function compareWithCpu(
  what: string,
  f: () => tf.Tensor | tf.Tensor[],
  kernels: string[],
  tol: { rtol?: number; atol?: number } = {},
): Promise<void> {
  const expected = await valuesOn("cpu", f);
  onednnCallCounts(true);
  const actual = await valuesOn("wasm", f);
  const counts = onednnCallCounts(true);
  for (const k of kernels) {
    const c = counts[k];
    assert.ok(c && c.native > 0, `${what}: ${k} did not run natively (counts ${JSON.stringify(c)})`);
    assert.equal(c.fallback, 0, `${what}: ${k} fell back to the replaced kernel`);
  }
  assert.equal(actual.length, expected.length, `${what}: number of outputs`);
  expected.forEach((e, i) => assertClose(actual[i], e, `${what} output ${i}`, tol.rtol, tol.atol));
}

type Conv = {
  x: number[];
  k: number;
  o: number;
  stride: number | [number, number];
  pad: "same" | "valid";
  dilation?: number;
};

// Preset layers (batch cut to keep the cpu reference fast) and odd cases.
const CONVS: Conv[] = [
  { x: [4, 28, 28, 1], k: 3, o: 64, stride: 1, pad: "valid" }, // cnn-simple
  { x: [3, 28, 28, 1], k: 5, o: 32, stride: 1, pad: "same" }, // cnn-deep 1
  { x: [3, 14, 14, 32], k: 5, o: 64, stride: 1, pad: "same" }, // cnn-deep 2
  { x: [2, 7, 7, 64], k: 5, o: 128, stride: 1, pad: "same" }, // cnn-deep 3
  { x: [2, 32, 32, 1], k: 3, o: 16, stride: 1, pad: "same" }, // vgg 1
  { x: [2, 8, 8, 64], k: 3, o: 64, stride: 1, pad: "same" }, // vgg 4
  { x: [2, 2, 2, 128], k: 3, o: 128, stride: 1, pad: "same" }, // vgg 7
  { x: [1, 9, 13, 3], k: 3, o: 5, stride: 2, pad: "valid" }, // batch 1, non-square, stride 2
  { x: [2, 10, 7, 4], k: 4, o: 3, stride: [2, 3], pad: "same" }, // even kernel, unequal strides
  { x: [2, 11, 11, 2], k: 3, o: 4, stride: 1, pad: "same", dilation: 2 }, // dilated
];

nativeTest("installOnednn reports threads, version and the kernels it serves", async () => {
  const again = installOnednn();
  assert.ok(again, "second install returns the same set-up");
  assert.ok(again.threads >= 1);
  assert.match(again.version, /^\d+\.\d+\.\d+$/);
  for (const k of [
    "Conv2D",
    "Conv2DBackpropInput",
    "Conv2DBackpropFilter",
    "BatchMatMul",
    "_FusedMatMul",
    "MaxPoolGrad",
    "Multiply",
    "Sum",
  ]) {
    assert.ok(again.kernels.includes(k), `${k} missing from ${again.kernels.join(",")}`);
    assert.equal(tf.getKernel(k, "wasm")?.kernelName, k);
  }
  assert.equal(onednnUnavailableReason(), null);
  assert.equal(onednnInfo()?.version, again.version);
});

nativeTest("Conv2D and FusedConv2D match cpu on preset and odd shapes", async () => {
  for (const [i, c] of CONVS.entries()) {
    const w = [c.k, c.k, c.x[3], c.o];
    await compareWithCpu(
      `conv ${JSON.stringify(c)}`,
      () =>
        tf.conv2d(
          randomTensor(c.x, i) as tf.Tensor4D,
          randomTensor(w, 100 + i) as tf.Tensor4D,
          c.stride,
          c.pad,
          "NHWC",
          c.dilation ?? 1,
        ),
      ["Conv2D"],
    );
  }
  for (const activation of ["relu", "relu6", "leakyrelu", "elu", "sigmoid", "linear"] as const) {
    await compareWithCpu(
      `fused conv ${activation}`,
      () =>
        tf.fused.conv2d({
          x: randomTensor([2, 9, 8, 3], 1) as tf.Tensor4D,
          filter: randomTensor([3, 3, 3, 6], 2) as tf.Tensor4D,
          strides: 1,
          pad: "same",
          bias: randomTensor([6], 3),
          activation,
          leakyreluAlpha: 0.3,
        }),
      ["FusedConv2D"],
    );
  }
});

nativeTest("convolution gradients (input and filter) match cpu", async () => {
  for (const [i, c] of CONVS.entries()) {
    if (c.dilation) continue; // tfjs has no gradient for dilated convolutions with strides; covered by forward
    const w = [c.k, c.k, c.x[3], c.o];
    await compareWithCpu(
      `conv grads ${JSON.stringify(c)}`,
      () => {
        const x = randomTensor(c.x, i);
        const f = randomTensor(w, 100 + i);
        const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad);
        const r = randomTensor(y.shape, 200 + i);
        return tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r)),
        )([x, f]);
      },
      ["Conv2DBackpropInput", "Conv2DBackpropFilter"],
    );
  }
});

nativeTest(
  "matrix products match cpu: transposes, batches, broadcast, fused bias and activation, gradients",
  async () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[32, 784], [784, 128], false, false], // mlp layer 1
      [[100, 1152], [1152, 1024], false, false], // cnn-deep dense
      [[7, 5], [9, 5], false, true],
      [[5, 7], [5, 9], true, false],
      [[5, 7], [9, 5], true, true],
      [[1, 1], [1, 1], false, false],
      [[3, 4, 6], [3, 6, 2], false, false], // batched
      [[3, 6, 4], [1, 2, 6], true, true], // batch broadcast of b
      [[1, 4, 6], [2, 3, 6, 5], false, false], // broadcast a over two outer dims
    ];
    for (const [i, [as, bs, ta, tb]] of cases.entries()) {
      await compareWithCpu(
        `matmul ${as} x ${bs} ${ta} ${tb}`,
        () => tf.matMul(randomTensor(as, i), randomTensor(bs, 50 + i), ta, tb),
        ["BatchMatMul"],
      );
    }
    for (const activation of ["relu", "linear", "elu", "relu6", "sigmoid", "leakyrelu"] as const) {
      await compareWithCpu(
        `fused matmul ${activation}`,
        () =>
          tf.fused.matMul({
            a: randomTensor([6, 5], 1),
            b: randomTensor([4, 5], 2),
            transposeB: true,
            bias: randomTensor([4], 3),
            activation,
            leakyreluAlpha: 0.1,
          }),
        ["_FusedMatMul"],
      );
    }
    await compareWithCpu(
      "dense layer gradients",
      () => {
        const x = randomTensor([8, 20], 1);
        const w = randomTensor([20, 12], 2);
        const b = randomTensor([12], 3);
        return tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
          tf.sum(
            tf.square(tf.fused.matMul({ a: xx as tf.Tensor2D, b: ww as tf.Tensor2D, bias: bb, activation: "relu" })),
          ),
        )([x, w, b]);
      },
      ["BatchMatMul"], // under a gradient tape tfjs unfuses the activation
    );
  },
);

nativeTest("MaxPool and its gradient match cpu, ties included", async () => {
  const cases: [number[], number, number, "same" | "valid"][] = [
    [[3, 28, 28, 32], 2, 2, "valid"], // cnn-deep
    [[2, 26, 26, 64], 2, 2, "valid"], // cnn-simple
    [[2, 7, 7, 64], 2, 2, "valid"], // odd size: last row and column dropped
    [[2, 7, 9, 3], 2, 2, "same"], // odd size, padded
    [[1, 9, 9, 4], 3, 2, "valid"], // overlapping windows
    [[2, 6, 5, 3], 3, 1, "same"], // stride 1, padded, overlapping
  ];
  for (const [i, [shape, size, stride, pad]] of cases.entries()) {
    // Rounded, rectified values: many equal maxima (zeros above all), as after ReLU.
    const input = () => tf.relu(tf.round(tf.mul(randomTensor(shape, i), 2)));
    await compareWithCpu(
      `maxPool ${shape} ${size}/${stride} ${pad}`,
      () => tf.maxPool(input() as tf.Tensor4D, size, stride, pad),
      ["MaxPool"],
    );
    await compareWithCpu(
      `maxPool grad ${shape} ${size}/${stride} ${pad}`,
      () => {
        const x = input();
        const y = tf.maxPool(x as tf.Tensor4D, size, stride, pad);
        const r = randomTensor(y.shape, 300 + i);
        return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, size, stride, pad), r)))(x);
      },
      ["MaxPoolGrad"],
    );
  }
});

nativeTest("element-wise ops match cpu across broadcast patterns", async () => {
  const pairs: [number[], number[]][] = [
    [
      [4, 5, 6],
      [4, 5, 6],
    ],
    [[4, 5, 6], []],
    [[], [4, 5, 6]],
    [[2, 3, 4, 8], [8]], // bias over channels
    [
      [2, 3, 4, 8],
      [1, 1, 1, 8],
    ],
    [
      [6, 1],
      [6, 10],
    ], // column broadcast
    [
      [3, 1, 5],
      [1, 4, 1],
    ], // both sides broadcast
    [
      [2, 1, 3, 1],
      [1, 4, 1, 5],
    ],
  ];
  const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ["Add", tf.add],
    ["Sub", tf.sub],
    ["Multiply", tf.mul],
    ["RealDiv", tf.div],
    ["Maximum", tf.maximum],
    ["Minimum", tf.minimum],
    ["SquaredDifference", tf.squaredDifference],
    ["Greater", (a, b) => tf.cast(tf.greater(a, b), "float32")],
    ["GreaterEqual", (a, b) => tf.cast(tf.greaterEqual(a, b), "float32")],
    ["Less", (a, b) => tf.cast(tf.less(a, b), "float32")],
    ["LessEqual", (a, b) => tf.cast(tf.lessEqual(a, b), "float32")],
    ["Equal", (a, b) => tf.cast(tf.equal(a, b), "float32")],
    ["NotEqual", (a, b) => tf.cast(tf.notEqual(a, b), "float32")],
  ];
  for (const [name, op] of ops) {
    for (const [i, [as, bs]] of pairs.entries()) {
      // Rounded values so comparisons see equal elements too.
      const a = () => tf.round(tf.mul(randomTensor(as, i), 3));
      const b = () => tf.add(tf.round(tf.mul(randomTensor(bs, 40 + i), 3)), name === "RealDiv" ? 0.5 : 0);
      await compareWithCpu(`${name} ${JSON.stringify(as)} ${JSON.stringify(bs)}`, () => op(a(), b()), [name]);
    }
  }
  await compareWithCpu(
    "large Multiply (threaded)",
    () => tf.mul(randomTensor([100, 28, 28, 32], 1), randomTensor([100, 28, 28, 32], 2)),
    ["Multiply"],
  );
});

nativeTest("unary ops, Cast, Identity, AddN, Tile, PadV2 and FusedBatchNorm match cpu", async () => {
  const x = () =>
    tf.concat(
      [
        randomTensor([3, 50], 1),
        tf.tensor2d([[0, -0, 1e-30, -1e-30, 6, 7, -7, 100, -100, 0.5]]).tile([3, 5]) as tf.Tensor,
      ],
      1,
    );
  const positive = () => tf.add(tf.abs(x()), 0.1);
  const unary: [string, () => tf.Tensor][] = [
    ["Relu", () => tf.relu(x())],
    ["Relu6", () => tf.relu6(tf.mul(x(), 8))],
    ["Step", () => tf.step(x(), 0.25)],
    ["Sqrt", () => tf.sqrt(positive())],
    ["Rsqrt", () => tf.rsqrt(positive())],
    ["Square", () => tf.square(x())],
    ["Exp", () => tf.exp(x())],
    ["Log", () => tf.log(positive())],
    ["Neg", () => tf.neg(x())],
    ["Abs", () => tf.abs(x())],
    ["Reciprocal", () => tf.reciprocal(positive())],
    ["LeakyRelu", () => tf.leakyRelu(x(), 0.15)],
    ["ClipByValue", () => tf.clipByValue(x(), -0.3, 0.6)],
  ];
  for (const [name, f] of unary) await compareWithCpu(name, f, [name], { rtol: 2e-6, atol: 0 });
  await compareWithCpu("Step keeps NaN", () => tf.step(tf.tensor1d([NaN, -1, 0, 2])), ["Step"], { rtol: 0, atol: 0 });
  await compareWithCpu("Cast bool to float32", () => tf.cast(tf.greater(randomTensor([7, 9], 1), 0), "float32"), [
    "Cast",
    "Greater",
  ]);
  await compareWithCpu(
    "AddN",
    () => tf.addN([randomTensor([5, 6], 1), randomTensor([5, 6], 2), randomTensor([5, 6], 3)]),
    ["AddN"],
  );
  await compareWithCpu("Tile (BatchNorm gradient shape)", () => tf.tile(randomTensor([1, 1, 1, 16], 1), [4, 5, 6, 1]), [
    "Tile",
  ]);
  await compareWithCpu("Tile every axis", () => tf.tile(randomTensor([2, 1, 3], 1), [2, 3, 2]), ["Tile"]);
  await compareWithCpu(
    "PadV2 (VGG input)",
    () =>
      tf.pad(randomTensor([2, 28, 28, 1], 1), [
        [0, 0],
        [2, 2],
        [2, 2],
        [0, 0],
      ]),
    ["PadV2"],
  );
  await compareWithCpu(
    "PadV2 uneven, constant",
    () =>
      tf.pad(
        randomTensor([2, 3, 4], 1),
        [
          [1, 0],
          [0, 2],
          [3, 1],
        ],
        -2.5,
      ),
    ["PadV2"],
  );
  await compareWithCpu(
    "FusedBatchNorm",
    () =>
      tf.batchNorm(
        randomTensor([2, 5, 4, 8], 1),
        randomTensor([8], 2),
        tf.add(tf.abs(randomTensor([8], 3)), 0.2),
        randomTensor([8], 4),
        randomTensor([8], 5),
        1e-3,
      ),
    ["FusedBatchNorm"],
  );
  await compareWithCpu(
    "FusedBatchNorm without scale and offset",
    () => tf.batchNorm(randomTensor([6, 8], 1), randomTensor([8], 2), tf.add(tf.abs(randomTensor([8], 3)), 0.2)),
    ["FusedBatchNorm"],
  );
});

nativeTest("Softmax, ArgMax/ArgMin, logical ops, Select and ZerosLike match cpu", async () => {
  await compareWithCpu("Softmax [32,10]", () => tf.softmax(tf.mul(randomTensor([32, 10], 1), 20)), ["Softmax"], {
    rtol: 1e-5,
    atol: 1e-7,
  });
  await compareWithCpu(
    "Softmax rank 3, huge logits",
    () => tf.softmax(tf.mul(randomTensor([3, 4, 7], 2), 1e4)),
    ["Softmax"],
    { rtol: 1e-5, atol: 1e-7 },
  );
  // Ties: rounded values, so the first extreme must win as in tfjs.
  const tied = () => tf.round(tf.mul(randomTensor([6, 5, 4], 3), 2));
  for (const axis of [0, 1, 2]) {
    await compareWithCpu(`ArgMax axis ${axis}`, () => tf.cast(tf.argMax(tied(), axis), "float32"), ["ArgMax"], {
      rtol: 0,
      atol: 0,
    });
    await compareWithCpu(`ArgMin axis ${axis}`, () => tf.cast(tf.argMin(tied(), axis), "float32"), ["ArgMin"], {
      rtol: 0,
      atol: 0,
    });
  }
  const bools = (shape: number[], seed: number) => tf.greater(randomTensor(shape, seed), 0);
  for (const [as, bs] of [
    [
      [4, 6],
      [4, 6],
    ],
    [[4, 6], [6]],
    [
      [3, 1, 5],
      [1, 4, 1],
    ],
  ] as [number[], number[]][]) {
    await compareWithCpu(
      `LogicalAnd ${as} ${bs}`,
      () => tf.cast(tf.logicalAnd(bools(as, 1), bools(bs, 2)), "float32"),
      ["LogicalAnd"],
      { rtol: 0, atol: 0 },
    );
    await compareWithCpu(
      `LogicalOr ${as} ${bs}`,
      () => tf.cast(tf.logicalOr(bools(as, 3), bools(bs, 4)), "float32"),
      ["LogicalOr"],
      { rtol: 0, atol: 0 },
    );
  }
  await compareWithCpu(
    "Select same shape",
    () => tf.where(bools([5, 7], 1), randomTensor([5, 7], 2), randomTensor([5, 7], 3)),
    ["Select"],
    { rtol: 0, atol: 0 },
  );
  await compareWithCpu(
    "Select int32",
    () =>
      tf.cast(
        tf.where(bools([4, 3], 5), tf.cast(tf.mul(randomTensor([4, 3], 2), 9), "int32"), tf.zeros([4, 3], "int32")),
        "float32",
      ),
    ["Select"],
    { rtol: 0, atol: 0 },
  );
  for (const dtype of ["float32", "int32", "bool"] as const) {
    await compareWithCpu(
      `ZerosLike ${dtype}`,
      () => tf.cast(tf.zerosLike(tf.cast(randomTensor([3, 5], 1), dtype)), "float32"),
      ["ZerosLike"],
      { rtol: 0, atol: 0 },
    );
  }
});

nativeTest("reductions match cpu: bias gradient, rows, whole tensor, keepDims", async () => {
  const cases: [string, number[], number | number[] | undefined, boolean][] = [
    ["Sum", [4, 28, 28, 32], [0, 1, 2], false], // bias gradient
    ["Sum", [32, 10], 1, true],
    ["Sum", [5, 6, 7], undefined, false],
    ["Sum", [5, 1, 7], [0, 1], false], // size-1 axis inside the block
    ["Mean", [4, 6, 6, 16], [0, 1, 2], true], // BatchNorm moments
    ["Mean", [3, 4], -1, false],
    ["Max", [32, 10], -1, true], // softmax
    ["Max", [4, 6, 5], [0, 1], false],
    ["Min", [4, 6, 5], 2, false],
  ];
  for (const [name, shape, axis, keepDims] of cases) {
    const f = { Sum: tf.sum, Mean: tf.mean, Max: tf.max, Min: tf.min }[name] as (
      x: tf.Tensor,
      axis?: number | number[],
      keep?: boolean,
    ) => tf.Tensor;
    await compareWithCpu(
      `${name} ${shape} ${JSON.stringify(axis)} ${keepDims}`,
      () => f(randomTensor(shape, 1), axis, keepDims),
      [name],
      { rtol: 1e-5, atol: 1e-6 },
    );
  }
  await compareWithCpu(
    "Max keeps NaN",
    () =>
      tf.max(
        tf.tensor2d([
          [1, NaN, 3],
          [4, 5, 6],
        ]),
        1,
      ),
    ["Max"],
    { rtol: 0, atol: 0 },
  );
});

nativeTest("the broadcasting Mean and Sum gradients give tfjs's own values, bit for bit", async () => {
  const f = () => {
    const x = randomTensor([3, 5, 4, 6], 1);
    const loss = (v: tf.Tensor) =>
      tf.add(tf.sum(tf.mul(tf.mean(tf.square(v), [0, 1, 2], true), 3)), tf.sum(tf.mean(tf.sum(v, 1), -1)));
    return [tf.grad(loss)(x), tf.grad((v: tf.Tensor) => tf.mean(v))(x)];
  };
  uninstallOnednn(); // tfjs's own gradients (and kernels) back
  assert.equal(installOnednn({ gradients: false })?.gradients.length, 0);
  const original = [...(await valuesOn("cpu", f)), ...(await valuesOn("wasm", f))];
  const installed = installOnednn();
  assert.deepEqual(installed?.gradients, ["Mean", "Sum"]);
  const replaced = [...(await valuesOn("cpu", f)), ...(await valuesOn("wasm", f))];
  original.forEach((o, i) => assert.deepEqual(Array.from(replaced[i]), Array.from(o), `output ${i}`));
});

nativeTest("inputs the native kernels do not take go to the kernel they replaced", async () => {
  // int32 arithmetic, a 5-D broadcast that does not collapse to 4 axes, a reduction over split axes.
  const cases: [string, () => tf.Tensor][] = [
    ["Add", () => tf.cast(tf.add(tf.tensor1d([1, 2, 3], "int32"), tf.tensor1d([4, 5, 6], "int32")), "float32")],
    ["Multiply", () => tf.mul(randomTensor([2, 1, 3, 1, 2], 1), randomTensor([1, 4, 1, 5, 1], 2))],
    ["Sum", () => tf.sum(randomTensor([3, 4, 5], 1), [0, 2])],
  ];
  for (const [name, f] of cases) {
    const expected = await valuesOn("cpu", f);
    onednnCallCounts(true);
    const actual = await valuesOn("wasm", f);
    const counts = onednnCallCounts(true);
    assert.ok((counts[name]?.fallback ?? 0) > 0, `${name} should have fallen back: ${JSON.stringify(counts[name])}`);
    assertClose(actual[0], expected[0], `${name} fallback`);
  }
});

nativeTest(
  "a kernel registered before installOnednn stays reachable as the fallback, and uninstall restores it",
  async () => {
    const name = "Conv2DBackpropFilter";
    uninstallOnednn();
    const stock = tf.getKernel(name, "wasm");
    if (stock) tf.unregisterKernel(name, "wasm");
    let fakeCalls = 0;
    const fake: tf.KernelConfig = {
      kernelName: name,
      backendName: "wasm",
      kernelFunc: ({ attrs, backend }) => {
        fakeCalls++;
        const shape = (attrs as unknown as { filterShape: number[] }).filterShape;
        return (backend as unknown as { makeOutput(s: number[], d: string): tf.TensorInfo }).makeOutput(
          shape,
          "float32",
        );
      },
    };
    tf.registerKernel(fake);
    try {
      installOnednn();
      assert.notEqual(tf.getKernel(name, "wasm"), fake, "the native kernel replaces the one registered before");
      tf.tidy(() => {
        const attrs = { strides: 1, pad: "same", filterShape: [3, 3, 2, 3] };
        tf.engine().runKernel(
          name,
          { x: randomTensor([1, 4, 4, 2], 1), dy: randomTensor([1, 4, 4, 3], 2) },
          { ...attrs, dataFormat: "NHWC" },
        );
        assert.equal(fakeCalls, 0, "NHWC runs natively");
        tf.engine().runKernel(
          name,
          { x: randomTensor([1, 2, 4, 4], 3), dy: randomTensor([1, 3, 4, 4], 4) },
          { ...attrs, dataFormat: "NCHW" },
        );
        assert.equal(fakeCalls, 1, "NCHW goes to the kernel registered before");
      });
      uninstallOnednn();
      assert.equal(tf.getKernel(name, "wasm"), fake, "uninstall puts the earlier kernel back");
    } finally {
      uninstallOnednn();
      tf.unregisterKernel(name, "wasm");
      if (stock) tf.registerKernel(stock);
      installOnednn();
    }
    assert.notEqual(tf.getKernel(name, "wasm"), fake);
  },
);

nativeTest("no tensors or wasm buffers leak; Identity shares data safely", async () => {
  await tf.setBackend("wasm");
  const before = tf.memory().numTensors;
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const idsBefore = backend.numDataIds();
  tf.tidy(() => {
    const x = randomTensor([4, 8, 8, 3], 1);
    const w = randomTensor([3, 3, 3, 4], 2);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.maxPool(tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same")), 2, 2, "valid")),
    )([x, w]);
    tf.sum(tf.add(tf.mul(dx, 2), tf.mean(dw))).dataSync();
  });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(backend.numDataIds(), idsBefore);
  // A clone outlives its source; the data is freed when the last one goes.
  const src = tf.tensor1d([1, 2, 3]);
  const copy = tf.clone(src);
  src.dispose();
  assert.deepEqual(Array.from(copy.dataSync()), [1, 2, 3]);
  copy.dispose();
  assert.equal(backend.numDataIds(), idsBefore);
});
