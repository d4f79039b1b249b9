import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { test } from "node:test";
import { tempDir } from "./helpers";

const CLI = path.join(__dirname, "..", "lib", "cli", "main.js");

/** The JSON lines a command printed, parsed. */
const jsonLines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));

/**
 * A stand-in for scripts/torch_presets.py with its documented contract: JSON lines with the BLAS that served
 * PyTorch, and, on the reference BLAS, a warning plus exit status 3 when --require-fast-blas is given. It is 100
 * img/s at two threads, 180 at two with GOMP_SPINCOUNT=1000 and 150 at one. (The real script needs python3-torch, which CI does not install.)
 */
function standInAnchor(blas: "openblas" | "reference"): string {
  const script = path.join(tempDir(), "torch_bench.py");
  fs.writeFileSync(
    script,
    `import json, os, sys
args = sys.argv[1:]
if "${blas}" == "reference":
    print("torch_bench: PyTorch is using the reference BLAS", file=sys.stderr)
    if "--require-fast-blas" in args:
        sys.exit(3)
presets = [args[i + 1] for i, a in enumerate(args) if a == "--preset"]
threads = int(args[args.index("--threads") + 1])
speed = 150.0 if threads == 1 else 180.0 if os.environ.get("GOMP_SPINCOUNT") == "1000" else 100.0
for p in presets:
    print(json.dumps({"preset": p, "framework": "torch 9.9", "blas": "${blas}", "threads": threads,
                      "train_img_per_s": speed, "peak_rss_mib": 300 + threads}))
`,
  );
  return script;
}

function bench(anchor: string, env: Record<string, string> = { FMNIST_BACKEND: "cpu" }) {
  return spawnSync(
    process.execPath,
    [CLI, "bench", "--preset", "mlp", "--seconds", "0.3", "--compare-torch", "--json"],
    {
      encoding: "utf8",
      env: { ...process.env, ...env, FMNIST_TORCH_BENCH: anchor },
    },
  );
}

test("bench --compare-torch refuses a PyTorch anchor on the reference BLAS, in one line that says what to install", () => {
  const run = bench(standInAnchor("reference"));
  assert.notEqual(run.status, 0);
  assert.equal(run.stdout.trim(), "", "no rows, so no ratios, are printed");
  assert.match(run.stderr, /reference BLAS.*apt-get install libopenblas0-openmp/);
  assert.doesNotMatch(run.stderr, /\n\s+at /, run.stderr);
});

test("bench --compare-torch records the anchor's version, BLAS and peak memory beside the ratio", () => {
  const run = bench(standInAnchor("openblas"));
  assert.equal(run.status, 0, run.stderr);
  const row = JSON.parse(run.stdout.trim());
  assert.deepEqual(
    [row.torch_version, row.torch_blas, row.torch_peak_rss_mib, row.torch_img_per_s, row.torch_setting],
    ["torch 9.9", "openblas", 301, 150, "1 thread"],
  );
  assert.equal(row.ratio, Math.round(row.train_img_per_s / 1.5) / 100);
  assert.ok(row.peak_rss_mib > 0, "our own peak memory is reported too");
});

test("bench --compare-torch runs PyTorch as started, with a short OpenMP spin and on one thread, and compares against the fastest", () => {
  const run = bench(standInAnchor("openblas"), { FMNIST_BACKEND: "wasm", FMNIST_THREADS: "2" });
  assert.equal(run.status, 0, run.stderr);
  const row = JSON.parse(run.stdout.trim());
  assert.equal(row.threads, 2);
  assert.deepEqual(
    [row.torch_img_per_s, row.torch_setting, row.torch_peak_rss_mib],
    [180, "2 threads, GOMP_SPINCOUNT=1000", 302],
    "the short spin was fastest; peak memory is the largest",
  );
  assert.equal(row.ratio, Math.round(row.train_img_per_s / 1.8) / 100);
});

test("bench --with-wasm adds plain wasm's speed on the same preset and batch, and its ratio to PyTorch", () => {
  const run = spawnSync(
    process.execPath,
    [CLI, "bench", "--preset", "mlp", "--seconds", "0.3", "--with-wasm", "--compare-torch", "--json"],
    {
      encoding: "utf8",
      env: { ...process.env, FMNIST_BACKEND: "cpu", FMNIST_TORCH_BENCH: standInAnchor("openblas") },
    },
  );
  assert.equal(run.status, 0, run.stderr);
  const row = JSON.parse(run.stdout.trim());
  assert.equal(row.backend, "cpu");
  assert.ok(row.wasm_img_per_s > 0, run.stdout);
  assert.equal(row.wasm_ratio, Math.round(row.wasm_img_per_s / 1.5) / 100);
});

test("fm.train's speed beside the lean step: medians, paired ratios, the display put back, nothing leaked", async () => {
  const { measureTrainOverhead } = await import("../lib/bench/trainOverhead");
  const { currentDisplayWriter } = await import("../lib/util/notebook");
  const { useCpu, syntheticSet } = await import("./helpers");
  await useCpu();
  const rounds: string[] = [];
  const row = await measureTrainOverhead("mlp", syntheticSet(2000), {
    seconds: 0.2,
    backend: "cpu",
    threads: 1,
    rounds: 3,
    log: (line) => void rounds.push(line),
  });
  assert.equal(rounds.length, 3, rounds.join("\n"));
  const speeds = rounds.map((line) => (line.match(/\d+(?= |,)/g) ?? []).map(Number));
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[1];
  assert.equal(row.lean_img_per_s, median(speeds.map((s) => s[0])));
  assert.equal(row.train_img_per_s, median(speeds.map((s) => s[1])));
  assert.ok(Math.abs(row.train_ratio - median(speeds.map((s) => s[1] / s[0]))) < 0.02, JSON.stringify({ row, speeds }));
  assert.ok(row.train_val_img_per_s > 0 && row.train_val_ratio > 0);
  assert.equal(row.train_tensors_leaked, 0);
  assert.equal(currentDisplayWriter(), null, "the swallowing display is taken away again");
});

test("a step profile splits the time into forward/backward kernels, optimizer kernels and the rest, and frees its tensors", async () => {
  const tf = await import("@tensorflow/tfjs");
  const { profileTrainingStep } = await import("../lib/bench/profile");
  const { useCpu, syntheticSet } = await import("./helpers");
  await useCpu();
  const before = tf.memory().numTensors;
  const p = await profileTrainingStep("mlp", syntheticSet(400), { steps: 2, warmupSteps: 1 });
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
  assert.equal(p.batch, 32);
  assert.ok(
    p.forward_backward_kernel_ms > 0 && p.optimizer_kernel_ms > 0 && p.step_ms > 0 && p.fit_step_ms > 0,
    JSON.stringify(p),
  );
  assert.ok(
    p.ops.some((o) => o.op === "_FusedMatMul" || o.op === "BatchMatMul"),
    p.ops.map((o) => o.op).join(","),
  );
  assert.ok(
    p.ops.every((o, i) => i === 0 || p.ops[i - 1].ms >= o.ms),
    "ops are sorted by time",
  );
  const opMs = p.ops.reduce((total, o) => total + o.ms, 0);
  assert.ok(
    Math.abs(opMs - p.forward_backward_kernel_ms - p.optimizer_kernel_ms) < 0.5 + p.ops.length * 0.05,
    "ops add up to the kernel time",
  );
});

test("a profile counts the kernels inside a custom-gradient op once, not the op's wrapper as well", async () => {
  const tf = await import("@tensorflow/tfjs");
  const { profiledKernels } = await import("../lib/bench/profile");
  const { useCpu } = await import("./helpers");
  await useCpu();
  const x = tf.ones([4, 8]);
  const w = tf.ones([8, 3]);
  const b = tf.ones([3]);
  const op = () => tf.fused.matMul({ a: x, b: w, bias: b, activation: "relu" });
  const raw = await tf.profile(op);
  tf.dispose(raw.result);
  assert.ok(
    raw.kernels.some((k) => k.name.endsWith("__op")),
    "tf.profile lists the wrapper (else this test checks nothing)",
  );
  const kernels = await profiledKernels(op);
  tf.dispose([x, w, b]);
  assert.ok(kernels.length > 0);
  assert.deepEqual(
    kernels.filter((k) => k.name.endsWith("__op")),
    [],
    kernels.map((k) => k.name).join(","),
  );
});

test("bench --batch-sizes measures every size, and --chart draws them; bad sizes get a one-line error", () => {
  const chart = path.join(tempDir(), "scaling.png");
  const run = spawnSync(
    process.execPath,
    [CLI, "bench", "--preset", "mlp", "--seconds", "0.2", "--batch-sizes", "8,16", "--json", "--chart", chart],
    {
      encoding: "utf8",
      env: { ...process.env, FMNIST_BACKEND: "cpu" },
    },
  );
  assert.equal(run.status, 0, run.stderr);
  const rows = jsonLines(run.stdout);
  assert.deepEqual(
    rows.map((r) => [r.preset, r.batch]),
    [
      ["mlp", 8],
      ["mlp", 16],
    ],
  );
  assert.deepEqual([...fs.readFileSync(chart).subarray(1, 4)].map((c) => String.fromCharCode(c)).join(""), "PNG");
  for (const bad of ["0,16", "16,abc", ""]) {
    const refused = spawnSync(process.execPath, [CLI, "bench", "--batch-sizes", bad], {
      encoding: "utf8",
      env: { ...process.env, FMNIST_BACKEND: "cpu" },
    });
    assert.notEqual(refused.status, 0, bad);
    assert.match(refused.stderr, /--batch-sizes takes whole numbers/, bad);
    assert.equal(refused.stderr.trim().split("\n").length, 1, refused.stderr);
  }
});

test("the batch-size chart compiles without warnings and draws one line per runner and preset", async () => {
  const { batchScalingSpec } = await import("../lib/bench/batchScalingChart");
  const { renderSvg } = await import("../lib/plot/render");
  const runners = ["ours (wasm+onednn, 2 threads, tfjs 4.22.0)", "torch 1.13.0a0 (openblas)"];
  const speeds = runners.flatMap((runner, r) =>
    ["cnn-deep", "vgg11-bn"].flatMap((preset) =>
      [16, 64, 256].map((batch) => ({ preset, batch, runner, img_per_s: 1000 + batch * (r + 1) })),
    ),
  );
  const warnings: string[] = [];
  const svg = await renderSvg(batchScalingSpec(speeds), warnings);
  assert.deepEqual(warnings, []);
  assert.equal((svg.match(/aria-roledescription="line mark"/g) ?? []).length, 4, "two runners in each of two panels");
  for (const runner of runners) assert.ok(svg.includes(`>${runner}<`), `the legend shows "${runner}" whole`);
  assert.throws(
    () => batchScalingSpec([{ preset: "x", batch: 0, runner: "ours", img_per_s: 1 }]),
    /positive batch sizes/,
  );
});

const torchImportable = spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0;

const TORCH_PRESETS = path.join(__dirname, "..", "..", "scripts", "torch_presets.py");

test(
  "the PyTorch presets have exactly the trainable parameters of ours",
  { skip: !torchImportable && "python3-torch is not installed (apt-get install python3-torch)" },
  async () => {
    const { presetInfo } = await import("../lib/models/presets");
    const names = ["mlp", "mlp-deep", "cnn-simple", "cnn-deep", "vgg11", "vgg11-bn"];
    const run = spawnSync(
      "/usr/bin/python3",
      [TORCH_PRESETS, "--params-only", ...names.flatMap((n) => ["--preset", n])],
      { encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
    const counts = jsonLines(run.stdout);
    assert.deepEqual(
      counts,
      names.map((preset) => ({ preset, params: presetInfo(preset).trainableParams })),
    );
  },
);

test(
  "the PyTorch presets are timed at each batch size asked for",
  { skip: !torchImportable && "python3-torch is not installed (apt-get install python3-torch libopenblas0-openmp)" },
  () => {
    const run = spawnSync(
      "/usr/bin/python3",
      [TORCH_PRESETS, "--preset", "mlp", "--batch", "16", "--batch", "64", "--seconds", "0.3", "--threads", "1"],
      { encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
    const rows = jsonLines(run.stdout);
    assert.deepEqual(
      rows.map((r) => [r.preset, r.batch, r.params]),
      [
        ["mlp", 16, 101770],
        ["mlp", 64, 101770],
      ],
    );
    assert.ok(
      rows.every((r) => r.train_img_per_s > 0 && typeof r.blas === "string" && r.peak_rss_mib > 0),
      run.stdout,
    );
  },
);

/** A /proc/cpuinfo entry of one processor, with the given flags line (or none). */
const cpuinfoText = (flags?: string) =>
  [
    "processor\t: 0",
    "vendor_id\t: GenuineIntel",
    "model name\t: Some CPU @ 2.00GHz",
    ...(flags === undefined ? [] : [`flags\t\t: ${flags}`]),
    "bugs\t\t: spectre_v1 spectre_v2",
    "",
  ].join("\n");

test("the vector extensions are read from the flags line: those that matter for training, in a fixed order", async () => {
  const { vectorExtensions, VECTOR_EXTENSIONS } = await import("../lib/bench/machine");
  // a Haswell-era CPU: AVX2 and FMA, no AVX-512 (whose names start like the AVX ones)
  const avx2Flags = "fpu vme sse sse2 ssse3 fma cx16 sse4_1 sse4_2 popcnt aes xsave avx f16c avx2 bmi1 bmi2 erms";
  assert.equal(vectorExtensions(cpuinfoText(avx2Flags)), "sse4_2 avx avx2 fma");
  // a server CPU with AVX-512, flags in the kernel's order (not the row's), and a second processor after it
  const avx512Flags = `${avx2Flags} avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16 avx512vbmi avx512_vnni amx_tile`;
  const twoProcessors =
    cpuinfoText(avx512Flags) + "\n" + cpuinfoText("sse2").replace("processor\t: 0", "processor\t: 1");
  const listed = vectorExtensions(twoProcessors).split(" ");
  assert.deepEqual(listed, [
    "sse4_2",
    "avx",
    "avx2",
    "fma",
    "avx512f",
    "avx512bw",
    "avx512vl",
    "avx512_vnni",
    "avx512_bf16",
    "amx_tile",
  ]);
  assert.deepEqual(
    listed,
    VECTOR_EXTENSIONS.filter((flag) => listed.includes(flag)),
    "in the order VECTOR_EXTENSIONS lists them",
  );
  assert.equal(vectorExtensions(cpuinfoText("fpu sse sse2")), "none");
  assert.equal(vectorExtensions(cpuinfoText()), "unknown", "no flags line (e.g. an ARM CPU's Features)");
  assert.equal(vectorExtensions(""), "unknown");
});

test("the machine is the first CPU's model and its vector extensions, unknown where /proc/cpuinfo cannot be read", async () => {
  const os = await import("os");
  const { currentMachine, vectorExtensions } = await import("../lib/bench/machine");
  const cpuinfo = path.join(tempDir(), "cpuinfo");
  fs.writeFileSync(cpuinfo, cpuinfoText("sse4_2 avx2 avx"));
  const machine = currentMachine(cpuinfo);
  assert.equal(machine.cpu_model, os.cpus()[0]?.model.trim() || "unknown CPU");
  assert.equal(machine.cpu_extensions, "sse4_2 avx avx2");
  assert.equal(currentMachine(path.join(tempDir(), "missing")).cpu_extensions, "unknown");
  const here = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  assert.equal(currentMachine().cpu_extensions, vectorExtensions(here), "the default reads /proc/cpuinfo");
});

/** `fmnist bench --preset mlp --seconds 0.2` on the cpu backend with `flags` added, as it prints it. */
function shortBench(...flags: string[]) {
  const run = spawnSync(process.execPath, [CLI, "bench", "--preset", "mlp", "--seconds", "0.2", ...flags], {
    encoding: "utf8",
    env: { ...process.env, FMNIST_BACKEND: "cpu" },
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

test("every JSON row the bench prints carries the machine: speed rows, --profile-steps and --with-train", async () => {
  const { currentMachine } = await import("../lib/bench/machine");
  const { cpu_model, cpu_extensions } = currentMachine();
  for (const flags of [[], ["--profile-steps"], ["--with-train"]]) {
    const rows = jsonLines(shortBench("--json", ...flags));
    assert.equal(rows.length, 1, `${flags}: ${JSON.stringify(rows)}`);
    assert.equal(rows[0].preset, "mlp");
    assert.deepEqual([rows[0].cpu_model, rows[0].cpu_extensions], [cpu_model, cpu_extensions], flags.join(" "));
  }
});

test("the bench's text output names the machine: last columns of the table, a line above the step profiles", async () => {
  const { currentMachine, describeMachine } = await import("../lib/bench/machine");
  const machine = currentMachine();
  const [header, row] = shortBench().trim().split("\n");
  assert.match(header, /\bcpu_model +cpu_extensions$/);
  assert.ok(row.endsWith(`  ${machine.cpu_extensions}`), row);
  assert.ok(row.slice(0, -machine.cpu_extensions.length).trimEnd().endsWith(`  ${machine.cpu_model}`), row);
  const profile = shortBench("--profile-steps").trim().split("\n");
  assert.equal(profile[0], describeMachine(machine));
  assert.match(profile[2], /^\| preset \| batch \|/, profile.join("\n"));
});
