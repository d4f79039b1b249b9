/**
 * `fmnist bench`: training speed per preset on the chosen backend, optionally beside PyTorch and tfjs's cpu backend.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describeBackend, selectBackend } from "../backend/select";
import { measureTrainingSpeed, SpeedMeasurement } from "../bench/measure";
import { profileTable, profileTrainingStep } from "../bench/profile";
import { batchScalingSpec } from "../plot/benchCharts";
import { renderPng } from "../plot/render";
import { loadFashionMnist } from "../data/dataset";
import { PRESET_NAMES } from "../models/presets";
import { UserError } from "../util/errors";
import { Interrupted } from "../util/interrupt";
import { projectRoot, writeFileAtomic } from "../util/paths";
import { FlagValues, parseFlags, stringFlag } from "./args";

/**
 * The environment as the process started, before any backend tuned it (the oneDNN kernels set GOMP_SPINCOUNT,
 * which also speeds PyTorch up a lot on small machines): the anchor must run as a learner would run it.
 */
const STARTING_ENV = { ...process.env };

/** Presets the plain cpu backend can run in seconds (one cpu step of cnn-deep or vgg11-bn takes minutes). */
const CPU_PRESETS = ["mlp", "mlp-deep", "mlp-functional", "cnn-simple"];

/** The presets the PyTorch anchor (shared/anchors/torch_bench.py) also defines, at the same batch sizes. */
export const BENCH_PRESETS = ["mlp", "mlp-deep", "cnn-simple", "cnn-deep", "vgg11-bn"];

export const BENCH_HELP = `fmnist bench [--preset NAME]... [--seconds S] [--json] [--compare-torch] [--with-cpu] [--profile-steps]
  [--batch-sizes 16,32,...] [--chart FILE.png]
  Training speed (images/second: forward, backward, optimizer step, after warm-up) of each preset at its
  walkthrough's batch size, with peak memory, tensors before/after, backend and threads.
  --compare-torch also runs the PyTorch anchor (/usr/bin/python3 ../shared/anchors/torch_bench.py, or
  FMNIST_TORCH_BENCH) on the same presets in the same run and adds torch_img_per_s, ratio, the anchor's BLAS
  and its peak memory. It refuses to compare against PyTorch on the reference BLAS (apt-get install
  libopenblas0-openmp).
  --with-cpu adds a short run on the plain cpu backend (cpu_img_per_s, vs_cpu) for ${CPU_PRESETS.join(", ")}
  (a single cpu step of the larger CNNs takes minutes). Default presets: ${BENCH_PRESETS.join(", ")}.
  --profile-steps instead shows where one training step's time goes: kernels of the forward and backward pass,
  of the optimizer, the JavaScript around them, the extra cost of fm.train's fit loop, and the longest ops.
  --batch-sizes measures each preset at these batch sizes instead of its walkthrough's (with --compare-torch,
  PyTorch at the same sizes through scripts/torch_batch_sweep.py); --chart writes img/s against batch size as PNG.
  Ctrl-C stops after the current step, prints the rows measured so far and exits 130.`;

/** A bench row with the optional comparisons. */
type BenchRow = SpeedMeasurement & {
  data_load_s: number;
  torch_img_per_s?: number;
  ratio?: number;
  /** The anchor's framework version, the BLAS that served it and its peak memory (cumulative over its presets). */
  torch_version?: string;
  torch_blas?: string;
  torch_peak_rss_mib?: number;
  cpu_img_per_s?: number;
  vs_cpu?: number;
};

/** Exit status of the anchor's `--require-fast-blas` when PyTorch runs on the reference BLAS. */
const REFERENCE_BLAS_EXIT = 3;

/** `fmnist bench`: measure training speed per preset, optionally against PyTorch and the cpu backend. */
export async function benchCommand(argv: string[]): Promise<void> {
  const values = parseFlags("bench", argv, {
    preset: { type: "string", multiple: true },
    seconds: { type: "string" },
    json: { type: "boolean" },
    "compare-torch": { type: "boolean" },
    "with-cpu": { type: "boolean" },
    "profile-steps": { type: "boolean" },
    "batch-sizes": { type: "string" },
    chart: { type: "string" },
  });
  const presets = (values.preset as string[] | undefined) ?? BENCH_PRESETS;
  for (const name of presets) {
    if (!PRESET_NAMES.includes(name))
      throw new UserError(`Unknown preset "${name}". Choose one of: ${PRESET_NAMES.join(", ")}.`);
  }
  const seconds = secondsFlag(values);
  const batchSizes = batchSizesFlag(values);
  const backend = await selectBackend();
  const log = (line: string) => values.json || console.error(line);
  const loadStarted = performance.now();
  const data = await loadFashionMnist();
  const dataLoadSeconds = Math.round(performance.now() - loadStarted) / 1000;
  log(`bench on ${os.cpus()[0]?.model ?? "unknown CPU"}, node ${process.version}, backend ${describeBackend(backend)}`);
  log(`  data: found, verified and parsed both sets in ${dataLoadSeconds} s`);
  if (values["profile-steps"]) {
    const profiles = [];
    for (const name of presets) profiles.push(await profileTrainingStep(name, data.train));
    if (values.json) for (const p of profiles) console.log(JSON.stringify(p));
    else console.log(profileTable(profiles));
    return;
  }
  const rows: BenchRow[] = [];
  for (const name of presets) {
    for (const batchSize of batchSizes ?? [undefined]) {
      const measured = await measureTrainingSpeed(name, data.train, {
        seconds,
        backend: backend.name,
        threads: backend.threads,
        warmupSteps: backend.name === "cpu" ? 1 : 3,
        batchSize,
      });
      const row: BenchRow = { ...measured, data_load_s: dataLoadSeconds };
      log(
        `  ${name}: ${row.train_img_per_s} img/s (batch ${row.batch}, ${row.steps} steps)${row.interrupted ? ", cut short" : ""}`,
      );
      if (row.steps > 0) rows.push(row);
      if (row.interrupted) {
        printRows(rows, values.json === true);
        throw new Interrupted(`stopped by you during ${name} (${rows.length} rows measured, shown above).`);
      }
    }
  }
  if (values["with-cpu"]) addCpu(rows, Math.min(seconds, 5), log);
  if (values["compare-torch"]) addTorch(rows, seconds, backend.threads, log, batchSizes);
  printRows(rows, values.json === true);
  const chart = stringFlag(values, "chart");
  if (chart) {
    writeFileAtomic(
      chart,
      (await renderPng(batchScalingSpec(scalingPoints(rows, describeBackend(backend, { reasons: false }))))).png,
    );
    log(`  chart written to ${chart}`);
  }
}

function printRows(rows: BenchRow[], json: boolean): void {
  if (json) for (const row of rows) console.log(JSON.stringify(row));
  else console.log(benchTable(rows));
}

/** The points of the batch-size chart: our speed, and PyTorch's where it was measured. */
function scalingPoints(rows: BenchRow[], ours: string) {
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

function batchSizesFlag(values: FlagValues): number[] | undefined {
  const raw = stringFlag(values, "batch-sizes");
  if (raw === undefined) return undefined;
  const sizes = raw.split(",").map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 4096)) {
    throw new UserError(
      `--batch-sizes takes whole numbers from 1 to 4096 separated by commas, e.g. 16,32,64; got "${raw}".`,
    );
  }
  return sizes;
}

function secondsFlag(values: FlagValues): number {
  const raw = values.seconds;
  if (raw === undefined) return 10;
  const seconds = Number(raw);
  if (!(seconds > 0)) throw new UserError(`--seconds must be a positive number, got "${raw}".`);
  return seconds;
}

/** Runs this same command on the cpu backend in a child process (a backend is chosen once per process). */
function addCpu(rows: BenchRow[], seconds: number, log: (line: string) => void): void {
  const presets = rows.map((r) => r.preset).filter((name) => CPU_PRESETS.includes(name));
  if (presets.length === 0) return;
  const args = [
    path.join(__dirname, "main.js"),
    "bench",
    "--json",
    "--seconds",
    String(seconds),
    ...presets.flatMap((name) => ["--preset", name]),
  ];
  log(`  cpu backend, ${seconds} s per preset...`);
  const run = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...STARTING_ENV, FMNIST_BACKEND: "cpu" } });
  if (run.status !== 0) throw new UserError(`the cpu run failed: ${run.stderr.trim()}`);
  for (const [row, other] of matchAnchorRows(rows, run.stdout)) {
    row.cpu_img_per_s = other.train_img_per_s;
    row.vs_cpu = round2(row.train_img_per_s / other.train_img_per_s);
  }
}

/** Runs the PyTorch anchor on the same presets and thread count and adds its speed and our ratio to it. */
function addTorch(
  rows: BenchRow[],
  seconds: number,
  threads: number,
  log: (line: string) => void,
  batchSizes?: number[],
): void {
  const anchor =
    process.env.FMNIST_TORCH_BENCH ?? path.join(projectRoot(), "..", "shared", "anchors", "torch_bench.py");
  if (!fs.existsSync(anchor))
    throw new UserError(`PyTorch anchor not found at ${anchor}; set FMNIST_TORCH_BENCH to torch_bench.py.`);
  const python = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const presets = [...new Set(rows.map((r) => r.preset))].flatMap((name) => ["--preset", name]);
  // At the walkthroughs' batch sizes, the anchor itself; at others, our sweep over the anchor's own models.
  const script = batchSizes ? path.join(projectRoot(), "scripts", "torch_batch_sweep.py") : anchor;
  const sizes = batchSizes ? batchSizes.flatMap((b) => ["--batch", String(b)]) : [];
  const args = [
    script,
    "--require-fast-blas",
    "--seconds",
    String(seconds),
    "--threads",
    String(threads),
    ...presets,
    ...sizes,
  ];
  log(`  PyTorch (${python} ${path.basename(script)}), ${seconds} s per measurement...`);
  const run = spawnSync(python, args, { encoding: "utf8", env: { ...STARTING_ENV, FMNIST_TORCH_BENCH: anchor } });
  if (run.status === REFERENCE_BLAS_EXIT) {
    throw new UserError(
      "PyTorch runs on the reference BLAS here (3-18x slower than it runs for anyone with OpenBLAS), so no ratios are " +
        "printed against it: apt-get install libopenblas0-openmp, then run the benchmark again.",
    );
  }
  if (run.status !== 0) {
    throw new UserError(
      `the PyTorch anchor failed (${run.stderr.trim().split("\n").pop()}). On Debian: apt-get install python3-torch libopenblas0-openmp.`,
    );
  }
  for (const [row, anchor] of matchAnchorRows(rows, run.stdout)) {
    row.torch_img_per_s = anchor.train_img_per_s;
    row.ratio = round2(row.train_img_per_s / anchor.train_img_per_s);
    row.torch_version = anchor.framework;
    row.torch_blas = anchor.blas;
    row.torch_peak_rss_mib = anchor.peak_rss_mib;
  }
  const first = rows.find((r) => r.torch_version);
  if (first) log(`  anchor: ${first.torch_version} on ${first.torch_blas} BLAS, ${threads} thread(s)`);
}

/** One JSON line of another run (the cpu backend, or the PyTorch anchor, which also says its framework and BLAS). */
interface OtherRunRow {
  preset: string;
  batch?: number;
  train_img_per_s: number;
  framework?: string;
  blas?: string;
  peak_rss_mib?: number;
}

/** Pairs each row with the line of the same preset (and batch size, where the line has one) in another run's JSON lines. */
function matchAnchorRows(rows: BenchRow[], jsonLines: string): [BenchRow, OtherRunRow][] {
  const other: OtherRunRow[] = jsonLines
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
  return rows.flatMap((row): [BenchRow, OtherRunRow][] => {
    const match = other.find((o) => o.preset === row.preset && (o.batch === undefined || o.batch === row.batch));
    return match ? [[row, match]] : [];
  });
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** A plain-text table of bench rows. */
export function benchTable(rows: BenchRow[]): string {
  const columns: (keyof BenchRow)[] = [
    "preset",
    "backend",
    "threads",
    "batch",
    "params",
    "train_img_per_s",
    "torch_img_per_s",
    "ratio",
    "cpu_img_per_s",
    "vs_cpu",
    "peak_rss_mib",
    "torch_peak_rss_mib",
    "torch_blas",
    "tensors_before",
    "tensors_after",
  ];
  const used = columns.filter((c) => rows.some((r) => r[c] !== undefined));
  const table = [used.map(String), ...rows.map((r) => used.map((c) => String(r[c] ?? "")))];
  const widths = used.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ")).join("\n");
}
