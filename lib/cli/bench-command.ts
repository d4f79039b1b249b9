import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describeBackend, selectBackend } from "../backend/select";
import { measureTrainingSpeed, SpeedMeasurement } from "../bench/measure";
import { loadFashionMnist } from "../data/dataset";
import { PRESET_NAMES } from "../models/presets";
import { UserError } from "../util/errors";
import { Interrupted } from "../util/interrupt";
import { projectRoot } from "../util/paths";
import { FlagValues, parseFlags } from "./args";

/**
 * The environment as the process started, before any backend tuned it (the oneDNN kernels set GOMP_SPINCOUNT,
 * which also speeds PyTorch up a lot on small machines): the anchor must run as a learner would run it.
 */
const STARTING_ENV = { ...process.env };

/** Presets the plain cpu backend can run in seconds (one cpu step of cnn-deep or vgg11-bn takes minutes). */
const CPU_PRESETS = ["mlp", "mlp-deep", "mlp-functional", "cnn-simple"];

/** The presets the PyTorch anchor (shared/anchors/torch_bench.py) also defines, at the same batch sizes. */
export const BENCH_PRESETS = ["mlp", "mlp-deep", "cnn-simple", "cnn-deep", "vgg11-bn"];

export const BENCH_HELP = `fmnist bench [--preset NAME]... [--seconds S] [--json] [--compare-torch] [--with-cpu]
  Training speed (images/second: forward, backward, optimizer step, after warm-up) of each preset at its
  walkthrough's batch size, with peak memory, tensors before/after, backend and threads.
  --compare-torch also runs the PyTorch anchor (/usr/bin/python3 ../shared/anchors/torch_bench.py, or
  FMNIST_TORCH_BENCH) on the same presets in the same run and adds torch_img_per_s and ratio.
  --with-cpu adds a short run on the plain cpu backend (cpu_img_per_s, vs_cpu) for ${CPU_PRESETS.join(", ")}
  (a single cpu step of the larger CNNs takes minutes). Default presets: ${BENCH_PRESETS.join(", ")}.
  Ctrl-C stops after the current step, prints the rows measured so far and exits 130.`;

/** A bench row with the optional comparisons. */
type BenchRow = SpeedMeasurement & { data_load_s: number; torch_img_per_s?: number; ratio?: number; cpu_img_per_s?: number; vs_cpu?: number };

/** `fmnist bench`: measure training speed per preset, optionally against PyTorch and the cpu backend. */
export async function benchCommand(argv: string[]): Promise<void> {
  const values = parseFlags("bench", argv, {
    preset: { type: "string", multiple: true },
    seconds: { type: "string" },
    json: { type: "boolean" },
    "compare-torch": { type: "boolean" },
    "with-cpu": { type: "boolean" },
  });
  const presets = (values.preset as string[] | undefined) ?? BENCH_PRESETS;
  for (const name of presets) {
    if (!PRESET_NAMES.includes(name)) throw new UserError(`Unknown preset "${name}". Choose one of: ${PRESET_NAMES.join(", ")}.`);
  }
  const seconds = secondsFlag(values);
  const backend = await selectBackend();
  const log = (line: string) => values.json || console.error(line);
  const loadStarted = performance.now();
  const data = await loadFashionMnist();
  const dataLoadSeconds = Math.round(performance.now() - loadStarted) / 1000;
  log(`bench on ${describeBackend(backend)}, ${os.cpus()[0]?.model ?? "unknown CPU"}, node ${process.version}`);
  log(`  data: found, verified and parsed both sets in ${dataLoadSeconds} s`);
  const rows: BenchRow[] = [];
  for (const name of presets) {
    const measured = await measureTrainingSpeed(name, data.train, { seconds, backend: backend.name, threads: backend.threads, warmupSteps: backend.name === "cpu" ? 1 : 3 });
    const row: BenchRow = { ...measured, data_load_s: dataLoadSeconds };
    log(`  ${name}: ${row.train_img_per_s} img/s (batch ${row.batch}, ${row.steps} steps)${row.interrupted ? ", cut short" : ""}`);
    if (row.steps > 0) rows.push(row);
    if (row.interrupted) {
      printRows(rows, values.json === true);
      throw new Interrupted(`stopped by you during ${name} (${rows.length} of ${presets.length} presets measured, shown above).`);
    }
  }
  if (values["with-cpu"]) addCpu(rows, Math.min(seconds, 5), log);
  if (values["compare-torch"]) addTorch(rows, seconds, backend.threads, log);
  printRows(rows, values.json === true);
}

function printRows(rows: BenchRow[], json: boolean): void {
  if (json) for (const row of rows) console.log(JSON.stringify(row));
  else console.log(benchTable(rows));
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
  const args = [path.join(__dirname, "main.js"), "bench", "--json", "--seconds", String(seconds), ...presets.flatMap((name) => ["--preset", name])];
  log(`  cpu backend, ${seconds} s per preset...`);
  const run = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...STARTING_ENV, FMNIST_BACKEND: "cpu" } });
  if (run.status !== 0) throw new UserError(`the cpu run failed: ${run.stderr.trim()}`);
  for (const [row, speed] of matchSpeeds(rows, run.stdout)) {
    row.cpu_img_per_s = speed;
    row.vs_cpu = round2(row.train_img_per_s / speed);
  }
}

/** Runs the PyTorch anchor on the same presets and thread count and adds its speed and our ratio to it. */
function addTorch(rows: BenchRow[], seconds: number, threads: number, log: (line: string) => void): void {
  const script = process.env.FMNIST_TORCH_BENCH ?? path.join(projectRoot(), "..", "shared", "anchors", "torch_bench.py");
  if (!fs.existsSync(script)) throw new UserError(`PyTorch anchor not found at ${script}; set FMNIST_TORCH_BENCH to torch_bench.py.`);
  const python = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const args = [script, "--seconds", String(seconds), "--threads", String(threads), ...rows.flatMap((r) => ["--preset", r.preset])];
  log(`  PyTorch anchor (${python} ${path.basename(script)}), ${seconds} s per preset...`);
  const run = spawnSync(python, args, { encoding: "utf8", env: STARTING_ENV });
  if (run.status !== 0) {
    throw new UserError(`the PyTorch anchor failed (${run.stderr.trim().split("\n").pop()}). On Debian: apt-get install python3-torch.`);
  }
  for (const [row, speed] of matchSpeeds(rows, run.stdout)) {
    row.torch_img_per_s = speed;
    row.ratio = round2(row.train_img_per_s / speed);
  }
}

/** Pairs each row with the `train_img_per_s` of the same preset in another run's JSON lines. */
function matchSpeeds(rows: BenchRow[], jsonLines: string): [BenchRow, number][] {
  const other = jsonLines.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
  return rows.flatMap((row): [BenchRow, number][] => {
    const match = other.find((o) => o.preset === row.preset);
    return match ? [[row, match.train_img_per_s as number]] : [];
  });
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** A plain-text table of bench rows. */
export function benchTable(rows: BenchRow[]): string {
  const columns: (keyof BenchRow)[] = ["preset", "backend", "threads", "batch", "params", "train_img_per_s", "torch_img_per_s", "ratio", "cpu_img_per_s", "vs_cpu", "peak_rss_mib", "tensors_before", "tensors_after"];
  const used = columns.filter((c) => rows.some((r) => r[c] !== undefined));
  const table = [used.map(String), ...rows.map((r) => used.map((c) => String(r[c] ?? "")))];
  const widths = used.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ")).join("\n");
}
