/**
 * Stopping long work for real: Jupyter's interrupt button and Ctrl-C in a terminal both arrive as SIGINT.
 *
 * In a tslab kernel, Jupyter interrupts by sending SIGINT to the kernel process (the kernelspec has no
 * `interrupt_mode`, so Jupyter uses signals). tslab's own handler only stops *waiting* for the cell's promise:
 * the cell is marked done while awaited work goes on in the background. Long library calls therefore watch
 * for SIGINT themselves ({@link watchInterrupts}) and stop at their next safe point (a batch boundary).
 *
 * An interrupt belongs to the cell it arrived in: a later library call in the same cell (the next run of a
 * loop over models) stops at once, while the next cell starts afresh. Outside a kernel it belongs to the
 * whole process.
 *
 * In Deno's kernel a SIGINT that nothing listens for kills the kernel, so the library listens from the moment it
 * loads there. That kernel gives the library no mark of the cell that runs (one display channel serves every
 * cell), so there an interrupt stops the library calls running when it arrives and nothing later: a cell stopped
 * that way ends with the call's Interrupted error, and the next cell starts afresh.
 */
import { inDenoKernel } from "./denoKernel";
import { currentDisplayWriter } from "./notebook";
import { UserError } from "./errors";

/**
 * Thrown by a long library call that an interrupt stopped. `partial` holds what the call had done (for
 * `train`, the result so far). Its stack is its one-line message: a stop asked for is not a bug.
 */
export class Interrupted<Partial = unknown> extends UserError {
  /** What the call had done when it stopped (not printed with the error: it can be large). */
  declare readonly partial?: Partial;

  constructor(message: string, partial?: Partial) {
    super(message);
    this.name = "Interrupted";
    this.stack = `${this.name}: ${message}`;
    Object.defineProperty(this, "partial", { value: partial, enumerable: false });
  }
}

/** One piece of stoppable work's view of interrupts. */
export interface InterruptWatch {
  /** True once an interrupt arrived for this work (or for its cell before it started). */
  readonly requested: boolean;
  /** Stops watching; call it when the work ends (in a `finally`). */
  end(): void;
}

const PROCESS = Symbol("the whole process");
/** What Deno's kernel shows when the stop button finds no library call to stop (it stops no other code). */
const NOTHING_TO_STOP =
  "Stop: no training or evaluation of the library was running, so nothing stopped. Deno's kernel stops only " +
  "those; to stop other code, restart the kernel (Kernel → Restart).";
/** The cell (tslab's display writer changes with each executed cell) or, outside a kernel, the process. */
const currentScope = (): unknown => currentDisplayWriter() ?? PROCESS;

let interruptedScope: unknown = undefined;
let interruptCount = 0;
let listening = false;
let listenPending = false;
const openWatches = new Set<{ onInterrupt?: () => void }>();

function onSigint(): void {
  interruptCount++;
  const inDeno = inDenoKernel();
  interruptedScope = inDeno ? undefined : currentScope(); // Deno's kernel: for the running calls only (see above)
  if (inDeno && openWatches.size === 0) console.error(NOTHING_TO_STOP);
  for (const watch of openWatches) watch.onInterrupt?.();
}

/**
 * Starts listening for SIGINT on the next turn of the event loop, not now: the synchronous part of a tslab cell
 * runs under Node's `vm` with `breakOnSigint`, which takes SIGINT's listeners away and puts them back afterwards;
 * a listener added in between leaves SIGINT with Node's default action, and Jupyter's interrupt then kills the
 * kernel (measured: the kernel died at the first interrupt during training).
 */
function listenSoon(): void {
  if (listening || listenPending) return;
  listenPending = true;
  setImmediate(() => {
    listenPending = false;
    if (openWatches.size === 0 && currentDisplayWriter() === null) return;
    process.on("SIGINT", onSigint);
    listening = true;
  });
}

/**
 * Starts watching for interrupts around one piece of long work. While any watch is open the process listens
 * for SIGINT (in a kernel it keeps listening, next to tslab's own handler, so that an interrupt between two
 * calls of the same cell is remembered too).
 *
 * @param onInterrupt - called at each interrupt while the watch is open (to pass the stop on, e.g. to a child process)
 * @example const watch = watchInterrupts();
 *          try { for (const batch of batches) { if (watch.requested) break; step(batch); } } finally { watch.end(); }
 */
export function watchInterrupts(onInterrupt?: () => void): InterruptWatch {
  const countAtStart = interruptCount;
  const scopeInterrupted = interruptedScope !== undefined && interruptedScope === currentScope();
  const entry = { onInterrupt };
  openWatches.add(entry);
  listenSoon();
  return {
    get requested() {
      return scopeInterrupted || interruptCount > countAtStart;
    },
    end() {
      openWatches.delete(entry);
      if (openWatches.size === 0 && listening && currentDisplayWriter() === null) {
        process.off("SIGINT", onSigint);
        listening = false;
      }
    },
  };
}

/** True while some library call watches for interrupts (it will stop by itself at its next safe point). */
export function stoppableWorkRunning(): boolean {
  return openWatches.size > 0;
}

if (inDenoKernel()) listenSoon();
