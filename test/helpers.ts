import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PNG } from "pngjs";
import { selectBackend } from "../lib/backend/select";
import { ImageSet } from "../lib/data/dataset";

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
