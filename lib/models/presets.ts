/**
 * The walkthroughs' models as named presets, built with seeded weights and compiled, with their exact parameter
 * counts.
 */
import * as tf from "@tensorflow/tfjs";
import { IMAGE_PIXELS, IMAGE_SIZE, NUM_CLASSES } from "../data/classes";
import { Layout } from "../data/tensors";
import { UserError } from "../util/errors";

/** Optimizers the presets can use. */
export type OptimizerName = "adam" | "rmsprop" | "sgd";

/** Options where the source walkthroughs vary a model. Unknown keys are rejected. */
export interface PresetOptions {
  /** Seed for the initial weights (same seed, same weights). Default 0. */
  seed?: number;
  /** Optimizer; default: the one the walkthrough uses. */
  optimizer?: OptimizerName;
  /** Learning rate; default 0.001 (Keras' default for Adam and RMSprop; 0.01 for SGD). */
  learningRate?: number;
  /** Keep the dropout layers (default true); false removes them, for ablations. */
  dropout?: boolean;
  /** BatchNorm after each convolution (VGG only; default: true for `vgg11-bn`, false for `vgg11`). */
  batchNorm?: boolean;
  /** Biases in the convolutions (default true); false drops them, as BatchNorm's shift makes them redundant. */
  convBias?: boolean;
  /**
   * Draw every convolution and dense kernel from N(0, initStddev²) instead of the default seeded Glorot-uniform
   * (0.01 is the original VGG paper's choice); to test how much a model cares about its initial scale.
   */
  initStddev?: number;
  /** VGG width divisor: channels are 64/d, 128/d, ... (default 4). */
  widthDivisor?: number;
  /** Compile the model with its optimizer, loss and accuracy metric (default true). */
  compile?: boolean;
  /** `cnn-deep` only: 2 or 3 convolution + pooling blocks (default 3; the TensorFlow tutorial it grew from had 2). */
  convBlocks?: number;
  /** `cnn-deep` only: keep the two 0.25 dropouts after the 2nd and 3rd blocks (default true); the dense 0.4 dropout stays. */
  blockDropout?: boolean;
}

const OPTION_KEYS: (keyof PresetOptions)[] = [
  "seed",
  "optimizer",
  "learningRate",
  "dropout",
  "batchNorm",
  "convBias",
  "initStddev",
  "widthDivisor",
  "compile",
  "convBlocks",
  "blockDropout",
];

/** What a preset is and how the course trains it. */
export interface PresetInfo {
  name: string;
  /** The walkthrough the preset reproduces (its number, as the lessons cite it), in words. */
  source: string;
  description: string;
  /** Batch size of the walkthrough (and of the PyTorch anchor). */
  batchSize: number;
  optimizer: OptimizerName;
  /** How the data must be laid out for this model. */
  layout: Layout;
  /** Total parameters in tfjs's count (BatchNorm's moving statistics included). */
  params: number;
  /** Trainable parameters (what PyTorch prints). */
  trainableParams: number;
}

type Builder = (o: Required<PresetOptions>) => tf.LayersModel;

interface PresetDefinition {
  source: string;
  description: string;
  batchSize: number;
  optimizer: OptimizerName;
  layout: Layout;
  build: Builder;
  defaults?: Partial<PresetOptions>;
}

/** A seeded initializer (Glorot-uniform unless `initStddev` asks for a normal one), a different stream for each layer. */
function initializer(o: Required<PresetOptions>, layerIndex: number): ReturnType<typeof tf.initializers.glorotUniform> {
  const seed = o.seed * 1000 + layerIndex;
  return o.initStddev > 0
    ? tf.initializers.randomNormal({ mean: 0, stddev: o.initStddev, seed })
    : tf.initializers.glorotUniform({ seed });
}

function dense(
  o: Required<PresetOptions>,
  index: number,
  units: number,
  activation?: "relu" | "softmax",
  extra: object = {},
) {
  return tf.layers.dense({ units, activation, kernelInitializer: initializer(o, index), ...extra });
}

function conv(
  o: Required<PresetOptions>,
  index: number,
  filters: number,
  kernelSize: number,
  padding: "same" | "valid",
  extra: object = {},
) {
  return tf.layers.conv2d({
    filters,
    kernelSize,
    padding,
    activation: "relu",
    useBias: o.convBias,
    kernelInitializer: initializer(o, index),
    ...extra,
  });
}

const IMAGE_INPUT = [IMAGE_SIZE, IMAGE_SIZE, 1];

const DEFINITIONS: Record<string, PresetDefinition> = {
  mlp: {
    source: "004 basic classification (TensorFlow 2 tutorial)",
    description: "Flatten → Dense 128 relu → Dense 10 softmax",
    batchSize: 32,
    optimizer: "adam",
    layout: "image",
    build: (o) =>
      tf.sequential({
        name: "mlp",
        layers: [
          tf.layers.flatten({ inputShape: IMAGE_INPUT }),
          dense(o, 1, 128, "relu"),
          dense(o, 2, NUM_CLASSES, "softmax"),
        ],
      }),
  },
  "mlp-deep": {
    source: "000 Keras Sequential API",
    description: "Dense 784 → 100 → 100 relu → 10 softmax on flat 784 inputs",
    batchSize: 32,
    optimizer: "rmsprop",
    layout: "flat",
    build: (o) =>
      tf.sequential({
        name: "mlp_deep",
        layers: [
          dense(o, 1, 784, "relu", { inputShape: [IMAGE_PIXELS] }),
          dense(o, 2, 100, "relu"),
          dense(o, 3, 100, "relu"),
          dense(o, 4, NUM_CLASSES, "softmax"),
        ],
      }),
  },
  "mlp-functional": {
    source: "000 Keras functional API",
    description: "Input 784 → Dense 100 → 100 relu → 10 softmax, built as a graph of layers",
    batchSize: 32,
    optimizer: "rmsprop",
    layout: "flat",
    build: (o) => {
      const inputs = tf.input({ shape: [IMAGE_PIXELS] });
      const h1 = dense(o, 1, 100, "relu").apply(inputs) as tf.SymbolicTensor;
      const h2 = dense(o, 2, 100, "relu").apply(h1) as tf.SymbolicTensor;
      const outputs = dense(o, 3, NUM_CLASSES, "softmax").apply(h2) as tf.SymbolicTensor;
      return tf.model({ inputs, outputs, name: "mlp_functional" });
    },
  },
  "cnn-simple": {
    source: "003 the new ABCD of machine learning (Keras CNN)",
    description: "Conv 64 3x3 valid relu → MaxPool 2 → Flatten → Dense 128 relu → Dense 10 softmax",
    batchSize: 32,
    optimizer: "adam",
    layout: "image",
    build: (o) =>
      tf.sequential({
        name: "cnn_simple",
        layers: [
          conv(o, 1, 64, 3, "valid", { inputShape: IMAGE_INPUT }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          dense(o, 2, 128, "relu"),
          dense(o, 3, NUM_CLASSES, "softmax"),
        ],
      }),
  },
  "cnn-deep": {
    source: "001 TensorFlow estimator CNN",
    description:
      "Conv 32/64/128 5x5 same relu, each + MaxPool 2, dropout .25 after the 2nd and 3rd, Dense 1024 relu, dropout .4, Dense 10",
    batchSize: 100,
    optimizer: "adam",
    layout: "image",
    build: (o) => {
      if (o.convBlocks !== 2 && o.convBlocks !== 3)
        throw new UserError(`convBlocks must be 2 or 3, got ${o.convBlocks}.`);
      const blockDropout = () => (o.blockDropout ? dropout(o, 0.25) : []);
      const layers: tf.layers.Layer[] = [
        conv(o, 1, 32, 5, "same", { inputShape: IMAGE_INPUT }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        conv(o, 2, 64, 5, "same"),
        tf.layers.maxPooling2d({ poolSize: 2 }),
      ];
      if (o.convBlocks === 3) {
        layers.push(
          ...blockDropout(),
          conv(o, 3, 128, 5, "same"),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          ...blockDropout(),
        );
      }
      layers.push(
        tf.layers.flatten(),
        dense(o, 4, 1024, "relu"),
        ...dropout(o, 0.4),
        dense(o, 5, NUM_CLASSES, "softmax"),
      );
      return tf.sequential({ name: "cnn_deep", layers });
    },
  },
  vgg11: {
    source: "002 VGG-11 (channels divided by the width divisor, no batch norm)",
    description:
      "VGG-11 pattern 64,M,128,M,256,256,M,512,512,M,512,512,M ÷ width divisor, on 28x28 zero-padded to 32x32",
    batchSize: 128,
    optimizer: "adam",
    layout: "image",
    build: (o) => vgg11(o),
    defaults: { batchNorm: false },
  },
  "vgg11-bn": {
    source: "002 VGG-11 with batch normalisation",
    description: "VGG-11 pattern with BatchNorm after every convolution, on 28x28 zero-padded to 32x32",
    batchSize: 128,
    optimizer: "adam",
    layout: "image",
    build: (o) => vgg11(o),
    defaults: { batchNorm: true },
  },
};

function dropout(o: Required<PresetOptions>, rate: number): tf.layers.Layer[] {
  return o.dropout ? [tf.layers.dropout({ rate })] : [];
}

/** The VGG-11 configuration: channel counts, "M" for a 2x2 max-pool. */
export const VGG11_PATTERN: (number | "M")[] = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"];

function vgg11(o: Required<PresetOptions>): tf.LayersModel {
  const d = o.widthDivisor;
  if (!Number.isInteger(d) || d < 1 || 64 % d !== 0) {
    throw new UserError(`widthDivisor must be a whole number that divides 64 (1, 2, 4, 8, ...), got ${d}.`);
  }
  const layers: tf.layers.Layer[] = [tf.layers.zeroPadding2d({ padding: 2, inputShape: IMAGE_INPUT })];
  let index = 0;
  for (const step of VGG11_PATTERN) {
    if (step === "M") {
      layers.push(tf.layers.maxPooling2d({ poolSize: 2 }));
      continue;
    }
    index++;
    if (o.batchNorm) {
      layers.push(conv(o, index, step / d, 3, "same", { activation: "linear" }));
      // momentum 0.9 as in PyTorch (its momentum=0.1): Keras' 0.99 keeps 8% of the initial mean 0 and variance 1 in the
      // test-time averages after 250 steps, which ruins validation and test accuracy in short runs
      layers.push(tf.layers.batchNormalization({ axis: -1, momentum: 0.9 }));
      layers.push(tf.layers.reLU());
    } else {
      layers.push(conv(o, index, step / d, 3, "same"));
    }
  }
  layers.push(tf.layers.flatten());
  layers.push(dense(o, 20, 256, "relu"), ...dropout(o, 0.5), dense(o, 21, 256, "relu"), ...dropout(o, 0.5));
  layers.push(dense(o, 22, NUM_CLASSES, "softmax"));
  return tf.sequential({ name: o.batchNorm ? "vgg11_bn" : "vgg11", layers });
}

/** Names of all presets. */
export const PRESET_NAMES: string[] = Object.keys(DEFINITIONS);

function definition(name: string): PresetDefinition {
  const found = DEFINITIONS[name];
  if (!found) throw new UserError(`Unknown preset "${name}". Choose one of: ${PRESET_NAMES.join(", ")}.`);
  return found;
}

function resolveOptions(name: string, options: PresetOptions): Required<PresetOptions> {
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.includes(k as keyof PresetOptions));
  if (unknown.length > 0) {
    throw new UserError(`Unknown preset option(s) ${unknown.join(", ")}. Valid options: ${OPTION_KEYS.join(", ")}.`);
  }
  const def = definition(name);
  const optimizer = options.optimizer ?? def.optimizer;
  if (!["adam", "rmsprop", "sgd"].includes(optimizer)) {
    throw new UserError(`Unknown optimizer "${optimizer}". Choose adam, rmsprop or sgd.`);
  }
  const learningRate = options.learningRate ?? (optimizer === "sgd" ? 0.01 : 0.001);
  if (!(learningRate > 0)) throw new UserError(`learningRate must be positive, got ${learningRate}.`);
  if (options.initStddev !== undefined && !(options.initStddev > 0))
    throw new UserError(`initStddev must be positive, got ${options.initStddev}.`);
  return {
    seed: options.seed ?? 0,
    optimizer,
    learningRate,
    dropout: options.dropout ?? true,
    batchNorm: options.batchNorm ?? def.defaults?.batchNorm ?? false,
    convBias: options.convBias ?? true,
    initStddev: options.initStddev ?? 0,
    widthDivisor: options.widthDivisor ?? 4,
    compile: options.compile ?? true,
    convBlocks: options.convBlocks ?? 3,
    blockDropout: options.blockDropout ?? true,
  };
}

/**
 * Makes an optimizer the way Keras configures it by default (RMSprop: rho 0.9, epsilon 1e-7).
 */
export function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case "adam":
      return tf.train.adam(learningRate);
    case "rmsprop":
      return tf.train.rmsprop(learningRate, 0.9, 0, 1e-7);
    case "sgd":
      return tf.train.sgd(learningRate);
  }
}

/**
 * Builds a preset model, compiled with its optimizer, categorical cross-entropy and accuracy
 * (unless `compile: false`). Same seed, same initial weights. The presets and the walkthroughs they reproduce:
 *
 * | name | walkthrough | params (trainable) |
 * |---|---|---|
 * | `mlp` | 004 basic classification: Flatten → Dense 128 → Dense 10, adam, batch 32 | 101,770 |
 * | `mlp-deep` | 000 Keras Sequential API: 784 → 784 → 100 → 100 → 10, RMSprop, batch 32 | 705,050 |
 * | `mlp-functional` | 000 Keras functional API: 784 → 100 → 100 → 10, RMSprop | 89,610 |
 * | `cnn-simple` | 003 Keras CNN: Conv 64 3x3 → MaxPool → Dense 128 → Dense 10, adam, batch 32 (the source prints 1,366,506) | 1,386,506 |
 * | `cnn-deep` | 001 estimator CNN: Conv 32/64/128 5x5 + pools, dropout, Dense 1024, adam, batch 100 | 1,447,946 |
 * | `cnn-deep`, `convBlocks: 2` | the TensorFlow tutorial 001 started from: two blocks, Dense 1024 on 7x7x64 | 3,274,634 |
 * | `vgg11` / `vgg11-bn` | 002 VGG-11 ÷ width divisor 4 on 32x32, with or without BatchNorm, adam, batch 128 | 678,218 / 680,970 (679,594) |
 *
 * @throws UserError for an unknown preset name or option, listing the valid ones
 */
export function createPreset(name: string, options: PresetOptions = {}): tf.LayersModel {
  const o = resolveOptions(name, options);
  const model = definition(name).build(o);
  if (o.compile) {
    model.compile({
      optimizer: makeOptimizer(o.optimizer, o.learningRate),
      loss: "categoricalCrossentropy",
      metrics: ["accuracy"],
    });
  }
  return model;
}

/** Parameter counts of a model: total (tfjs's count) and trainable (PyTorch's count). */
export function countParams(model: tf.LayersModel): { params: number; trainableParams: number } {
  const size = (weights: tf.LayerVariable[]) =>
    weights.reduce((sum, w) => sum + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
  return { params: model.countParams(), trainableParams: size(model.trainableWeights) };
}

/**
 * Describes a preset: source walkthrough, batch size, optimizer, data layout and parameter counts.
 * Builds the model once to count, then frees it.
 */
export function presetInfo(name: string, options: PresetOptions = {}): PresetInfo {
  const def = definition(name);
  const model = createPreset(name, { ...options, compile: false });
  const counts = countParams(model);
  model.dispose();
  const o = resolveOptions(name, options);
  return {
    name,
    source: def.source,
    description: def.description,
    batchSize: def.batchSize,
    optimizer: o.optimizer,
    layout: def.layout,
    ...counts,
  };
}
