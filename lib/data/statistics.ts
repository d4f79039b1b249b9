/**
 * Plain statistics of an image set, computed from the raw bytes without tensors: pixel histogram, mean and spread,
 * class-mean images, and the nearest-class-mean classifier of lesson 00 (a baseline that needs no training).
 */
import { IMAGE_PIXELS, NUM_CLASSES } from "./classes";
import { ImageSet } from "./dataset";

/** What {@link pixelStatistics} measures over all pixels of a set. */
export interface PixelStatistics {
  /** How many pixels have each value 0..255. */
  histogram: number[];
  mean: number;
  /** Standard deviation of the pixel values. */
  std: number;
  /** Share (0..1) of pixels that are 0, the background. */
  background: number;
}

/** Histogram, mean, standard deviation and background share of the pixel bytes of a set. */
export function pixelStatistics(pixels: Uint8Array): PixelStatistics {
  const histogram = new Array<number>(256).fill(0);
  for (let i = 0; i < pixels.length; i++) histogram[pixels[i]]++;
  let sum = 0;
  let sumOfSquares = 0;
  histogram.forEach((count, value) => {
    sum += count * value;
    sumOfSquares += count * value * value;
  });
  const mean = sum / pixels.length;
  return { histogram, mean, std: Math.sqrt(sumOfSquares / pixels.length - mean * mean), background: histogram[0] / pixels.length };
}

/** The indices of the first `n` images of a class, in the set's order. */
export function firstOfClass(set: ImageSet, label: number, n: number): number[] {
  const found: number[] = [];
  for (let i = 0; i < set.count && found.length < n; i++) if (set.labels[i] === label) found.push(i);
  return found;
}

/** The average image of each class (pixel values 0..255); a class without images gets an all-zero image. */
export function classMeanImages(set: ImageSet): Float32Array[] {
  const sums = Array.from({ length: NUM_CLASSES }, () => new Float64Array(IMAGE_PIXELS));
  const counts = set.classCounts();
  for (let i = 0; i < set.count; i++) {
    const image = set.image(i);
    const target = sums[set.labels[i]];
    for (let p = 0; p < IMAGE_PIXELS; p++) target[p] += image[p];
  }
  return sums.map((sum, label) => Float32Array.from(sum, (v) => (counts[label] > 0 ? v / counts[label] : 0)));
}

/**
 * Nearest class mean: each image gets the class whose average image is closest to it (smallest sum of squared
 * pixel differences). Returns one predicted class per image.
 */
export function nearestMeanPredictions(means: readonly Float32Array[], set: ImageSet): Int32Array {
  const predictions = new Int32Array(set.count);
  for (let i = 0; i < set.count; i++) {
    const image = set.image(i);
    let best = 0;
    let bestDistance = Infinity;
    means.forEach((mean, label) => {
      let distance = 0;
      for (let p = 0; p < IMAGE_PIXELS; p++) distance += (image[p] - mean[p]) ** 2;
      if (distance < bestDistance) [best, bestDistance] = [label, distance];
    });
    predictions[i] = best;
  }
  return predictions;
}
