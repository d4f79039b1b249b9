/**
 * Creates the tfjs wasm backend in Node: threaded SIMD build when more than one thread is
 * wanted and it starts, otherwise the single-thread build.
 */
import * as tf from "@tensorflow/tfjs";
import * as wasmBackend from "@tensorflow/tfjs-backend-wasm";
import { withNodeThreadSupport } from "./nodeThreads";

/** What {@link createWasmBackend} ended up with. */
export interface WasmSetup {
  threads: number;
  simd: boolean;
  /** Why the threaded build was not used, when it was wanted but failed. */
  fallbackReason?: string;
}

/** Milliseconds to wait for the threaded build before falling back. */
const THREADED_START_TIMEOUT_MS = 30000;

/** The backend priority tfjs-backend-wasm registers itself with. */
const WASM_PRIORITY = 2;

interface WasmModuleLike {
  tfjs: { getThreadsCount(): number };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${ms} ms`)), ms);
    timer.unref();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/**
 * Instantiates the wasm backend with the wanted thread count, registers it as 'wasm' and makes
 * it the active backend. Must run once per process.
 * @param threads - wanted XNNPACK pool size (1 selects the single-thread build)
 */
export async function createWasmBackend(threads: number): Promise<WasmSetup> {
  const factory = tf.findBackendFactory("wasm");
  if (factory == null) {
    throw new Error("tfjs wasm backend is not registered; install @tensorflow/tfjs-backend-wasm 4.22.0");
  }
  const env = tf.env();
  const simd = (await env.getAsync("WASM_HAS_SIMD_SUPPORT")) as boolean;
  const existing = (tf.engine() as unknown as { registry: Record<string, tf.KernelBackend | undefined> }).registry.wasm;
  if (existing != null) {
    // tfjs already started the wasm backend (e.g. a tensor was made before initWasm); replacing it
    // would invalidate its tensors, so keep it with whatever threads it has.
    const ok = await tf.setBackend("wasm");
    if (!ok) throw new Error('tf.setBackend("wasm") failed; see the warnings above');
    const n = (existing as unknown as { wasm: WasmModuleLike }).wasm.tfjs.getThreadsCount();
    return {
      threads: Math.max(1, n),
      simd,
      fallbackReason:
        threads > 1 && n <= 1
          ? "the wasm backend was already running single-threaded; call initWasm before creating tensors to get threads"
          : undefined,
    };
  }
  let backend: tf.KernelBackend | null = null;
  let fallbackReason: string | undefined;
  if (threads > 1 && simd) {
    try {
      env.set("WASM_HAS_MULTITHREAD_SUPPORT", true);
      wasmBackend.setThreadsCount(threads);
      backend = await withNodeThreadSupport(threads, () =>
        withTimeout(Promise.resolve(factory()), THREADED_START_TIMEOUT_MS, "threaded wasm backend"),
      );
    } catch (e) {
      fallbackReason = e instanceof Error ? e.message : String(e);
      backend = null;
    }
  }
  if (backend == null) {
    env.set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    backend = await Promise.resolve(factory());
  }
  const made = backend;
  tf.removeBackend("wasm");
  tf.registerBackend("wasm", () => made, WASM_PRIORITY);
  const ok = await tf.setBackend("wasm");
  if (!ok) throw new Error('tf.setBackend("wasm") failed after the wasm module started; see the warnings above');
  const actual = (made as unknown as { wasm: WasmModuleLike }).wasm.tfjs.getThreadsCount();
  return { threads: Math.max(1, actual), simd, fallbackReason };
}
