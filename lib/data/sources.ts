/**
 * Where the Fashion-MNIST files come from: FMNIST_DATA, data/, Debian's package or a download, each file checked by
 * its sha256.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../util/errors";
import { dataDir, writeFileAtomic } from "../util/paths";

/** The four files of Fashion-MNIST, with the sha256 of the official gzipped release. */
export const DATASET_FILES = {
  trainImages: { name: "train-images-idx3-ubyte.gz", sha256: "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7" },
  trainLabels: { name: "train-labels-idx1-ubyte.gz", sha256: "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056" },
  testImages: { name: "t10k-images-idx3-ubyte.gz", sha256: "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa" },
  testLabels: { name: "t10k-labels-idx1-ubyte.gz", sha256: "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05" },
} as const;

/** Key of one of the four data set files. */
export type DatasetFileKey = keyof typeof DATASET_FILES;

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

/** HTTPS mirrors of the official release, tried in order. */
export const DOWNLOAD_MIRRORS = [
  "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
  "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
];

/** How the files were found. */
export type SourceKind = "env" | "data" | "debian" | "download";

/** A folder that holds all four files, and how it was chosen. */
export interface DatasetSource {
  kind: SourceKind;
  dir: string;
  /** Path of each file (gzipped, or the same name without `.gz`). */
  files: Record<DatasetFileKey, string>;
}

/** Options for {@link locateDataset}; the defaults are what the course uses. */
export interface LocateOptions {
  /** Value of FASHION_MNIST_DIR (default: the environment variable). */
  envDir?: string;
  /** The project's cache folder (default: `data/`). */
  cacheDir?: string;
  /** Debian's folder (default: {@link DEBIAN_DIR}). */
  debianDir?: string;
  /** Allow downloading into the cache folder when no folder has the files (default: true). */
  download?: boolean;
  /** Fetches a URL's bytes; replaceable in tests (default: HTTPS `fetch`). */
  fetchBytes?: (url: string) => Promise<Uint8Array>;
}

/** The four files in `dir`, or null when any is missing. Accepts `name.gz` or the unzipped `name`. */
export function findFilesIn(dir: string): Record<DatasetFileKey, string> | null {
  const found: Partial<Record<DatasetFileKey, string>> = {};
  for (const key of Object.keys(DATASET_FILES) as DatasetFileKey[]) {
    const gz = path.join(dir, DATASET_FILES[key].name);
    const plain = gz.replace(/\.gz$/, "");
    if (fs.existsSync(gz)) found[key] = gz;
    else if (fs.existsSync(plain)) found[key] = plain;
    else return null;
  }
  return found as Record<DatasetFileKey, string>;
}

/** Hex sha256 of some bytes. */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Finds the data set, in this order: `FASHION_MNIST_DIR` if set; the project's `data/`; Debian's
 * `/usr/share/datasets/fashion-mnist/`; else downloads the four files over HTTPS into `data/`
 * (each written to a temporary file, verified against its sha256, then renamed into place).
 *
 * @throws UserError listing where it looked and how to fix it, when nothing is found and nothing can be downloaded
 */
export async function locateDataset(options: LocateOptions = {}): Promise<DatasetSource> {
  const envDir = options.envDir ?? process.env.FASHION_MNIST_DIR;
  const cacheDir = options.cacheDir ?? dataDir();
  const debianDir = options.debianDir ?? DEBIAN_DIR;
  if (envDir) {
    const files = findFilesIn(envDir);
    if (files) return { kind: "env", dir: envDir, files };
    throw new UserError(
      `FASHION_MNIST_DIR is set to ${envDir}, but it does not hold the four Fashion-MNIST files ` +
        `(${Object.values(DATASET_FILES).map((f) => f.name).join(", ")}). Fix the path or unset the variable.`,
    );
  }
  for (const [kind, dir] of [["data", cacheDir], ["debian", debianDir]] as const) {
    const files = findFilesIn(dir);
    if (files) return { kind, dir, files };
  }
  if (options.download === false) throw notFound(cacheDir, debianDir, "downloading is switched off");
  try {
    await downloadDataset(cacheDir, options.fetchBytes ?? fetchHttps);
  } catch (error) {
    if (error instanceof UserError && /sha256/.test(error.message)) throw error;
    throw notFound(cacheDir, debianDir, `the download failed: ${(error as Error).message}`);
  }
  return { kind: "download", dir: cacheDir, files: findFilesIn(cacheDir)! };
}

function notFound(cacheDir: string, debianDir: string, why: string): UserError {
  return new UserError(
    `Fashion-MNIST not found. Looked in: FASHION_MNIST_DIR (not set), ${cacheDir}, ${debianDir}; ${why}. ` +
      `Fix: on Debian/Ubuntu run \`sudo apt-get install dataset-fashion-mnist\`; or copy the four .gz files into ${cacheDir}; ` +
      `or set FASHION_MNIST_DIR to a folder that holds them.`,
  );
}

/**
 * Downloads the four files into `dir`, verifying each one's sha256 before it is renamed into place.
 * Files already there with the right checksum are kept.
 */
export async function downloadDataset(dir: string, fetchBytes: (url: string) => Promise<Uint8Array>): Promise<void> {
  for (const file of Object.values(DATASET_FILES)) {
    const target = path.join(dir, file.name);
    if (fs.existsSync(target) && sha256(fs.readFileSync(target)) === file.sha256) continue;
    let lastError: Error | undefined;
    let bytes: Uint8Array | undefined;
    for (const mirror of DOWNLOAD_MIRRORS) {
      try {
        bytes = await fetchBytes(mirror + file.name);
        break;
      } catch (error) {
        lastError = error as Error;
      }
    }
    if (!bytes) throw lastError ?? new Error("no mirror answered");
    const actual = sha256(bytes);
    if (actual !== file.sha256) {
      throw new UserError(
        `${file.name}: downloaded file has sha256 ${actual}, expected ${file.sha256}; it was not saved. ` +
          `Try again later, or install Debian's dataset-fashion-mnist package.`,
      );
    }
    writeFileAtomic(target, bytes);
  }
}

/** Fetches a URL over HTTPS only (redirects must stay on HTTPS). */
export async function fetchHttps(url: string): Promise<Uint8Array> {
  if (!url.startsWith("https://")) throw new Error(`refusing non-HTTPS URL ${url}`);
  const response = await fetch(url, { redirect: "follow" });
  if (!response.url.startsWith("https://")) throw new Error(`redirected off HTTPS to ${response.url}`);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Result of checking one file against its known checksum. */
export interface ChecksumReport {
  file: string;
  sha256: string;
  /** True when it matches the official release; null when the file is unzipped and cannot be compared. */
  matches: boolean | null;
}

/** Checks each of a source's files against the official sha256 (gzipped files only). */
export function verifyChecksums(source: DatasetSource, contents: Record<DatasetFileKey, Uint8Array>): ChecksumReport[] {
  return (Object.keys(DATASET_FILES) as DatasetFileKey[]).map((key) => {
    const file = source.files[key];
    const digest = sha256(contents[key]);
    return { file, sha256: digest, matches: file.endsWith(".gz") ? digest === DATASET_FILES[key].sha256 : null };
  });
}
