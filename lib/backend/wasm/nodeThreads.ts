/**
 * Runtime patches that let tfjs-backend-wasm's threaded-SIMD build start in Node.
 *
 * Stock tfjs-backend-wasm refuses threads under Node. The threaded build itself works once:
 * - the worker script handed out as a `blob:` URL is run from source (`eval`) instead,
 * - the worker is told to load the standalone Emscripten glue file instead of the bundled
 *   factory (which closes over the bundle's `require`d modules and cannot run in a worker),
 * - `os.cpus()` reports at least twice the wanted thread count while the module starts
 *   (the C++ side caps the pool at half the logical cores),
 * - workers never keep the process alive (`ref()` becomes a no-op).
 * Nothing under node_modules is edited; every patch is undone when `fn` settles, except the
 * worker class the Emscripten glue itself stored in `global.Worker`.
 */
import path = require("path");
import os = require("os");
import wt = require("worker_threads");

/** Directory holding the tfjs-backend-wasm `wasm-out` files. */
function wasmOutDir(): string {
  const main = require.resolve("@tensorflow/tfjs-backend-wasm");
  return path.join(path.dirname(main), "..", "wasm-out");
}

/**
 * Runs before the worker script: Deno's workers (which back its `worker_threads`) have a getter-only `location`,
 * and the script's Node branch assigns `location`, which throws there ("Cannot set property location of
 * #<DedicatedWorkerGlobalScope> which has only a getter"). An own writable property shadows the getter; Node's
 * workers have no `location`, so there it only adds the property the script sets anyway.
 */
const WRITABLE_LOCATION =
  'Object.defineProperty(globalThis, "location", { value: undefined, writable: true, configurable: true });';

/** Source of the pthread worker script shipped by tfjs-backend-wasm, with {@link WRITABLE_LOCATION} first. */
function workerSource(): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js");
  const src = mod && mod.wasmWorkerContents;
  if (typeof src !== "string") {
    throw new Error("tfjs-backend-wasm worker script not found in wasm-out; reinstall @tensorflow/tfjs-backend-wasm");
  }
  // The text is a template literal whose `\n` escapes were turned into real newlines, which
  // would end the script's string literals early; put the escapes back (as tfjs does for blobs).
  return WRITABLE_LOCATION + src.replace(/\n/g, "\\n");
}

/**
 * Runs `fn` (which must create the threaded wasm backend) with Node thread support patched in.
 * @param threads - wanted pool size (the patched core count is at least 2 × this)
 * @param fn - creates the backend; its promise decides when the patches are removed
 */
export async function withNodeThreadSupport<T>(threads: number, fn: () => Promise<T>): Promise<T> {
  let failWorker: (e: unknown) => void = () => undefined;
  const workerFailed = new Promise<never>((_, reject) => {
    failWorker = reject;
  });
  workerFailed.catch(() => undefined);
  const gluePath = path.join(wasmOutDir(), "tfjs-backend-wasm-threaded-simd.js");
  const source = workerSource();
  const RealWorker = wt.Worker;
  const realCpus = os.cpus;

  class PoolWorker extends RealWorker {
    constructor(url: string | URL, options?: wt.WorkerOptions) {
      const isBlob = typeof url === "string" && url.startsWith("blob:");
      super(isBlob ? source : url, isBlob ? { ...options, eval: true } : options);
      // Never let pool threads hold the event loop open.
      this.unref();
    }
    override ref(): void {
      /* pool workers stay unref'd so the process can exit normally */
    }
    override on(event: string | symbol, listener: (...args: any[]) => void): this {
      if (event !== "error") return super.on(event, listener);
      // The glue rethrows worker errors from this listener, which would kill the process;
      // report them to the caller instead so it can fall back to one thread.
      return super.on(event, (...args: unknown[]) => {
        try {
          listener(...args);
        } catch (e) {
          failWorker(e);
        }
      });
    }
    override postMessage(value: unknown, transferList?: readonly wt.TransferListItem[]): void {
      const msg = value as { cmd?: string; urlOrBlob?: unknown } | null;
      if (msg && msg.cmd === "load" && typeof msg.urlOrBlob !== "string") {
        value = { ...msg, urlOrBlob: gluePath };
      }
      super.postMessage(value, transferList);
    }
  }

  (wt as { Worker: unknown }).Worker = PoolWorker;
  (os as { cpus: unknown }).cpus = () => {
    const cpus = realCpus();
    const want = Math.max(2 * threads, cpus.length);
    while (cpus.length < want) cpus.push(cpus[0]);
    return cpus;
  };
  try {
    return await Promise.race([fn(), workerFailed]);
  } finally {
    (wt as { Worker: unknown }).Worker = RealWorker;
    (os as { cpus: unknown }).cpus = realCpus;
  }
}
