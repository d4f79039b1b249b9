import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { test } from "node:test";
import { lessonNotebooks } from "../lib/cli/lessonsCommand";
import { checkNotebookChartsFile } from "../lib/plot/notebookCharts";

const ROOT = path.join(__dirname, "..", "..");
const CLI = path.join(ROOT, "dist", "lib", "cli", "main.js");
const REQUIRED = ["lesson", "model", "params", "epochs", "test_accuracy", "seconds", "backend", "profile"];
/**
 * Each lesson runs twice in one kernel, as Run All clicked again does, unless FMNIST_TEST_LESSONS_ONCE is set: CI's
 * second pass, under another Node version, sets it to save the second runs' two minutes, since what they check (the
 * earlier run's models and servers freed) is the library's and tfjs's doing, not Node's.
 */
const TWICE = !process.env.FMNIST_TEST_LESSONS_ONCE;

test(
  `every lesson runs top to bottom ${TWICE ? "twice in one kernel, leaking nothing the second time" : "once"} ` +
    "with the tslab kernel (smoke profile) and reports its results",
  { timeout: 20 * 60 * 1000 },
  () => {
    const notebooks = lessonNotebooks();
    assert.ok(notebooks.length >= 1, "no lessons found");
    // --twice fails when a second run errs or ends holding more tensors or servers than the first; the notebooks
    // written, and checked below, are then the second run's.
    const twice = TWICE ? ["--twice"] : [];
    const run = spawnSync(process.execPath, [CLI, "lessons", "--profile", "smoke", "--json", "--html", ...twice], {
      encoding: "utf8",
      cwd: ROOT,
    });
    assert.equal(run.status, 0, `lesson runner failed:\n${run.stderr}`);
    for (const notebook of TWICE ? notebooks : []) {
      const name = path.basename(notebook, ".ipynb");
      assert.match(
        run.stderr,
        new RegExp(`✓ ${name} \\(.*runs of [\\d.]+ \\+ [\\d.]+ s: `),
        `${name} did not run twice`,
      );
    }
    const records = run.stdout
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const lessons = new Set(records.map((r) => r.lesson));
    for (const notebook of notebooks) {
      const name = path.basename(notebook, ".ipynb");
      assert.ok(lessons.has(name), `${name} displayed no result record`);
      assert.ok(fs.existsSync(path.join(ROOT, ".lessons-smoke", path.basename(notebook))), `${name}: no executed copy`);
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
      assert.ok(best > 0.1, `${lesson}: no model is better than chance (best test accuracy ${best})`);
    }
  },
);

test("every chart of every smoke-run lesson compiles without vega warnings and draws its data", async () => {
  for (const notebook of lessonNotebooks()) {
    const executed = path.join(ROOT, ".lessons-smoke", path.basename(notebook));
    assert.ok(fs.existsSync(executed), `${executed} was not written by the smoke run`);
    const report = await checkNotebookChartsFile(executed);
    assert.deepEqual(
      report.problems,
      [],
      `${path.basename(notebook)}: ${report.charts} charts, problems:\n${report.problems.join("\n")}`,
    );
  }
});

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

test(
  "the exported HTML of every lesson shows its pictures in headless Chromium",
  { skip: !fs.existsSync(CHROMIUM) && "Chromium is not installed (apt-get install chromium)" },
  () => {
    for (const notebook of lessonNotebooks()) {
      const html = path.join(ROOT, ".lessons-smoke", `${path.basename(notebook, ".ipynb")}.html`);
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
