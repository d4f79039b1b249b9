/**
 * Optional native training kernels for the `wasm` backend, over the system's oneDNN (Debian's
 * libdnnl-dev): convolutions and matrix products through oneDNN, pooling, element-wise ops and
 * reductions in multi-threaded native loops. All of them read and write tensors in the wasm heap
 * in place. Build the addon with `node native/onednn/build.js`.
 */
import "@tensorflow/tfjs-backend-wasm"; // stock wasm kernels must be registered before ours replace them
import { threadCount } from "../threads";
import { addonFailure, loadAddon } from "./addon";
import { broadcastGradientsInstalled, installBroadcastGradients, uninstallBroadcastGradients } from "../wasm/gradients";
import { ADAM_KERNEL, fuseAdamForAllSizes } from "../wasm/kernels/adam";
import { RMSPROP_KERNEL, fuseRmspropForAllSizes } from "../wasm/kernels/rmsprop";
import { CallCount, callCounts, registerNativeKernels, unregisterNativeKernels } from "./kernels";

/** Options for {@link installOnednn}. */
export interface OnednnOptions {
  /** Compute threads for oneDNN and the native loops; default: FMNIST_THREADS, else all cores. Fixed by the first install in a process. */
  threads?: number;
  /**
   * Use the broadcasting Mean and Sum gradients of lib/backend/wasm/gradients.ts (the ones initWasm installs)
   * instead of tfjs's, which multiply by a ones tensor filled in JavaScript (same values; global to tfjs).
   * Default true: it is most of the gap on BatchNorm models. `false` puts tfjs's own gradients back, even when
   * initWasm had installed the broadcasting ones; {@link uninstallOnednn} restores whichever were there before.
   */
  gradients?: boolean;
}

/** What {@link installOnednn} set up. */
export interface OnednnInstall {
  /** Threads the native kernels use. */
  threads: number;
  /** tfjs kernel names now served natively on the `wasm` backend. */
  kernels: string[];
  /** oneDNN version, e.g. "2.6.3". */
  version: string;
  /** Kernels whose gradient is the broadcasting one (see {@link OnednnOptions.gradients}); empty with `gradients: false`. */
  gradients: string[];
}

let installFailure: string | undefined;

/** Whether the broadcasting gradients were in place before installOnednn first changed them; undefined when it has not. */
let broadcastBefore: boolean | undefined;

/**
 * Registers the native kernels on the `wasm` backend (call after the wasm backend and any other
 * wasm kernel replacements are set up: these replace, and fall back to, whatever is registered).
 * @returns what was installed, or null when the addon is not built or does not load
 *   ({@link onednnUnavailableReason} says why)
 * @throws UserError when `options.threads` is not a positive integer
 */
export function installOnednn(options: OnednnOptions = {}): OnednnInstall | null {
  const threads = threadCount(options.threads, "installOnednn");
  const addon = loadAddon();
  if (!addon) return null;
  let used: number;
  try {
    used = addon.init(threads);
  } catch (error) {
    installFailure = `the oneDNN addon loaded but could not start oneDNN (${(error as Error).message})`;
    return null;
  }
  const kernels = registerNativeKernels(addon);
  fuseAdamForAllSizes(kernels.includes(ADAM_KERNEL));
  fuseRmspropForAllSizes(kernels.includes(RMSPROP_KERNEL));
  broadcastBefore ??= broadcastGradientsInstalled();
  let gradients: string[] = [];
  if (options.gradients === false) uninstallBroadcastGradients();
  else gradients = installBroadcastGradients();
  return { threads: used, kernels, version: addon.info().version, gradients };
}

/**
 * Why the native kernels cannot be used here (addon not built, fails to load, oneDNN fails to
 * start), or null when they can. Loads the addon to find out, without registering anything.
 */
export function onednnUnavailableReason(): string | null {
  loadAddon();
  return addonFailure() ?? installFailure ?? null;
}

/**
 * Restores the kernels {@link installOnednn} replaced, and the Mean and Sum gradients that were registered before it
 * (the library's broadcasting ones after initWasm, else tfjs's own). The thread count stays as first set.
 */
export function uninstallOnednn(): void {
  unregisterNativeKernels();
  fuseAdamForAllSizes(false);
  fuseRmspropForAllSizes(false);
  if (broadcastBefore === undefined) return;
  if (broadcastBefore) installBroadcastGradients();
  else uninstallBroadcastGradients();
  broadcastBefore = undefined;
}

/** Diagnostics: oneDNN version, threads, the implementation oneDNN chose last, cached primitives; null when unavailable. */
export function onednnInfo(): {
  version: string;
  threads: number;
  lastImpl: string;
  cachedPrimitives: number;
  cores: number;
} | null {
  const addon = loadAddon();
  return addon ? addon.info() : null;
}

/**
 * How often each replaced kernel ran natively and how often it handed a call back to the kernel it
 * replaced (inputs it does not handle, e.g. int32 or NCHW), since the process started.
 * @param reset - clear the counts after reading them
 */
export function onednnCallCounts(reset = false): Record<string, CallCount> {
  return callCounts(reset);
}

export type { CallCount };
