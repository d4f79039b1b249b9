/**
 * One benchmark run, as `fmnist bench` asks for it: each preset's training speed (at its walkthrough's batch size or
 * at the sizes given) with the comparisons chosen, or where one training step's time goes; printed as a table or as
 * JSON lines, and optionally drawn as the batch-size chart.
 */
import { describeBackend, selectBackend } from "../backend/select";
import { loadFashionMnist } from "../data/dataset";
import { renderPng } from "../plot/render";
import { Interrupted } from "../util/interrupt";
import { writeFileAtomic } from "../util/paths";
import { addCpu, addTorch, addTorchStepTimes, addWasm } from "./anchors";
import { batchScalingSpec } from "./batchScalingChart";
import { currentMachine, describeMachine } from "./machine";
import { measureTrainingSpeed } from "./measure";
import { profileTable, profileTrainingStep } from "./profile";
import { describeTrainOverhead, measureTrainOverhead } from "./trainOverhead";
import { BenchRow, benchTable, round2, scalingPoints } from "./rows";

/** The presets of the default run: one per walkthrough, each also defined in scripts/torch_presets.py. */
export const BENCH_PRESETS = ["mlp", "mlp-deep", "cnn-simple", "cnn-deep", "vgg11-bn"];

/** What one benchmark run measures and how it reports. */
export interface BenchOptions {
  presets: string[];
  /** Seconds of measurement per preset and batch size. */
  seconds: number;
  /** Batch sizes to measure instead of each walkthrough's. */
  batchSizes?: number[];
  /** JSON lines on stdout and no progress lines, instead of a table. */
  json: boolean;
  compareTorch: boolean;
  withCpu: boolean;
  withWasm: boolean;
  /** Where one training step's time goes, instead of the speed. */
  profileSteps: boolean;
  /** fm.train beside the lean step, in alternating rounds, instead of the speed. */
  withTrain: boolean;
  /** A PNG file for img/s against batch size. */
  chart?: string;
  /** The benchmark command to run on another backend in a child process (the CLI's script and its `bench` word). */
  command: string[];
}

function printRows(rows: BenchRow[], json: boolean): void {
  if (json) for (const row of rows) console.log(JSON.stringify(row));
  else console.log(benchTable(rows));
}

/**
 * Runs the benchmark and prints its result; an interrupt (Ctrl-C) prints the rows measured so far and throws
 * {@link Interrupted}.
 */
export async function runBenchmark(options: BenchOptions): Promise<void> {
  const { presets, seconds, batchSizes } = options;
  const backend = await selectBackend();
  const log = (line: string) => options.json || console.error(line);
  const loadStarted = performance.now();
  const data = await loadFashionMnist();
  const dataLoadSeconds = Math.round(performance.now() - loadStarted) / 1000;
  // every row carries the machine, so rows from different machines are never compared as if from one
  const machine = currentMachine();
  log(`bench on ${machine.cpu_model}, node ${process.version}, backend ${describeBackend(backend)}`);
  log(`  data: found, verified and parsed both sets in ${dataLoadSeconds} s`);
  if (options.profileSteps) {
    const profiles = [];
    for (const name of presets) profiles.push(await profileTrainingStep(name, data.train));
    if (options.compareTorch) addTorchStepTimes(profiles, seconds, backend.threads, log);
    if (options.json) for (const p of profiles) console.log(JSON.stringify({ ...p, ...machine }));
    else console.log(`${describeMachine(machine)}\n\n${profileTable(profiles)}`);
    return;
  }
  if (options.withTrain) {
    if (!options.json) console.log(describeMachine(machine));
    for (const name of presets)
      for (const batchSize of batchSizes ?? [undefined]) {
        const row = await measureTrainOverhead(name, data.train, {
          seconds,
          backend: backend.name,
          threads: backend.threads,
          batchSize,
          log,
        });
        console.log(options.json ? JSON.stringify({ ...row, ...machine }) : describeTrainOverhead(row));
      }
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
      const row: BenchRow = { ...measured, data_load_s: dataLoadSeconds, ...machine };
      log(
        `  ${name}: ${row.train_img_per_s} img/s (batch ${row.batch}, ${row.steps} steps)${row.interrupted ? ", cut short" : ""}`,
      );
      if (row.steps > 0) rows.push(row);
      if (row.interrupted) {
        printRows(rows, options.json);
        throw new Interrupted(`stopped by you during ${name} (${rows.length} rows measured, shown above).`);
      }
    }
  }
  if (options.withCpu) addCpu(rows, options.command, Math.min(seconds, 5), log);
  if (options.withWasm) addWasm(rows, options.command, seconds, log);
  if (options.compareTorch) addTorch(rows, seconds, backend.threads, log, batchSizes);
  for (const row of rows)
    if (row.wasm_img_per_s && row.torch_img_per_s) row.wasm_ratio = round2(row.wasm_img_per_s / row.torch_img_per_s);
  printRows(rows, options.json);
  if (options.chart) {
    const points = scalingPoints(rows, describeBackend(backend, { reasons: false }));
    writeFileAtomic(options.chart, (await renderPng(batchScalingSpec(points))).png);
    log(`  chart written to ${options.chart}`);
  }
}
