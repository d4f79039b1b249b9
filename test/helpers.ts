import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { test } from "node:test";
import { PNG } from "pngjs";
import { installOnednn, onednnUnavailableReason } from "../lib/backend/onednn";
import { selectBackend } from "../lib/backend/select";
import { ImageSet } from "../lib/data/dataset";
import { KernelName } from "../lib/cli/lessonsCommand";
import { ResultRecord } from "../lib/metrics/results";

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(prefix = "fmnist-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Uses the plain cpu backend (deterministic, always there), chosen the way lessons choose theirs. */
export async function useCpu(): Promise<void> {
  await selectBackend({ backend: "cpu" });
}

/**
 * A small synthetic, learnable image set: each class lights up its own horizontal band of the image, plus noise.
 * Lets training tests run in a second without the real data.
 */
export function syntheticSet(count: number, seed = 1): ImageSet {
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) >>> 0) / 4294967296;
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    labels[i] = label;
    for (let p = 0; p < 784; p++) {
      const row = Math.floor(p / 28);
      const inBand = Math.floor(row / 2.8) === label;
      images[i * 784 + p] = Math.floor((inBand ? 180 : 20) + random() * 60);
    }
  }
  return new ImageSet(images, labels, "synthetic");
}

/** Waits (polling every 50 ms) until `condition` holds, or throws naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Decodes PNG bytes (as the library's `…Png` functions return them) into pixels. */
export function decodePng(png: Uint8Array): PNG {
  return PNG.sync.read(Buffer.from(png));
}

/**
 * `n` deterministic pseudo-random numbers from a 32-bit LCG (the same on every backend and machine): each state
 * `s` gives `map(s / 2^32)`, computed in double precision and then stored as float32. `map` defaults to the
 * identity, giving values in [0, 1); `(u) => 2 * u - 1` gives [-1, 1).
 */
export function lcgFloats(n: number, seed: number, map: (u: number) => number = (u) => u): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = map(s / 4294967296);
  }
  return out;
}

/** Installs the native oneDNN kernels on the current wasm backend, or throws saying why it could not. */
export function installOnednnOrThrow(): { kernels: string[] } {
  const installed = installOnednn();
  if (!installed) throw new Error(`installOnednn returned null: ${onednnUnavailableReason()}`);
  return installed;
}

/**
 * The `test` of a file about the native oneDNN kernels: each test skips, saying why, when the addon is not built;
 * otherwise `start` runs once for the whole file (before its first test) and each test's body gets its result.
 */
export function nativeTests<T>(start: () => Promise<T>): (name: string, body: (started: T) => Promise<void>) => void {
  let started: Promise<T> | undefined;
  return (name, body) =>
    test(name, async (t) => {
      const skipReason = onednnUnavailableReason();
      if (skipReason !== null) {
        t.skip(skipReason);
        return;
      }
      started ??= start();
      await body(await started);
    });
}

/** A small, valid result record for tests of saving, reading and combining records. */
export function sampleRecord(
  lesson: string,
  model: string,
  test_accuracy = 0.5,
  profile: "full" | "smoke" = "full",
): ResultRecord {
  return {
    lesson,
    model,
    params: 10,
    epochs: 1,
    batch: 32,
    train_images: 100,
    train_accuracy: 0.5,
    test_accuracy,
    seconds: 1.23,
    img_per_s: 81.3,
    backend: "cpu",
    profile,
  };
}

/** scripts/jupyter-env.js, which finds Deno's binary for the set-up and the tests alike. */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const jupyterEnv = require("../../scripts/jupyter-env.js") as { denoBinary(): string | { reason: string } };

/**
 * Why a test of a kernel skips, or false when it runs: tslab always runs; Deno's kernel skips where its npm package
 * has no binary for the machine, and in the second pass of .ci/run (FMNIST_DENO_TESTED=1), which only changes Node's
 * version: the Deno kernel runs without Node, so its tests ran in the first pass.
 */
export function kernelSkip(kernel: KernelName): string | false {
  if (kernel === "tslab") return false;
  if (process.env.FMNIST_DENO_TESTED === "1") return "Deno's kernel tests ran in the first pass (FMNIST_DENO_TESTED=1)";
  const deno = jupyterEnv.denoBinary();
  return typeof deno === "string" ? false : `Deno's kernel cannot run here: ${deno.reason}`;
}
