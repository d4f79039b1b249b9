/**
 * VGG-11 as built for ImageNet (224 × 224 colour photos, 1,000 classes), to count its parameters and time its steps.
 */
import * as tf from "@tensorflow/tfjs";
import { UserError } from "../util/errors";
import { VGG11_PATTERN } from "./presets";

/** Options for {@link createOriginalVgg11}. */
export interface OriginalVggOptions {
  /** Side of the square input images (default 224, ImageNet's crop); a multiple of 32, the five pools' reduction. */
  inputSize?: number;
  /** Colour channels of the input (default 3). */
  channels?: number;
  /** Output classes (default 1000, ImageNet's). */
  classes?: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

/**
 * VGG-11 at full width as torchvision builds it (Simonyan & Zisserman's configuration "A", the model walkthrough 002
 * prints): eight 3×3 convolutions with 64 → 512 channels and five 2×2 max-pools, then Dense 4096 → 4096 → classes with
 * dropout 0.5. At 224×224 the features end at 7×7×512, so torchvision's adaptive 7×7 average pool changes nothing and is
 * left out. Not compiled. 132,863,336 parameters at the defaults; it needs about 0.5 GB for its weights alone.
 *
 * @throws UserError when the input size is not a positive multiple of 32
 */
export function createOriginalVgg11(options: OriginalVggOptions = {}): tf.LayersModel {
  const { inputSize = 224, channels = 3, classes = 1000, seed = 0 } = options;
  if (!Number.isInteger(inputSize) || inputSize < 32 || inputSize % 32 !== 0) {
    throw new UserError(
      `inputSize must be a multiple of 32 (the five max-pools halve it five times), got ${inputSize}.`,
    );
  }
  const init = (index: number) => tf.initializers.glorotUniform({ seed: seed * 1000 + index });
  const layers: tf.layers.Layer[] = [tf.layers.inputLayer({ inputShape: [inputSize, inputSize, channels] })];
  let index = 0;
  for (const step of VGG11_PATTERN) {
    if (step === "M") layers.push(tf.layers.maxPooling2d({ poolSize: 2 }));
    else
      layers.push(
        tf.layers.conv2d({
          filters: step,
          kernelSize: 3,
          padding: "same",
          activation: "relu",
          kernelInitializer: init(++index),
        }),
      );
  }
  layers.push(tf.layers.flatten());
  for (const units of [4096, 4096]) {
    layers.push(
      tf.layers.dense({ units, activation: "relu", kernelInitializer: init(++index) }),
      tf.layers.dropout({ rate: 0.5 }),
    );
  }
  layers.push(tf.layers.dense({ units: classes, activation: "softmax", kernelInitializer: init(++index) }));
  return tf.sequential({ name: "vgg11_imagenet", layers });
}
