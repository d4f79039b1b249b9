import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { test } from "node:test";
import { KernelName, lessonNotebooks, lessonOutputDir } from "../lib/cli/lessonsCommand";
import { checkNotebookChartsFile } from "../lib/plot/notebookCharts";
import { kernelSkip } from "./helpers";

const ROOT = path.join(__dirname, "..", "..");
const CLI = path.join(ROOT, "dist", "lib", "cli", "main.js");
const REQUIRED = ["lesson", "model", "params", "epochs", "test_accuracy", "seconds", "backend", "profile"];
/**
 * On tslab each lesson runs twice in one kernel, as Run All clicked again does, unless FMNIST_TEST_LESSONS_ONCE is set:
 * CI's second pass, under another Node version, sets it to save the second runs' two minutes, since what they check
 * (the earlier run's models and servers freed) is the library's and tfjs's doing, not Node's.
 */
const TWICE = !process.env.FMNIST_TEST_LESSONS_ONCE;

/**
 * Runs every lesson's smoke profile on one kernel through `fmnist lessons` and checks what it reports: every lesson
 * wrote its executed copy and showed result records with the required fields, each lesson trained a model better
 * than chance. Returns what the command printed on stderr (a line per lesson).
 */
function checkSmokeRun(kernel: KernelName, extraFlags: string[] = []): string {
  const notebooks = lessonNotebooks();
  assert.ok(notebooks.length >= 1, "no lessons found");
  const run = spawnSync(
    process.execPath,
    [CLI, "lessons", "--profile", "smoke", "--kernel", kernel, "--json", ...extraFlags],
    { encoding: "utf8", cwd: ROOT },
  );
  assert.equal(run.status, 0, `lesson runner (${kernel}) failed:\n${run.stderr}`);
  const records = run.stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const lessons = new Set(records.map((r) => r.lesson));
  for (const notebook of notebooks) {
    const name = path.basename(notebook, ".ipynb");
    assert.ok(lessons.has(name), `${name} displayed no result record on ${kernel}`);
    const executed = path.join(lessonOutputDir("smoke", kernel), path.basename(notebook));
    assert.ok(fs.existsSync(executed), `${name}: no executed copy from ${kernel}`);
  }
  for (const record of records) {
    for (const key of REQUIRED) assert.ok(key in record, `${record.lesson}: record lacks ${key}`);
    assert.equal(record.profile, "smoke");
    assert.ok(
      record.test_accuracy >= 0 && record.test_accuracy <= 1,
      `${record.lesson}/${record.model}: test accuracy ${record.test_accuracy}`,
    );
  }
  // A lesson may record a run that fails on purpose (lesson 02 reproduces a run stuck at chance), but every lesson
  // must train at least one model that learns.
  for (const lesson of lessons) {
    const best = Math.max(...records.filter((r) => r.lesson === lesson).map((r) => r.test_accuracy));
    assert.ok(best > 0.1, `${lesson} on ${kernel}: no model is better than chance (best test accuracy ${best})`);
  }
  return run.stderr;
}

/** Checks every chart of every lesson a smoke run on `kernel` executed. */
async function checkSmokeCharts(kernel: KernelName): Promise<void> {
  for (const notebook of lessonNotebooks()) {
    const executed = path.join(lessonOutputDir("smoke", kernel), path.basename(notebook));
    assert.ok(fs.existsSync(executed), `${executed} was not written by the smoke run`);
    const report = await checkNotebookChartsFile(executed);
    assert.deepEqual(
      report.problems,
      [],
      `${path.basename(notebook)} (${kernel}): ${report.charts} charts, problems:\n${report.problems.join("\n")}`,
    );
  }
}

test(
  `every lesson runs top to bottom with the tslab kernel (smoke profile)${TWICE ? " twice in one kernel" : ""} ` +
    "and reports its results",
  { timeout: 20 * 60 * 1000 },
  () => {
    // --twice fails when a second run errs or ends holding more tensors or servers than the first; the notebooks
    // written, and checked by the tests below, are then the second run's.
    const lines = checkSmokeRun("tslab", ["--html", ...(TWICE ? ["--twice"] : [])]);
    for (const notebook of TWICE ? lessonNotebooks() : []) {
      const name = path.basename(notebook, ".ipynb");
      assert.match(lines, new RegExp(`✓ ${name} \\(.*runs of [\\d.]+ \\+ [\\d.]+ s: `), `${name} did not run twice`);
    }
  },
);

test("every chart of every smoke-run lesson compiles without vega warnings and draws its data", () =>
  checkSmokeCharts("tslab"));

/**
 * A code cell's outputs as kinds, in order: "stream stdout", "display image/png text/plain", "result", "error". Stream
 * outputs in a row count once: kernels split printed text into messages differently (nbclient keeps each one).
 */
function outputKinds(cell: {
  outputs: { output_type: string; name?: string; data?: Record<string, unknown> }[];
}): string[] {
  const kinds = cell.outputs.map((output) =>
    output.output_type === "stream"
      ? `stream ${output.name}`
      : output.output_type === "display_data"
        ? ["display", ...Object.keys(output.data ?? {}).sort()].join(" ")
        : output.output_type === "execute_result"
          ? "result"
          : output.output_type,
  );
  return kinds.filter((kind, i) => !(kind.startsWith("stream") && kind === kinds[i - 1]));
}

/** A notebook's code cells. */
function codeCells(file: string) {
  const nb = JSON.parse(fs.readFileSync(file, "utf8"));
  return nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
}

test(
  "every lesson runs top to bottom with Deno's kernel (smoke profile), showing every output tslab's run shows",
  { timeout: 20 * 60 * 1000, skip: kernelSkip("deno") },
  () => {
    checkSmokeRun("deno");
    for (const notebook of lessonNotebooks()) {
      const name = path.basename(notebook);
      const tslab = codeCells(path.join(lessonOutputDir("smoke", "tslab"), name));
      const deno = codeCells(path.join(lessonOutputDir("smoke", "deno"), name));
      assert.equal(
        deno.length,
        tslab.length,
        `${name}: ${deno.length} code cells ran on Deno, ${tslab.length} on tslab`,
      );
      const differing = tslab.flatMap((cell: Parameters<typeof outputKinds>[0], i: number) => {
        const onTslab = outputKinds(cell);
        // Deno also shows the value of a cell whose last statement is not an expression (a loop's last `push`
        // gives the array's length), where tslab shows none: an output more, never one less
        const onDeno = outputKinds(deno[i]).filter((kind) => kind !== "result" || onTslab.includes("result"));
        return JSON.stringify(onTslab) === JSON.stringify(onDeno)
          ? []
          : [`code cell ${i + 1}: tslab ${JSON.stringify(onTslab)}, Deno ${JSON.stringify(onDeno)}`];
      });
      assert.deepEqual(differing, [], `${name}: outputs differ between the kernels`);
      for (const cell of deno)
        assert.deepEqual(
          strayDisposeResults(cell),
          [],
          `${name}: on Deno a cell shows what dispose() returned (a loop's last statement is its value there)\n` +
            [cell.source].flat().join(""),
        );
    }
  },
);

test(
  "every chart of every lesson run on Deno's kernel compiles without vega warnings and draws its data",
  { skip: kernelSkip("deno") },
  () => checkSmokeCharts("deno"),
);

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

test(
  "the exported HTML of every lesson shows its pictures in headless Chromium",
  { skip: !fs.existsSync(CHROMIUM) && "Chromium is not installed (apt-get install chromium)" },
  () => {
    for (const notebook of lessonNotebooks()) {
      const html = path.join(lessonOutputDir("smoke", "tslab"), `${path.basename(notebook, ".ipynb")}.html`);
      assert.ok(fs.existsSync(html), `${html} was not exported`);
      const check = spawnSync(process.execPath, [path.join(ROOT, "scripts", "check-html.js"), html], {
        encoding: "utf8",
      });
      assert.equal(check.status, 0, `${path.basename(html)}: ${check.stdout}${check.stderr}`);
      assert.match(check.stdout, /ok: .* [1-9]\d* pictures/);
    }
  },
);

/** Outputs of a cell that are a model's `dispose()` return value, which tslab prints when a cell ends with that call. */
function strayDisposeResults(cell: {
  outputs: { text?: string | string[]; data?: Record<string, unknown> }[];
}): string[] {
  return cell.outputs
    .map((o) => [o.text ?? "", o.data?.["text/plain"] ?? ""].flat().join(""))
    .filter((text) => /refCountAfterDispose|numDisposedVariables/.test(text));
}

test("committed lessons carry the outputs of a full run, in order, with no error cells", () => {
  for (const notebook of lessonNotebooks()) {
    const nb = JSON.parse(fs.readFileSync(notebook, "utf8"));
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
    const counts = code.map((c: { execution_count: number | null }) => c.execution_count);
    const name = path.basename(notebook);
    assert.ok(
      counts.every((n: number | null) => typeof n === "number"),
      `${name}: some cells were not executed`,
    );
    assert.deepEqual(
      counts,
      counts.map((_: unknown, i: number) => i + 1),
      `${name}: cells ran out of order`,
    );
    for (const cell of code) {
      const source = [cell.source].flat().join("");
      for (const output of cell.outputs) assert.notEqual(output.output_type, "error", `${name}: error cell\n${source}`);
      assert.deepEqual(
        strayDisposeResults(cell),
        [],
        `${name}: a cell prints what dispose() returned (end it with another statement)\n${source}`,
      );
    }
    const records = code.flatMap((c: { outputs: { data?: Record<string, unknown> }[] }) =>
      c.outputs
        .filter((o) => o.data?.["application/vnd.fmnist.result+json"])
        .map((o) => o.data!["application/vnd.fmnist.result+json"] as { profile: string }),
    );
    assert.ok(records.length > 0, `${name}: no result record in the saved outputs`);
    assert.ok(
      records.every((r: { profile: string }) => r.profile === "full"),
      `${name}: saved outputs are not from a full run`,
    );
  }
});

test("every chart saved in the committed lessons compiles without vega warnings and draws its data", async () => {
  for (const notebook of lessonNotebooks()) {
    const report = await checkNotebookChartsFile(notebook);
    assert.deepEqual(
      report.problems,
      [],
      `${path.basename(notebook)}: ${report.charts} charts, problems:\n${report.problems.join("\n")}`,
    );
  }
});
