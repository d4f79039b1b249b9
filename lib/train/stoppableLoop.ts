/**
 * Loops over batches that stop at a batch boundary on an interrupt (Jupyter's stop button, Ctrl-C), for work that
 * is not `fm.train`: evaluating, predicting, timing training steps.
 */
import { Interrupted, watchInterrupts } from "../util/interrupt";

/** Lets the event loop turn, so that a pending interrupt (a signal) is delivered before the next batch. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `step(0)`, ..., `step(count - 1)` in order, letting the event loop turn after each, and stops before the
 * next step once an interrupt arrived. Each step should leave no tensors behind (it disposes what it made).
 *
 * @param what - names the work in the error, e.g. "Evaluation"
 * @throws Interrupted saying after which batch `what` stopped (`.partial` is the number of batches done)
 */
export async function runStoppableBatches(
  what: string,
  count: number,
  step: (index: number) => void | Promise<void>,
): Promise<void> {
  const watch = watchInterrupts();
  try {
    for (let index = 0; index < count; index++) {
      if (watch.requested) {
        throw new Interrupted(`${what} stopped by you after batch ${index} of ${count}; nothing was returned.`, index);
      }
      await step(index);
      await nextTurn();
    }
  } finally {
    watch.end();
  }
}
