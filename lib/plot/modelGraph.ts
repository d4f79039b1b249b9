/**
 * Draws a model's layer graph as a picture: one box per layer (name, type, output shape, parameters) and an arrow
 * per connection, read from the connections tfjs records in every layer (`layer.inboundNodes`). Layers are placed
 * in rows by depth, so a chain is a column and a branch shows side by side; an arrow that skips rows bends around.
 */
import { ShowOptions } from "./display";
import { escapeHtml } from "./modelSummary";
import { showPng, svgToPng } from "./render";

/** The parts of a tfjs layer the drawing reads (any `tf.layers.Layer` fits). */
export interface GraphLayer {
  name: string;
  getClassName(): string;
  readonly outputShape: unknown;
  countParams(): number;
  readonly inboundNodes: readonly { inboundLayers: readonly GraphLayer[] }[];
}

/** The parts of a tfjs model the drawing reads (any `tf.LayersModel` fits). */
export interface GraphModel {
  readonly layers: readonly GraphLayer[];
}

const BOX_WIDTH = 250,
  BOX_HEIGHT = 50,
  ROW_GAP = 34,
  COLUMN_GAP = 40,
  TOP = 44,
  LEFT = 20;

/** Each layer's depth (0 for inputs) and the layers feeding it, in the model's layer order. */
function layerDepths(model: GraphModel): { depth: Map<GraphLayer, number>; parents: Map<GraphLayer, GraphLayer[]> } {
  const depth = new Map<GraphLayer, number>();
  const parents = new Map<GraphLayer, GraphLayer[]>();
  for (const layer of model.layers) {
    const inbound = layer.inboundNodes.flatMap((node) => node.inboundLayers).filter((p) => depth.has(p));
    parents.set(layer, inbound);
    depth.set(layer, inbound.length === 0 ? 0 : Math.max(...inbound.map((p) => depth.get(p)!)) + 1);
  }
  return { depth, parents };
}

/**
 * The layer graph of a model as a standalone SVG document.
 *
 * @example fs.writeFileSync("graph.svg", modelGraphSvg(model, "My model"))
 */
export function modelGraphSvg(model: GraphModel, title: string): string {
  const { depth, parents } = layerDepths(model);
  const rows: GraphLayer[][] = [];
  model.layers.forEach((layer) => (rows[depth.get(layer)!] ??= []).push(layer));
  const widest = Math.max(...rows.map((r) => r.length));
  const slot = BOX_WIDTH + COLUMN_GAP;
  const width = Math.max(LEFT * 2 + widest * slot + 90, LEFT * 2 + title.length * 10);
  const height = TOP + rows.length * (BOX_HEIGHT + ROW_GAP) + 10;
  const centre = new Map<GraphLayer, { x: number; y: number }>();
  rows.forEach((row, d) =>
    row.forEach((layer, k) => {
      const x = LEFT + ((widest - row.length) * slot) / 2 + k * slot + BOX_WIDTH / 2;
      centre.set(layer, { x, y: TOP + d * (BOX_HEIGHT + ROW_GAP) + BOX_HEIGHT / 2 });
    }),
  );
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">` +
      `<path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${LEFT}" y="26" font-size="16" font-weight="bold">${escapeHtml(title)}</text>`,
  ];
  const arrow = `stroke="#57606a" stroke-width="1.6" marker-end="url(#arrow)"`;
  for (const layer of model.layers) {
    const to = centre.get(layer)!;
    for (const parent of parents.get(layer)!) {
      const from = centre.get(parent)!;
      if (depth.get(layer)! - depth.get(parent)! === 1) {
        parts.push(
          `<line class="edge" x1="${from.x}" y1="${from.y + BOX_HEIGHT / 2}" x2="${to.x}" y2="${to.y - BOX_HEIGHT / 2}" ${arrow}/>`,
        );
      } else {
        const bend = Math.max(from.x, to.x) + BOX_WIDTH / 2 + 60;
        parts.push(
          `<path class="edge" d="M${from.x + BOX_WIDTH / 2},${from.y} C${bend},${from.y} ${bend},${to.y} ${to.x + BOX_WIDTH / 2},${to.y}" fill="none" ${arrow}/>`,
        );
      }
    }
  }
  for (const layer of model.layers) {
    const { x, y } = centre.get(layer)!;
    const fill = layer.getClassName() === "InputLayer" ? "#fff8c5" : "#ddf4ff";
    const details = `output ${JSON.stringify(layer.outputShape)}, ${layer.countParams().toLocaleString("en")} params`;
    parts.push(
      `<rect x="${x - BOX_WIDTH / 2}" y="${y - BOX_HEIGHT / 2}" width="${BOX_WIDTH}" height="${BOX_HEIGHT}" rx="8" fill="${fill}" stroke="#0969da"/>`,
    );
    parts.push(
      `<text x="${x}" y="${y - 4}" font-size="13" text-anchor="middle" font-weight="bold">${escapeHtml(`${layer.name} (${layer.getClassName()})`)}</text>`,
    );
    parts.push(
      `<text x="${x}" y="${y + 14}" font-size="12" text-anchor="middle" fill="#57606a">${escapeHtml(details)}</text>`,
    );
  }
  parts.push("</svg>");
  return parts.join("\n");
}

/** Shows {@link modelGraphSvg} as a PNG in the notebook (does nothing outside one). */
export async function showModelGraph(model: GraphModel, title: string, options: ShowOptions = {}): Promise<void> {
  const picture = await svgToPng(modelGraphSvg(model, title));
  showPng(picture.png, title, {
    ...options,
    metadata: { "image/png": { width: picture.width }, ...(options.metadata ?? {}) },
  });
}
