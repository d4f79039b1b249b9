/**
 * Classifies preprocessed images with a model in one batch, as the web page does.
 */
import * as tf from "@tensorflow/tfjs";
import { IMAGE_PIXELS, NUM_CLASSES } from "../data/classes";

/**
 * Runs a model on preprocessed images (784 values in 0..1 each) in one batch and returns one row of ten
 * probabilities per image. The web page and the lessons both call this, so they feed the model the same way.
 */
export function classifyInputs(model: tf.LayersModel, inputs: readonly Float32Array[]): Float32Array[] {
  const shape = model.inputs[0].shape.slice(1) as number[];
  const flat = new Float32Array(inputs.length * IMAGE_PIXELS);
  inputs.forEach((input, i) => flat.set(input, i * IMAGE_PIXELS));
  const output = tf.tidy(() => model.predict(tf.tensor(flat, [inputs.length, ...shape])) as tf.Tensor);
  const values = output.dataSync() as Float32Array;
  output.dispose();
  return inputs.map((_, i) => values.slice(i * NUM_CLASSES, (i + 1) * NUM_CLASSES));
}
