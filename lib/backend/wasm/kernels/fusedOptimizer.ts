/**
 * What the library's fused optimizer updates (./adam.ts, ./rmsprop.ts) share: patching a tfjs optimizer class so
 * that, while 'wasm' is the active backend and the fused kernel is registered, each variable is updated by one
 * kernel call instead of tfjs's ~10 small ops, and the rule for which variables the fused kernel serves.
 */
import * as tf from "@tensorflow/tfjs";

type NamedTensor = { name: string; tensor: tf.Tensor };

/** A tfjs optimizer's slot: a state variable per trained variable, named as tfjs names it (getWeights relies on it). */
export type Slot = { originalName: string; variable: tf.Variable };

/** A zero-filled slot variable for `value`, created as tfjs's optimizers create theirs. */
export function zeroSlot(value: tf.Variable, originalName: string): Slot {
  return { originalName, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
}

/**
 * Variables with at least this many elements keep tfjs's op sequence on plain wasm (XNNPACK's vectorised
 * elementwise ops beat the kernel's one scalar JavaScript pass), unless the kernel is served natively.
 */
const LARGE_VARIABLE = 65536;

/** How one optimizer class is fused. */
export interface FusedUpdate<T> {
  /** The fused kernel's name (registered for 'wasm'). */
  kernel: string;
  /** True when this optimizer instance must keep tfjs's own update (e.g. centered RMSprop). */
  keepOriginal?: (optimizer: T) => boolean;
  /** Creates the optimizer's slots of variable `index` where missing (before its gradient is looked at, as tfjs does). */
  ensureSlots: (optimizer: T, value: tf.Variable, index: number, name: string) => void;
  /** Updates one variable: through the kernel when `fused`, else with tfjs's formula in tfjs's ops. */
  update: (optimizer: T, value: tf.Variable, gradient: tf.Tensor, index: number, fused: boolean) => void;
  /** Runs once after every variable, inside the same tidy (e.g. Adam's powers of β). */
  afterVariables?: (optimizer: T) => void;
}

/** The optimizer prototype members the patch replaces and calls. */
interface OptimizerLike {
  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void;
  incrementIterations(): void;
}

/**
 * Replaces `prototype.applyGradients` with one that updates each variable through `fused` while the active backend
 * is 'wasm' and the kernel is registered (small variables always, large ones when `allSizes()` says the kernel is
 * native), and calls tfjs's original everywhere else. Returns nothing; patch each class once.
 */
export function patchApplyGradients<T extends OptimizerLike>(
  prototype: object,
  fused: FusedUpdate<T>,
  allSizes: () => boolean,
): void {
  const proto = prototype as OptimizerLike;
  const original = proto.applyGradients;
  proto.applyGradients = function (this: T, variableGradients: tf.NamedTensorMap | NamedTensor[]) {
    if (fused.keepOriginal?.(this) || tf.getBackend() !== "wasm" || tf.getKernel(fused.kernel, "wasm") == null) {
      return original.call(this, variableGradients);
    }
    const list = Array.isArray(variableGradients) ? variableGradients : undefined;
    const map = list ? undefined : (variableGradients as tf.NamedTensorMap);
    const names = list ? list.map((v) => v.name) : Object.keys(map!);
    const registered = tf.engine().registeredVariables;
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = registered[name];
        fused.ensureSlots(this, value, i, name);
        const gradient = list ? list[i].tensor : map![name];
        if (gradient == null) return;
        fused.update(this, value, gradient, i, value.size < LARGE_VARIABLE || allSizes());
      });
      fused.afterVariables?.(this);
    });
    this.incrementIterations();
  };
}
