/**
 * Charts of the benchmark: how training speed grows with the batch size, ours beside PyTorch's.
 */
import { VegaLiteSpec } from "../plot/render";
import { finishSpec, title } from "../plot/specCommon";

/** One measured speed: a preset trained at one batch size by one framework or backend. */
export interface BatchSpeed {
  preset: string;
  batch: number;
  /** Who ran it, e.g. "ours (wasm+onednn)" or "PyTorch 1.13 (openblas)". */
  runner: string;
  img_per_s: number;
}

/**
 * Images per second against batch size (log2 axis), one panel per preset, one line per runner.
 *
 * @throws Error when a batch size or speed is not positive (a log axis cannot show it)
 */
export function batchScalingSpec(speeds: readonly BatchSpeed[], options: { title?: string } = {}): VegaLiteSpec {
  const bad = speeds.find((s) => !(s.batch > 0 && s.img_per_s > 0));
  if (bad) throw new Error(`batchScalingSpec needs positive batch sizes and speeds, got ${JSON.stringify(bad)}`);
  return finishSpec({
    title: title(
      options.title ?? "Training speed against batch size",
      "images per second, higher is better; one run per point",
    ),
    data: { values: speeds },
    facet: { column: { field: "preset", type: "nominal", title: null } },
    spec: {
      width: 260,
      height: 200,
      mark: { type: "line", point: true, tooltip: true },
      encoding: {
        x: {
          field: "batch",
          type: "quantitative",
          scale: { type: "log", base: 2 },
          axis: { values: [16, 32, 64, 128, 256, 512] },
          title: "batch size",
        },
        y: { field: "img_per_s", type: "quantitative", title: "images / s" },
        color: { field: "runner", type: "nominal", title: null, legend: { orient: "bottom", labelLimit: 400 } },
      },
    },
    resolve: { scale: { y: "independent" } },
  });
}
