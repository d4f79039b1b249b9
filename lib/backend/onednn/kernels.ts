/**
 * The table of native kernels, and their installation on top of whatever the `wasm` backend had
 * registered under the same names (stock tfjs-backend-wasm kernels, or a teammate's replacements).
 * Each native kernel hands back to the kernel it replaced when it cannot take a call.
 */
import * as tf from "@tensorflow/tfjs";
import { OnednnAddon } from "./addon";
import { KernelArgs, NativeKernel } from "./context";
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput, fusedConv2d } from "./conv";
import {
  addN,
  BINARY_KERNELS,
  binaryKernel,
  cast,
  identity,
  select,
  UNARY_KERNELS,
  unaryKernel,
  zerosLike,
} from "./elementwise";
import { batchMatMul, fusedMatMul } from "./matmul";
import { batchNormTrain, batchNormTrainGrad, fusedBatchNorm } from "./batchnorm";
import { BATCH_NORM_TRAIN_GRAD_KERNEL, BATCH_NORM_TRAIN_KERNEL } from "../batchnormTrain";
import { adamUpdate, dropoutMultiplier, rmspropUpdate } from "./libraryKernels";
import { ADAM_KERNEL } from "../wasm/kernels/adam";
import { RMSPROP_KERNEL } from "../wasm/kernels/rmsprop";
import { DROPOUT_KERNEL } from "../wasm/kernels/dropout";
import { padV2 } from "./pad";
import { maxPool, maxPoolGrad } from "./pool";
import { REDUCE_KERNELS, reduceKernel } from "./reduce";
import { argMax, argMin, softmax } from "./rowops";
import { tile } from "./tile";

const BACKEND = "wasm";

/** Kernels defined by lib/backend/wasm: replaced only when registered there (their contract is the library's). */
const LIBRARY_KERNELS = new Set([ADAM_KERNEL, RMSPROP_KERNEL, DROPOUT_KERNEL]);

/** Every native kernel by tfjs kernel name. */
export function nativeKernels(): Map<string, NativeKernel> {
  const table = new Map<string, NativeKernel>([
    [tf.Conv2D, conv2d],
    [tf.FusedConv2D, fusedConv2d],
    [tf.Conv2DBackpropInput, conv2dBackpropInput],
    [tf.Conv2DBackpropFilter, conv2dBackpropFilter],
    [tf.BatchMatMul, batchMatMul],
    [tf._FusedMatMul, fusedMatMul],
    [tf.MaxPool, maxPool],
    [tf.MaxPoolGrad, maxPoolGrad],
    [tf.AddN, addN],
    [tf.Identity, identity],
    [tf.Cast, cast],
    [tf.Tile, tile],
    [tf.FusedBatchNorm, fusedBatchNorm],
    [BATCH_NORM_TRAIN_KERNEL, batchNormTrain],
    [BATCH_NORM_TRAIN_GRAD_KERNEL, batchNormTrainGrad],
    [tf.PadV2, padV2],
    [tf.Softmax, softmax],
    [tf.ArgMax, argMax],
    [tf.ArgMin, argMin],
    [tf.Select, select],
    [tf.ZerosLike, zerosLike],
    [ADAM_KERNEL, adamUpdate],
    [RMSPROP_KERNEL, rmspropUpdate],
    [DROPOUT_KERNEL, dropoutMultiplier],
  ]);
  for (const name of BINARY_KERNELS) table.set(name, binaryKernel(name));
  for (const name of UNARY_KERNELS) table.set(name, unaryKernel(name));
  for (const name of REDUCE_KERNELS) table.set(name, reduceKernel(name));
  return table;
}

interface Installed {
  mine: tf.KernelConfig;
  previous: tf.KernelConfig | undefined;
}

const installed = new Map<string, Installed>();

/** Per kernel: calls served natively, and calls handed to the replaced kernel. */
export interface CallCount {
  native: number;
  fallback: number;
}

const counts = new Map<string, CallCount>();

/** Native and fallback call counts per kernel name since the process started (or the last reset). */
export function callCounts(reset = false): Record<string, CallCount> {
  const out: Record<string, CallCount> = {};
  for (const [name, c] of counts) out[name] = { ...c };
  if (reset) counts.clear();
  return out;
}

function wrap(
  name: string,
  impl: NativeKernel,
  addon: OnednnAddon,
  previous: tf.KernelConfig | undefined,
): tf.KernelConfig {
  let count = counts.get(name);
  const kernelFunc = (args: unknown): tf.TensorInfo | tf.TensorInfo[] => {
    if (count === undefined || counts.get(name) !== count) {
      count = { native: 0, fallback: 0 };
      counts.set(name, count);
    }
    const out = impl(args as KernelArgs, addon);
    if (out !== null) {
      count.native++;
      return out;
    }
    count.fallback++;
    if (!previous) {
      throw new Error(
        `onednn: ${name} got inputs the native kernel does not handle, and the wasm backend has no ${name} kernel to fall back to`,
      );
    }
    return previous.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
  };
  return {
    kernelName: name,
    backendName: BACKEND,
    kernelFunc: kernelFunc as tf.KernelFunc,
    // When the backend starts after this, the replaced kernel still needs its own setup (e.g. cwrap).
    setupFunc: previous?.setupFunc,
    disposeFunc: previous?.disposeFunc,
  };
}

/**
 * Registers the native kernels for the `wasm` backend, each replacing (and falling back to) the
 * kernel registered under its name right now. Idempotent; re-wraps kernels someone re-registered.
 * @returns the kernel names now served natively
 */
export function registerNativeKernels(addon: OnednnAddon): string[] {
  for (const [name, impl] of nativeKernels()) {
    const current = tf.getKernel(name, BACKEND);
    const entry = installed.get(name);
    if (entry && current === entry.mine) continue;
    if (LIBRARY_KERNELS.has(name) && !current) continue;
    if (current) tf.unregisterKernel(name, BACKEND);
    const mine = wrap(name, impl, addon, current);
    tf.registerKernel(mine);
    installed.set(name, { mine, previous: current });
  }
  return [...installed.keys()];
}

/** Puts back the kernels {@link registerNativeKernels} replaced. */
export function unregisterNativeKernels(): void {
  for (const [name, entry] of installed) {
    if (tf.getKernel(name, BACKEND) === entry.mine) {
      tf.unregisterKernel(name, BACKEND);
      if (entry.previous) tf.registerKernel(entry.previous);
    }
  }
  installed.clear();
}
