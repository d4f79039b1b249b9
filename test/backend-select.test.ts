/**
 * Backend selection as a learner meets it: the order tried, what a skipped backend reports, forced names (good,
 * unknown, unavailable here), the thread count and its validation. The tests run in order in one process: the first
 * one makes the automatic choice, later ones force other backends.
 */
import { strict as assert } from "assert";
import { test } from "node:test";
import os = require("os");
import * as tf from "@tensorflow/tfjs";
import { availableBackends, BACKEND_ORDER, BackendInfo, describeBackend, selectBackend } from "../lib/backend/select";
import { onednnCallCounts } from "../lib/backend/onednn";
import { threadCount } from "../lib/backend/threads";
import { UserError } from "../lib/util/errors";

/** Runs `body` with environment variables set (undefined: unset), restoring them afterwards. */
async function withEnv<T>(vars: Record<string, string | undefined>, body: () => Promise<T> | T): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await body();
  } finally {
    apply(saved);
  }
}

const AUTOMATIC = { FMNIST_BACKEND: undefined, FMNIST_THREADS: undefined };

test("the automatic choice is the first backend that loads, and names each faster one skipped with its reason", async () => {
  const info = await withEnv(AUTOMATIC, () => selectBackend());
  const available = await availableBackends();
  assert.deepEqual(
    available,
    BACKEND_ORDER.filter((name) => available.includes(name)),
    "available backends keep the order",
  );
  assert.equal(info.name, available[0]);
  const faster = BACKEND_ORDER.slice(0, BACKEND_ORDER.indexOf(info.name));
  assert.deepEqual(
    info.skipped.map((s) => s.name),
    faster,
  );
  for (const s of info.skipped) assert.match(s.reason, /\S{10,}/, `${s.name} skipped without a reason`);
  const description = describeBackend(info, { reasons: "full" }).split("\n");
  assert.match(description[0], new RegExp(`^${info.name.replace("+", "\\+")} \\(${info.threads} threads?, tfjs \\d`));
  assert.deepEqual(
    description.slice(1),
    info.skipped.map((s) => `  ${s.name} skipped: ${s.reason}`),
  );
  assert.ok(describeBackend(info).split("\n").length <= 2, "a lesson's backend line has at most one line under it");
  const cores = os.cpus().length;
  const expectedThreads = { tensorflow: cores, "wasm+onednn": cores, wasm: Math.min(cores, 8), cpu: 1 }[info.name];
  assert.equal(info.threads, expectedThreads, "without FMNIST_THREADS every core is used");
});

test("describeBackend names skipped backends in one short line; the full reasons are there on request", () => {
  const info: BackendInfo = {
    name: "wasm",
    tfjsVersion: "4.22.0",
    threads: 1,
    kernels: [],
    skipped: [
      { name: "tensorflow", reason: "@tensorflow/tfjs-node is not installed" },
      {
        name: "wasm+onednn",
        reason:
          "the oneDNN addon is not built (libdnnl.so not found) — apt-get install libdnnl-dev g++, then npm run setup",
      },
    ],
  };
  assert.equal(
    describeBackend(info),
    "wasm (1 thread, tfjs 4.22.0)\n  skipped (see the README's Backends section): tensorflow, wasm+onednn",
  );
  assert.equal(describeBackend(info, { reasons: "short" }), describeBackend(info));
  assert.equal(
    describeBackend(info, { reasons: "full" }),
    "wasm (1 thread, tfjs 4.22.0)\n" +
      "  tensorflow skipped: @tensorflow/tfjs-node is not installed\n" +
      "  wasm+onednn skipped: the oneDNN addon is not built (libdnnl.so not found) — apt-get install libdnnl-dev g++, then npm run setup",
  );
  assert.equal(describeBackend(info, { reasons: false }), "wasm (1 thread, tfjs 4.22.0)");
  assert.equal(describeBackend({ ...info, threads: 2, skipped: [] }), "wasm (2 threads, tfjs 4.22.0)");
  assert.equal(describeBackend({ ...info, skipped: [] }, { reasons: "full" }), "wasm (1 thread, tfjs 4.22.0)");
});

test("an unknown backend name is refused with the names to choose from, by option or FMNIST_BACKEND", async () => {
  const before = tf.getBackend();
  const expected = (name: string) => (e: unknown) =>
    e instanceof UserError &&
    e.message ===
      `Unknown backend "${name}". Choose one of: tensorflow, wasm+onednn, wasm, cpu (or unset FMNIST_BACKEND).`;
  await assert.rejects(selectBackend({ backend: "gpu" }), expected("gpu"));
  await assert.rejects(
    withEnv({ FMNIST_BACKEND: "WASM" }, () => selectBackend()),
    expected("WASM"),
  );
  assert.equal(tf.getBackend(), before, "a refused name changes nothing");
});

test("FMNIST_THREADS must be a positive integer; an explicit count wins over it", async () => {
  for (const bad of ["0", "-2", "1.5", "two"]) {
    await assert.rejects(
      withEnv({ FMNIST_THREADS: bad }, () => selectBackend()),
      (e: unknown) =>
        e instanceof UserError && e.message.startsWith(`FMNIST_THREADS must be a positive integer, got "${bad}"`),
      bad,
    );
  }
  await withEnv({ FMNIST_THREADS: "3" }, () => {
    assert.equal(threadCount(), 3);
    assert.equal(threadCount(1), 1);
  });
  await withEnv({ FMNIST_THREADS: "" }, () => assert.equal(threadCount(), os.cpus().length));
  assert.throws(
    () => threadCount(0, "initWasm"),
    (e: unknown) => e instanceof UserError && /^initWasm: threads must be a positive integer, got 0/.test(e.message),
  );
});

test("a forced backend is used as named and skips nothing; plain wasm runs without the native kernels", async () => {
  const cpu = await selectBackend({ backend: "cpu" });
  assert.deepEqual([cpu.name, cpu.threads, cpu.skipped, tf.getBackend()], ["cpu", 1, [], "cpu"]);
  assert.equal((tf.backend() as unknown as { firstUse: boolean }).firstUse, false, "no tfjs-node advert");
  assert.equal(await selectBackend(), cpu, "the automatic call keeps a backend chosen before");

  const wasm = await withEnv({ FMNIST_BACKEND: "wasm" }, () => selectBackend());
  assert.deepEqual([wasm.name, wasm.skipped, tf.getBackend()], ["wasm", [], "wasm"]);
  assert.ok(wasm.kernels.includes("AdamUpdateWasm"), `library kernels: ${wasm.kernels.join(", ")}`);
  onednnCallCounts(true);
  tf.tidy(() => tf.mul(tf.ones([4, 4]), 2).dataSync());
  assert.equal(onednnCallCounts(true).Multiply, undefined, "plain wasm must not run the native Multiply");

  if (!(await availableBackends()).includes("wasm+onednn")) return;
  const native = await selectBackend({ backend: "wasm+onednn" });
  assert.deepEqual([native.name, native.skipped, tf.getBackend()], ["wasm+onednn", [], "wasm"]);
  assert.ok(native.kernels.includes("Conv2D") && native.kernels.includes("AdamUpdateWasm"), native.kernels.join(", "));
  tf.tidy(() => tf.mul(tf.ones([4, 4]), 2).dataSync());
  assert.equal(onednnCallCounts(true).Multiply?.native, 1, "wasm+onednn runs Multiply natively");
});

test("a forced backend that cannot load here is refused with why and the backends that can", async (t) => {
  const available = await availableBackends();
  const missing = BACKEND_ORDER.find((name) => !available.includes(name));
  if (missing === undefined) {
    t.skip("every backend loads on this machine");
    return;
  }
  const before = tf.getBackend();
  await assert.rejects(selectBackend({ backend: missing }), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(
      e.message,
      new RegExp(`^Backend "${missing.replace("+", "\\+")}" is not available here \\(.{10,}\\)\\. `),
    );
    assert.ok(
      e.message.includes(`Available: ${available.join(", ")}. Unset FMNIST_BACKEND to pick automatically.`),
      e.message,
    );
    return true;
  });
  assert.equal(tf.getBackend(), before, "a failed choice leaves the active backend alone");
});
