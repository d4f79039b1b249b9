import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { before, test } from "node:test";
import { createPreset } from "../lib/models/presets";
import { predictProbabilities } from "../lib/train/evaluate";
import { folderHandler, loadModel, saveModel } from "../lib/train/io";
import { savedOrQuickPreset } from "../lib/train/run";
import { UserError } from "../lib/util/errors";
import { exportForWeb, PageData, requireExport, SHARD_BYTES } from "../lib/web/export";
import { resolvePagePath, servePage } from "../lib/web/server";
import { syntheticSet, tempDir, useCpu } from "./helpers";

before(useCpu);

test("weights split into tfjs web-format shards load back to the same predictions", async () => {
  const model = createPreset("mlp", { seed: 3, compile: false });
  const dir = path.join(tempDir(), "sharded");
  await model.save(folderHandler(dir, { shardBytes: 100_000 }));
  const files = fs.readdirSync(dir).sort();
  const shards = Math.ceil((model.countParams() * 4) / 100_000);
  assert.equal(files.length, shards + 1);
  assert.ok(
    files.includes(`group1-shard1of${shards}.bin`) && files.includes(`group1-shard${shards}of${shards}.bin`),
    files.join(", "),
  );
  assert.ok(fs.statSync(path.join(dir, `group1-shard1of${shards}.bin`)).size === 100_000);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8")).weightsManifest;
  assert.equal(manifest[0].paths.length, shards);
  const reloaded = await loadModel("unused", dir);
  const set = syntheticSet(20);
  assert.deepEqual(await predictProbabilities(reloaded, set), await predictProbabilities(model, set));
  await assert.rejects(model.save(folderHandler(dir, { shardBytes: 0 })), UserError);
  model.dispose();
  reloaded.dispose();
});

test("the export holds the model without optimizer state and the first test images with their labels", async () => {
  const model = createPreset("cnn-simple", { seed: 4 });
  const dir = tempDir();
  const set = syntheticSet(30);
  const files = await exportForWeb(model, set, { model: "cnn-simple", description: "untrained", count: 12, dir });
  const names = files.map((f) => path.relative(dir, f)).sort();
  assert.deepEqual(names, [
    "model/group1-shard1of2.bin",
    "model/group1-shard2of2.bin",
    "model/model.json",
    "page-data.json",
  ]);
  assert.equal(fs.statSync(path.join(dir, "model", "group1-shard1of2.bin")).size, SHARD_BYTES);
  const json = JSON.parse(fs.readFileSync(path.join(dir, "model", "model.json"), "utf8"));
  assert.equal(
    json.weightsManifest[0].weights.some((w: { name: string }) => /adam|iter/i.test(w.name)),
    false,
  );
  const data: PageData = JSON.parse(fs.readFileSync(path.join(dir, "page-data.json"), "utf8"));
  assert.deepEqual(data.labels, Array.from(set.labels.subarray(0, 12)));
  assert.deepEqual(Buffer.from(data.pixels, "base64"), Buffer.from(set.images.subarray(0, 12 * 784)));
  await assert.rejects(exportForWeb(model, set, { model: "x", description: "x", count: 31, dir }), UserError);
  model.dispose();
});

test("a missing export is one line naming the lesson to run", async () => {
  const empty = tempDir();
  assert.throws(
    () => requireExport(empty, "full"),
    (error: Error) =>
      error instanceof UserError &&
      !error.message.includes("\n") &&
      /07-in-the-browser/.test(error.message) &&
      /--profile full --only 07/.test(error.message),
  );
  await assert.rejects(servePage(empty), UserError);
});

test("the server answers on 127.0.0.1 only with the page, the wasm binaries and the export, and nothing else", async () => {
  const model = createPreset("mlp", { seed: 5 });
  const dir = tempDir();
  await exportForWeb(model, syntheticSet(10), { model: "mlp", description: "untrained", count: 10, dir });
  model.dispose();
  assert.equal(resolvePagePath("/wasm/../package.json", dir), null);
  assert.equal(resolvePagePath("/model/.hidden", dir), null);
  assert.equal(resolvePagePath("/etc/passwd", dir), null);
  const server = await servePage(dir);
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const get = (p: string) => fetch(new URL(p, server.url));
    const page = await get("/");
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<canvas id="pad"/);
    assert.equal(page.headers.get("cross-origin-embedder-policy"), "require-corp");
    const wasm = await get("/wasm/tfjs-backend-wasm-simd.wasm");
    assert.equal(wasm.headers.get("content-type"), "application/wasm");
    assert.deepEqual([...new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
    assert.equal((await get("/model/model.json")).status, 200);
    assert.equal((await get("/page-data.json")).status, 200);
    assert.equal((await get("/wasm/%2e%2e%2fpackage.json")).status, 400);
    assert.equal((await get("/nothing-here")).status, 404);
  } finally {
    await server.close();
  }
});

test("a later lesson loads the saved model when there is one and trains the preset quickly when not", async () => {
  const dir = path.join(tempDir(), "03-cnn-simple");
  const data = { train: syntheticSet(40), test: syntheticSet(20, 2) };
  const quick = await savedOrQuickPreset("03-cnn-simple", "mlp", data, { epochs: 1, seed: 1 }, dir);
  assert.ok(quick.fit, "nothing saved yet: trained");
  assert.equal(quick.fit.samples, 40);
  await saveModel(quick.model, "03-cnn-simple", dir);
  const saved = await savedOrQuickPreset("03-cnn-simple", "mlp", data, { epochs: 1, seed: 1 }, dir);
  assert.equal(saved.fit, null, "saved: loaded, not trained");
  assert.deepEqual(
    await predictProbabilities(saved.model, data.test),
    await predictProbabilities(quick.model, data.test),
  );
  quick.model.dispose();
  saved.model.dispose();
});
