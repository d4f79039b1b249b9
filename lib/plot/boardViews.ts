/**
 * The two ways the training board draws itself: in a notebook, one output that shows the curves and a status line and
 * is replaced in place; in a terminal, one progress line rewritten in place on a TTY, with a kept line per epoch.
 */
import { performance } from "perf_hooks";
import type { TrainingRecorder } from "../metrics/trainingRecord";
import { DisplayWriter } from "../util/notebook";
import { LiveDisplay, newLiveDisplay } from "./display";
import { progressLine, ProgressState } from "./progress";
import { chartBundle } from "./render";
import { trainingCurvesSpec } from "./trainingCharts";

/** One way of drawing the board, driven by the board's callbacks. */
export interface BoardView {
  /** Training begins. */
  begin(): Promise<void>;
  /** A batch ended; `progress` refreshes and returns the status, and is called only when the view redraws. */
  batch(progress: () => ProgressState): Promise<void>;
  /** An epoch ended with this summary line; `last` when it is the last epoch planned (the end line follows). */
  epochEnd(line: string, last: boolean): Promise<void>;
  /** Training ended with this final line. */
  end(line: string): Promise<void>;
  /** Notebook display messages sent so far. */
  readonly updates: number;
}

/** A view that draws nothing (the board then only records). */
export const silentView: BoardView = {
  begin: async () => undefined,
  batch: async () => undefined,
  epochEnd: async () => undefined,
  end: async () => undefined,
  updates: 0,
};

/** What the notebook view draws and how often. */
export interface NotebookViewOptions {
  title: string;
  /** Minimum time between chart updates after a batch, in ms (epoch ends always update). */
  updateEveryMs: number;
  /** Smoothing weight of the per-batch curve. */
  smoothing?: number;
  /** Display writer to use instead of tslab's (tests). */
  writer?: DisplayWriter;
}

/**
 * The notebook view: the curves of `recorder`'s record with the status as subtitle, in one output updated in place.
 * After a batch it redraws at most every `updateEveryMs`, and never more often than ten times the last drawing's cost.
 */
export function notebookView(recorder: TrainingRecorder, options: NotebookViewOptions): BoardView {
  const live: LiveDisplay = newLiveDisplay({ writer: options.writer });
  let updates = 0;
  let lastUpdate = -Infinity;
  let lastRenderMs = 0;
  const push = async (subtitle: string) => {
    const started = performance.now();
    const spec = trainingCurvesSpec(recorder.live(), { title: options.title, subtitle, smoothing: options.smoothing });
    const { bundle, metadata } = await chartBundle(spec, { text: `${options.title}: ${subtitle}` });
    if (live.update(bundle, metadata)) updates++;
    lastRenderMs = performance.now() - started;
    lastUpdate = performance.now();
  };
  return {
    begin: () => push("starting..."),
    batch: async (progress) => {
      if (performance.now() - lastUpdate >= Math.max(options.updateEveryMs, 10 * lastRenderMs))
        await push(progressLine(progress()));
    },
    epochEnd: async (line, last) => {
      if (!last) await push(line);
    },
    end: push,
    get updates() {
      return updates;
    },
  };
}

/** Where the terminal view writes: a stream, rewritten in place when it is a TTY. */
export interface TerminalStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * The terminal view: on a TTY, one running line with a progress bar (up to 20 characters, as the width allows)
 * rewritten at most every 100 ms; on any stream, a kept line per epoch and the final line.
 */
export function terminalView(stream: TerminalStream): BoardView {
  let lastWrite = -Infinity;
  const columns = () => stream.columns || 120;
  // On a TTY the running line is rewritten in place (cut to the terminal width); final lines are kept whole.
  const write = (line: string, final: boolean) => {
    if (stream.isTTY) {
      const cols = columns();
      const text = final
        ? line.padEnd(cols - 1)
        : line.length >= cols
          ? line.slice(0, cols - 1)
          : line.padEnd(cols - 1);
      stream.write(`\r${text}${final ? "\n" : ""}`);
    } else if (final) {
      stream.write(line + "\n");
    }
  };
  return {
    begin: async () => undefined,
    batch: async (progress) => {
      const now = performance.now();
      if (!stream.isTTY || now - lastWrite < 100) return;
      lastWrite = now;
      const running = { ...progress(), valLoss: undefined, valAcc: undefined };
      const room = columns() - 1 - progressLine(running, true, 0).length;
      write(room >= 6 ? progressLine(running, true, Math.min(20, room)) : progressLine(running), false);
    },
    epochEnd: async (line) => write(line, true),
    end: async (line) => {
      stream.write(line + "\n");
    },
    updates: 0,
  };
}
