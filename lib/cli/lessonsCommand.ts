/**
 * `fmnist lessons`: runs the lesson notebooks headlessly in order and summarises the result records they show.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { clearResults, ResultRecord } from "../metrics/results";
import { UserError } from "../util/errors";
import { Interrupted, watchInterrupts } from "../util/interrupt";
import { projectRoot } from "../util/paths";
import { parseFlags, positiveInt, stringFlag } from "./args";

/** scripts/jupyter-env.js, shared with the set-up script; the path is relative to this file's compiled form in dist/lib/cli/. */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const jupyter = require("../../../scripts/jupyter-env.js") as {
  /** The project-local Jupyter data folder that holds the course's kernelspec. */
  JUPYTER_DIR: string;
  /** A Python that can run Jupyter and nbclient, or null. */
  findJupyterPython(): string | null;
  /** The environment for Jupyter processes, with the course's kernelspec folder first on JUPYTER_PATH. */
  jupyterEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
};

export const LESSONS_HELP = `fmnist lessons [--profile smoke|full] [--kernel tslab|deno] [--only 01,02] [--twice] [--html]
                 [--json] [--timeout S]
  Executes the lessons in order headlessly (nbclient) with the tslab kernel (default) or Deno's. full (default)
  writes the executed notebooks in place; smoke (a small subset, one short epoch) writes them to .lessons-smoke/;
  with --kernel deno they go to .lessons-deno/<profile>/ (the committed outputs are tslab's). Stops at the first
  failing cell. --twice runs each lesson twice in the same kernel, as Run All clicked again does, writes the second
  run's notebook and fails when the second run ends holding more tensors or servers than the first.
  --html also exports HTML. Prints a summary of the result records (--json: one object per line).
  Ctrl-C stops the lesson running (its kernel is shut down, no notebook is written), prints the summary of the
  lessons done and exits 130.`;

/** One executed lesson as the runner reports it. */
export interface LessonReport {
  lesson: string;
  ok: boolean;
  /** True when the run was stopped (Ctrl-C) before this lesson ended. */
  stopped?: boolean;
  seconds?: number;
  output?: string;
  records?: ResultRecord[];
  cell?: number;
  source?: string;
  error?: string;
  /** With --twice: what the kernel held after each run of the lesson. */
  rounds?: RoundReading[];
}

/** What a lesson's kernel holds after one run of all its cells. */
export interface RoundReading {
  /** Live tfjs tensors (`tf.memory().numTensors`). */
  tensors: number;
  /** Listening TCP servers of the kernel's process. */
  servers: number;
  /** How long the run took. */
  seconds: number;
}

/**
 * What a lesson run again in the same kernel left behind, or null when every later run ends holding no more
 * tensors and servers than the first: a run that ends with more has leaked them, and Run All clicked again leaks again.
 */
export function rerunLeaks(rounds: RoundReading[]): string | null {
  const [first, ...later] = rounds;
  const leaks = later.flatMap((reading, i) =>
    (["tensors", "servers"] as const)
      .filter((what) => reading[what] > first[what])
      .map((what) => `${what}: ${first[what]} after run 1, ${reading[what]} after run ${i + 2}`),
  );
  return leaks.length > 0 ? leaks.join("; ") : null;
}

/** The Jupyter kernels the lessons run on: tslab (the course's), and Deno's (`deno jupyter`). */
export const KERNELS = ["tslab", "deno"] as const;

/** Name of a kernel the lessons run on (its kernelspec's name in the project's Jupyter folder). */
export type KernelName = (typeof KERNELS)[number];

/** Where `fmnist lessons` writes the executed notebooks of one profile run on one kernel. */
export function lessonOutputDir(profile: "full" | "smoke", kernel: KernelName): string {
  const root = projectRoot();
  if (kernel !== "tslab") return path.join(root, `.lessons-${kernel}`, profile);
  return profile === "full" ? path.join(root, "notebooks") : path.join(root, ".lessons-smoke");
}

/** The lesson notebooks (`notebooks/NN-name.ipynb`) in the order a learner takes them. */
export function lessonNotebooks(only?: string[]): string[] {
  const dir = path.join(projectRoot(), "notebooks");
  const all = fs
    .readdirSync(dir)
    .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
    .sort();
  const picked = only ? all.filter((f) => only.some((prefix) => f.startsWith(prefix))) : all;
  if (only && picked.length === 0) {
    throw new UserError(
      `--only ${only.join(",")} matches no lesson. Lessons: ${all.map((f) => f.slice(0, 2)).join(", ")}.`,
    );
  }
  return picked.map((f) => path.join(dir, f));
}

/** `fmnist lessons`: run lessons headlessly and summarise their result records. */
export async function lessonsCommand(argv: string[]): Promise<void> {
  const values = parseFlags("lessons", argv, {
    profile: { type: "string" },
    kernel: { type: "string" },
    only: { type: "string" },
    html: { type: "boolean" },
    json: { type: "boolean" },
    timeout: { type: "string" },
    twice: { type: "boolean" },
  });
  const profile = stringFlag(values, "profile") ?? "full";
  if (profile !== "full" && profile !== "smoke")
    throw new UserError(`--profile must be smoke or full, got "${profile}".`);
  const kernel = stringFlag(values, "kernel") ?? "tslab";
  if (!(KERNELS as readonly string[]).includes(kernel))
    throw new UserError(`--kernel must be ${KERNELS.join(" or ")}, got "${kernel}".`);
  const only = stringFlag(values, "only")
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const notebooks = lessonNotebooks(only);
  const root = projectRoot();
  const outDir = lessonOutputDir(profile, kernel as KernelName);
  const python = jupyter.findJupyterPython();
  if (!python)
    throw new UserError(
      "No Python with nbclient and nbconvert found. Run `npm start` (or apt-get install python3-nbclient jupyter-nbconvert).",
    );
  if (!fs.existsSync(path.join(jupyter.JUPYTER_DIR, "kernels", kernel, "kernel.json"))) {
    throw new UserError(
      `The ${kernel} kernel is not registered yet: run \`npm run setup\` first (it says why, if it cannot).`,
    );
  }
  // each lesson run replaces all of its saved records, so none of an earlier run's lingers for lesson 06 to read
  for (const notebook of notebooks) clearResults(profile, path.basename(notebook, ".ipynb"));
  const runnerArgs = [
    path.join(root, "scripts", "run_lessons.py"),
    "--out-dir",
    outDir,
    "--kernel",
    kernel,
    ...notebooks,
  ];
  if (values.html) runnerArgs.push("--html");
  if (values.twice) runnerArgs.push("--rounds", "2");
  const timeout = positiveInt(values, "timeout");
  if (timeout) runnerArgs.push("--timeout", String(timeout));
  const { reports, interrupted } = await runRunner(
    python,
    runnerArgs,
    jupyter.jupyterEnv({ FMNIST_PROFILE: profile }),
    (report) => {
      if (report.ok)
        console.error(
          `✓ ${report.lesson} (${report.seconds} s${roundsNote(report.rounds)}) → ${path.relative(root, report.output ?? "")}`,
        );
      else if (report.stopped)
        console.error(`■ ${report.lesson}: stopped by you; its kernel is shut down and no notebook was written`);
      else
        console.error(`✗ ${report.lesson}: cell ${report.cell} failed\n${report.source ?? ""}\n${report.error ?? ""}`);
    },
  );
  const records = reports.flatMap((r) => r.records ?? []);
  if (values.json) for (const record of records) console.log(JSON.stringify(record));
  else console.log(summaryTable(records));
  if (interrupted)
    throw new Interrupted(
      `stopped by you after ${reports.filter((r) => r.ok).length} of ${notebooks.length} lessons (summary above).`,
    );
  const failed = reports.find((r) => !r.ok);
  if (failed)
    throw new UserError(
      `lesson ${failed.lesson} failed at code cell ${failed.cell}; see the error above (the executed copy is in ${path.relative(root, outDir)}/).`,
    );
  if (reports.length < notebooks.length)
    throw new UserError(
      `the runner stopped after ${reports.length} of ${notebooks.length} lessons; see its messages above.`,
    );
  const leaks = reports.flatMap((r) => {
    const leak = r.rounds && rerunLeaks(r.rounds);
    return leak ? [`${r.lesson}, ${leak}`] : [];
  });
  if (leaks.length > 0)
    throw new UserError(
      `run twice in one kernel, lessons ended their second run holding more than their first (${leaks.join("; ")}): ` +
        "something they make on every run is never freed; dispose the tensors and models, close the servers.",
    );
}

/** ", runs of 20 + 15 s: 120 → 120 tensors, 0 → 0 servers" for a lesson run twice, else nothing. */
function roundsNote(rounds: RoundReading[] | undefined): string {
  if (!rounds || rounds.length === 0) return "";
  const series = (what: keyof RoundReading) => rounds.map((r) => r[what]).join(what === "seconds" ? " + " : " → ");
  return `, runs of ${series("seconds")} s: ${series("tensors")} tensors, ${series("servers")} servers`;
}

/**
 * Runs the Python runner and collects its reports. It runs in its own process group, so Ctrl-C reaches it once,
 * passed on here (its nbclient then shuts the kernel down); if this process exits first, the runner gets SIGTERM.
 */
function runRunner(
  python: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onReport: (r: LessonReport) => void,
): Promise<{ reports: LessonReport[]; interrupted: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { env, stdio: ["ignore", "pipe", "inherit"], detached: true });
    const watch = watchInterrupts(() => child.kill("SIGINT"));
    const stopOnExit = () => child.kill("SIGTERM");
    process.on("exit", stopOnExit);
    const reports: LessonReport[] = [];
    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      try {
        const report = JSON.parse(line) as LessonReport;
        reports.push(report);
        onReport(report);
      } catch {
        console.error(line);
      }
    });
    const done = () => {
      watch.end();
      process.off("exit", stopOnExit);
    };
    child.on("error", (error) => {
      done();
      reject(new UserError(`could not start ${python}: ${error.message}`));
    });
    child.on("close", () => {
      const interrupted = watch.requested;
      done();
      resolve({ reports, interrupted });
    });
  });
}

/** A plain-text table of result records, one row per trained model. */
export function summaryTable(records: ResultRecord[]): string {
  const columns: (keyof ResultRecord)[] = [
    "lesson",
    "model",
    "params",
    "epochs",
    "batch",
    "train_images",
    "train_accuracy",
    "test_accuracy",
    "seconds",
    "img_per_s",
    "backend",
    "profile",
  ];
  const rows = [columns.map(String), ...records.map((r) => columns.map((c) => String(r[c] ?? "")))];
  const widths = columns.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ")).join("\n");
}
