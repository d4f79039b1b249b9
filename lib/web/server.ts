/**
 * A small static server for the web page and the exported model, refusing paths outside its folders.
 */
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { UserError } from "../util/errors";
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

/** Longest request target the server reads (the page's own addresses are under 100 characters). */
export const MAX_URL_LENGTH = 2048;

/** Host headers of a request made on this machine: 127.0.0.1 or localhost, with any port (an SSH tunnel's). */
const LOCAL_HOST = /^(127\.0\.0\.1|localhost)(:\d{1,5})?$/i;

/** A request the server refuses: the status and the one line it answers with. */
interface Refusal {
  status: number;
  reason: string;
}

/**
 * The file a request asks for, or why it cannot have one. Only GET and HEAD of a path in origin form (`/...`, no
 * scheme or host) with a local Host header are served (a web page on another site cannot reach the server through
 * a name that resolves to 127.0.0.1, "DNS rebinding"); the path is percent-decoded once, and after decoding it may not hold `..`, a
 * backslash or a control character, whatever spelling (`%2e%2e`, `%5c`, `..\`) brought them.
 */
export function routeRequest(
  request: { method?: string; url?: string; headers: { host?: string } },
  exportDir: string,
  root = projectRoot(),
): { file: string } | Refusal {
  const { method, url: target, headers } = request;
  if (method !== "GET" && method !== "HEAD") return { status: 405, reason: `method ${method} not allowed (GET, HEAD)` };
  if (!LOCAL_HOST.test(headers.host ?? ""))
    return { status: 403, reason: "Host must be 127.0.0.1 or localhost (this server is for this machine only)" };
  if (target === undefined || !target.startsWith("/") || target.startsWith("//"))
    return { status: 400, reason: "request target must be a path starting with one /" };
  if (target.length > MAX_URL_LENGTH) return { status: 414, reason: `URL longer than ${MAX_URL_LENGTH} characters` };
  const rawPath = target.split(/[?#]/, 1)[0];
  let urlPath: string;
  try {
    urlPath = decodeURIComponent(rawPath);
  } catch {
    return { status: 400, reason: "malformed percent-encoding in the path" };
  }
  // eslint-disable-next-line no-control-regex
  if (/\.\.|\\|[\u0000-\u001f\u007f]/.test(urlPath)) return { status: 400, reason: "path not allowed" };
  const file = resolvePagePath(urlPath, exportDir, root);
  return file ? { file } : { status: 404, reason: `not found: ${rawPath}` };
}

const ERROR_HEADERS = { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" };

/** The raw HTTP answer to a request Node's parser could not read (bad request line, headers too large, ...). */
function rawRefusal(status: number, reason: string): string {
  const body = `${reason}\n`;
  return (
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? "Error"}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** Why the server cannot listen on `port`: one line saying what to do when another server has the port. */
function listenError(error: NodeJS.ErrnoException, port: number): Error {
  if (error.code === "EADDRINUSE")
    return new UserError(
      `Port ${port} on 127.0.0.1 is already in use (another \`npm run serve\` or lesson 07's kernel?): stop that ` +
        "server, or choose another --port (without --port a free one is picked).",
    );
  return error;
}

/** Servers this process started with {@link servePage}, by export folder: running a lesson again replaces its server. */
const running = new Map<string, PageServer>();

/**
 * Serves the page and an export (see `exportForWeb`) on 127.0.0.1 only, on `port` (0, the default, picks a free
 * one). Responses allow cross-origin isolation (COOP/COEP), which browsers require before they give WebAssembly
 * threads their shared memory.
 *
 * Every request it cannot serve (another method than GET or HEAD, malformed percent-encoding, a path that tries to
 * leave its folders, an over-long URL, headers Node's parser refuses) gets an error status and a one-line body,
 * and the server goes on: no error in a request reaches the process (or a notebook's kernel). Calling it again for
 * the same folder in the same process (a lesson run twice) first closes the server it started before.
 *
 * @throws UserError naming the lesson to run when the export is missing, or when another server has the port
 */
export async function servePage(
  exportDir: string,
  options: { port?: number; root?: string } = {},
): Promise<PageServer> {
  requireExport(exportDir);
  const root = options.root ?? projectRoot();
  const key = path.resolve(exportDir);
  await running.get(key)?.close();
  const server = http.createServer({ maxHeaderSize: 16 * 1024, requireHostHeader: false }, (request, response) => {
    const refuse = (status: number, reason: string) => {
      if (response.headersSent) response.destroy();
      else {
        const body = `${reason}\n`;
        response.writeHead(status, { ...ERROR_HEADERS, "Content-Length": Buffer.byteLength(body) }).end(body);
      }
    };
    request.on("error", () => response.destroy());
    response.on("error", () => response.destroy());
    request.resume(); // a body is never read: drain it so the connection can go on
    try {
      const route = routeRequest(request, exportDir, root);
      if ("status" in route) {
        if (route.status === 405) response.setHeader("Allow", "GET, HEAD");
        return refuse(route.status, route.reason);
      }
      const stat = fs.statSync(route.file, { throwIfNoEntry: false });
      if (!stat?.isFile()) return refuse(404, `not found: ${request.url}`);
      response.writeHead(200, {
        "Content-Type": TYPES[path.extname(route.file)] ?? "application/octet-stream",
        "Content-Length": stat.size,
        "Cache-Control": "no-store",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Embedder-Policy": "require-corp",
      });
      if (request.method === "HEAD") return void response.end();
      const stream = fs.createReadStream(route.file);
      stream.on("error", () => response.destroy());
      stream.pipe(response);
    } catch {
      refuse(500, "the server could not read that file");
    }
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    socket.on("error", () => socket.destroy());
    if (!socket.writable) return void socket.destroy();
    const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    socket.end(rawRefusal(status, status === 431 ? "request headers too large" : "malformed request"));
  });
  // CONNECT (a proxy's method) and protocol upgrades (WebSocket) arrive as their own events, not as requests
  server.on("connect", (_request, socket: net.Socket) => {
    socket.on("error", () => socket.destroy());
    socket.end(rawRefusal(405, "method CONNECT not allowed (GET, HEAD)"));
  });
  server.on("upgrade", (_request, socket: net.Socket) => {
    socket.on("error", () => socket.destroy());
    socket.end(rawRefusal(400, "protocol upgrades are not served"));
  });
  // after listening, an error of the listening socket must not become an uncaught exception in a kernel
  server.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException) => reject(listenError(error, options.port ?? 0));
    server.once("error", refused);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", refused);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  let closed: Promise<void> | undefined;
  const page: PageServer = {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        if (running.get(key) === page) running.delete(key);
        server.closeAllConnections?.();
        server.close(() => resolve());
      })),
  };
  running.set(key, page);
  return page;
}
