/**
 * The library's side of Deno's Jupyter kernel, in-process with a stand-in for the `Deno` global the kernel provides
 * (installed before the library loads, as in a Deno cell): displays go through `Deno.jupyter.broadcast`, the
 * kernel's reply waits for a cell's outputs, and an interrupt stops the calls running when it arrives and nothing
 * later. test/lessons.test.ts and test/interrupt-jupyter.test.ts run the real kernel.
 */
import { strict as assert } from "assert";
import { test } from "node:test";

type Broadcast = { type: string; content: { data: Record<string, unknown>; transient: { display_id?: string } } };
type BroadcastResult = (count: number, result: unknown) => Promise<void>;

const INTERNAL = Symbol("Deno.internal");
const broadcasts: Broadcast[] = [];
const shownResults: number[] = [];
const originalBroadcastResult: BroadcastResult = async (count) => void shownResults.push(count);
const internals = { jupyter: { broadcastResult: originalBroadcastResult } };
(globalThis as { Deno?: unknown }).Deno = {
  jupyter: { broadcast: (type: string, content: Broadcast["content"]) => void broadcasts.push({ type, content }) },
  internal: INTERNAL,
  [INTERNAL]: internals,
};

// loaded after the stand-in, as the notebooks' `import * as fm from "../dist/lib"` loads the library in a Deno cell
// (the test helpers too: they load the backend, whose rerun check loads the notebook's output channel)
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { until } = require("./helpers") as typeof import("./helpers");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const display = require("../lib/plot/display") as typeof import("../lib/plot/display");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const interrupt = require("../lib/util/interrupt") as typeof import("../lib/util/interrupt");

test("in Deno's kernel, displays go through Deno.jupyter.broadcast: outputs, and live ones updated in place", () => {
  broadcasts.length = 0;
  assert.equal(display.showBundle({ "text/plain": "a table" }), true);
  const live = display.newLiveDisplay();
  live.update({ "text/plain": "epoch 1" });
  live.update({ "text/plain": "epoch 2" });
  assert.deepEqual(
    broadcasts.map((b) => [b.type, b.content.data["text/plain"], b.content.transient.display_id]),
    [
      ["display_data", "a table", undefined],
      ["display_data", "epoch 1", live.id],
      ["update_display_data", "epoch 2", live.id],
    ],
  );
});

test("the kernel's reply to a cell waits for the cell's outputs to go out, longer after more of them", async () => {
  const wrapped = internals.jupyter.broadcastResult;
  assert.notEqual(wrapped, originalBroadcastResult, "the library did not wrap the kernel's broadcastResult");
  const order: string[] = [];
  setTimeout(() => order.push("a timer queued before the cell ended"), 0);
  await wrapped(7, undefined).then(() => order.push("the cell's value shown"));
  assert.deepEqual(order, ["a timer queued before the cell ended", "the cell's value shown"]);
  assert.deepEqual(shownResults, [7], "the kernel's own broadcastResult did not run");
  for (let i = 0; i < 20; i++) display.showBundle({ "text/plain": `output ${i}` });
  const started = Date.now();
  await wrapped(8, undefined);
  const waited = Date.now() - started;
  assert.ok(waited >= 150, `the reply waited only ${waited} ms after 20 outputs`);
  // a second copy of the library (another dist/) does not wrap it again
  delete require.cache[require.resolve("../lib/util/denoKernel")];
  require("../lib/util/denoKernel");
  assert.equal(internals.jupyter.broadcastResult, wrapped);
});

test("in Deno's kernel an interrupt stops the calls running when it arrives, and no later call", async () => {
  await new Promise((resolve) => setImmediate(resolve)); // the library listens from the turn after it loads
  const running = interrupt.watchInterrupts();
  process.kill(process.pid, "SIGINT");
  await until(() => running.requested, "the interrupt to reach the running call", 5000);
  running.end();
  const later = interrupt.watchInterrupts();
  assert.equal(later.requested, false, "a call started after the interrupt was stopped (as the next cell's would be)");
  later.end();

  const said: string[] = [];
  const consoleError = console.error;
  console.error = (line: string) => void said.push(line);
  try {
    process.kill(process.pid, "SIGINT"); // nothing runs: the kernel lives on and says why nothing stopped
    await until(() => said.length > 0, "the note that nothing stopped", 5000);
  } finally {
    console.error = consoleError;
  }
  assert.match(said[0], /^Stop: no training or evaluation of the library was running, so nothing stopped/);
});
