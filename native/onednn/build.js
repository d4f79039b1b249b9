#!/usr/bin/env node
/*
 * Builds the optional oneDNN addon (native/onednn/build/Release/onednn.node) with the node-gyp that
 * ships inside npm. Never fails: when something it needs is missing (oneDNN headers or library, a
 * C++ compiler, make, python3, node-gyp, Node's headers) or the compile fails, it prints one line
 * saying it skipped and why, and exits 0 — the course then trains on plain wasm.
 *
 * Usage: node native/onednn/build.js [--force]
 * Environment: FMNIST_SKIP_ONEDNN=1 skips; ONEDNN_INCLUDE_DIR / ONEDNN_LIB_DIR point at a oneDNN
 * outside the system paths; CXX picks the compiler.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const cp = require("child_process");

const HERE = __dirname;
const OUTPUT = path.join(HERE, "build", "Release", "onednn.node");
const LOG = path.join(HERE, "build", "build.log");
/** Why the last build skipped, for the library to show beside the backend it chose instead. */
const SKIP_NOTE = path.join(HERE, "build", "skipped.txt");
const rel = (p) => path.relative(process.cwd(), p) || ".";

function done(message) {
  console.log(`onednn addon: ${message}`);
  process.exit(0);
}

function skip(reason) {
  try {
    fs.mkdirSync(path.dirname(SKIP_NOTE), { recursive: true });
    fs.writeFileSync(SKIP_NOTE, `${reason}\n`);
  } catch {
    /* the note is a courtesy; the line below says the same */
  }
  done(`skipped (${reason}); training uses plain wasm`);
}

function built(message) {
  fs.rmSync(SKIP_NOTE, { force: true });
  done(message);
}

function onPath(cmd) {
  if (cmd.includes("/")) return fs.existsSync(cmd) ? cmd : undefined;
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, cmd))) return path.join(dir, cmd);
  }
  return undefined;
}

function findIncludeDir() {
  const dirs = [process.env.ONEDNN_INCLUDE_DIR, "/usr/include", "/usr/local/include", "/opt/homebrew/include",
    ...(process.env.CPATH || "").split(path.delimiter)].filter(Boolean);
  return dirs.find((d) => fs.existsSync(path.join(d, "dnnl.hpp")));
}

function libraryDirs() {
  const dirs = [process.env.ONEDNN_LIB_DIR, "/usr/lib", "/usr/local/lib", "/lib", "/usr/lib64", "/opt/homebrew/lib"];
  for (const root of ["/usr/lib", "/lib"]) {
    try {
      for (const name of fs.readdirSync(root)) if (name.endsWith("-linux-gnu")) dirs.push(path.join(root, name));
    } catch {
      /* not there */
    }
  }
  return dirs.filter(Boolean);
}

function findLibraryDir() {
  return libraryDirs().find((d) => ["libdnnl.so", "libdnnl.dylib"].some((f) => fs.existsSync(path.join(d, f))));
}

function oneDnnMajor(includeDir) {
  for (const f of ["oneapi/dnnl/dnnl_version.h", "dnnl_version.h"]) {
    try {
      const m = /#define\s+DNNL_VERSION_MAJOR\s+(\d+)/.exec(fs.readFileSync(path.join(includeDir, f), "utf8"));
      if (m) return Number(m[1]);
    } catch {
      /* try the next */
    }
  }
  return undefined;
}

function findNodeGyp() {
  const candidates = [];
  try {
    candidates.push(require.resolve("node-gyp/bin/node-gyp.js"));
  } catch {
    /* not a local dependency */
  }
  if (process.env.npm_execpath) {
    candidates.push(path.join(path.dirname(process.env.npm_execpath), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  }
  const prefix = path.resolve(path.dirname(process.execPath), "..");
  for (const lib of [path.join(prefix, "lib"), "/usr/lib", "/usr/local/lib", "/usr/share/nodejs"]) {
    candidates.push(path.join(lib, "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  }
  candidates.push("/usr/share/nodejs/node-gyp/bin/node-gyp.js");
  return candidates.find((c) => fs.existsSync(c));
}

/** A directory with Node's headers (include/node/node_api.h), so node-gyp needs no download. */
function findNodeDir() {
  const dirs = [process.env.npm_config_nodedir, path.resolve(path.dirname(process.execPath), ".."), "/usr", "/usr/local"];
  return dirs.filter(Boolean).find((d) => fs.existsSync(path.join(d, "include", "node", "node_api.h")));
}

function upToDate() {
  if (!fs.existsSync(OUTPUT)) return false;
  const built = fs.statSync(OUTPUT).mtimeMs;
  const sources = [path.join(HERE, "binding.gyp"), __filename,
    ...fs.readdirSync(path.join(HERE, "src")).map((f) => path.join(HERE, "src", f))];
  return sources.every((f) => fs.statSync(f).mtimeMs < built);
}

/** Loads the addon in a child process (a broken build must not take the installer down). */
function probe() {
  const code = `const a = require(${JSON.stringify(OUTPUT)}); process.stdout.write(a.info().version);`;
  const r = cp.spawnSync(process.execPath, ["-e", code], { encoding: "utf8", timeout: 60000 });
  if (r.status !== 0) return { error: (r.stderr || "").trim().split("\n").slice(-1)[0] || `exit ${r.status}` };
  return { version: r.stdout.trim() };
}

function main() {
  if (process.env.FMNIST_SKIP_ONEDNN) skip("FMNIST_SKIP_ONEDNN is set");
  if (process.platform === "win32") skip("no system oneDNN on Windows");
  const includeDir = findIncludeDir();
  if (!includeDir) skip("oneDNN headers (dnnl.hpp) not found: on Debian/Ubuntu, apt-get install libdnnl-dev");
  const major = oneDnnMajor(includeDir);
  if (major !== undefined && major < 2) skip(`oneDNN ${major}.x is too old (needs 2.x or 3.x)`);
  const libDir = findLibraryDir();
  if (!libDir) skip("the oneDNN library (libdnnl.so) not found: on Debian/Ubuntu, apt-get install libdnnl-dev");
  const cxx = onPath(process.env.CXX || "c++") || onPath("g++") || onPath("clang++");
  if (!cxx) skip("no C++ compiler (c++, g++ or clang++) on PATH");
  if (!onPath("make")) skip("make not on PATH");
  if (!onPath("python3") && !onPath("python")) skip("python3 (needed by node-gyp) not on PATH");
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) skip("node-gyp not found (it ships with npm)");
  const nodeDir = findNodeDir();
  if (!process.argv.includes("--force") && upToDate()) {
    const p = probe();
    if (p.version) built(`up to date (${rel(OUTPUT)}, oneDNN ${p.version})`);
  }

  const args = [nodeGyp, "rebuild", `--directory=${HERE}`];
  if (nodeDir) args.push(`--nodedir=${nodeDir}`);
  const env = { ...process.env, CXX: cxx };
  if (!["/usr/include", "/usr/local/include"].includes(includeDir)) env.ONEDNN_INCLUDE_DIR = includeDir;
  if (!["/usr/lib", "/usr/local/lib", "/lib"].includes(libDir) && !/^\/(usr\/)?lib\/[^/]+-linux-gnu$/.test(libDir)) {
    env.ONEDNN_LIB_DIR = libDir;
  }
  const r = cp.spawnSync(process.execPath, args, { cwd: HERE, env, encoding: "utf8", timeout: 15 * 60 * 1000 });
  fs.mkdirSync(path.dirname(LOG), { recursive: true });
  fs.writeFileSync(LOG, `$ node ${args.join(" ")}\n${r.stdout || ""}\n${r.stderr || ""}\n${r.error ? String(r.error) : ""}`);
  if (r.status !== 0 || !fs.existsSync(OUTPUT)) {
    const firstError = `${r.stdout || ""}\n${r.stderr || ""}`.split("\n").find((l) => /error/i.test(l));
    skip(`compile failed${firstError ? `: ${firstError.trim().slice(0, 160)}` : ""}; full log in ${rel(LOG)}`);
  }
  const p = probe();
  if (!p.version) {
    fs.rmSync(OUTPUT, { force: true });
    skip(`built, but the addon does not load: ${p.error}`);
  }
  built(`built ${rel(OUTPUT)} (oneDNN ${p.version})`);
}

try {
  main();
} catch (error) {
  skip(`unexpected error: ${error && error.message ? error.message : error}`);
}
