/**
 * Finds and starts a headless Chromium for the browser tests and page checks, or says how to install it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BrowserContext } from "playwright-core";
import { UserError } from "../util/errors";

/** Debian's Chromium, or the one CHROMIUM points to. */
export function chromiumPath(): string {
  return process.env.CHROMIUM ?? "/usr/bin/chromium";
}

/** How to install Chromium on Debian/Ubuntu (CI's `.ci/run` does it). */
export const CHROMIUM_INSTALL = "sudo apt-get install -y chromium";

/** Why a browser test cannot run here, or null when it can. */
export function chromiumMissing(): string | null {
  if (fs.existsSync(chromiumPath())) return null;
  return `Chromium is not installed at ${chromiumPath()}: install it with \`${CHROMIUM_INSTALL}\` (or set CHROMIUM to its path)`;
}

/** Switches that keep a headless run quiet and repeatable: no GPU, no first-run, update, sync or background traffic. */
export const CHROMIUM_SWITCHES = [
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Starts headless Chromium with a fresh profile (a new temporary --user-data-dir), hands its browser context to
 * `use`, and always closes it and deletes the profile afterwards. As root Chromium's sandbox cannot start, so it
 * runs with --no-sandbox there.
 *
 * @throws UserError when Chromium or playwright-core is missing
 */
export async function withChromium<T>(use: (context: BrowserContext) => Promise<T>): Promise<T> {
  const missing = chromiumMissing();
  if (missing) throw new UserError(missing);
  let playwright: typeof import("playwright-core");
  try {
    playwright = await import("playwright-core");
  } catch {
    throw new UserError(
      "playwright-core is not installed: run `npm ci` (it is a development dependency of the course).",
    );
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "fmnist-chromium-"));
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  try {
    const context = await playwright.chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      chromiumSandbox: !isRoot,
      args: CHROMIUM_SWITCHES,
      viewport: { width: 1280, height: 900 },
    });
    try {
      return await use(context);
    } finally {
      await context.close();
    }
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
