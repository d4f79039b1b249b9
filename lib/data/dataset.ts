/**
 * Fashion-MNIST in memory: the `ImageSet` of raw bytes and labels, loading the four files, subsets and splits.
 */
import * as fs from "fs";
import { UserError } from "../util/errors";
import { seededPermutation } from "../util/random";
import { IMAGE_PIXELS, IMAGE_SIZE, NUM_CLASSES } from "./classes";
import { parseIdx } from "./idx";
import { ChecksumReport, DATASET_FILES, DatasetFileKey, DatasetSource, LocateOptions, locateDataset, verifyChecksums } from "./sources";

/**
 * A set of labelled 28×28 grayscale images kept as raw bytes (no tensors, nothing to dispose).
 * Image `i` is `images.subarray(i * 784, (i + 1) * 784)`, row by row; its label is `labels[i]` (0..9).
 */
export class ImageSet {
  constructor(
    /** Pixel bytes, 0 (background) to 255 (ink), `count × 784` of them. */
    readonly images: Uint8Array,
    /** One label per image, 0..9. */
    readonly labels: Uint8Array,
    /** A short name for messages and charts, such as "train" or "test". */
    readonly name: string,
  ) {
    if (images.length !== labels.length * IMAGE_PIXELS) {
      throw new UserError(
        `${name}: ${images.length} pixel bytes do not make ${labels.length} images of ${IMAGE_PIXELS} pixels each.`,
      );
    }
  }

  /** Number of images. */
  get count(): number {
    return this.labels.length;
  }

  /** The pixels of image `i` (a view, not a copy). */
  image(i: number): Uint8Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) {
      throw new UserError(`${this.name}: image index ${i} is out of range 0..${this.count - 1}.`);
    }
    return this.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS);
  }

  /** A new set with the images at `indices`, in that order. */
  take(indices: ArrayLike<number>, name = this.name): ImageSet {
    const images = new Uint8Array(indices.length * IMAGE_PIXELS);
    const labels = new Uint8Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      images.set(this.image(indices[k]), k * IMAGE_PIXELS);
      labels[k] = this.labels[indices[k]];
    }
    return new ImageSet(images, labels, name);
  }

  /** The first `n` images (all of them when `n` is at least the count): quick profiles train on these. */
  subset(n: number): ImageSet {
    if (!Number.isInteger(n) || n <= 0) throw new UserError(`subset size must be a positive integer, got ${n}.`);
    if (n >= this.count) return this;
    return new ImageSet(this.images.subarray(0, n * IMAGE_PIXELS), this.labels.subarray(0, n), this.name);
  }

  /** The same images in an order shuffled from `seed` (same seed, same order). */
  shuffle(seed: number): ImageSet {
    return this.take(seededPermutation(this.count, seed));
  }

  /**
   * Splits off the last `fraction` of the images as a validation set (after an optional seeded shuffle),
   * as Keras' `validationSplit` does.
   */
  splitValidation(fraction: number, seed?: number): { train: ImageSet; validation: ImageSet } {
    if (!(fraction > 0 && fraction < 1)) throw new UserError(`validation fraction must be between 0 and 1, got ${fraction}.`);
    const source = seed === undefined ? this : this.shuffle(seed);
    const cut = Math.round(source.count * (1 - fraction));
    const all = Array.from({ length: source.count }, (_, i) => i);
    return {
      train: source.take(all.slice(0, cut), `${this.name}-train`),
      validation: source.take(all.slice(cut), `${this.name}-validation`),
    };
  }

  /** How many images each class has (index = label). */
  classCounts(): number[] {
    const counts = new Array<number>(NUM_CLASSES).fill(0);
    for (const label of this.labels) counts[label]++;
    return counts;
  }
}

/** Fashion-MNIST: 60,000 training and 10,000 test images, and where they came from. */
export interface FashionMnist {
  train: ImageSet;
  test: ImageSet;
  source: DatasetSource;
  /** Checksum of each file against the official release. */
  checksums: ChecksumReport[];
}

const cache = new Map<string, FashionMnist>();

/**
 * Finds (or downloads) and parses Fashion-MNIST, validating every file, and keeps it in memory for the
 * rest of the process. See {@link locateDataset} for where it looks.
 *
 * @throws UserError naming the file and what is wrong when any file is missing or corrupt
 */
export async function loadFashionMnist(options: LocateOptions = {}): Promise<FashionMnist> {
  const source = await locateDataset(options);
  const cached = cache.get(source.dir);
  if (cached) return cached;
  const bytes = {} as Record<DatasetFileKey, Uint8Array>;
  for (const key of Object.keys(DATASET_FILES) as DatasetFileKey[]) {
    try {
      bytes[key] = fs.readFileSync(source.files[key]);
    } catch (error) {
      throw new UserError(`${source.files[key]}: cannot be read (${(error as Error).message}). Check its permissions.`);
    }
  }
  const checksums = verifyChecksums(source, bytes);
  const bad = checksums.find((c) => c.matches === false);
  if (bad) {
    throw new UserError(
      `${bad.file}: sha256 ${bad.sha256} does not match the official release. ` +
        `The file is corrupt or a different version: delete it and run \`npm run --silent fmnist -- data\` again.`,
    );
  }
  const data: FashionMnist = {
    train: parseSet(bytes.trainImages, bytes.trainLabels, source.files.trainImages, source.files.trainLabels, "train"),
    test: parseSet(bytes.testImages, bytes.testLabels, source.files.testImages, source.files.testLabels, "test"),
    source,
    checksums,
  };
  cache.set(source.dir, data);
  return data;
}

/**
 * Parses one image file and its label file into an {@link ImageSet}, checking that they agree
 * (same count) and that every label is a class (0..9).
 */
export function parseSet(imageBytes: Uint8Array, labelBytes: Uint8Array, imageFile: string, labelFile: string, name: string): ImageSet {
  const images = parseIdx(imageBytes, imageFile, { ndim: 3, imageSize: IMAGE_SIZE });
  const labels = parseIdx(labelBytes, labelFile, { ndim: 1 });
  if (images.dims[0] !== labels.dims[0]) {
    throw new UserError(
      `${imageFile} has ${images.dims[0]} images but ${labelFile} has ${labels.dims[0]} labels; ` +
        `the two files come from different releases or one is damaged. Replace both.`,
    );
  }
  const badIndex = labels.data.findIndex((label) => label >= NUM_CLASSES);
  if (badIndex >= 0) {
    throw new UserError(
      `${labelFile}: label ${labels.data[badIndex]} at index ${badIndex} is not a class (0..${NUM_CLASSES - 1}). Replace the file.`,
    );
  }
  return new ImageSet(images.data, labels.data, name);
}
