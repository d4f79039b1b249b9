import { CLASS_NAMES } from "../../lib/data/classes";
import { argmax } from "../../lib/metrics/classification";
import type { GreyPixels } from "../../lib/web/preprocess";

/** Finds an element the page's HTML must have. */
export function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

/** A canvas showing grey pixels, `max` being white (255 for the steps in bytes, 1 for model inputs). */
export function greyCanvas(image: GreyPixels, max: number): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d")!;
  const data = context.createImageData(image.width, image.height);
  image.pixels.forEach((v, i) => {
    const g = Math.round((Math.min(max, Math.max(0, v)) / max) * 255);
    data.data.set([g, g, g, 255], i * 4);
  });
  context.putImageData(data, 0, 0);
  return canvas;
}

/** A 28×28 model input (784 values in 0..1) as a canvas. */
export function inputCanvas(input: Float32Array): HTMLCanvasElement {
  return greyCanvas({ width: 28, height: 28, pixels: input }, 1);
}

/**
 * Shows what the model was given and its ten probabilities as bars, the winner highlighted. The probabilities and
 * the source are also kept in data attributes (`data-source`, `data-predicted`, `data-probabilities`) for tests.
 */
export function showPrediction(source: string, input: Float32Array, probabilities: Float32Array): void {
  const target = element("prediction");
  const best = argmax(probabilities);
  const bars = CLASS_NAMES.map((name, c) => {
    const row = document.createElement("div");
    row.className = c === best ? "bar best" : "bar";
    const percent = (probabilities[c] * 100).toFixed(1);
    row.innerHTML = `<span></span><div class="track"><div class="fill" style="width:${percent}%"></div></div><span class="pct">${percent}%</span>`;
    row.firstElementChild!.textContent = name;
    return row;
  });
  target.replaceChildren(inputCanvas(input), ...bars);
  target.dataset.source = source;
  target.dataset.predicted = String(best);
  target.dataset.probabilities = JSON.stringify(Array.from(probabilities));
  element("source").textContent = `${source}: ${CLASS_NAMES[best]} (${(probabilities[best] * 100).toFixed(1)}%)`;
}
