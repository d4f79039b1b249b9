/**
 * Finds and loads the native oneDNN addon (native/onednn/build/Release/onednn.node) and owns the
 * two pieces of memory it shares with JS: the parameter block each call reads, and the wasm heap
 * the kernels read and write in place.
 */
import fs = require("fs");
import path = require("path");
import { KernelName, PARAM_BLOCK_SLOTS } from "./params";

/**
 * The functions the compiled addon exports (native/onednn/src/addon.cc): set-up, and one function per kernel of
 * params.ts's LAYOUTS, which takes no arguments and reads the parameter block.
 */
export type OnednnAddon = {
  setHeap(heapU8: Uint8Array): void;
  setParams(block: Float64Array): void;
  init(threads: number): number;
  info(): { version: string; threads: number; lastImpl: string; cachedPrimitives: number; cores: number };
} & { [K in KernelName]: () => void };

/** Where the build script puts the addon, relative to the package root. */
export const ADDON_RELATIVE_PATH = path.join("native", "onednn", "build", "Release", "onednn.node");

/** Parameter block shared with the addon: each call's arguments are written here (params.ts writeParams). */
export const params = new Float64Array(PARAM_BLOCK_SLOTS);

/** GOMP_SPINCOUNT used unless OMP_WAIT_POLICY or GOMP_SPINCOUNT is already set. */
const DEFAULT_SPINCOUNT = "1000";

let loaded: OnednnAddon | undefined;
let failure: string | undefined;

/** Where the build script notes why it skipped the build, relative to the package root. */
const SKIP_NOTE_RELATIVE_PATH = path.join("native", "onednn", "build", "skipped.txt");

/** Walks up from this file to the package root holding native/onednn (works from lib/ and from dist/lib/). */
function findPackageRoot(): string | undefined {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, "native", "onednn"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** Why the addon is missing: the build script's own note when it left one, else the missing file. */
function notBuiltReason(root: string | undefined): string {
  let why = `${ADDON_RELATIVE_PATH} is missing`;
  try {
    if (root) why = fs.readFileSync(path.join(root, SKIP_NOTE_RELATIVE_PATH), "utf8").trim() || why;
  } catch {
    /* no note: the build never ran */
  }
  return (
    `the oneDNN addon is not built (${why}) — on Debian/Ubuntu: apt-get install libdnnl-dev g++, ` +
    `then npm run setup`
  );
}

/**
 * The loaded addon, or undefined when it is not built or does not load; {@link addonFailure}
 * then says why. Loads at most once per process.
 */
export function loadAddon(): OnednnAddon | undefined {
  if (loaded || failure !== undefined) return loaded;
  const root = findPackageRoot();
  const file = root && path.join(root, ADDON_RELATIVE_PATH);
  if (!file || !fs.existsSync(file)) {
    failure = notBuiltReason(root);
    return undefined;
  }
  // GNU OpenMP reads its settings once, when the addon pulls it in. By default its idle threads
  // spin for a long time: on a 2-core machine with anything else running, a spinning thread
  // holds a core the other thread needs and a small kernel can wait a whole scheduler slice.
  if (process.env.OMP_WAIT_POLICY === undefined && process.env.GOMP_SPINCOUNT === undefined) {
    process.env.GOMP_SPINCOUNT = DEFAULT_SPINCOUNT;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require(file) as OnednnAddon;
    mod.setParams(params);
    loaded = mod;
  } catch (error) {
    failure =
      `the oneDNN addon at ${file} failed to load (${(error as Error).message.split("\n")[0]}); ` +
      `rebuild it: node native/onednn/build.js --force`;
  }
  return loaded;
}

/** Why {@link loadAddon} returned undefined, or null when the addon loaded (or was not tried yet). */
export function addonFailure(): string | null {
  return failure ?? null;
}

let lastHeap: Uint8Array | undefined;

/**
 * Points the addon at the wasm heap. Call after allocating a kernel's outputs and right before the
 * native call: allocating can grow the heap, which replaces the heap's buffer.
 */
export function syncHeap(addon: OnednnAddon, heapU8: Uint8Array): void {
  if (heapU8 !== lastHeap) {
    addon.setHeap(heapU8);
    lastHeap = heapU8;
  }
}
