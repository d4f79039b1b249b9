import { strict as assert } from "assert";
import * as net from "net";
import { after, before, test } from "node:test";
import { createPreset } from "../lib/models/presets";
import { exportForWeb } from "../lib/web/export";
import { PageServer, servePage } from "../lib/web/server";
import { syntheticSet, tempDir, useCpu } from "./helpers";

/** Errors that reached the process while the server ran: there must be none. */
const uncaught: unknown[] = [];
const recordUncaught = (error: unknown) => void uncaught.push(error);
let exportDir: string;

before(async () => {
  await useCpu();
  process.on("uncaughtException", recordUncaught);
  const model = createPreset("mlp", { seed: 5 });
  exportDir = tempDir();
  await exportForWeb(model, syntheticSet(10), { model: "mlp", description: "untrained", count: 10, dir: exportDir });
  model.dispose();
});

after(() => process.off("uncaughtException", recordUncaught));

/**
 * Sends raw bytes to 127.0.0.1:port and resolves with everything the server sent back before it closed the
 * connection (or 2 s passed). The socket is not half-closed: Node's server drops a request whose client did that.
 */
function rawRequest(port: number, bytes: string | Buffer, { half = false } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.setTimeout(2000, () => socket.destroy());
    socket.write(bytes, () => half && socket.destroy());
  });
}

/** The status code and body (the first response's, as long as its Content-Length says) of raw HTTP responses. */
function parseResponse(raw: string, what: string): { status: number; body: string } {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(raw);
  assert.ok(match, `${what}: no HTTP status line in ${JSON.stringify(raw.slice(0, 200))}`);
  const head = raw.slice(0, raw.indexOf("\r\n\r\n"));
  const length = /\r\ncontent-length: (\d+)/i.exec(head);
  const body = raw.slice(head.length + 4);
  return { status: Number(match[1]), body: length ? body.slice(0, Number(length[1])) : body };
}

const get = (target: string, headers = "") =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`;

/** Hostile or odd requests, each with the status class it must get. */
const HOSTILE: [string, string | Buffer, number][] = [
  ["truncated percent-encoding", get("/%E0%A4%A"), 400],
  ["invalid UTF-8 in percent-encoding", get("/model/%C0%AF"), 400],
  ["a lone percent sign", get("/%"), 400],
  ["dot-dot", get("/model/../package.json"), 400],
  ["encoded dot-dot and slash", get("/model/%2e%2e%2fpackage.json"), 400],
  ["encoded dot-dot, upper case", get("/wasm/%2E%2E%2F%2E%2E%2Fpackage.json"), 400],
  ["double-encoded dot-dot", get("/model/%252e%252e%252fpackage.json"), 404],
  ["backslash", get("/model/..\\..\\package.json"), 400],
  ["encoded backslash", get("/model/..%5c..%5cpackage.json"), 400],
  ["encoded NUL byte", get("/model/model.json%00.bin"), 400],
  ["absolute path after the route", get("/model//etc/passwd"), 404],
  ["scheme-relative target", get("//etc/passwd"), 400],
  ["absolute-form target", get("http://example.com/"), 400],
  ["asterisk target", "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 405],
  ["over-long URL", get("/" + "a".repeat(5000)), 414],
  ["URL beyond the header limit", get("/" + "a".repeat(40000)), 431],
  [
    "POST with a body",
    "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    405,
  ],
  ["PUT", "PUT /model/model.json HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 405],
  ["DELETE", "DELETE / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 405],
  ["TRACE", "TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 405],
  ["CONNECT", "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 405],
  [
    "WebSocket upgrade",
    get("/", "Upgrade: websocket\r\nConnection: Upgrade\r\n").replace("Connection: close\r\n", ""),
    400,
  ],
  ["unknown method", "BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 400],
  ["garbage bytes", Buffer.from([0, 1, 2, 255, 13, 10, 13, 10]), 400],
  ["header without a colon", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nthis is not a header\r\n\r\n", 400],
  ["NUL in a header value", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Odd: a\u0000b\r\n\r\n", 400],
  ["one huge header", get("/", `X-Big: ${"b".repeat(40000)}\r\n`), 431],
  ["two Content-Lengths", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400],
  ["bad chunked body", "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnope\r\n", 405],
  ["unknown HTTP version", "GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 400],
  ["no Host header", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 403],
  ["a foreign Host (DNS rebinding)", get("/").replace("Host: 127.0.0.1", "Host: attacker.example"), 403],
];

/** The server still serves the page: checked after every hostile request. */
async function assertServes(server: PageServer, after: string): Promise<void> {
  const page = parseResponse(await rawRequest(server.port, get("/")), `the page after ${after}`);
  assert.equal(page.status, 200, `the page is not served after: ${after}`);
  assert.match(page.body, /<canvas id="pad"/, `the page is not served after: ${after}`);
}

test("hostile requests get an error status and a one-line body, and the server goes on serving", async () => {
  const server = await servePage(exportDir);
  try {
    await assertServes(server, "start");
    for (const [what, bytes, status] of HOSTILE) {
      const answer = parseResponse(await rawRequest(server.port, bytes), what);
      assert.equal(answer.status, status, `${what}: status ${answer.status}, body ${JSON.stringify(answer.body)}`);
      assert.match(answer.body, /^[^\n]+\n$/, `${what}: the body is not one line: ${JSON.stringify(answer.body)}`);
      await assertServes(server, what);
    }
    // a client that hangs up in the middle of its headers, and one that hangs up in the middle of a download
    await rawRequest(server.port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half", { half: true });
    await assertServes(server, "a connection closed mid-request");
    await rawRequest(server.port, get("/wasm/tfjs-backend-wasm-simd.wasm"), { half: true });
    await assertServes(server, "a connection closed mid-download");
    const head = parseResponse(await rawRequest(server.port, get("/").replace("GET", "HEAD")), "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.body, "", "HEAD sends no body");
  } finally {
    await server.close();
  }
  assert.deepEqual(uncaught, [], "an error reached the process");
});

test("serving the same export again (a lesson run twice) closes the first server", async () => {
  const first = await servePage(exportDir);
  const second = await servePage(exportDir);
  try {
    await assertServes(second, "the second start");
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(first.port, "127.0.0.1");
      socket.on("connect", () => (socket.destroy(), resolve(false)));
      socket.on("error", () => resolve(true));
    });
    assert.ok(refused || first.port === second.port, "the first server still listens");
  } finally {
    await second.close();
    await first.close(); // closing twice is harmless
  }
});

test("a port another server holds is refused in one line that says what to do", async () => {
  const other = net.createServer();
  await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
  const port = (other.address() as net.AddressInfo).port;
  try {
    await assert.rejects(servePage(exportDir, { port }), {
      name: "UserError",
      message: new RegExp(`^Port ${port} on 127\\.0\\.0\\.1 is already in use .*choose another --port`),
    });
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});
