/**
 * `fmnist bench`: training speed per preset on the chosen backend, optionally beside PyTorch and other backends.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describeBackend, selectBackend } from "../backend/select";
import { measureTrainingSpeed, SpeedMeasurement } from "../bench/measure";
import { profileTable, profileTrainingStep, StepProfile } from "../bench/profile";
import { batchScalingSpec } from "../bench/batchScalingChart";
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

/** The presets of the default run: one per walkthrough, each also defined in scripts/torch_presets.py. */
export const BENCH_PRESETS = ["mlp", "mlp-deep", "cnn-simple", "cnn-deep", "vgg11-bn"];

export const BENCH_HELP = `fmnist bench [--preset NAME]... [--seconds S] [--json] [--compare-torch] [--with-wasm] [--with-cpu] [--profile-steps]
  [--batch-sizes 16,32,...] [--chart FILE.png]
  Training speed (images/second: forward, backward, optimizer step, after warm-up) of each preset at its
  walkthrough's batch size, with peak memory, tensors before/after, backend and threads.
  --compare-torch also trains the same presets in PyTorch (/usr/bin/python3 scripts/torch_presets.py, or the
  script FMNIST_TORCH_BENCH names) in the same run: at our thread count as started, with GOMP_SPINCOUNT=1000 and on
  one thread, and adds the fastest as torch_img_per_s with torch_setting, ratio, PyTorch's BLAS and its peak memory. It refuses to compare
  against PyTorch on the reference BLAS (apt-get install libopenblas0-openmp).
  --with-wasm adds the same presets on plain wasm (wasm_img_per_s, and wasm_ratio against PyTorch).
  --with-cpu adds a short run on the plain cpu backend (cpu_img_per_s, vs_cpu) for ${CPU_PRESETS.join(", ")}
  (a single cpu step of the larger CNNs takes minutes). Default presets: ${BENCH_PRESETS.join(", ")}.
  --profile-steps instead shows where one training step's time goes: kernels of the forward and backward pass,
  of the optimizer, the JavaScript around them, the extra cost of fm.train's fit loop, and the longest ops.
  --batch-sizes measures each preset at these batch sizes instead of its walkthrough's (with --compare-torch,
  PyTorch at the same sizes); --chart writes img/s against batch size as PNG.
  Ctrl-C stops after the current step, prints the rows measured so far and exits 130.`;

/** A bench row with the optional comparisons. */
type BenchRow = SpeedMeasurement & {
  data_load_s: number;
  torch_img_per_s?: number;
  ratio?: number;
  /** The anchor's framework version, the BLAS that served it and its peak memory (cumulative over its presets). */
  torch_version?: string;
  torch_blas?: string;
  /** The PyTorch setting compared against: the fastest of {@link torchSettings}. */
  torch_setting?: string;
  torch_peak_rss_mib?: number;
  cpu_img_per_s?: number;
  vs_cpu?: number;
  /** Plain wasm's speed on the same preset and batch, and its ratio to PyTorch. */
  wasm_img_per_s?: number;
  wasm_ratio?: number;
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
    "with-wasm": { type: "boolean" },
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
    if (values["compare-torch"]) addTorchStepTimes(profiles, seconds, backend.threads, log);
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
  if (values["with-wasm"]) addWasm(rows, seconds, log);
  if (values["compare-torch"]) addTorch(rows, seconds, backend.threads, log, batchSizes);
  for (const row of rows)
    if (row.wasm_img_per_s && row.torch_img_per_s) row.wasm_ratio = round2(row.wasm_img_per_s / row.torch_img_per_s);
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

/**
 * Runs this same command on another backend in a child process (a backend is chosen once per process) and pairs
 * each of our rows with the child's row of the same preset and batch size.
 */
function onBackend(
  backend: "cpu" | "wasm",
  rows: BenchRow[],
  presets: string[],
  seconds: number,
  log: (line: string) => void,
): [BenchRow, OtherRunRow][] {
  let output = "";
  for (const name of presets) {
    const sizes = rows
      .filter((r) => r.preset === name)
      .map((r) => r.batch)
      .join(",");
    const args = [
      path.join(__dirname, "main.js"),
      "bench",
      "--json",
      "--seconds",
      String(seconds),
      "--preset",
      name,
      "--batch-sizes",
      sizes,
    ];
    log(`  ${name} on the ${backend} backend, ${seconds} s per batch size...`);
    const run = spawnSync(process.execPath, args, {
      encoding: "utf8",
      env: { ...STARTING_ENV, FMNIST_BACKEND: backend },
    });
    if (run.status !== 0) throw new UserError(`the ${backend} run of ${name} failed: ${run.stderr.trim()}`);
    output += run.stdout;
  }
  return matchAnchorRows(rows, output);
}

/** Adds the plain cpu backend's speed (`cpu_img_per_s`, `vs_cpu`) for the presets it runs in seconds. */
function addCpu(rows: BenchRow[], seconds: number, log: (line: string) => void): void {
  const presets = [...new Set(rows.map((r) => r.preset))].filter((name) => CPU_PRESETS.includes(name));
  for (const [row, other] of onBackend("cpu", rows, presets, seconds, log)) {
    row.cpu_img_per_s = other.train_img_per_s;
    row.vs_cpu = round2(row.train_img_per_s / other.train_img_per_s);
  }
}

/** Adds plain wasm's speed (`wasm_img_per_s`), the backend a learner gets where the native addon did not build. */
function addWasm(rows: BenchRow[], seconds: number, log: (line: string) => void): void {
  for (const [row, other] of onBackend("wasm", rows, [...new Set(rows.map((r) => r.preset))], seconds, log)) {
    row.wasm_img_per_s = other.train_img_per_s;
  }
}

/**
 * Runs the course's presets in PyTorch (scripts/torch_presets.py, or the script FMNIST_TORCH_BENCH names, e.g. the
 * external anchor shared/anchors/torch_bench.py) and adds its speed and our ratio to it. PyTorch runs in each of
 * {@link torchSettings} and every row compares against the fastest, so a machine where OpenMP's thread hand-offs cost
 * more than the second core brings (as GNU OpenMP's long default spin does on a 2-core VM) cannot flatter our ratio.
 */
/** One way of running PyTorch in a comparison: its thread count and extra environment. */
interface TorchSetting {
  threads: number;
  env: Record<string, string>;
  label: string;
}

/**
 * The settings a comparison runs PyTorch in: our thread count as a learner starts it, and, above one thread, the
 * same with GNU OpenMP's idle spin cut to 1,000 rounds (what our own native kernels use) and a single thread.
 */
export function torchSettings(threads: number): TorchSetting[] {
  const plural = (n: number) => `${n} thread${n === 1 ? "" : "s"}`;
  const settings: TorchSetting[] = [{ threads, env: {}, label: plural(threads) }];
  if (threads > 1) {
    settings.push({ threads, env: { GOMP_SPINCOUNT: "1000" }, label: `${plural(threads)}, GOMP_SPINCOUNT=1000` });
    settings.push({ threads: 1, env: {}, label: plural(1) });
  }
  return settings;
}

function addTorch(
  rows: BenchRow[],
  seconds: number,
  threads: number,
  log: (line: string) => void,
  batchSizes?: number[],
): void {
  const script = process.env.FMNIST_TORCH_BENCH ?? path.join(projectRoot(), "scripts", "torch_presets.py");
  if (!fs.existsSync(script))
    throw new UserError(
      `PyTorch benchmark script not found at ${script}; unset FMNIST_TORCH_BENCH or point it at one.`,
    );
  const python = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const presets = [...new Set(rows.map((r) => r.preset))].flatMap((name) => ["--preset", name]);
  const sizes = batchSizes ? batchSizes.flatMap((b) => ["--batch", String(b)]) : [];
  for (const setting of torchSettings(threads)) {
    const args = [
      script,
      "--require-fast-blas",
      "--seconds",
      String(seconds),
      "--threads",
      String(setting.threads),
      ...presets,
      ...sizes,
    ];
    log(`  PyTorch (${python} ${path.basename(script)}), ${setting.label}, ${seconds} s per measurement...`);
    const run = spawnSync(python, args, { encoding: "utf8", env: { ...STARTING_ENV, ...setting.env } });
    if (run.status === REFERENCE_BLAS_EXIT) {
      throw new UserError(
        "PyTorch runs on the reference BLAS here (3-18x slower than it runs for anyone with OpenBLAS), so no ratios are " +
          "printed against it: apt-get install libopenblas0-openmp, then run the benchmark again.",
      );
    }
    if (run.status !== 0) {
      throw new UserError(
        `the PyTorch benchmark failed (${run.stderr.trim().split("\n").pop()}). On Debian: apt-get install python3-torch libopenblas0-openmp.`,
      );
    }
    for (const [row, torch] of matchAnchorRows(rows, run.stdout)) {
      if (torch.peak_rss_mib !== undefined)
        row.torch_peak_rss_mib = Math.max(row.torch_peak_rss_mib ?? 0, torch.peak_rss_mib);
      if (torch.train_img_per_s <= (row.torch_img_per_s ?? 0)) continue;
      row.torch_img_per_s = torch.train_img_per_s;
      row.torch_setting = setting.label;
      row.ratio = round2(row.train_img_per_s / torch.train_img_per_s);
      row.torch_version = torch.framework;
      row.torch_blas = torch.blas;
    }
  }
  const first = rows.find((r) => r.torch_version);
  if (first)
    log(
      `  PyTorch: ${first.torch_version} on ${first.torch_blas} BLAS; each row against its fastest setting (torch_setting)`,
    );
}

/** Adds PyTorch's time per training step (at its faster thread count) to each step profile. */
function addTorchStepTimes(
  profiles: StepProfile[],
  seconds: number,
  threads: number,
  log: (line: string) => void,
): void {
  const rows = profiles.map(
    (p) => ({ preset: p.preset, batch: p.batch, train_img_per_s: (1000 * p.batch) / p.step_ms }) as BenchRow,
  );
  addTorch(rows, seconds, threads, log);
  rows.forEach((row, i) => {
    if (row.torch_img_per_s) profiles[i].torch_step_ms = Math.round((10000 * row.batch) / row.torch_img_per_s) / 10;
  });
}

/** One JSON line of another run (the cpu backend, or the PyTorch anchor, which also says its framework and BLAS). */
interface OtherRunRow {
  preset: string;
  batch?: number;
  train_img_per_s: number;
  framework?: string;
  blas?: string;
  threads?: number;
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
  ];
  const used = columns.filter((c) => rows.some((r) => r[c] !== undefined));
  const table = [used.map(String), ...rows.map((r) => used.map((c) => String(r[c] ?? "")))];
  const widths = used.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ")).join("\n");
}
