/**
 * Looking inside a trained model as plain numbers: the names of its layers of a kind, convolution filters, and feature
 * maps of one image.
 */
import * as tf from "@tensorflow/tfjs";
import { IMAGE_PIXELS, IMAGE_SIZE } from "../data/classes";
import { UserError } from "../util/errors";

/** The output of one layer for one image: a `height × width` map per channel, as plain numbers. */
export interface LayerMaps {
  layer: string;
  height: number;
  width: number;
  /** One row-major map per channel (filter). */
  maps: Float32Array[];
}

function layerNamed(model: tf.LayersModel, name: string): tf.layers.Layer {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer)
    throw new UserError(
      `Model "${model.name}" has no layer "${name}". Its layers: ${model.layers.map((l) => l.name).join(", ")}.`,
    );
  return layer;
}

/** Names of a model's layers of one kind, in order: `layerNamesOf(model, "Conv2D")`. */
export function layerNamesOf(model: tf.LayersModel, className: string): string[] {
  return model.layers.filter((l) => l.getClassName() === className).map((l) => l.name);
}

/**
 * The filters a convolution layer learned, one `kh × kw` array per filter, for one input channel (default 0; the
 * first layer of a grayscale model has only that one).
 *
 * @throws UserError when the layer is not a 2-D convolution or has no such input channel
 */
export function convFilters(
  model: tf.LayersModel,
  layerName: string,
  inputChannel = 0,
): { height: number; width: number; filters: Float32Array[] } {
  const layer = layerNamed(model, layerName);
  if (layer.getClassName() !== "Conv2D")
    throw new UserError(`Layer "${layerName}" is a ${layer.getClassName()}, not a Conv2D.`);
  const kernel = layer.getWeights()[0];
  const [height, width, inputs, outputs] = kernel.shape;
  if (!Number.isInteger(inputChannel) || inputChannel < 0 || inputChannel >= inputs) {
    throw new UserError(`Layer "${layerName}" has input channels 0..${inputs - 1}; got ${inputChannel}.`);
  }
  const values = kernel.dataSync();
  const filters = Array.from({ length: outputs }, (_, f) => {
    const filter = new Float32Array(height * width);
    for (let p = 0; p < height * width; p++) filter[p] = values[(p * inputs + inputChannel) * outputs + f];
    return filter;
  });
  return { height, width, filters };
}

/**
 * What the given layers output for one 28×28 image (pixels 0–255, divided by `divisor` as in training): the
 * feature maps of each channel, to see what a convolution or a pooling layer does to the picture.
 *
 * @throws UserError for an unknown layer, a layer whose output is not a stack of maps, or an image that is not 784 pixels
 */
export function featureMaps(
  model: tf.LayersModel,
  image: ArrayLike<number>,
  layerNames: string[],
  divisor = 255,
): LayerMaps[] {
  if (image.length !== IMAGE_PIXELS)
    throw new UserError(`featureMaps takes one 28×28 image (784 pixels), got ${image.length} values.`);
  const layers = layerNames.map((name) => layerNamed(model, name));
  for (const layer of layers) {
    if ((layer.outputShape as number[]).length !== 4) {
      throw new UserError(
        `Layer "${layer.name}" outputs shape [${layer.outputShape}], not a stack of maps [batch, height, width, channels].`,
      );
    }
  }
  const probe = tf.model({ inputs: model.inputs, outputs: layers.map((l) => l.output as tf.SymbolicTensor) });
  const outputs = tf.tidy(() => {
    const x = tf.tensor4d(
      Float32Array.from(image, (v) => v / divisor),
      [1, IMAGE_SIZE, IMAGE_SIZE, 1],
    );
    return ([] as tf.Tensor[]).concat(probe.predict(x) as tf.Tensor | tf.Tensor[]);
  });
  const result = outputs.map((out, i) => {
    const [, height, width, channels] = out.shape;
    const values = out.dataSync();
    const maps = Array.from({ length: channels }, (_, c) => {
      const map = new Float32Array(height * width);
      for (let p = 0; p < height * width; p++) map[p] = values[p * channels + c];
      return map;
    });
    return { layer: layers[i].name, height, width, maps };
  });
  tf.dispose(outputs);
  return result;
}
