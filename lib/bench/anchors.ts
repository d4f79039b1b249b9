/**
 * The runs a benchmark row is compared against, each in a child process: the course's presets in PyTorch (the
 * external anchor, in each of a few thread settings, against its fastest), and this same benchmark on plain wasm or
 * the plain cpu backend (a backend is chosen once per process).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../util/errors";
import { projectRoot } from "../util/paths";
import { StepProfile } from "./profile";
import { BenchRow, round2 } from "./rows";

/**
 * The environment as the process started, before any backend tuned it (the oneDNN kernels set GOMP_SPINCOUNT,
 * which also speeds PyTorch up a lot on small machines): the anchor must run as a learner would run it.
 */
const STARTING_ENV = { ...process.env };

/** Presets the plain cpu backend can run in seconds (one cpu step of cnn-deep or vgg11-bn takes minutes). */
export const CPU_PRESETS = ["mlp", "mlp-deep", "mlp-functional", "cnn-simple"];

/** Exit status of the anchor's `--require-fast-blas` when PyTorch runs on the reference BLAS. */
const REFERENCE_BLAS_EXIT = 3;

/** Writes one progress line (to stderr, or nowhere with --json). */
export type BenchLog = (line: string) => void;

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

/**
 * Runs the benchmark command (`command`: the CLI's script and its `bench` word) on another backend in a child process
 * and pairs each of our rows with the child's row of the same preset and batch size.
 */
function onBackend(
  backend: "cpu" | "wasm",
  command: string[],
  rows: BenchRow[],
  presets: string[],
  seconds: number,
  log: BenchLog,
): [BenchRow, OtherRunRow][] {
  let output = "";
  for (const name of presets) {
    const sizes = rows
      .filter((r) => r.preset === name)
      .map((r) => r.batch)
      .join(",");
    const args = [...command, "--json", "--seconds", String(seconds), "--preset", name, "--batch-sizes", sizes];
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
export function addCpu(rows: BenchRow[], command: string[], seconds: number, log: BenchLog): void {
  const presets = [...new Set(rows.map((r) => r.preset))].filter((name) => CPU_PRESETS.includes(name));
  for (const [row, other] of onBackend("cpu", command, rows, presets, seconds, log)) {
    row.cpu_img_per_s = other.train_img_per_s;
    row.vs_cpu = round2(row.train_img_per_s / other.train_img_per_s);
  }
}

/** Adds plain wasm's speed (`wasm_img_per_s`), the backend a learner gets where the native addon did not build. */
export function addWasm(rows: BenchRow[], command: string[], seconds: number, log: BenchLog): void {
  const presets = [...new Set(rows.map((r) => r.preset))];
  for (const [row, other] of onBackend("wasm", command, rows, presets, seconds, log)) {
    row.wasm_img_per_s = other.train_img_per_s;
  }
}

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

/**
 * Runs the course's presets in PyTorch (scripts/torch_presets.py, or the script FMNIST_TORCH_BENCH names, e.g. the
 * external anchor shared/anchors/torch_bench.py) and adds its speed and our ratio to it. PyTorch runs in each of
 * {@link torchSettings} and every row compares against the fastest, so a machine where OpenMP's thread hand-offs cost
 * more than the second core brings (as GNU OpenMP's long default spin does on a 2-core VM) cannot flatter our ratio.
 */
export function addTorch(
  rows: BenchRow[],
  seconds: number,
  threads: number,
  log: BenchLog,
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

/** Adds PyTorch's time per training step (at its fastest setting) to each step profile. */
export function addTorchStepTimes(profiles: StepProfile[], seconds: number, threads: number, log: BenchLog): void {
  const rows = profiles.map(
    (p) => ({ preset: p.preset, batch: p.batch, train_img_per_s: (1000 * p.batch) / p.step_ms }) as BenchRow,
  );
  addTorch(rows, seconds, threads, log);
  rows.forEach((row, i) => {
    if (row.torch_img_per_s) profiles[i].torch_step_ms = Math.round((10000 * row.batch) / row.torch_img_per_s) / 10;
  });
}
