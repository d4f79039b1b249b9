/**
 * Which notebook output channel is live: the tslab kernel's message writer, Deno's kernel's `Deno.jupyter.broadcast`
 * (lib/util/denoKernel), or one a test injected. lib/plot sends its outputs through it, and lib/util/interrupt uses
 * tslab's to tell one cell from the next.
 */
import { denoDisplayWriter } from "./denoKernel";

/** The content of a Jupyter `display_data` / `update_display_data` message. */
export interface DisplayMessage {
  /** MIME type to payload (strings, base64 strings, or JSON objects for `+json` types). */
  data: { [mimeType: string]: unknown };
  /** Per-MIME metadata, e.g. `{ "image/png": { width: 400 } }`. */
  metadata: { [key: string]: unknown };
  /** Not saved in the notebook; `display_id` lets later messages replace this output. */
  transient: { display_id?: string };
}

/** Sends one message; `update = true` sends `update_display_data` instead of `display_data`. */
export type DisplayWriter = (message: DisplayMessage, update: boolean) => void;

let overrideWriter: DisplayWriter | null = null;

/**
 * Replaces the writer used by every display function (for tests, or to route output elsewhere).
 *
 * @param writer - the writer to use, or `null` to go back to the kernel's own (if any).
 */
export function setDisplayWriter(writer: DisplayWriter | null): void {
  overrideWriter = writer;
}

/** Finds tslab's `jupyter` module among modules already loaded by the kernel, without loading it. */
function tslabWriter(): DisplayWriter | null {
  const cache = typeof require === "function" ? require.cache : undefined;
  if (!cache) return null;
  for (const key of Object.keys(cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(key)) continue;
    const exported = cache[key]?.exports as { lastWriteDisplayData?: DisplayWriter | null } | undefined;
    const writer = exported?.lastWriteDisplayData;
    if (typeof writer === "function") return writer;
  }
  return null;
}

/**
 * Returns the writer that display calls would use now: the injected one, else tslab's (a new one for each cell),
 * else Deno's kernel's (one for all cells), else `null`.
 */
export function currentDisplayWriter(): DisplayWriter | null {
  return overrideWriter ?? tslabWriter() ?? denoDisplayWriter();
}

/** True when running inside a cell of the tslab or the Deno kernel (or a writer was injected). */
export function inNotebook(): boolean {
  return currentDisplayWriter() !== null;
}
