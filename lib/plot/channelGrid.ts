/**
 * Pictures of what a convolutional layer holds or computes: its filters, or the feature maps of one image, each
 * channel a small grayscale tile numbered from 1, all tiles on one shared scale so that they compare.
 */
import { imageGridPng } from "./imageGrid";

/** Options for {@link channelGridPng}. */
export interface ChannelGridOptions {
  /** Title drawn above the grid. */
  title?: string;
  /** Width of each map (default: the square root of its length). */
  width?: number;
  /** Tiles per row (default 16). */
  columns?: number;
  /** Integer upscaling of each tile (default: tiles of about 48 pixels). */
  scale?: number;
  /**
   * `signed`: zero is mid-grey, positive values lighter, negative darker, on a range symmetric around zero (for filter
   * weights). `positive` (default): zero is black, the largest value white (for ReLU and pooling outputs).
   */
  mode?: "signed" | "positive";
  /** Show only these channels (0-based), numbered as in the layer. */
  channels?: number[];
}

/**
 * Draws one tile per channel, captioned with its number (1-based), on one scale shared by all tiles: the largest
 * value (or the largest magnitude, in `signed` mode) of the maps shown.
 *
 * @throws Error when there is nothing to draw
 */
export function channelGridPng(maps: readonly ArrayLike<number>[], options: ChannelGridOptions = {}): Buffer {
  const picked = (options.channels ?? maps.map((_, i) => i)).map((c) => ({ c, map: maps[c] }));
  if (picked.length === 0 || picked.some((p) => !p.map))
    throw new Error(`channelGridPng: no such channels among ${maps.length} maps.`);
  let largest = 0;
  for (const { map } of picked) for (let i = 0; i < map.length; i++) largest = Math.max(largest, Math.abs(map[i]));
  largest ||= 1;
  const signed = options.mode === "signed";
  const range: [number, number] = signed ? [-largest, largest] : [0, largest];
  const width = options.width ?? Math.round(Math.sqrt(picked[0].map.length));
  const items = picked.map(({ c, map }) => ({ image: toRows(map, width), caption: String(c + 1) }));
  return imageGridPng(items, {
    title: options.title,
    columns: options.columns ?? 16,
    scale: options.scale ?? Math.max(1, Math.round(48 / width)),
    range,
    fontScale: 1,
  });
}

/** A flat row-major map as rows of `width` values (so that non-square maps keep their shape). */
function toRows(map: ArrayLike<number>, width: number): number[][] {
  return Array.from({ length: Math.ceil(map.length / width) }, (_, r) =>
    Array.from({ length: width }, (_, c) => Number(map[r * width + c])),
  );
}
