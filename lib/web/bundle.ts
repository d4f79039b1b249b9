/**
 * Bundles lesson 07's web page (`web/src/main.ts` with tfjs and the course's preprocessing) into one script with
 * esbuild.
 */
import * as path from "path";
import { projectRoot } from "../util/paths";

/** The page's sources (`web/`): `index.html`, `style.css` and the TypeScript under `web/src/`. */
export function webSourceDir(root = projectRoot()): string {
  return path.join(root, "web");
}

/** Where the bundled script goes: `dist/web/app.js` (with its source map). */
export function bundleFile(root = projectRoot()): string {
  return path.join(root, "dist", "web", "app.js");
}

/** What {@link buildPage} produced. */
export interface BundleReport {
  file: string;
  bytes: number;
  seconds: number;
}

/**
 * Bundles the page's script with esbuild: `web/src/main.ts` with TensorFlow.js, its wasm backend and the course's
 * preprocessing, from the installed npm packages, into one minified file for browsers. No network, no CDN.
 */
export async function buildPage(root = projectRoot()): Promise<BundleReport> {
  const esbuild = await import("esbuild");
  const started = Date.now();
  const outfile = bundleFile(root);
  const result = await esbuild.build({
    entryPoints: [path.join(webSourceDir(root), "src", "main.ts")],
    bundle: true,
    outfile,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: true,
    sourcemap: true,
    metafile: true,
    logLevel: "error",
  });
  const bytes =
    result.metafile.outputs[path.relative(process.cwd(), outfile)]?.bytes ??
    Object.values(result.metafile.outputs).reduce((max, o) => Math.max(max, o.bytes), 0);
  return { file: outfile, bytes, seconds: (Date.now() - started) / 1000 };
}
