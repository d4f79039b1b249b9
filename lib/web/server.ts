/**
 * A small static server for the web page and the exported model, refusing paths outside its folders.
 */
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { projectRoot } from "../util/paths";
import { bundleFile, webSourceDir } from "./bundle";
import { requireExport } from "./export";

/** A running page server. */
export interface PageServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".bin": "application/octet-stream",
};

/**
 * Maps a URL path to a file: the page (`/`, `/style.css`), the bundle (`/app.js`), tfjs's wasm binaries
 * (`/wasm/*.wasm`, from the installed package) and the export (`/model/*`, `/page-data.json`).
 * Anything else, including paths that try to leave these folders, is null (404).
 */
export function resolvePagePath(urlPath: string, exportDir: string, root = projectRoot()): string | null {
  const wasmDir = path.join(root, "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist");
  const routes: [string, string][] = [
    ["/model/", path.join(exportDir, "model")],
    ["/wasm/", wasmDir],
  ];
  const fixed: Record<string, string> = {
    "/": path.join(webSourceDir(root), "index.html"),
    "/style.css": path.join(webSourceDir(root), "style.css"),
    "/app.js": bundleFile(root),
    "/app.js.map": bundleFile(root) + ".map",
    "/page-data.json": path.join(exportDir, "page-data.json"),
  };
  if (fixed[urlPath]) return fixed[urlPath];
  for (const [prefix, dir] of routes) {
    if (!urlPath.startsWith(prefix)) continue;
    const name = urlPath.slice(prefix.length);
    return /^[A-Za-z0-9._-]+$/.test(name) && !name.startsWith(".") ? path.join(dir, name) : null;
  }
  return null;
}

/**
 * Serves the page and an export (see `exportForWeb`) on 127.0.0.1 only, on `port` (0, the default, picks a free
 * one). Responses allow cross-origin isolation (COOP/COEP), which browsers require before they give WebAssembly
 * threads their shared memory.
 *
 * @throws UserError naming the lesson to run when the export is missing
 */
export async function servePage(
  exportDir: string,
  options: { port?: number; root?: string } = {},
): Promise<PageServer> {
  requireExport(exportDir);
  const root = options.root ?? projectRoot();
  const server = http.createServer((request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url ?? "/", "http://127.0.0.1").pathname);
    const file =
      request.method === "GET" || request.method === "HEAD" ? resolvePagePath(urlPath, exportDir, root) : null;
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404, { "Content-Type": "text/plain" }).end(`not found: ${urlPath}\n`);
      return;
    }
    response.writeHead(200, {
      "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "Cache-Control": "no-store",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
    });
    if (request.method === "HEAD") response.end();
    else fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
