import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { test } from "node:test";
import { gzipSync } from "zlib";
import { DATASET_FILES, DEBIAN_DIR, findFilesIn, locateDataset, sha256 } from "../lib/data/sources";
import { encodeIdx } from "../lib/data/idx";
import { UserError } from "../lib/util/errors";
import { tempDir } from "./helpers";

/** Writes four tiny (not official) dataset files into a folder. */
function fakeDataset(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const file of Object.values(DATASET_FILES)) {
    const isImages = file.name.includes("images");
    const idx = isImages ? encodeIdx([2, 28, 28], new Uint8Array(2 * 784)) : encodeIdx([2], Uint8Array.from([3, 4]));
    fs.writeFileSync(path.join(dir, file.name), gzipSync(idx));
  }
}

test("FASHION_MNIST_DIR wins over data/ and Debian's folder", async () => {
  const root = tempDir();
  fakeDataset(path.join(root, "env"));
  fakeDataset(path.join(root, "data"));
  fakeDataset(path.join(root, "debian"));
  const source = await locateDataset({
    envDir: path.join(root, "env"),
    cacheDir: path.join(root, "data"),
    debianDir: path.join(root, "debian"),
    download: false,
  });
  assert.equal(source.kind, "env");
  assert.equal(source.dir, path.join(root, "env"));
});

test("data/ comes before Debian's folder, which comes before downloading", async () => {
  const root = tempDir();
  fakeDataset(path.join(root, "debian"));
  const fromDebian = await locateDataset({
    envDir: "",
    cacheDir: path.join(root, "data"),
    debianDir: path.join(root, "debian"),
    download: false,
  });
  assert.equal(fromDebian.kind, "debian");
  fakeDataset(path.join(root, "data"));
  const fromData = await locateDataset({
    envDir: "",
    cacheDir: path.join(root, "data"),
    debianDir: path.join(root, "debian"),
    download: false,
  });
  assert.equal(fromData.kind, "data");
});

test("a FASHION_MNIST_DIR without the files is an error, not a silent fallback", async () => {
  const root = tempDir();
  await assert.rejects(locateDataset({ envDir: path.join(root, "nothing-here") }), (error: unknown) => {
    assert.ok(error instanceof UserError);
    assert.match(
      (error as Error).message,
      /FASHION_MNIST_DIR is set to .*nothing-here.*Fix the path or unset the variable/,
    );
    return true;
  });
});

test("unzipped files are accepted", async () => {
  const root = tempDir();
  fakeDataset(root);
  const gz = path.join(root, DATASET_FILES.testLabels.name);
  fs.renameSync(gz, gz.replace(/\.gz$/, ""));
  const files = findFilesIn(root);
  assert.ok(files);
  assert.equal(files.testLabels, gz.replace(/\.gz$/, ""));
});

test("nothing found offline: one message listing where it looked and how to fix it", async () => {
  const root = tempDir();
  const failingFetch = async (url: string): Promise<Uint8Array> => {
    throw new Error(`getaddrinfo ENOTFOUND ${new URL(url).host}`);
  };
  await assert.rejects(
    locateDataset({
      envDir: "",
      cacheDir: path.join(root, "data"),
      debianDir: path.join(root, "debian"),
      fetchBytes: failingFetch,
    }),
    (error: unknown) => {
      const message = (error as Error).message;
      assert.ok(error instanceof UserError);
      assert.match(message, /Looked in: .*data.*debian/);
      assert.match(message, /ENOTFOUND/);
      assert.match(message, /apt-get install dataset-fashion-mnist/);
      return true;
    },
  );
  assert.equal(fs.existsSync(path.join(root, "data", DATASET_FILES.trainImages.name)), false);
});

test("a download with the wrong checksum is refused and leaves no file behind", async () => {
  const root = tempDir();
  const cacheDir = path.join(root, "data");
  const wrongBytes = async () => new Uint8Array([1, 2, 3]);
  await assert.rejects(
    locateDataset({ envDir: "", cacheDir, debianDir: path.join(root, "none"), fetchBytes: wrongBytes }),
    /downloaded file has sha256 .* expected b0564c3e.*it was not saved/,
  );
  const left = fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : [];
  assert.deepEqual(left, []);
});

test(
  "a verified download lands in data/ under the official names",
  { skip: !findFilesIn(DEBIAN_DIR) && "needs Debian's dataset-fashion-mnist to serve as the 'network'" },
  async () => {
    const root = tempDir();
    const cacheDir = path.join(root, "data");
    const requested: string[] = [];
    const fromDebian = async (url: string) => {
      requested.push(url);
      return fs.readFileSync(path.join(DEBIAN_DIR, path.basename(url)));
    };
    const source = await locateDataset({
      envDir: "",
      cacheDir,
      debianDir: path.join(root, "none"),
      fetchBytes: fromDebian,
    });
    assert.equal(source.kind, "download");
    assert.ok(requested.every((url) => url.startsWith("https://")));
    for (const file of Object.values(DATASET_FILES)) {
      assert.equal(sha256(fs.readFileSync(path.join(cacheDir, file.name))), file.sha256);
    }
    assert.deepEqual(
      fs.readdirSync(cacheDir).filter((f) => f.endsWith(".tmp")),
      [],
    );
  },
);
