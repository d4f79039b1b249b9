/**
 * Keras' RMSprop update rule as a tfjs optimizer, so a lesson can reproduce a Keras walkthrough's training.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * RMSprop as Keras' own Python code writes it: `ms ← rho·ms + (1 − rho)·g²`, then `w ← w − lr·g / (√ms + ε)`,
 * with ε outside the square root (tfjs, like TensorFlow's fused kernel, uses `√(ms + ε)`). No momentum, not
 * centred. At the first step `ms = (1 − rho)·g²`, so every weight with a non-zero gradient moves by about
 * `lr / √(1 − rho)` (3.16·lr for rho 0.9) whatever the size of its gradient.
 *
 * @example model.compile({ optimizer: new KerasRMSprop(0.001), loss: "sparseCategoricalCrossentropy" })
 */
export class KerasRMSprop extends tf.Optimizer {
  static className = "KerasRMSprop";
  private readonly meanSquares = new Map<string, tf.Variable>();

  /** Defaults are Keras': rho 0.9, epsilon 1e-7. */
  constructor(
    readonly learningRate: number,
    readonly rho = 0.9,
    readonly epsilon = 1e-7,
  ) {
    super();
  }

  applyGradients(gradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const list = Array.isArray(gradients)
      ? gradients
      : Object.keys(gradients).map((name) => ({ name, tensor: gradients[name] }));
    for (const { name, tensor: gradient } of list) {
      const variable = tf.engine().registeredVariables[name];
      let meanSquare = this.meanSquares.get(name);
      if (meanSquare === undefined) {
        meanSquare = tf.tidy(() => tf.zerosLike(variable).variable(false));
        this.meanSquares.set(name, meanSquare);
      }
      const ms = meanSquare;
      tf.tidy(() => {
        const updated = ms.mul(this.rho).add(gradient.square().mul(1 - this.rho));
        ms.assign(updated);
        variable.assign(variable.sub(gradient.mul(this.learningRate).div(updated.sqrt().add(this.epsilon))));
      });
    }
    this.incrementIterations();
  }

  dispose(): void {
    super.dispose();
    this.meanSquares.forEach((v) => v.dispose());
    this.meanSquares.clear();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }
}
