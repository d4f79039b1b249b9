/**
 * Saving a model with its optimizer's state without the tensor tfjs leaks there: `model.save` asks the optimizer for
 * its weights, whose first entry is a fresh scalar (the iteration count) that nothing disposes.
 */
import * as tf from "@tensorflow/tfjs";

type NamedTensor = { name: string; tensor: tf.Tensor };

/**
 * Saves `model` with its optimizer's state through `handler`, then disposes the tensors the optimizer made just for
 * the save (anything it handed over that is not one of its variables).
 */
export async function saveWithOptimizer(model: tf.LayersModel, handler: tf.io.IOHandler): Promise<tf.io.SaveResult> {
  const optimizer = model.optimizer;
  const ownGetWeights = Object.prototype.hasOwnProperty.call(optimizer, "getWeights");
  const getWeights = optimizer.getWeights;
  const madeForSave: tf.Tensor[] = [];
  optimizer.getWeights = async function (this: tf.Optimizer): Promise<NamedTensor[]> {
    const weights = await getWeights.call(this);
    madeForSave.push(...weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
    return weights;
  };
  try {
    return await model.save(handler, { includeOptimizer: true });
  } finally {
    if (ownGetWeights) optimizer.getWeights = getWeights;
    else delete (optimizer as { getWeights?: unknown }).getWeights;
    tf.dispose(madeForSave);
  }
}
