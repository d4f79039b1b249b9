/**
 * The compute thread count, decided in one place for every backend: an explicit request, else the environment
 * variable FMNIST_THREADS, else all cores. `selectBackend`, `initWasm` and `installOnednn` all ask here.
 */
import os = require("os");
import { UserError } from "../util/errors";

/**
 * The thread count to use.
 * @param requested - an explicit count (e.g. `selectBackend({ threads })`); wins over FMNIST_THREADS
 * @param who - what asked, named in the error message
 * @throws UserError when `requested` or FMNIST_THREADS is not a positive integer
 */
export function threadCount(requested?: number, who = "threads"): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1) {
      throw new UserError(`${who}: threads must be a positive integer, got ${String(requested)}.`);
    }
    return requested;
  }
  const raw = process.env.FMNIST_THREADS;
  if (raw === undefined || raw.trim() === "") return os.cpus().length;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new UserError(
      `FMNIST_THREADS must be a positive integer, got "${raw}" (unset it to use all ${os.cpus().length} cores).`,
    );
  }
  return n;
}
