/**
 * Sends whole MIME bundles to the Jupyter front end through the tslab kernel.
 *
 * tslab's public `display` object sends one MIME type per output. A chart that must render everywhere
 * (JupyterLab, classic Notebook, nbconvert HTML, GitHub) needs several representations in ONE output,
 * e.g. vega-lite + SVG + text. The function tslab uses internally, `lastWriteDisplayData` in
 * `tslab/dist/jupyter.js`, accepts a full `display_data` message, so this module calls it directly.
 *
 * Outside a tslab kernel (plain node, CLI, tests) nothing is sent and the functions return `false`.
 * Tests can inject a writer with `setDisplayWriter` (lib/util/notebook).
 */
import { randomBytes } from "crypto";
import { currentDisplayWriter, DisplayWriter } from "../util/notebook";

/** A payload per MIME type. Binary payloads (`Uint8Array`/`Buffer`) are sent base64-encoded. */
export type MimeBundle = { [mimeType: string]: string | Uint8Array | object };

/**
 * Converts a bundle into message `data`: binary payloads become base64 strings, the rest is kept.
 *
 * @param bundle - MIME type to payload.
 */
export function encodeBundle(bundle: MimeBundle): { [mimeType: string]: unknown } {
  const data: { [mimeType: string]: unknown } = {};
  for (const [mime, payload] of Object.entries(bundle)) {
    data[mime] = payload instanceof Uint8Array ? Buffer.from(payload).toString("base64") : payload;
  }
  return data;
}

/** Options shared by {@link showBundle} and {@link newLiveDisplay}. */
export interface ShowOptions {
  /** Per-MIME metadata sent along with the bundle. */
  metadata?: { [key: string]: unknown };
  /** Writer to use instead of {@link currentDisplayWriter} (mainly for tests). */
  writer?: DisplayWriter;
}

/**
 * Shows a whole MIME bundle as one notebook output.
 *
 * @example showBundle({ "text/html": "<b>hi</b>", "text/plain": "hi" })
 * @param bundle - MIME type to payload; include `text/plain` so every front end has something to show.
 * @returns `true` if sent, `false` when not inside a notebook (nothing happens then).
 */
export function showBundle(bundle: MimeBundle, options: ShowOptions = {}): boolean {
  const writer = options.writer ?? currentDisplayWriter();
  if (!writer) return false;
  writer({ data: encodeBundle(bundle), metadata: options.metadata ?? {}, transient: {} }, false);
  return true;
}

/** One notebook output that can be replaced in place (a Jupyter `display_id`). */
export interface LiveDisplay {
  /** The Jupyter display id shared by all messages of this display. */
  readonly id: string;
  /** How many messages were actually sent so far. */
  readonly sent: number;
  /**
   * Shows `bundle`: the first call creates the output (`display_data`), later calls replace it
   * (`update_display_data`). Returns `false` (and does nothing) when not inside a notebook.
   */
  update(bundle: MimeBundle, metadata?: { [key: string]: unknown }): boolean;
}

/**
 * Creates a display that later calls overwrite in place, e.g. for a live training chart.
 *
 * @example const live = newLiveDisplay(); live.update({ "text/plain": "step 1" }); live.update({ "text/plain": "step 2" });
 * @param options - optional injected writer.
 */
export function newLiveDisplay(options: Pick<ShowOptions, "writer"> = {}): LiveDisplay {
  const id = randomBytes(8).toString("hex");
  let sent = 0;
  return {
    id,
    get sent() {
      return sent;
    },
    update(bundle: MimeBundle, metadata: { [key: string]: unknown } = {}): boolean {
      const writer = options.writer ?? currentDisplayWriter();
      if (!writer) return false;
      writer({ data: encodeBundle(bundle), metadata, transient: { display_id: id } }, sent > 0);
      sent++;
      return true;
    },
  };
}
