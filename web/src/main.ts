/**
 * The lesson 07 page: loads the exported model and test images, classifies test images, drawings and dropped
 * pictures with TensorFlow.js in the browser, and shows every preprocessing step and the ten probabilities.
 */
import * as tf from "@tensorflow/tfjs";
import { CLASS_NAMES, IMAGE_PIXELS } from "../../lib/data/classes";
import { classifyInputs } from "../../lib/web/classify";
import type { PageData } from "../../lib/web/export";
import { PreprocessSteps, preprocessImage, RgbaImage } from "../../lib/web/preprocess";
import { startBackend } from "./backend";
import { acceptDrops, drawingPad, pictureFile } from "./pad";
import { argmax } from "../../lib/metrics/classification";
import { element, greyCanvas, inputCanvas, showPrediction } from "./view";

/** The preprocessing steps as small labelled pictures. */
function showSteps(steps: PreprocessSteps): void {
  const pictures: [string, HTMLCanvasElement][] = [
    ["1 grey", greyCanvas(steps.grey, 255)],
    [steps.wasInverted ? "2 inverted" : "2 (not inverted)", greyCanvas(steps.inverted, 255)],
    ["3 cropped", greyCanvas(steps.cropped, 255)],
    ["4 centred", greyCanvas(steps.centred, 255)],
    ["5 28×28", greyCanvas(steps.resized, 255)],
    ["6 scaled 0..1", inputCanvas(steps.input)],
  ];
  element("steps").replaceChildren(...pictures.map(([caption, canvas]) => {
    const figure = document.createElement("figure");
    const text = document.createElement("figcaption");
    text.textContent = caption;
    figure.append(canvas, text);
    return figure;
  }));
}

/** Test images as buttons; a click classifies one, "Classify them all" does the lot and counts the right ones. */
function testGrid(data: PageData, classify: (inputs: Float32Array[]) => Float32Array[]): void {
  const bytes = Uint8Array.from(atob(data.pixels), (c) => c.charCodeAt(0));
  const inputs = data.labels.map((_, i) => Float32Array.from(bytes.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), (v) => v / 255));
  const buttons = inputs.map((input, i) => {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.index = String(data.firstTestImage + i);
    button.dataset.label = String(data.labels[i]);
    button.title = `test image #${data.firstTestImage + i}: ${CLASS_NAMES[data.labels[i]]}`;
    button.append(inputCanvas(input));
    button.addEventListener("click", () => showPrediction(`test image #${button.dataset.index} (${CLASS_NAMES[data.labels[i]]})`, input, classify([input])[0]));
    return button;
  });
  element("test-grid").replaceChildren(...buttons);
  const all = element<HTMLButtonElement>("classify-all");
  all.disabled = false;
  all.addEventListener("click", () => {
    const started = performance.now();
    const results = classify(inputs);
    const seconds = (performance.now() - started) / 1000;
    let correct = 0;
    results.forEach((probabilities, i) => {
      const predicted = argmax(probabilities);
      correct += predicted === data.labels[i] ? 1 : 0;
      buttons[i].className = predicted === data.labels[i] ? "right" : "wrong";
      buttons[i].dataset.predicted = String(predicted);
      buttons[i].dataset.probabilities = JSON.stringify(Array.from(probabilities));
    });
    const accuracy = element("accuracy");
    accuracy.textContent = `${correct} of ${inputs.length} right (${((100 * correct) / inputs.length).toFixed(1)}%) in ${(seconds * 1000).toFixed(0)} ms`;
    Object.assign(accuracy.dataset, { correct: String(correct), count: String(inputs.length), seconds: String(seconds) });
  });
}

async function main(): Promise<void> {
  const query = new URLSearchParams(location.search);
  const backend = await startBackend(query.get("backend"), query.get("threads"));
  element("backend").textContent = backend;
  const [model, data] = await Promise.all([
    tf.loadLayersModel("/model/model.json"),
    fetch("/page-data.json").then((r) => r.json() as Promise<PageData>),
  ]);
  element("model-name").textContent = `${data.model} (${data.description})`;
  const classify = (inputs: Float32Array[]) => classifyInputs(model, inputs);
  const classifyPicture = (source: string, image: RgbaImage) => {
    try {
      const steps = preprocessImage(image);
      showSteps(steps);
      showPrediction(source, steps.input, classify([steps.input])[0]);
    } catch (error) {
      element("source").textContent = (error as Error).message;
    }
  };
  const pad = drawingPad(element<HTMLCanvasElement>("pad"), (image) => classifyPicture("your drawing", image));
  element("clear").addEventListener("click", () => pad.clear());
  const openFile = async (file: File) => classifyPicture(`picture "${file.name}"`, await pictureFile(file));
  acceptDrops(element("draw"), openFile);
  element<HTMLInputElement>("file").addEventListener("change", (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) void openFile(file);
  });
  testGrid(data, classify);
  element("status").textContent = `Ready: ${data.labels.length} test images, ${model.countParams().toLocaleString("en")} parameters.`;
  document.body.dataset.state = "ready";
  document.body.dataset.backend = tf.getBackend();
}

main().catch((error) => {
  element("status").textContent = `Could not start: ${(error as Error).message}`;
  document.body.dataset.state = "error";
});
