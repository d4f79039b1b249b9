/**
 * Backend selection: the fastest backend that works on this machine, or the one FMNIST_BACKEND forces, and a
 * description that says what was chosen and why faster ones were skipped.
 */
import * as tf from "@tensorflow/tfjs";
import { UserError } from "../util/errors";
import { inNotebook } from "../util/notebook";
import { installOnednn, onednnUnavailableReason, uninstallOnednn } from "./onednn";
import { freeEarlierRun } from "./rerun";
import { threadCount } from "./threads";
import { initWasm } from "./wasm";

/** The backends the course can train on, fastest first. */
export const BACKEND_ORDER = ["tensorflow", "wasm+onednn", "wasm", "cpu"] as const;

/** Name of a backend the course can train on. */
export type BackendName = (typeof BACKEND_ORDER)[number];

/** A faster backend {@link selectBackend} passed over, and why (with what to do about it). */
export interface SkippedBackend {
  name: BackendName;
  reason: string;
}

/** Which backend is running, as every lesson and the CLI show it. */
export interface BackendInfo {
  /** The backend in use. */
  name: BackendName;
  /** Version of tfjs. */
  tfjsVersion: string;
  /** Compute threads (cores used by the heavy kernels). */
  threads: number;
  /** Kernels the library registered on top of the backend (its own training kernels). */
  kernels: string[];
  /** The faster backends passed over, in order; empty when the backend was forced. */
  skipped: SkippedBackend[];
}

/** Options for {@link selectBackend}. */
export interface SelectOptions {
  /** A backend to force; default: the environment variable FMNIST_BACKEND, else the fastest that loads. */
  backend?: string;
  /** Threads for wasm and oneDNN; default: FMNIST_THREADS, else all cores (see {@link threadCount}). */
  threads?: number;
}

let current: BackendInfo | undefined;

/**
 * Chooses and initialises the backend: the call every notebook and CLI command makes first.
 * Order: `tensorflow` (tfjs-node, when it installed) → `wasm+onednn` (native kernels over Debian's oneDNN, when built)
 * → `wasm` → `cpu`. FMNIST_BACKEND (or `options.backend`) forces one of these names. Calling it again returns the
 * backend already chosen while it is still the active one, and switches when another name is forced. In a notebook,
 * calling it again for the same backend means the lesson starts over (Run All clicked again): it then frees the
 * models and optimizers of the earlier run ({@link freeEarlierRun}) and says so.
 *
 * @throws UserError when the forced name is unknown, that backend cannot load here (listing the ones that can),
 *   or the thread count is not a positive integer
 */
export async function selectBackend(options: SelectOptions = {}): Promise<BackendInfo> {
  const wanted = options.backend ?? (process.env.FMNIST_BACKEND || undefined);
  const threads = threadCount(options.threads, "selectBackend");
  if (wanted !== undefined && !(BACKEND_ORDER as readonly string[]).includes(wanted)) {
    throw new UserError(
      `Unknown backend "${wanted}". Choose one of: ${BACKEND_ORDER.join(", ")} (or unset FMNIST_BACKEND).`,
    );
  }
  if (current && (wanted === undefined || wanted === current.name) && tf.getBackend() === tfjsName(current.name)) {
    const freed = inNotebook() ? freeEarlierRun() : null;
    if (freed) console.log(freed);
    return current;
  }
  const candidates = wanted ? [wanted as BackendName] : BACKEND_ORDER;
  const skipped: SkippedBackend[] = [];
  for (const name of candidates) {
    const loaded = await tryBackend(name, threads);
    if (typeof loaded !== "string") {
      current = { name, tfjsVersion: tf.version.tfjs, threads: loaded.threads, kernels: loaded.kernels, skipped };
      return current;
    }
    skipped.push({ name, reason: loaded });
  }
  throw new UserError(
    `Backend "${wanted}" is not available here (${skipped.map((s) => s.reason).join("; ")}). ` +
      `Available: ${(await availableBackends()).join(", ")}. Unset FMNIST_BACKEND to pick automatically.`,
  );
}

/** The backend chosen by {@link selectBackend}, or undefined before it ran. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

/** Names of the backends that can load on this machine (without switching to them). */
export async function availableBackends(): Promise<BackendName[]> {
  const names: BackendName[] = [];
  if (loadTfjsNode() === true) names.push("tensorflow");
  if (onednnUnavailableReason() === null) names.push("wasm+onednn");
  names.push("wasm", "cpu");
  return names;
}

/**
 * The backend in one line, such as "wasm+onednn (2 threads, tfjs 4.22.0)". When faster backends were skipped, one
 * short second line names them, e.g. "  skipped (see the README's Backends section): tensorflow"; the README says
 * why each is skipped and what to install, and so does `options.reasons: "full"`.
 * @param options.reasons - "short" (default) for that one line, "full" for one line per skipped backend with its
 *   reason and what to do (the command line's first message), false for the first line alone (a chart title)
 */
export function describeBackend(info: BackendInfo, options: { reasons?: false | "short" | "full" } = {}): string {
  const head = `${info.name} (${info.threads} thread${info.threads === 1 ? "" : "s"}, tfjs ${info.tfjsVersion})`;
  const reasons = options.reasons ?? "short";
  if (reasons === false || info.skipped.length === 0) return head;
  if (reasons === "full") return [head, ...info.skipped.map((s) => `  ${s.name} skipped: ${s.reason}`)].join("\n");
  return `${head}\n  skipped (see the README's Backends section): ${info.skipped.map((s) => s.name).join(", ")}`;
}

/** The name tfjs knows the backend by. */
function tfjsName(name: BackendName): string {
  return name === "wasm+onednn" ? "wasm" : name;
}

type Loaded = { threads: number; kernels: string[] };

async function tryBackend(name: BackendName, threads: number): Promise<Loaded | string> {
  switch (name) {
    case "tensorflow": {
      const loaded = loadTfjsNode();
      if (loaded !== true) return loaded;
      await tf.setBackend("tensorflow");
      return { threads, kernels: [] };
    }
    case "wasm+onednn": {
      const reason = onednnUnavailableReason();
      if (reason !== null) return reason;
      const wasm = await initWasm({ threads });
      const onednn = installOnednn({ threads });
      if (!onednn) return onednnUnavailableReason() ?? "the oneDNN kernels did not install";
      return { threads: Math.max(wasm.threads, onednn.threads), kernels: [...wasm.kernels, ...onednn.kernels] };
    }
    case "wasm": {
      const wasm = await initWasm({ threads });
      // Plain wasm means the library's wasm kernels only: take the native ones off if an earlier choice put them on.
      uninstallOnednn();
      return { threads: wasm.threads, kernels: wasm.kernels };
    }
    case "cpu":
      await tf.setBackend("cpu");
      // The cpu backend greets Node users with advice to install tfjs-node; the course explains backends itself.
      (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
      return { threads: 1, kernels: [] };
  }
}

let tfjsNodeState: true | string | undefined;

function loadTfjsNode(): true | string {
  if (tfjsNodeState === undefined) {
    try {
      require("@tensorflow/tfjs-node");
      tfjsNodeState = tf.findBackend("tensorflow")
        ? true
        : "tfjs-node loaded but registered no backend — reinstall it: npm install @tensorflow/tfjs-node";
    } catch (error) {
      tfjsNodeState =
        "@tensorflow/tfjs-node is not installed (its install downloads libtensorflow, so an offline install skips it) — " +
        "npm install @tensorflow/tfjs-node with network access";
    }
  }
  return tfjsNodeState;
}
