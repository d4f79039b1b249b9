import * as tf from "@tensorflow/tfjs";
import { getThreadsCount, setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

/** Backends the page can run on, in the order it tries them unless the address asks for one (`?backend=webgl`). */
const ORDER = ["wasm", "webgl", "cpu"] as const;

/** Most WebAssembly threads the page asks for: the threaded build starts this many workers up front. */
const MAX_THREADS = 8;

/**
 * Starts the first backend that works: WebAssembly (its .wasm files come from this server's /wasm/), then WebGL,
 * then plain JavaScript. Returns a description for the page, e.g. "wasm (SIMD, threaded build, 2 threads)".
 *
 * Threads need the threaded build, which the browser allows only on a cross-origin isolated page (the server's
 * COOP/COEP headers). Even then TensorFlow.js uses at most half of `navigator.hardwareConcurrency` (it assumes two
 * hardware threads per core), so a 2-core machine gets one thread. `threads` (the address's `?threads=N`, 1 to 8)
 * asks for N: the page reports 2N logical cores while the WebAssembly module starts, then the true count again.
 */
export async function startBackend(requested: string | null, threads: string | null = null): Promise<string> {
  setWasmPaths("/wasm/");
  const order = requested ? [requested, ...ORDER.filter((b) => b !== requested)] : [...ORDER];
  const wanted = threads === null ? null : Number(threads);
  const usable = wanted !== null && Number.isInteger(wanted) && wanted >= 1 && wanted <= MAX_THREADS;
  const threadNote =
    threads !== null && !usable ? `; threads=${threads} ignored (a whole number from 1 to ${MAX_THREADS})` : "";
  if (usable) {
    setThreadsCount(wanted);
    Object.defineProperty(navigator, "hardwareConcurrency", { value: 2 * wanted, configurable: true });
  }
  try {
    return (await firstWorking(order)) + threadNote;
  } finally {
    // The own property hid the prototype's getter: removing it gives the browser's count back.
    if (usable) delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

/** Tries each backend in order and describes the first that starts. */
async function firstWorking(order: string[]): Promise<string> {
  const failed: string[] = [];
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        const note = failed.length ? `; ${failed.join(", ")} unavailable` : "";
        return (await describe(name)) + note;
      }
    } catch {
      // fall through to the next backend
    }
    failed.push(name);
  }
  throw new Error(`no TensorFlow.js backend started (tried ${order.join(", ")})`);
}

async function describe(name: string): Promise<string> {
  if (name === "wasm") {
    const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    const shared = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
    const threads = getThreadsCount();
    return `wasm (${simd ? "SIMD" : "no SIMD"}, ${shared ? "threaded build" : "no shared memory"}, ${threads} thread${threads === 1 ? "" : "s"})`;
  }
  if (name === "webgl") return `webgl (WebGL ${tf.env().getNumber("WEBGL_VERSION")})`;
  return name;
}

