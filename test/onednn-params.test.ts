/**
 * The contract between the native kernels' TypeScript and the C++ addon (lib/backend/onednn/params.ts): the
 * generated header matches it, the block is cleared before each call so a forgotten value is an error rather
 * than the previous kernel's, and the addon checks the count JS wrote. The addon checks skip when it is not built.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { loadAddon, params } from "../lib/backend/onednn/addon";
import { installOnednn, onednnUnavailableReason } from "../lib/backend/onednn";
import { callNative } from "../lib/backend/onednn/context";
import {
  BINARY_OP,
  KernelName,
  LAYOUTS,
  PARAM_BLOCK_SLOTS,
  PLACED,
  REDUCE_OP,
  slotName,
  UNARY_OP,
  writeParams,
} from "../lib/backend/onednn/params";
import { PARAMS_HEADER_PATH, paramsHeader } from "../lib/backend/onednn/paramsHeader";

const ROOT = path.join(__dirname, "..", "..");
const KERNELS = Object.keys(LAYOUTS) as KernelName[];

test("native/onednn/src/params.h is what params.ts generates (run node native/onednn/gen-params.js when this fails)", () => {
  const onDisk = fs.readFileSync(path.join(ROOT, PARAMS_HEADER_PATH), "utf8");
  assert.equal(onDisk, paramsHeader());
});

test("the C++ sources read parameters only by their generated names, and cite no missing file", () => {
  const dir = path.join(ROOT, "native", "onednn", "src");
  for (const file of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    assert.doesNotMatch(text, /\bp[idf]\(\s*\d/, `${file} reads a parameter by a bare index`);
    assert.doesNotMatch(text, /g_params\[\s*[1-9]/, `${file} reads g_params by a bare index`);
    for (const cited of text.match(/\b(?:lib|native|test)\/[\w./-]+\.(?:ts|h|cc|js)\b/g) ?? []) {
      assert.ok(fs.existsSync(path.join(ROOT, cited)), `${file} cites ${cited}, which does not exist`);
    }
  }
});

test("every layout fits the block, slots are numbered from 1 without gaps, and names are unique", () => {
  for (const kernel of KERNELS) {
    const { slots, count } = PLACED[kernel];
    assert.ok(count + 1 <= PARAM_BLOCK_SLOTS, `${kernel}: ${count} values do not fit`);
    let next = 1;
    for (const slot of slots) {
      assert.equal(slot.at, next, `${kernel}.${slot.name}`);
      next += Math.max(slot.length, 1);
    }
    assert.equal(next - 1, count);
    assert.equal(new Set(slots.map((s) => s.name)).size, slots.length, `${kernel}: duplicate names`);
  }
  assert.equal(slotName("conv2d", 6), "batch");
  assert.equal(slotName("binary", 6), "dims[1]");
});

test("the op tables are keyed by tfjs's own kernel names, with distinct codes", () => {
  for (const table of [BINARY_OP, UNARY_OP, REDUCE_OP]) {
    const names = Object.keys(table).filter((name) => name !== "BoolToFloat");
    for (const name of names)
      assert.equal((tf as unknown as Record<string, unknown>)[name], name, `${name} is not a tfjs kernel name`);
    assert.equal(new Set(Object.values(table)).size, Object.keys(table).length, "codes repeat");
  }
});

test("writeParams clears the kernel's slots: slot 0 holds the count, unwritten slots are NaN", () => {
  const block = new Float64Array(PARAM_BLOCK_SLOTS).fill(7);
  writeParams(block, "tile", { x: 8, out: 16, elementBytes: 4, rank: 2, shape: [3, 5], reps: [2, 1] });
  assert.equal(block[0], PLACED.tile.count);
  assert.deepEqual(Array.from(block.slice(1, 7)), [8, 16, 4, 2, 3, 5]);
  assert.ok(block.slice(7, 11).every(Number.isNaN), "the unused shape slots are cleared");
  assert.deepEqual(Array.from(block.slice(11, 13)), [2, 1]);
  assert.ok(block.slice(13, 17).every(Number.isNaN), "the unused reps slots are cleared");
  assert.equal(block[17], 7, "slots past the layout are no kernel's business");
  assert.throws(
    () =>
      writeParams(block, "tile", { x: 0, out: 0, elementBytes: 4, rank: 7, shape: [1, 1, 1, 1, 1, 1, 1], reps: [] }),
    /shape has 7 values, the layout has 6 slots/,
  );
});

/** The addon, initialised, or undefined when it is not built here. */
function addonOrSkip(t: { skip(message: string): void }) {
  const reason = onednnUnavailableReason();
  if (reason !== null || !installOnednn()) {
    t.skip(reason ?? "installOnednn failed");
    return undefined;
  }
  return loadAddon();
}

test("the addon exports exactly the kernels params.ts lays out", (t) => {
  const addon = addonOrSkip(t);
  if (!addon) return;
  const exported = Object.keys(addon).filter((k) => !["setHeap", "setParams", "init", "info"].includes(k));
  assert.deepEqual(exported.sort(), [...KERNELS].sort());
});

test("a value the TypeScript side forgot is reported by name, not read from the previous call", (t) => {
  const addon = addonOrSkip(t);
  if (!addon) return;
  // A complete softmax call leaves rows = cols = 4 in the block; the next call leaves cols out.
  const partial = { x: 0, out: 0, rows: 4 } as unknown as { x: number; out: number; rows: number; cols: number };
  assert.throws(() => callNative(addon, "softmax", partial), /parameter 4 \(cols\) was not written \[in softmax\]/);
});

test("the addon refuses a call whose parameter count is not its layout's", (t) => {
  const addon = addonOrSkip(t);
  if (!addon) return;
  const block = new Float64Array(PARAM_BLOCK_SLOTS);
  addon.setParams(block);
  try {
    writeParams(block, "softmax", { x: 0, out: 0, rows: 1, cols: 1 });
    block[0] = PLACED.softmax.count + 1;
    assert.throws(() => addon.softmax(), /expected 4 parameters, JS wrote 5 \(the addon is out of date/);
  } finally {
    addon.setParams(params);
  }
});
