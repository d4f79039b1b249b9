/**
 * The machine a benchmark ran on, as every bench row records it: the CPU model and the vector extensions that decide
 * how fast its kernels can train (AVX2/FMA, AVX-512, AMX), so that rows from different machines are never compared
 * as if they came from one.
 */
import * as fs from "fs";
import * as os from "os";

/** The CPU a bench row was measured on. */
export interface Machine {
  /** The CPU's model name as the operating system reports it, or "unknown CPU". */
  cpu_model: string;
  /**
   * The {@link VECTOR_EXTENSIONS} the CPU has, in that order, space-separated; "none" when it has none of them,
   * "unknown" when /proc/cpuinfo could not be read or has no `flags` line (not Linux on x86).
   */
  cpu_extensions: string;
}

/**
 * The CPU flags (as /proc/cpuinfo names them) that matter for training speed, in the order a row lists them: the
 * SIMD levels the wasm and oneDNN kernels can use, the AVX-512 subsets oneDNN picks its kernels by, and the AMX tiles.
 */
export const VECTOR_EXTENSIONS = [
  "sse4_2",
  "avx",
  "avx2",
  "fma",
  "avx512f",
  "avx512bw",
  "avx512vl",
  "avx512_vnni",
  "avx512_bf16",
  "avx512_fp16",
  "amx_bf16",
  "amx_tile",
];

/**
 * The {@link VECTOR_EXTENSIONS} named on the first `flags` line of a /proc/cpuinfo text, in that order,
 * space-separated: "none" when the line names none of them, "unknown" when the text has no `flags` line.
 */
export function vectorExtensions(cpuinfo: string): string {
  const line = /^flags\s*:(.*)$/m.exec(cpuinfo);
  if (!line) return "unknown";
  const flags = new Set(line[1].trim().split(/\s+/));
  const present = VECTOR_EXTENSIONS.filter((flag) => flags.has(flag));
  return present.length > 0 ? present.join(" ") : "none";
}

/**
 * The machine this process runs on: the first CPU's model from `os.cpus()`, and its vector extensions read from
 * `cpuinfoPath` (default /proc/cpuinfo; "unknown" when it cannot be read).
 */
export function currentMachine(cpuinfoPath = "/proc/cpuinfo"): Machine {
  let cpuinfo = "";
  try {
    cpuinfo = fs.readFileSync(cpuinfoPath, "utf8");
  } catch {
    // not Linux, or /proc not mounted: the extensions stay unknown
  }
  return {
    cpu_model: os.cpus()[0]?.model.trim() || "unknown CPU",
    cpu_extensions: vectorExtensions(cpuinfo),
  };
}

/** One line naming the machine, printed above the text forms of bench rows that do not show it in a column. */
export function describeMachine(machine: Machine): string {
  return `machine: ${machine.cpu_model}; vector extensions: ${machine.cpu_extensions}`;
}
