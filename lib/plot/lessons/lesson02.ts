/**
 * Lesson 02 (02-keras-apis): the chart of dead ReLU units (see `deadUnits` in lib/train/probe), how much of each hidden
 * layer still works.
 */
import { VegaLiteSpec } from "../render";
import { finishSpec, title as chartTitle } from "../specCommon";

/** One model's dead units, layer by layer (from `deadUnits`). */
export interface NamedDeadUnits {
  name: string;
  layers: readonly { layer: string; units: number; dead: number }[];
}

/**
 * Grouped bars: the share of dead units (%) in each hidden layer, one colour per model. Layers are labelled by
 * their size ("784 units"), so models of different depth line up by layer width.
 *
 * @throws Error when no model has a hidden layer
 */
export function deadUnitsSpec(
  models: readonly NamedDeadUnits[],
  options: { title?: string; subtitle?: string } = {},
): VegaLiteSpec {
  const rows = models.flatMap((m) =>
    m.layers.map((l, i) => ({
      model: m.name,
      layer: `hidden ${i + 1} (${l.units} units)`,
      percent: +(l.dead * 100).toFixed(1),
    })),
  );
  if (rows.length === 0) throw new Error("deadUnitsSpec needs at least one model with a hidden layer.");
  return finishSpec({
    title: chartTitle(
      options.title ?? "Dead ReLU units",
      options.subtitle ?? "units whose output is 0 for every probe image",
    ),
    width: 440,
    height: 200,
    data: { values: rows },
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: { field: "layer", type: "nominal", sort: null, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: "model", type: "nominal", sort: null },
      y: { field: "percent", type: "quantitative", title: "dead units (%)", scale: { domain: [0, 100] } },
      color: {
        field: "model",
        type: "nominal",
        sort: null,
        title: null,
        legend: { orient: "bottom", direction: "vertical", labelLimit: 400 },
      },
    },
  });
}
