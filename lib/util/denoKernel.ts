/**
 * What the library needs from Deno's Jupyter kernel (`deno jupyter`, the course's second kernel beside tslab): its
 * display channel, and three fixes applied once when the library loads in that kernel.
 *
 * - Outputs before the reply: Deno 2.9's kernel publishes a cell's `idle` status before the outputs the cell sent
 *   last (measured: all three lines of `console.log("a"); console.log("b"); console.log("c")` came after it), and
 *   Jupyter front ends and nbclient drop what comes after `idle`. The kernel awaits
 *   `Deno[Deno.internal].jupyter.broadcastResult` between a cell's end and its reply; waiting there lets the outputs
 *   out first: a timer turn, and {@link FLUSH_MS_PER_OUTPUT} for each display sent in the last second (one timer
 *   turn let 500 short lines out, but not the last 3 of 14 result tables). Cells that end in an error skip that
 *   call, so their last outputs may still come late.
 * - The stop button: Jupyter interrupts with SIGINT, which kills a Deno process that does not listen for it
 *   (lib/util/interrupt listens from the moment the library loads there).
 * - Quiet loading: Deno warns whenever a module loads Node's deprecated `punycode` (Node exempts node_modules);
 *   vega's loader does, through node-fetch, so the library loads it first with the warning off.
 */
import type { DisplayWriter } from "./notebook";

/** The part of `Deno.jupyter` the library uses. */
interface DenoJupyter {
  broadcast(messageType: string, content: object): void;
}

/** The part of the global `Deno` the library uses (present only when Deno runs the library). */
interface DenoNamespace {
  jupyter?: DenoJupyter;
  internal?: symbol;
  [internals: symbol]: { jupyter?: { broadcastResult?: BroadcastResult & { [FLUSHES]?: true } } } | undefined;
}

/** Deno's internal function that shows a cell's value once the cell has ended. */
type BroadcastResult = (executionCount: number, result: unknown) => Promise<void>;

/** Marks the kernel's `broadcastResult` once the library has wrapped it (so that a second copy of it does not). */
const FLUSHES = Symbol.for("fmnist.flushesOutputs");

function denoNamespace(): DenoNamespace | undefined {
  return (globalThis as { Deno?: DenoNamespace }).Deno;
}

/** True when the library runs inside a cell of Deno's Jupyter kernel (`Deno.jupyter` works only there). */
export function inDenoKernel(): boolean {
  try {
    return typeof denoNamespace()?.jupyter?.broadcast === "function";
  } catch {
    return false; // outside `deno jupyter`, reading Deno.jupyter throws
  }
}

/** How long the kernel's reply waits for each display sent in the last second (see the header). */
const FLUSH_MS_PER_OUTPUT = 10;
/** When the displays of the last second were sent (ms since the epoch). */
let recentSends: number[] = [];

/** Sends the message as Deno's own `Deno.jupyter.display` does, through `Deno.jupyter.broadcast`. */
const denoWriter: DisplayWriter = (message, update) => {
  denoNamespace()!.jupyter!.broadcast(update ? "update_display_data" : "display_data", message);
  recentSends.push(Date.now());
};

/** The display writer of Deno's kernel, or `null` outside it. */
export function denoDisplayWriter(): DisplayWriter | null {
  return inDenoKernel() ? denoWriter : null;
}

/** Makes the kernel wait after each cell before it replies, so the cell's outputs go out first (see the header). */
function flushOutputsBeforeReply(deno: DenoNamespace): void {
  const jupyter = deno.internal === undefined ? undefined : deno[deno.internal]?.jupyter;
  const original = jupyter?.broadcastResult;
  if (!jupyter || typeof original !== "function" || original[FLUSHES]) return;
  const flushing: BroadcastResult & { [FLUSHES]?: true } = async (executionCount, result) => {
    const lastSecond = Date.now() - 1000;
    recentSends = recentSends.filter((sent) => sent > lastSecond);
    await new Promise((resolve) => setTimeout(resolve, FLUSH_MS_PER_OUTPUT * recentSends.length));
    recentSends = [];
    return original(executionCount, result);
  };
  flushing[FLUSHES] = true;
  jupyter.broadcastResult = flushing;
}

/** Loads `punycode` once with deprecation warnings off (Deno prints one for each first load of it). */
function loadPunycodeQuietly(): void {
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  try {
    require("punycode");
  } finally {
    process.noDeprecation = quiet;
  }
}

if (inDenoKernel()) {
  flushOutputsBeforeReply(denoNamespace()!);
  loadPunycodeQuietly();
}
