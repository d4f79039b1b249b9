/**
 * Fast, complete training on tfjs's wasm backend in Node: threaded SIMD build, plus the
 * library's own kernels for everything training needs that stock tfjs-backend-wasm lacks or
 * runs slowly.
 */
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs";
import { threadCount } from "../threads";
import { createWasmBackend, WasmSetup } from "./setup";
import { registerTrainingKernels } from "./register";

/** Options for {@link initWasm}. */
export interface InitWasmOptions {
  /** Compute threads for XNNPACK (at most 8); default: FMNIST_THREADS, else all cores. 1 uses the single-thread build. */
  threads?: number;
}

/** What {@link initWasm} set up. */
export interface WasmInfo {
  /** Threads in use by the wasm backend's thread pool (1 when single-threaded). */
  threads: number;
  /** Whether the SIMD build is running. */
  simd: boolean;
  /** Names of the kernels this library registered for 'wasm'. */
  kernels: string[];
  /** Why the threaded build was not used although more than one thread was asked for. */
  fallbackReason?: string;
}

let setupDone: Promise<WasmSetup> | undefined;
let kernels: string[] | undefined;

/**
 * Sets up tfjs-backend-wasm in Node (threaded SIMD build with `threads` threads when it loads, else
 * single-threaded), makes 'wasm' the active backend and registers the library's training kernels.
 * Safe to call repeatedly: later calls reuse the first set-up (the thread count is fixed per process)
 * and only switch the active backend back to 'wasm'.
 *
 * @param options - thread count; defaults to {@link threadCount}'s choice
 * @returns the thread count in use, whether SIMD is on, and the kernels registered
 * @throws UserError when `threads` is not a positive integer; Error when the wasm module cannot start at all
 */
export async function initWasm(options: InitWasmOptions = {}): Promise<WasmInfo> {
  const wanted = threadCount(options.threads, "initWasm");
  if (setupDone === undefined) {
    setupDone = createWasmBackend(Math.min(wanted, 8));
    setupDone.catch(() => {
      setupDone = undefined;
    });
  }
  const setup = await setupDone;
  if (tf.getBackend() !== "wasm") await tf.setBackend("wasm");
  if (kernels === undefined) kernels = registerTrainingKernels();
  const info: WasmInfo = { threads: setup.threads, simd: setup.simd, kernels: [...kernels] };
  if (setup.fallbackReason !== undefined) info.fallbackReason = setup.fallbackReason;
  return info;
}

/**
 * Threads used by the wasm backend's XNNPACK pool right now: 0 before {@link initWasm} ran,
 * 1 for the single-thread build.
 */
export function wasmThreadCount(): number {
  if (setupDone === undefined) return 0;
  const backend = tf.findBackend("wasm") as unknown as { wasm?: { tfjs: { getThreadsCount(): number } } } | null;
  if (backend == null || backend.wasm == null) return 0;
  return Math.max(1, backend.wasm.tfjs.getThreadsCount());
}
