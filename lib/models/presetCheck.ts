/**
 * Checking a network a lesson writes by hand against the library's preset of the same walkthrough: same layers in
 * the same order, same settings, same weight shapes, same parameter count. The lessons build each network in the
 * open with `tf.layers`; this check is what lets the CLI, the benchmark and lesson 06 keep using the presets.
 */
import * as tf from "@tensorflow/tfjs";
import { createPreset, PresetOptions } from "./presets";

/** Layer settings that change what a layer computes (initializers and names do not, so they are not compared). */
const COMPARED_SETTINGS = [
  "units",
  "filters",
  "kernelSize",
  "strides",
  "padding",
  "activation",
  "useBias",
  "poolSize",
  "rate",
  "axis",
  "momentum",
  "epsilon",
  "center",
  "scale",
  "targetShape",
  "dataFormat",
];

/** The outcome of {@link checkAgainstPreset}. */
export interface PresetCheck {
  /** True when every layer, setting and weight shape agrees. */
  matches: boolean;
  preset: string;
  /** Layers compared (input layers left out). */
  layers: number;
  params: number;
  presetParams: number;
  /** One line per difference, naming the layer by position and class. */
  differences: string[];
  /** One sentence for the notebook: the agreement, or the first differences. */
  summary: string;
}

function computingLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((layer) => layer.getClassName() !== "InputLayer");
}

function settingsOf(layer: tf.layers.Layer): Record<string, string> {
  const config = layer.getConfig() as Record<string, unknown>;
  const settings: Record<string, string> = {};
  for (const key of COMPARED_SETTINGS) {
    if (config[key] !== undefined) settings[key] = JSON.stringify(config[key]);
  }
  return settings;
}

function shapeText(shape: unknown): string {
  return JSON.stringify(shape).replace(/null/g, "batch");
}

function layerDifferences(index: number, ours: tf.layers.Layer, theirs: tf.layers.Layer): string[] {
  const where = `layer ${index + 1} (${ours.getClassName()})`;
  if (ours.getClassName() !== theirs.getClassName()) {
    return [`${where}: the preset has ${theirs.getClassName()} here`];
  }
  const differences: string[] = [];
  const [a, b] = [settingsOf(ours), settingsOf(theirs)];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[key] !== b[key]) differences.push(`${where}: ${key} ${a[key] ?? "unset"}, preset ${b[key] ?? "unset"}`);
  }
  if (shapeText(ours.outputShape) !== shapeText(theirs.outputShape)) {
    differences.push(`${where}: output ${shapeText(ours.outputShape)}, preset ${shapeText(theirs.outputShape)}`);
  }
  const weightShapes = (layer: tf.layers.Layer) => shapeText(layer.weights.map((w) => w.shape));
  if (weightShapes(ours) !== weightShapes(theirs)) {
    differences.push(`${where}: weights ${weightShapes(ours)}, preset ${weightShapes(theirs)}`);
  }
  return differences;
}

/**
 * Compares a model built in a notebook with the preset `name` (built with `options`, uncompiled, then freed): layer
 * classes in order, the settings that change what each layer computes (units, filters, kernel size, padding,
 * activation, pool size, dropout rate, batch-norm momentum, ...), output and weight shapes, and the parameter count.
 * Initial weights are not compared. Lessons 01–05 call it right after writing their network. An unknown preset name
 * or option throws the preset's own UserError.
 *
 * @example console.log(fm.checkAgainstPreset(model, "cnn-simple").summary);
 */
export function checkAgainstPreset(model: tf.LayersModel, name: string, options: PresetOptions = {}): PresetCheck {
  const preset = createPreset(name, { ...options, compile: false });
  try {
    const [ours, theirs] = [computingLayers(model), computingLayers(preset)];
    const differences: string[] = [];
    for (let i = 0; i < Math.min(ours.length, theirs.length); i++) {
      differences.push(...layerDifferences(i, ours[i], theirs[i]));
    }
    if (ours.length !== theirs.length) {
      differences.push(`${ours.length} layers, the preset has ${theirs.length}`);
    }
    const [params, presetParams] = [model.countParams(), preset.countParams()];
    if (params !== presetParams) {
      differences.push(`${params.toLocaleString("en")} parameters, the preset ${presetParams.toLocaleString("en")}`);
    }
    const matches = differences.length === 0;
    const summary = matches
      ? `same ${ours.length} layers, settings and ${params.toLocaleString("en")} parameters as the preset "${name}"`
      : `differs from the preset "${name}": ${differences.slice(0, 3).join("; ")}` +
        (differences.length > 3 ? `; and ${differences.length - 3} more` : "");
    return { matches, preset: name, layers: ours.length, params, presetParams, differences, summary };
  } finally {
    preset.dispose();
  }
}
