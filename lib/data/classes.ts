/**
 * The data set's fixed facts: its ten class names and its image size.
 */

/**
 * The ten Fashion-MNIST classes, indexed by label (0..9).
 *
 * Zalando chose these so that the data set could replace the handwritten digits of MNIST one-for-one:
 * same image size, same number of classes, same train/test split.
 */
export const CLASS_NAMES: readonly string[] = Object.freeze([
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
]);

/** Number of classes in Fashion-MNIST. */
export const NUM_CLASSES = CLASS_NAMES.length;

/** Side length of one image in pixels. */
export const IMAGE_SIZE = 28;

/** Number of pixels in one image (28 × 28). */
export const IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE;
