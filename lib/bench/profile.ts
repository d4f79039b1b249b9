/**
 * Profiles one training step of a preset kernel by kernel, to show where its time goes (`fmnist bench --profile-steps`).
 */
import * as tf from "@tensorflow/tfjs";
import { ImageSet } from "../data/dataset";
import { createPreset, presetInfo } from "../models/presets";
import { inputSpecOf, makeBatch } from "../train/batches";
import { train } from "../train/train";
import { seededPermutation } from "../util/random";

/** Time spent in one kind of kernel over a profiled training step. */
export interface OpTime {
  op: string;
  ms: number;
  calls: number;
}

/**
 * Where one training step of a preset spends its time (milliseconds per step, means over the profiled steps).
 * `bench --profile-steps --json` prints each with the machine's `cpu_model` and `cpu_extensions` added
 * (lib/bench/machine.ts); its table follows a line naming the machine.
 */
export interface StepProfile {
  preset: string;
  batch: number;
  /** The bench's lean step (forward, loss, backward, optimizer) timed without the profiler. */
  step_ms: number;
  /** The same step as `fm.train` runs it (tfjs-layers' `fitDataset`: callbacks, logs, awaits, batch making). */
  fit_step_ms: number;
  /** Kernel time of the forward and backward pass (native or wasm code, as the backend times each kernel). */
  forward_backward_kernel_ms: number;
  /** Kernel time of the optimizer's update of every variable. */
  optimizer_kernel_ms: number;
  /** What is left of the lean step: JavaScript around the kernels (engine dispatch, tape, tensor bookkeeping). */
  javascript_ms: number;
  /** Extra cost of the `fit` loop over the lean step. */
  fit_overhead_ms: number;
  kernel_calls: number;
  /** PyTorch's time for the same step on this machine, when `bench --profile-steps --compare-torch` measured it. */
  torch_step_ms?: number;
  /** Kernels by total time, longest first. */
  ops: OpTime[];
}

/** One kernel run, with the time the backend measured for it (0 where it could not). */
type ProfiledKernel = { name: string; kernelTimeMs: number };

/** Sums profiled kernels by name. */
export function opTimes(kernels: readonly ProfiledKernel[]): OpTime[] {
  const byName = new Map<string, OpTime>();
  for (const k of kernels) {
    const entry = byName.get(k.name) ?? { op: k.name, ms: 0, calls: 0 };
    entry.ms += k.kernelTimeMs;
    entry.calls += 1;
    byName.set(k.name, entry);
  }
  return [...byName.values()].sort((a, b) => b.ms - a.ms);
}

/**
 * The kernels `run` executed, each with the time the backend measured for it. Ops that tfjs builds with a custom
 * gradient (`fusedConv2d__op`, `fusedMatMul__op`, ...) are profiled as wrappers around kernels that are profiled
 * themselves, so the wrappers are left out: counted, they would count their kernels' time twice.
 */
export async function profiledKernels(run: () => tf.TensorContainer): Promise<ProfiledKernel[]> {
  const info = await tf.profile(run);
  tf.dispose(info.result);
  return Promise.all(
    info.kernels
      .filter((k) => !k.name.endsWith("__op"))
      .map(async (k) => {
        const ms = await k.kernelTimeMs;
        return { name: k.name, kernelTimeMs: typeof ms === "number" ? ms : 0 };
      }),
  );
}

const totalMs = (kernels: readonly ProfiledKernel[]) => kernels.reduce((total, k) => total + k.kernelTimeMs, 0);

/**
 * Profiles the training step of a preset at its walkthrough's batch size: the lean step's wall time, the kernel
 * time of its forward+backward pass and of its optimizer update (split with `tf.profile`), the JavaScript around
 * them, and the step as `fm.train` runs it. Frees everything it made.
 */
export async function profileTrainingStep(
  name: string,
  data: ImageSet,
  options: { steps?: number; warmupSteps?: number } = {},
): Promise<StepProfile> {
  const steps = options.steps ?? 10;
  const info = presetInfo(name);
  const model = createPreset(name, { seed: 0 });
  const spec = inputSpecOf(model);
  const order = seededPermutation(data.count, 0);
  const batch = makeBatch(data, order, 0, info.batchSize, spec, 255);
  const optimizer = model.optimizer;
  const lossOf = () =>
    tf.metrics
      .categoricalCrossentropy(batch.ys, model.apply(batch.xs, { training: true }) as tf.Tensor)
      .mean() as tf.Scalar;
  const leanStep = async () => {
    const loss = optimizer.minimize(lossOf, true);
    await loss?.data();
    loss?.dispose();
  };
  try {
    for (let k = 0; k < (options.warmupSteps ?? 3); k++) await leanStep();
    const started = performance.now();
    for (let k = 0; k < steps; k++) await leanStep();
    const stepMs = (performance.now() - started) / steps;

    const forwardBackward: ProfiledKernel[] = [];
    const update: ProfiledKernel[] = [];
    for (let k = 0; k < steps; k++) {
      let grads: tf.NamedTensorMap = {};
      forwardBackward.push(
        ...(await profiledKernels(() => {
          const { value, grads: g } = tf.variableGrads(lossOf);
          grads = g;
          return value;
        })),
      );
      update.push(...(await profiledKernels(() => optimizer.applyGradients(grads))));
      tf.dispose(grads);
    }
    const ops = opTimes([...forwardBackward, ...update]).map((o) => ({
      op: o.op,
      ms: o.ms / steps,
      calls: o.calls / steps,
    }));
    const fbMs = totalMs(forwardBackward) / steps;
    const optMs = totalMs(update) / steps;

    const fitBatches = steps * 2;
    const fit = await train(model, data.subset(fitBatches * info.batchSize), {
      epochs: 1,
      batchSize: info.batchSize,
      board: false,
    });
    const fitStepMs = (fit.seconds * 1000) / fitBatches;
    return {
      preset: name,
      batch: info.batchSize,
      step_ms: round1(stepMs),
      fit_step_ms: round1(fitStepMs),
      forward_backward_kernel_ms: round1(fbMs),
      optimizer_kernel_ms: round1(optMs),
      javascript_ms: round1(stepMs - fbMs - optMs),
      fit_overhead_ms: round1(fitStepMs - stepMs),
      kernel_calls: (forwardBackward.length + update.length) / steps,
      ops: ops.map((o) => ({ ...o, ms: round1(o.ms) })),
    };
  } finally {
    tf.dispose([batch.xs, batch.ys]);
    optimizer.dispose();
    model.dispose();
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** A markdown table of step profiles, with each preset's `top` longest ops. */
export function profileTable(profiles: readonly StepProfile[], top = 6): string {
  const torch = profiles.some((p) => p.torch_step_ms !== undefined);
  const header =
    "| preset | batch | step ms | fit step ms | fwd+bwd kernels ms | optimizer kernels ms | JavaScript ms | fit overhead ms | kernel calls |" +
    `${torch ? " PyTorch step ms |" : ""} longest ops (ms per step) |`;
  const rows = profiles.map(
    (p) =>
      `| ${p.preset} | ${p.batch} | ${p.step_ms} | ${p.fit_step_ms} | ${p.forward_backward_kernel_ms} | ${p.optimizer_kernel_ms} | ` +
      `${p.javascript_ms} | ${p.fit_overhead_ms} | ${p.kernel_calls} |${torch ? ` ${p.torch_step_ms ?? ""} |` : ""} ` +
      `${p.ops
        .slice(0, top)
        .map((o) => `${o.op} ${o.ms}`)
        .join(", ")} |`,
  );
  return [header, `|${"---|".repeat(torch ? 11 : 10)}`, ...rows].join("\n");
}
