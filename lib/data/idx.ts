/**
 * Reading and writing the IDX format the Fashion-MNIST files use (gzipped or not), with checks that name the bad file.
 */
import { gunzipSync } from "zlib";
import { UserError } from "../util/errors";

/** A parsed IDX file: its dimensions and its bytes (unsigned 8-bit, row-major). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** What an IDX file must hold to be a Fashion-MNIST image file (3 dims) or label file (1 dim). */
export interface IdxExpectation {
  /** Number of dimensions: 3 for images (count, rows, cols), 1 for labels (count). */
  ndim: 1 | 3;
  /** Expected rows and columns for image files. */
  imageSize?: number;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const IDX_UBYTE = 0x08;

const REDOWNLOAD_HINT =
  "Delete the file and run `npm run --silent fmnist -- data` to fetch a fresh copy, or point FASHION_MNIST_DIR at a good one.";

/** True when the buffer starts with the gzip magic bytes. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

/**
 * Parses an IDX file (gzipped or not) and validates it: magic number, unsigned-byte dtype, number of dimensions,
 * image size, and that the byte length matches the dimensions exactly.
 *
 * @param bytes the file's contents
 * @param fileName used in error messages so a person knows which file is broken
 * @param expect what the file must contain
 * @throws UserError naming the file, what is wrong and what to do
 */
export function parseIdx(bytes: Uint8Array, fileName: string, expect: IdxExpectation): IdxArray {
  const fail = (what: string): never => {
    throw new UserError(`${fileName}: ${what}. ${REDOWNLOAD_HINT}`);
  };
  let raw: Uint8Array = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipSync(bytes);
    } catch (error) {
      fail(`gzip data is corrupt or truncated (${(error as Error).message})`);
    }
  } else if (fileName.endsWith(".gz")) {
    fail("the name ends in .gz but the file is not gzip data");
  }
  if (raw.length < 4) fail(`file is only ${raw.length} bytes long, too short for an IDX header`);
  if (raw[0] !== 0 || raw[1] !== 0) {
    fail(`not an IDX file (magic number starts with 0x${hex(raw[0])}${hex(raw[1])}, expected 0x0000)`);
  }
  if (raw[2] !== IDX_UBYTE) fail(`IDX data type 0x${hex(raw[2])} is not unsigned byte (0x08)`);
  const ndim = raw[3];
  if (ndim !== expect.ndim) {
    const kind = expect.ndim === 3 ? "an image file" : "a label file";
    fail(`has ${ndim} dimension(s) but ${kind} has ${expect.ndim}`);
  }
  const headerLength = 4 + 4 * ndim;
  if (raw.length < headerLength) fail(`header is truncated (${raw.length} bytes, needs ${headerLength})`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  if (expect.imageSize !== undefined && ndim === 3) {
    if (dims[1] !== expect.imageSize || dims[2] !== expect.imageSize) {
      fail(`images are ${dims[1]}x${dims[2]}, expected ${expect.imageSize}x${expect.imageSize}`);
    }
  }
  const expectedBytes = dims.reduce((a, b) => a * b, 1);
  const actualBytes = raw.length - headerLength;
  if (actualBytes < expectedBytes) fail(`truncated: ${actualBytes} data bytes, header says ${expectedBytes}`);
  if (actualBytes > expectedBytes) fail(`${actualBytes - expectedBytes} unexpected bytes after the data`);
  return { dims, data: raw.subarray(headerLength) };
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}

/**
 * Encodes an unsigned-byte IDX file (the inverse of {@link parseIdx}); used by tests and to write small fixtures.
 */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header[2] = IDX_UBYTE;
  header[3] = dims.length;
  const view = new DataView(header.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + data.length);
  out.set(header, 0);
  out.set(data, header.length);
  return out;
}
