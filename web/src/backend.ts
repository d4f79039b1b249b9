import * as tf from "@tensorflow/tfjs";
import { getThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

/** Backends the page can run on, in the order it tries them unless the address asks for one (`?backend=webgl`). */
const ORDER = ["wasm", "webgl", "cpu"] as const;

/**
 * Starts the first backend that works: WebAssembly (its .wasm files come from this server's /wasm/), then WebGL,
 * then plain JavaScript. Returns a description for the page, e.g. "wasm (SIMD, threaded build, 2 threads)".
 */
export async function startBackend(requested: string | null): Promise<string> {
  setWasmPaths("/wasm/");
  const order = requested ? [requested, ...ORDER.filter((b) => b !== requested)] : [...ORDER];
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
