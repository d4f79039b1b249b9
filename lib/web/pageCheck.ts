/**
 * Opens the web page in headless Chromium and checks it: test images classified, drawings on the pad recognised.
 */
import type { Page } from "playwright-core";
import { UserError } from "../util/errors";
import { withChromium } from "./chromium";
import { RgbaImage } from "./preprocess";

/** One test image as the page classified it. */
export interface PageTestResult {
  index: number;
  label: number;
  predicted: number;
  probabilities: number[];
}

/** A drawing made on the page's pad: its name, the pad's pixels afterwards, and what the page predicted. */
export interface PageDrawing {
  name: string;
  pixels: RgbaImage;
  predicted: number;
  probabilities: number[];
}

/** What {@link checkPage} saw in the browser. */
export interface PageCheck {
  /** The backend as the page describes it, e.g. "wasm (SIMD, threaded build, 1 thread)", and tfjs's name for it. */
  backend: string;
  backendName: string;
  /** Every test image of the page after "Classify them all", and the seconds that took in the page. */
  tests: PageTestResult[];
  seconds: number;
  /** Each drawing, in order (the pad is cleared before each). */
  drawings: PageDrawing[];
  /** A PNG screenshot of the whole page at the end. */
  screenshot: Buffer;
  /** Errors the page logged to its console (none expected). */
  consoleErrors: string[];
}

/** Strokes of a pen on the 280×280 drawing pad, in pad pixels. */
export type Strokes = [number, number][][];

/** The outline of a sneaker in side view: heel, sole, toe cap and the laces' slope back to the heel. */
const SNEAKER_OUTLINE: Strokes = [
  [
    [52, 118],
    [52, 196],
    [236, 196],
    [244, 178],
    [226, 166],
    [176, 150],
    [140, 128],
    [112, 112],
    [84, 116],
    [52, 118],
  ],
];

/** The same sneaker coloured in: the outline plus back-and-forth strokes that fill it, as garments are in photos. */
const SNEAKER_FILLED: Strokes = [
  ...SNEAKER_OUTLINE,
  [
    [60, 128],
    [110, 122],
    [60, 140],
    [140, 136],
    [60, 152],
    [170, 156],
    [60, 166],
    [210, 168],
    [60, 180],
    [230, 182],
    [60, 190],
    [236, 190],
  ],
];

/** The drawings {@link checkPage} makes unless told otherwise: a sneaker as an outline, then filled in. */
export const SNEAKER_DRAWINGS: { name: string; strokes: Strokes }[] = [
  { name: "sneaker outline", strokes: SNEAKER_OUTLINE },
  { name: "filled sneaker", strokes: SNEAKER_FILLED },
];

async function drawStrokes(page: Page, strokes: Strokes): Promise<void> {
  const box = await page.locator("#pad").boundingBox();
  if (!box) throw new Error("the drawing pad is not visible");
  const scale = box.width / 280;
  for (const stroke of strokes) {
    const [first, ...rest] = stroke.map(([x, y]) => [box.x + x * scale, box.y + y * scale]);
    await page.mouse.move(first[0], first[1]);
    await page.mouse.down();
    for (const [x, y] of rest) await page.mouse.move(x, y, { steps: 8 });
    await page.mouse.up();
  }
}

/**
 * Opens the page in headless Chromium and uses it as a learner would: waits for the model, presses "Classify them
 * all", makes each drawing on a cleared pad, and takes a screenshot. `query` is appended to the address
 * (e.g. "?backend=webgl").
 *
 * @throws UserError when Chromium is missing or the page reports that it could not start
 */
export async function checkPage(
  url: string,
  options: { query?: string; drawings?: { name: string; strokes: Strokes }[] } = {},
): Promise<PageCheck> {
  return withChromium(async (context) => {
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors: string[] = [];
    page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
    page.on("pageerror", (error) => consoleErrors.push(error.message));
    await page.goto(url + (options.query ?? ""));
    await page.waitForFunction(() => document.body.dataset.state !== "loading", undefined, { timeout: 60_000 });
    if ((await page.getAttribute("body", "data-state")) !== "ready") {
      throw new UserError(`The page did not start: ${await page.textContent("#status")} ${consoleErrors.join(" | ")}`);
    }
    await page.click("#classify-all");
    await page.waitForSelector("#accuracy[data-count]");
    const tests = await page.$$eval("#test-grid button", (buttons) =>
      buttons.map((b) => ({
        index: Number(b.dataset.index),
        label: Number(b.dataset.label),
        predicted: Number(b.dataset.predicted),
        probabilities: JSON.parse(b.dataset.probabilities ?? "[]") as number[],
      })),
    );
    const seconds = Number(await page.getAttribute("#accuracy", "data-seconds"));
    const drawings: PageDrawing[] = [];
    for (const drawing of options.drawings ?? SNEAKER_DRAWINGS)
      drawings.push({ name: drawing.name, ...(await draw(page, drawing.strokes)) });
    return {
      backend: (await page.textContent("#backend")) ?? "",
      backendName: (await page.getAttribute("body", "data-backend")) ?? "",
      tests,
      seconds,
      drawings,
      screenshot: await page.screenshot({ fullPage: true }),
      consoleErrors,
    };
  });
}

/** Clears the pad, draws, waits for the page's prediction and reads it back with the pad's pixels. */
async function draw(page: Page, strokes: Strokes): Promise<Omit<PageDrawing, "name">> {
  await page.click("#clear");
  await page.$eval("#prediction", (p) => p.removeAttribute("data-source"));
  await drawStrokes(page, strokes);
  await page.waitForSelector('#prediction[data-source="your drawing"]');
  const shown = await page.$eval("#prediction", (p) => ({
    predicted: Number(p.dataset.predicted),
    probabilities: JSON.parse(p.dataset.probabilities ?? "[]") as number[],
  }));
  const pixels = await page.$eval("#pad", (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const image = c.getContext("2d")!.getImageData(0, 0, c.width, c.height);
    return { width: image.width, height: image.height, data: Array.from(image.data) };
  });
  return { ...shown, pixels: { ...pixels, data: Uint8ClampedArray.from(pixels.data) } };
}
