/**
 * The benchmark's rows: one preset at one batch size, with the runs it was compared against (PyTorch, plain wasm,
 * the cpu backend), shown as a plain-text table and as the points of the batch-size chart.
 */
import { Machine } from "./machine";
import { SpeedMeasurement } from "./measure";

/** A bench row with the optional comparisons, and the machine it was measured on. */
export type BenchRow = SpeedMeasurement &
  Machine & {
    data_load_s: number;
    torch_img_per_s?: number;
    ratio?: number;
    /** The anchor's framework version, the BLAS that served it and its peak memory (cumulative over its presets). */
    torch_version?: string;
    torch_blas?: string;
    /** The PyTorch setting compared against: the fastest of the settings lib/bench/anchors.ts runs it in. */
    torch_setting?: string;
    torch_peak_rss_mib?: number;
    cpu_img_per_s?: number;
    vs_cpu?: number;
    /** Plain wasm's speed on the same preset and batch, and its ratio to PyTorch. */
    wasm_img_per_s?: number;
    wasm_ratio?: number;
  };

/** Rounds a ratio to two decimals, as the table shows it. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** A plain-text table of bench rows, with the columns some row fills; the machine, the same on every row, comes last. */
export function benchTable(rows: BenchRow[]): string {
  const columns: (keyof BenchRow)[] = [
    "preset",
    "backend",
    "threads",
    "batch",
    "params",
    "train_img_per_s",
    "torch_img_per_s",
    "torch_setting",
    "ratio",
    "wasm_img_per_s",
    "wasm_ratio",
    "cpu_img_per_s",
    "vs_cpu",
    "peak_rss_mib",
    "torch_peak_rss_mib",
    "torch_blas",
    "tensors_before",
    "tensors_after",
    "cpu_model",
    "cpu_extensions",
  ];
  const used = columns.filter((c) => rows.some((r) => r[c] !== undefined));
  const table = [used.map(String), ...rows.map((r) => used.map((c) => String(r[c] ?? "")))];
  const widths = used.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  // no padding after the last column (the machine's long list of extensions would pad every shorter line)
  return table
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** The points of the batch-size chart: our speed (`ours` names the backend), and PyTorch's where it was measured. */
export function scalingPoints(rows: BenchRow[], ours: string) {
  return rows.flatMap((r) => [
    { preset: r.preset, batch: r.batch, runner: `ours (${ours})`, img_per_s: r.train_img_per_s },
    ...(r.torch_img_per_s
      ? [
          {
            preset: r.preset,
            batch: r.batch,
            runner: `${r.torch_version} (${r.torch_blas})`,
            img_per_s: r.torch_img_per_s,
          },
        ]
      : []),
  ]);
}
