/**
 * A tfjs 4.22 leak, closed on import: `MomentumOptimizer.dispose()` frees its momentum scalar and accumulators but not
 * the learning-rate scalar that its parent `SGDOptimizer` keeps (and `SGDOptimizer.dispose()` frees), so every
 * disposed `tf.train.momentum(...)` optimizer (lesson 08's SGD with Nesterov momentum) left one tensor behind.
 */
import * as tf from "@tensorflow/tfjs";

/** Marks the patched prototype, so that a second copy of this module patches nothing. */
const PATCHED = Symbol.for("fmnist.momentumDisposeFreesRate");

/** Makes `MomentumOptimizer.dispose` also free the learning-rate scalar; once per tfjs instance. */
function patchMomentumDispose(): void {
  const prototype = tf.MomentumOptimizer.prototype as unknown as {
    dispose(): void;
    c?: tf.Tensor;
    [PATCHED]?: true;
  };
  if (prototype[PATCHED]) return;
  const disposeMomentum = prototype.dispose;
  prototype.dispose = function (this: typeof prototype) {
    disposeMomentum.call(this);
    if (this.c && !this.c.isDisposed) this.c.dispose();
  };
  prototype[PATCHED] = true;
}

patchMomentumDispose();
