/**
 * The contract between the native kernels (lib/backend/onednn/*.ts) and the C++ addon (native/onednn/src/), written
 * once, here: every addon kernel's parameter layout and every op code, by name. native/onednn/src/params.h is
 * generated from this file (`node native/onednn/gen-params.js` after `npx tsc`), and test/onednn-params.test.ts fails
 * when the header and this file drift apart.
 *
 * How a call travels: {@link writeParams} clears the kernel's slots of the shared Float64Array parameter block (they
 * become NaN, so a value a kernel forgets to write reads as "not written" in C++ instead of the previous kernel's
 * value), writes the layout's slot count into slot 0 and the named values from slot 1 on. The addon checks the count on entry and
 * reads each value by its generated name (`pi(P::kBatch)`).
 */

/** One slot of a layout: a name, or `[name, n]` for n consecutive slots (a shape, a list of offsets). */
type Slot = string | readonly [string, number];

/**
 * Parameter layouts of the addon's kernels, in slot order. Offsets are byte offsets into the wasm heap; an optional
 * tensor's offset is -1 when absent. Arrays may be shorter than their slots: the kernel reads only what its
 * `rank` or `count` says.
 */
export const LAYOUTS = {
  conv2d: [
    "kind", // CONV_KIND
    "x", // input (NHWC), or its gradient for backwardData
    "filter", // HWIO filter, or its gradient for backwardFilter
    "y", // output, or its gradient for both backward kinds
    "bias", // forward: bias added; backwardFilter: bias gradient written; -1 for none
    "batch",
    "inHeight",
    "inWidth",
    "inChannels",
    "filterHeight",
    "filterWidth",
    "outChannels",
    "outHeight",
    "outWidth",
    "strideHeight",
    "strideWidth",
    "dilationHeight",
    "dilationWidth", // 1 = none
    "padTop",
    "padLeft",
    "padBottom",
    "padRight",
    "activation", // ACTIVATION, forward only
    "alpha", // leakyrelu slope
  ],
  matmul: [
    "a",
    "b", // [batchA, M, K] and [batchB, K, N] as stored (transposes read through strides)
    "bias", // length N, or -1
    "out", // [max(batchA, batchB), M, N]
    "batchA",
    "batchB", // equal, or one of them 1
    "m",
    "k",
    "n",
    "transposeA",
    "transposeB", // 0 or 1
    "activation", // ACTIVATION
    "alpha",
  ],
  pool2d: [
    "mode", // POOL_MODE
    "x",
    "y", // maxForward: output; maxBackward: its gradient dy
    "dx", // maxBackward: input gradient written; -1 for maxForward
    "batch",
    "inHeight",
    "inWidth",
    "channels",
    "filterHeight",
    "filterWidth",
    "outHeight",
    "outWidth",
    "strideHeight",
    "strideWidth",
    "padTop",
    "padLeft",
  ],
  binary: [
    "op", // BINARY_OP
    "a",
    "b",
    "out",
    ["dims", 4], // output dims collapsed to 4
    ["stridesA", 4], // element strides of a along them (0 = broadcast, innermost 0 or 1)
    ["stridesB", 4],
  ],
  unary: [
    "op", // UNARY_OP
    "x", // float32, or bool (uint8) for BoolToFloat
    "out", // float32
    "n",
    "alpha",
    "beta", // Step: alpha; LeakyRelu: alpha; ClipByValue: [alpha, beta]
  ],
  reduce: [
    "op", // REDUCE_OP
    "x",
    "out",
    "outer",
    "reduced",
    "inner", // x viewed as [outer, reduced, inner], out as [outer, inner]
  ],
  addN: ["out", "n", "count", ["inputs", 64]],
  tile: ["x", "out", "elementBytes", "rank", ["shape", 6], ["reps", 6]],
  batchnorm: [
    "x",
    "out",
    "rows",
    "channels", // x as [rows, channels]
    "mean",
    "variance",
    "scale",
    "offset", // -1 for none (1 and 0)
    "epsilon",
  ],
  batchnormTrain: [
    "x",
    "y",
    "rows",
    "channels", // x and y as [rows, channels]
    "gamma",
    "beta", // per channel
    "mean",
    "variance", // written: the batch statistics (variance biased, as tf.moments)
    "epsilon",
  ],
  batchnormTrainGrad: [
    "dy",
    "x",
    "rows",
    "channels", // dy and x as [rows, channels]
    "mean",
    "variance",
    "gamma", // per channel: the forward's batch statistics and scale
    "dmean",
    "dvariance", // per channel: gradients reaching the statistics (-1 for none: 0)
    "dx", // written, [rows, channels]
    "dgamma",
    "dbeta", // written, per channel
    "epsilon",
  ],
  pad: ["x", "out", "rank", "value", ["shape", 6], ["before", 6], ["after", 6]],
  adam: [
    "value",
    "gradient",
    "m",
    "v",
    "newValue",
    "newM",
    "newV",
    "n",
    "beta1",
    "beta2",
    "oneMinusBeta1",
    "oneMinusBeta2", // float32-rounded, as tfjs's optimizer has them
    "stepSize", // learningRate / (1 - beta1^t)
    "invSqrtBias2", // 1 / sqrt(1 - beta2^t)
    "epsilon",
  ],
  rmsprop: [
    "value",
    "gradient",
    "ms",
    "mom", // -1 with momentum 0: the moments are neither read nor written
    "newValue",
    "newMs",
    "newMom", // -1 with mom
    "n",
    "decay", // the five scalars float32-rounded, as tfjs's optimizer has them (rmspropScalars)
    "oneMinusDecay",
    "momentum",
    "learningRate",
    "epsilon",
  ],
  dropoutMask: [
    "out",
    "n",
    "threshold", // 0..65536: a 16-bit draw below it drops the element
    "keep", // the value of kept elements, 1 / (1 - rate)
    "seed", // int32, non-zero
  ],
  softmax: ["x", "out", "rows", "cols"],
  argMinMax: [
    "x",
    "out", // int32
    "outer",
    "reduced",
    "inner",
    "min", // 0 arg-max, 1 arg-min
  ],
  select: [
    "condition", // bool
    "t",
    "e",
    "out", // 4-byte elements, copied as bits
    "n",
    "perCondition", // elements per condition value (1: the condition has t's shape)
  ],
} as const satisfies Record<string, readonly Slot[]>;

/** Kinds of convolution the conv2d kernel runs. */
export const CONV_KIND = { Forward: 0, BackwardData: 1, BackwardFilter: 2 } as const;

/** What the pool2d kernel computes. */
export const POOL_MODE = { MaxForward: 0, MaxBackward: 1 } as const;

/** Activations fused into conv2d and matmul, by tfjs's names for them. */
export const ACTIVATION = { linear: 0, relu: 1, relu6: 2, elu: 3, leakyrelu: 4, sigmoid: 5 } as const;

/** Binary ops, by tfjs kernel name (LogicalAnd and LogicalOr take bool inputs; the comparisons give bool). */
export const BINARY_OP = {
  Add: 0,
  Sub: 1,
  Multiply: 2,
  RealDiv: 3,
  Maximum: 4,
  Minimum: 5,
  SquaredDifference: 6,
  Greater: 7,
  GreaterEqual: 8,
  Less: 9,
  LessEqual: 10,
  Equal: 11,
  NotEqual: 12,
  LogicalAnd: 13,
  LogicalOr: 14,
} as const;

/** Unary ops, by tfjs kernel name, plus BoolToFloat (Cast from bool). */
export const UNARY_OP = {
  Relu: 0,
  Relu6: 1,
  Step: 2,
  Sqrt: 3,
  Rsqrt: 4,
  Square: 5,
  Exp: 6,
  Log: 7,
  Neg: 8,
  Abs: 9,
  Reciprocal: 10,
  LeakyRelu: 11,
  ClipByValue: 12,
  BoolToFloat: 13,
} as const;

/** Reductions, by tfjs kernel name. */
export const REDUCE_OP = { Sum: 0, Mean: 1, Max: 2, Min: 3 } as const;

/** The op-code tables the header carries, under the C++ namespace each becomes. */
export const CODES = {
  conv_kind: CONV_KIND,
  pool_mode: POOL_MODE,
  activation: ACTIVATION,
  binary_op: BINARY_OP,
  unary_op: UNARY_OP,
  reduce_op: REDUCE_OP,
} as const;

/** Name of an addon kernel (also the name the addon exports it under). */
export type KernelName = keyof typeof LAYOUTS;

type SlotName<S> = S extends readonly [infer N, number] ? N : S;

/** The values a kernel's layout asks for, by name: numbers, and arrays for `[name, n]` slots. */
export type ParamValues<K extends KernelName> = {
  [S in (typeof LAYOUTS)[K][number] as SlotName<S> & string]: S extends readonly [string, number]
    ? readonly number[]
    : number;
};

/** Slots of the shared block: slot 0 holds the count, so a layout can have up to PARAM_BLOCK_SLOTS - 1 values. */
export const PARAM_BLOCK_SLOTS = 128;

/** Where one named value of a layout goes: its first slot and, for arrays, how many slots it has (0 for a number). */
export interface PlacedSlot {
  name: string;
  at: number;
  length: number;
}

/** A layout placed in the block: its slots from slot 1 on, and how many slots it fills. */
export interface PlacedLayout {
  slots: PlacedSlot[];
  count: number;
}

function place(layout: readonly Slot[]): PlacedLayout {
  const slots: PlacedSlot[] = [];
  let at = 1;
  for (const slot of layout) {
    const [name, length] = typeof slot === "string" ? [slot, 0] : slot;
    slots.push({ name, at, length });
    at += Math.max(length, 1);
  }
  return { slots, count: at - 1 };
}

/** Every kernel's layout, placed. */
export const PLACED: { readonly [K in KernelName]: PlacedLayout } = Object.fromEntries(
  Object.entries(LAYOUTS).map(([kernel, layout]) => [kernel, place(layout)]),
) as { [K in KernelName]: PlacedLayout };

type Writer = (block: Float64Array, values: unknown) => void;

function tooLong(kernel: string, name: string, got: number, slots: number): never {
  throw new Error(`onednn ${kernel}: ${name} has ${got} values, the layout has ${slots} slots`);
}

/**
 * A writer for one layout, generated from it once: plain stores with fixed property names and slot numbers, because
 * the small native kernels run thousands of times per epoch and a loop over the layout with computed property names
 * cost about 0.5 µs a call. A missing number is stored as undefined, which a Float64Array turns into NaN: unwritten.
 */
function compileWriter(kernel: string, { slots, count }: PlacedLayout): Writer {
  const lines = [`block[0] = ${count};`];
  for (const { name, at, length } of slots) {
    if (!/^[A-Za-z]\w*$/.test(name)) throw new Error(`onednn ${kernel}: parameter name ${name} is not an identifier`);
    if (length === 0) {
      lines.push(`block[${at}] = values.${name};`);
      continue;
    }
    lines.push(
      `{ const list = values.${name}; const n = list.length;`,
      `  if (n > ${length}) tooLong("${kernel}", "${name}", n, ${length});`,
      `  for (let i = 0; i < n; i++) block[${at} + i] = list[i];`,
      `  if (n < ${length}) block.fill(NaN, ${at} + n, ${at + length}); }`,
    );
  }
  return new Function("tooLong", `return function write_${kernel}(block, values) {\n${lines.join("\n")}\n};`)(
    tooLong,
  ) as Writer;
}

const WRITERS = Object.fromEntries(
  Object.entries(PLACED).map(([kernel, placed]) => [kernel, compileWriter(kernel, placed)]),
) as { [K in KernelName]: Writer };

/**
 * Writes one call's parameters: the layout's slot count in slot 0, then `values` in layout order. Every slot of the
 * layout is written, with NaN ("not written") where a value or an array entry is missing, so no slot keeps an earlier
 * call's value; the addon reads no slot past its layout.
 * @throws Error when an array is longer than its slots (a caller bug)
 */
export function writeParams<K extends KernelName>(block: Float64Array, kernel: K, values: ParamValues<K>): void {
  WRITERS[kernel](block, values);
}

/** The name of the value in slot `index` of a kernel's layout (e.g. for an error from the addon), or undefined. */
export function slotName(kernel: KernelName, index: number): string | undefined {
  const slot = PLACED[kernel].slots.find((s) => index >= s.at && index < s.at + Math.max(s.length, 1));
  if (!slot) return undefined;
  return slot.length === 0 ? slot.name : `${slot.name}[${index - slot.at}]`;
}
