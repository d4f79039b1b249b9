/**
 * Mock photos of garments (a Fashion-MNIST image dark on coloured paper, enlarged, off centre, noisy) to test the
 * page's preprocessing on an answer known in advance.
 */
import { IMAGE_SIZE } from "../data/classes";
import { ImageSet } from "../data/dataset";
import { UserError } from "../util/errors";
import { seededRandom } from "../util/random";
import { RgbaImage } from "./preprocess";

/** Where and how {@link mockPhoto} puts a garment on its paper. */
export interface MockPhotoOptions {
  /** Size of the picture (default 160 × 120). */
  width?: number;
  height?: number;
  /** Side of the enlarged 28×28 garment in pixels (default 84), and its top-left corner (default 56, 12). */
  size?: number;
  x?: number;
  y?: number;
  /** Colour of the paper and of the darkest ink, RGB (default a warm off-white and a dark blue). */
  paper?: readonly [number, number, number];
  ink?: readonly [number, number, number];
  /** Amplitude of uniform per-pixel noise, in 0..255 units (default 12), and its seed. */
  noise?: number;
  seed?: number;
}

/**
 * A stand-in for a photo of a garment, made from a Fashion-MNIST image: the garment dark on light coloured paper,
 * enlarged, away from the centre, with sensor-like noise. Everything the preprocessing has to undo, with the
 * answer known, so a lesson can check that the steps bring it back.
 */
export function mockPhoto(image: ArrayLike<number>, options: MockPhotoOptions = {}): RgbaImage {
  const { width = 160, height = 120, size = 84, x = 56, y = 12, noise = 12, seed = 1 } = options;
  const paper = options.paper ?? [236, 230, 214];
  const ink = options.ink ?? [30, 40, 90];
  if (image.length !== IMAGE_SIZE * IMAGE_SIZE)
    throw new UserError(`mockPhoto needs a 28×28 image (784 values), got ${image.length}.`);
  if (x < 0 || y < 0 || x + size > width || y + size > height) {
    throw new UserError(`The ${size}-pixel garment at (${x}, ${y}) does not fit in a ${width}×${height} picture.`);
  }
  const random = seededRandom(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const inside = px >= x && px < x + size && py >= y && py < y + size;
      const value = inside
        ? image[Math.floor(((py - y) * IMAGE_SIZE) / size) * IMAGE_SIZE + Math.floor(((px - x) * IMAGE_SIZE) / size)] /
          255
        : 0;
      const jitter = (random() * 2 - 1) * noise;
      const i = (py * width + px) * 4;
      for (let c = 0; c < 3; c++) data[i + c] = paper[c] + (ink[c] - paper[c]) * value + jitter;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

/**
 * Mock photos of the first `count` images of a set, each with its own seeded size (half to the whole of the
 * shorter side), position, paper and ink colours: a test bench for preprocessing with known answers.
 */
export function mockPhotos(set: ImageSet, count: number, seed: number): RgbaImage[] {
  const random = seededRandom(seed);
  const between = (low: number, high: number) => Math.round(low + random() * (high - low));
  return Array.from({ length: Math.min(count, set.count) }, (_, i) => {
    const width = between(120, 220),
      height = between(100, 180);
    const size = between(Math.min(width, height) / 2, Math.min(width, height));
    return mockPhoto(set.image(i), {
      width,
      height,
      size,
      x: between(0, width - size),
      y: between(0, height - size),
      seed: seed + i,
      paper: [between(190, 255), between(190, 255), between(190, 255)],
      ink: [between(0, 90), between(0, 90), between(0, 90)],
    });
  });
}
