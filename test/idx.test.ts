import { strict as assert } from "assert";
import { test } from "node:test";
import { gzipSync } from "zlib";
import { parseSet } from "../lib/data/dataset";
import { encodeIdx, parseIdx } from "../lib/data/idx";
import { UserError } from "../lib/util/errors";

const images = (n: number) =>
  encodeIdx(
    [n, 28, 28],
    new Uint8Array(n * 784).map((_, i) => i % 256),
  );
const labels = (values: number[]) => encodeIdx([values.length], Uint8Array.from(values));

function expectUserError(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof UserError, `expected a UserError, got ${error}`);
    assert.match((error as Error).message, pattern);
    return true;
  });
}

test("parses raw and gzipped image files to the same bytes", () => {
  const raw = images(3);
  const a = parseIdx(raw, "x-images", { ndim: 3, imageSize: 28 });
  const b = parseIdx(gzipSync(raw), "x-images.gz", { ndim: 3, imageSize: 28 });
  assert.deepEqual(a.dims, [3, 28, 28]);
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
  assert.equal(a.data[785], 785 % 256);
});

test("rejects a wrong magic number, naming the file", () => {
  const bad = images(1);
  bad[0] = 0x12;
  expectUserError(() => parseIdx(bad, "train-images", { ndim: 3 }), /train-images: not an IDX file/);
});

test("rejects a non-byte data type", () => {
  const bad = images(1);
  bad[2] = 0x0d;
  expectUserError(() => parseIdx(bad, "f", { ndim: 3 }), /data type 0x0d is not unsigned byte/);
});

test("rejects the wrong number of dimensions", () => {
  expectUserError(
    () => parseIdx(labels([1, 2]), "labels-as-images", { ndim: 3 }),
    /has 1 dimension\(s\) but an image file has 3/,
  );
});

test("rejects images that are not 28x28", () => {
  const small = encodeIdx([2, 27, 27], new Uint8Array(2 * 27 * 27));
  expectUserError(() => parseIdx(small, "f", { ndim: 3, imageSize: 28 }), /27x27, expected 28x28/);
});

test("rejects truncated data and trailing bytes", () => {
  const full = images(2);
  expectUserError(() => parseIdx(full.subarray(0, full.length - 5), "cut", { ndim: 3 }), /cut: truncated/);
  const longer = new Uint8Array(full.length + 3);
  longer.set(full);
  expectUserError(() => parseIdx(longer, "long", { ndim: 3 }), /3 unexpected bytes/);
  expectUserError(() => parseIdx(full.subarray(0, 6), "tiny", { ndim: 3 }), /header is truncated/);
});

test("rejects a .gz file that is not gzip, and corrupt gzip", () => {
  expectUserError(() => parseIdx(images(1), "train-images-idx3-ubyte.gz", { ndim: 3 }), /not gzip data/);
  const gz = gzipSync(images(4));
  expectUserError(
    () => parseIdx(gz.subarray(0, gz.length / 2), "half.gz", { ndim: 3 }),
    /gzip data is corrupt or truncated/,
  );
});

test("image and label files must agree on the count", () => {
  expectUserError(
    () => parseSet(images(3), labels([1, 2]), "imgs", "lbls", "t"),
    /imgs has 3 images but lbls has 2 labels/,
  );
});

test("labels must be classes 0..9", () => {
  expectUserError(
    () => parseSet(images(3), labels([1, 12, 3]), "imgs", "lbls", "t"),
    /lbls: label 12 at index 1 is not a class/,
  );
  const set = parseSet(images(3), labels([0, 9, 5]), "imgs", "lbls", "t");
  assert.equal(set.count, 3);
  assert.deepEqual(Array.from(set.labels), [0, 9, 5]);
});
