/**
 * The project's folders (root, data/) found from the compiled file, and atomic file writes.
 */
import * as fs from "fs";
import * as path from "path";

/**
 * The project's root folder (the one with package.json), found from this compiled file's location,
 * so that notebooks, the CLI and tests agree on where `data/` is whatever the working directory.
 */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "lib"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** The project's `data/` folder: the download cache and the home of saved models. */
export function dataDir(): string {
  return path.join(projectRoot(), "data");
}

/**
 * Writes a file atomically: to a temporary file beside it first, then renamed over the target,
 * so that an interrupted write never leaves a half-written file where a good one is expected.
 */
export function writeFileAtomic(target: string, contents: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.writeFileSync(temp, contents);
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}
