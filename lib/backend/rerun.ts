/**
 * A lesson run again in the same kernel (Run All clicked a second time): the models and optimizers of the earlier
 * run are unreachable once their names are declared anew, but tfjs frees a tensor only when told, so their weights
 * would stay in memory for as long as the kernel lives, one more copy at every run. {@link selectBackend}, which
 * every lesson calls first, frees them when it runs again in a notebook.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * Disposes every tfjs variable: the weights of all models and the state of all optimizers made so far in this
 * process. Models made before it can no longer be used, so only a lesson starting over calls it.
 *
 * @returns a one-line notice of what was freed, or null when nothing was
 */
export function freeEarlierRun(): string | null {
  const before = tf.memory();
  tf.disposeVariables();
  const after = tf.memory();
  const tensors = before.numTensors - after.numTensors;
  if (tensors === 0) return null;
  const megabytes = (before.numBytes - after.numBytes) / 1e6;
  return (
    `This kernel ran the lesson before: freed the ${tensors} weight tensors (${megabytes.toFixed(1)} MB) of its ` +
    `models and optimizers. Models from that run cannot be used any more: run the cells below again.`
  );
}
