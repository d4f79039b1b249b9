/**
 * Data augmentation on raw training batches before they become tensors: seeded random shifts and horizontal flips.
 */
import { IMAGE_PIXELS, IMAGE_SIZE } from "../data/classes";
import { UserError } from "../util/errors";
import { seededRandom } from "../util/random";

/**
 * Changes a batch of training images in place before it becomes a tensor: `pixels` holds `count` images of
 * 28×28 values, one after the other (already divided by the divisor). Validation and test images are never augmented.
 */
export type ImageAugment = (pixels: Float32Array, count: number) => void;

/** Options for {@link shiftAndFlip}. */
export interface ShiftAndFlipOptions {
  /** Largest shift in pixels, in each direction, for rows and columns alike (default 2). 0 turns shifting off. */
  maxShift?: number;
  /** Mirror half of the images left to right (default true). */
  flip?: boolean;
  /** Seed of the random shifts and flips (default 0): same seed and same batches, same augmented images. */
  seed?: number;
}

/**
 * Light augmentation for Fashion-MNIST: each image is moved by a random whole number of pixels between
 * `-maxShift` and `maxShift` along each axis (the empty border filled with 0, the background), which is the same as
 * cropping a random 28×28 window out of the image zero-padded by `maxShift`; and, with probability ½, mirrored left
 * to right (a mirrored shirt is still a shirt; the data set has no text or left/right-specific classes).
 *
 * @throws UserError when `maxShift` is not a whole number from 0 to 27
 */
export function shiftAndFlip(options: ShiftAndFlipOptions = {}): ImageAugment {
  const { maxShift = 2, flip = true, seed = 0 } = options;
  if (!Number.isInteger(maxShift) || maxShift < 0 || maxShift >= IMAGE_SIZE) {
    throw new UserError(`maxShift must be a whole number of pixels from 0 to ${IMAGE_SIZE - 1}, got ${maxShift}.`);
  }
  const random = seededRandom(seed);
  const source = new Float32Array(IMAGE_PIXELS);
  const shift = () => Math.floor(random() * (2 * maxShift + 1)) - maxShift;
  return (pixels, count) => {
    for (let k = 0; k < count; k++) {
      const image = pixels.subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS);
      const dy = shift();
      const dx = shift();
      const mirror = flip && random() < 0.5;
      if (dx === 0 && dy === 0 && !mirror) continue;
      source.set(image);
      moveImage(source, image, dx, dy, mirror);
    }
  };
}

/** Writes `source` into `target` moved by (dx, dy) pixels (right and down when positive), optionally mirrored first. */
function moveImage(source: Float32Array, target: Float32Array, dx: number, dy: number, mirror: boolean): void {
  for (let y = 0; y < IMAGE_SIZE; y++) {
    const fromY = y - dy;
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const shiftedX = x - dx;
      const fromX = mirror ? IMAGE_SIZE - 1 - shiftedX : shiftedX;
      const inside = fromY >= 0 && fromY < IMAGE_SIZE && fromX >= 0 && fromX < IMAGE_SIZE;
      target[y * IMAGE_SIZE + x] = inside ? source[fromY * IMAGE_SIZE + fromX] : 0;
    }
  }
}
