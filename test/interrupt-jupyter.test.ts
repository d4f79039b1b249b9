import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { test } from "node:test";
import { KernelName, KERNELS } from "../lib/cli/lessonsCommand";
import { kernelSkip, until } from "./helpers";

const ROOT = path.join(__dirname, "..", "..");
const jupyter = require(path.join(ROOT, "scripts", "jupyter-env.js"));

/** What each kernel shows when the stop button ends a training cell, besides the board's line. */
const CELL_END: Record<
  KernelName,
  (report: { train_reply?: { status: string; ename: string; evalue: string } }) => void
> = {
  // tslab ends the cell at the interrupt ("Interrupted asynchronously"), so the Interrupted error that fm.train throws
  // a batch later reaches no output: the board's line is what the learner reads.
  tslab: () => undefined,
  // Deno's kernel waits for the cell, which ends with fm.train's one-line error saying where it stopped.
  deno: (report) => {
    assert.equal(report.train_reply?.status, "error", JSON.stringify(report.train_reply));
    assert.equal(report.train_reply?.ename, "Interrupted");
    assert.match(report.train_reply?.evalue ?? "", /^Training stopped by you at epoch \d+, batch \d+ of 63/);
  },
};

for (const kernel of KERNELS) {
  test(
    `Jupyter's interrupt stops a training cell in the ${kernel} kernel: the cell ends, the kernel goes idle, variables ` +
      "and weights stay, the next cell trains to its end, an interrupt while nothing runs changes nothing",
    { timeout: 300_000, skip: kernelSkip(kernel) },
    (t) => {
      const python = jupyter.findJupyterPython();
      assert.ok(python, "no Python with jupyter_client");
      const run = spawnSync(
        python,
        [path.join(ROOT, "test", "kernel_interrupt.py"), path.join(ROOT, "notebooks"), kernel],
        { encoding: "utf8", env: jupyter.jupyterEnv(), timeout: 240_000 },
      );
      assert.equal(run.status, 0, `${run.stderr}\n${run.stdout}`);
      const report = JSON.parse(run.stdout.trim().split("\n").pop()!);
      assert.equal(report.setup_status, "ok", report.setup_output);
      assert.ok(
        report.busy_cores_before > 0.5,
        `training was not running when interrupted (${report.busy_cores_before} cores busy)`,
      );
      assert.notEqual(report.cell_ended_s, null, "the interrupted cell never ended");
      assert.notEqual(report.board_stopped_s, null, `the board never said "stopped by you": ${report.train_output}`);
      assert.match(report.train_output, /stopped by you at epoch \d+, batch \d+ of 63/);
      CELL_END[kernel](report);
      assert.notEqual(report.idle_s, null, "the kernel kept the CPU busy for 30 s after the interrupt");
      assert.ok(report.busy_cores_after < 0.1, `the kernel still keeps ${report.busy_cores_after} cores busy`);
      assert.equal(report.kernel_alive, true);
      assert.equal(report.after.answer, 42, "a variable defined before the interrupt lost its value");
      assert.equal(report.after.trained, true, "the model lost the weights it reached");
      assert.equal(report.weights_a_second_later, report.after.weights, "the weights still change after the stop");
      assert.equal(report.next_train_status, "ok", `the next training cell failed:\n${report.next_train_output}`);
      assert.deepEqual(report.next_train, { epochs: 2, interrupted: null }, "the next cell's training was stopped");
      assert.equal(report.alive_after_idle_interrupt, true, "an interrupt while nothing ran killed the kernel");
      assert.equal(report.answer_after_idle_interrupt, "42");
      t.diagnostic(
        `after the interrupt: cell ended ${report.cell_ended_s} s, board stopped ${report.board_stopped_s} s, kernel idle ${report.idle_s} s`,
      );
      t.diagnostic(
        `an interrupt while nothing ran: ${JSON.stringify(report.idle_interrupt_output.trim() || "(nothing shown)")}`,
      );
    },
  );
}

/** A port on 127.0.0.1 that nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Ids of the processes whose command line holds every one of `markers` as an argument. */
function processesWith(...markers: string[]): number[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        return markers.every((marker) => args.includes(marker)) ? [Number(pid)] : [];
      } catch {
        return []; // ended while we looked
      }
    });
}

const alive = (pid: number) =>
  fs.existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, "utf8"));

// SIGTERM as `kill <pid>` sends it, to npm alone; SIGINT as Ctrl-C in a terminal sends it, to npm's whole process group
// (npm itself ignores a SIGINT sent to it alone and waits for its script, which the terminal signals too).
for (const [signal, how] of [
  ["SIGTERM", "to npm"],
  ["SIGINT", "to its process group (Ctrl-C)"],
] as const) {
  test(`npm start's Jupyter server stops when npm start gets ${signal} ${how}`, { timeout: 240_000 }, async () => {
    const port = await freePort();
    const marker = `--port=${port}`;
    const npm = spawn("npm", ["start", "--", marker, "--no-browser"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    npm.stdout.on("data", (chunk) => (output += chunk));
    npm.stderr.on("data", (chunk) => (output += chunk));
    try {
      await until(() => output.includes(`127.0.0.1:${port}/`) || npm.exitCode !== null, "Jupyter to listen", 120_000);
      const servers = processesWith(marker, "--ip=127.0.0.1");
      assert.equal(servers.length, 1, `Jupyter processes with ${marker}: ${servers}\n${output}`);
      if (signal === "SIGINT") process.kill(-npm.pid!, signal);
      else npm.kill(signal);
      // bounded, so that a failure still reaches `finally` and kills what it started instead of hanging the suite
      await until(() => npm.exitCode !== null || npm.signalCode !== null, "npm start to exit", 30_000);
      await until(() => !alive(servers[0]), "Jupyter to stop", 30_000);
      await assert.rejects(
        new Promise((resolve, reject) => net.connect(port, "127.0.0.1").on("connect", resolve).on("error", reject)),
        "the port is still taken",
      );
    } finally {
      for (const pid of processesWith(marker)) process.kill(pid, "SIGKILL");
      npm.kill("SIGKILL");
    }
  });
}
