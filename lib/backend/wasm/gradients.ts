/**
 * Gradients of Mean and Sum that broadcast instead of multiplying by a ones tensor: the one copy, used by the
 * library's wasm set-up (initWasm) and by installOnednn.
 *
 * tfjs builds those gradients as dy × ones(x.shape), and `ones` is filled element by element in
 * JavaScript and then copied into the backend: for batch-norm statistics (Means over whole
 * activations) that costs several milliseconds per layer on wasm, about 40 ms of a 100 ms vgg11-bn step.
 * Broadcasting the (reshaped) dy with the Tile kernel gives the same values — multiplying by one is
 * exact, and Mean's single division by the element count is done on dy before broadcasting.
 * tfjs keeps one gradient per kernel name, so the replacement applies to every backend.
 */
import * as tf from "@tensorflow/tfjs";

type GradConfig = NonNullable<ReturnType<typeof tf.getGradient>>;

/** dy with the reduced axes restored as size 1, broadcast to `shape`, as float32 (what tfjs returns). */
function broadcastBack(dy: tf.Tensor, shape: number[], axis: number | number[]): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis, shape);
  const keptShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return tf.cast(tf.broadcastTo(tf.reshape(dy, keptShape), shape), "float32");
}

const meanGradient: GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const axis = (attrs as { axis: number | number[] }).axis;
    const count = tf.util.parseAxisParam(axis, x.shape).reduce((n, a) => n * x.shape[a], 1);
    return { x: () => broadcastBack(tf.div(dy as tf.Tensor, count), x.shape, axis) };
  },
};

const sumGradient: GradConfig = {
  kernelName: tf.Sum,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    return { x: () => broadcastBack(dy as tf.Tensor, x.shape, (attrs as { axis: number | number[] }).axis) };
  },
};

const BROADCASTING = [meanGradient, sumGradient];

/** tfjs's own gradients for the kernels above, captured before the first replacement. */
const tfjsOwn = new Map<string, GradConfig | undefined>();

/**
 * Registers the broadcasting Mean and Sum gradients. Idempotent.
 * @returns the kernel names whose gradients are now the broadcasting ones
 */
export function installBroadcastGradients(): string[] {
  for (const config of BROADCASTING) {
    const current = tf.getGradient(config.kernelName);
    if (current === config) continue;
    if (!tfjsOwn.has(config.kernelName)) tfjsOwn.set(config.kernelName, current);
    tf.registerGradient(config);
  }
  return BROADCASTING.map((c) => c.kernelName);
}

/** Puts tfjs's own Mean and Sum gradients back (nothing to do when they were never replaced). */
export function uninstallBroadcastGradients(): void {
  for (const [name, original] of tfjsOwn) {
    if (original && tf.getGradient(name) !== original) tf.registerGradient(original);
  }
}

/** Whether the broadcasting gradients are the registered ones right now. */
export function broadcastGradientsInstalled(): boolean {
  return BROADCASTING.every((c) => tf.getGradient(c.kernelName) === c);
}
