/**
 * `fmnist bench`: training speed per preset on the chosen backend, optionally beside PyTorch and other backends.
 * The flags are read here; lib/bench/run.ts measures, compares and prints.
 */
import * as path from "path";
import { CPU_PRESETS } from "../bench/anchors";
import { BENCH_PRESETS, runBenchmark } from "../bench/run";
import { PRESET_NAMES } from "../models/presets";
import { UserError } from "../util/errors";
import { FlagValues, parseFlags, stringFlag } from "./args";

export const BENCH_HELP = `fmnist bench [--preset NAME]... [--seconds S] [--json] [--compare-torch] [--with-wasm] [--with-cpu] [--profile-steps] [--with-train]
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
  --with-train instead trains each preset with fm.train beside the lean step, in alternating rounds of --seconds
  (default 10) in this process, its board drawing as in a notebook: lean_img_per_s, train_img_per_s and train_ratio
  (fm.train's steady epoch, no validation), train_val_ratio (with validationSplit 0.1), tensors leaked.
  --batch-sizes measures each preset at these batch sizes instead of its walkthrough's (with --compare-torch,
  PyTorch at the same sizes); --chart writes img/s against batch size as PNG.
  Every row records the machine: cpu_model and cpu_extensions (its vector extensions, from /proc/cpuinfo).
  Ctrl-C stops after the current step, prints the rows measured so far and exits 130.`;

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
    "with-train": { type: "boolean" },
    "batch-sizes": { type: "string" },
    chart: { type: "string" },
  });
  const presets = (values.preset as string[] | undefined) ?? BENCH_PRESETS;
  for (const name of presets) {
    if (!PRESET_NAMES.includes(name))
      throw new UserError(`Unknown preset "${name}". Choose one of: ${PRESET_NAMES.join(", ")}.`);
  }
  await runBenchmark({
    presets,
    seconds: secondsFlag(values),
    batchSizes: batchSizesFlag(values),
    json: values.json === true,
    compareTorch: values["compare-torch"] === true,
    withCpu: values["with-cpu"] === true,
    withWasm: values["with-wasm"] === true,
    profileSteps: values["profile-steps"] === true,
    withTrain: values["with-train"] === true,
    chart: stringFlag(values, "chart"),
    command: [path.join(__dirname, "main.js"), "bench"],
  });
}

/** `--batch-sizes 16,32,...`: whole numbers from 1 to 4096, or undefined for each walkthrough's own. */
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

/** `--seconds S`: seconds of measurement per preset and batch size (default 10). */
function secondsFlag(values: FlagValues): number {
  const raw = values.seconds;
  if (raw === undefined) return 10;
  const seconds = Number(raw);
  if (!(seconds > 0)) throw new UserError(`--seconds must be a positive number, got "${raw}".`);
  return seconds;
}
