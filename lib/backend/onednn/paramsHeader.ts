/**
 * Renders native/onednn/src/params.h, the C++ side of the contract in params.ts: the kernel list, each layout's slot
 * indices and the op codes. `node native/onednn/gen-params.js` writes it; test/onednn-params.test.ts compares it.
 */
import { CODES, KernelName, LAYOUTS, PLACED } from "./params";

/** Where the generated header lives, relative to the package root. */
export const PARAMS_HEADER_PATH = "native/onednn/src/params.h";

/** `inHeight` → `kInHeight`. */
function constantName(name: string): string {
  return `k${name[0].toUpperCase()}${name.slice(1)}`;
}

/** The C++ name of a kernel: `addN` → `add_n`. */
export function cppKernelName(kernel: KernelName): string {
  return kernel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function layoutBlock(kernel: KernelName): string[] {
  const { slots, count } = PLACED[kernel];
  const lines = [`namespace ${cppKernelName(kernel)} {`, "enum : int {"];
  for (const { name, at, length } of slots) {
    lines.push(`  ${constantName(name)} = ${at},`);
    if (length > 0) lines.push(`  ${constantName(name)}Slots = ${length},`);
  }
  lines.push(
    `  kSlots = ${count},  // values after the count in slot 0`,
    "};",
    `}  // namespace ${cppKernelName(kernel)}`,
  );
  return lines;
}

function codeBlock(namespace: string, codes: { readonly [name: string]: number }): string[] {
  const entries = Object.entries(codes).map(([name, code]) => `${constantName(name)} = ${code}`);
  return [`namespace ${namespace} {`, `enum : int { ${entries.join(", ")} };`, `}  // namespace ${namespace}`];
}

/** The text of native/onednn/src/params.h. */
export function paramsHeader(): string {
  const kernels = Object.keys(LAYOUTS) as KernelName[];
  return [
    "// Generated from lib/backend/onednn/params.ts by native/onednn/gen-params.js: do not edit.",
    "// Slot 0 of the parameter block holds how many values JS wrote; a kernel's own values start at slot 1.",
    "#pragma once",
    "",
    "// Every addon kernel: X(name JS calls it by, C++ function and parameter namespace).",
    "#define ODNN_KERNELS(X) \\",
    ...kernels.map((k, i) => `  X(${k}, ${cppKernelName(k)})${i < kernels.length - 1 ? " \\" : ""}`),
    "",
    "namespace odnn {",
    "namespace params {",
    "",
    ...kernels.flatMap((k) => [...layoutBlock(k), ""]),
    "}  // namespace params",
    "",
    ...Object.entries(CODES).flatMap(([namespace, codes]) => [...codeBlock(namespace, codes), ""]),
    "}  // namespace odnn",
    "",
  ].join("\n");
}
