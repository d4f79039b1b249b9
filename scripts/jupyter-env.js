// Where the course's Jupyter pieces live; shared by the set-up script, the lesson runner and the tests.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");

/** The project-local Jupyter data folder that holds our kernelspec (JUPYTER_PATH points here). */
const JUPYTER_DIR = path.join(ROOT, ".jupyter-local");

/** A Python that can run Jupyter and nbclient: Debian's /usr/bin/python3 first, then the one on PATH. */
function findJupyterPython() {
  for (const candidate of ["/usr/bin/python3", "python3", "python"]) {
    const result = spawnSync(candidate, ["-c", "import nbclient, nbconvert, jupyter_client"], { stdio: "ignore" });
    if (result.status === 0) return candidate;
  }
  return null;
}

/** The environment for Jupyter processes: our kernelspec folder first on JUPYTER_PATH. */
function jupyterEnv(extra = {}) {
  const jupyterPath = [JUPYTER_DIR, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  return { ...process.env, JUPYTER_PATH: jupyterPath, ...extra };
}

/**
 * The path of Deno's binary (the second kernel's), as the optional npm dependency `deno` finds it in the package for
 * this machine (e.g. @deno/linux-x64-glibc), or `{ reason }` saying why there is none.
 */
function denoBinary() {
  const installer = path.join(ROOT, "node_modules", "deno", "install_api.cjs");
  if (!fs.existsSync(installer))
    return { reason: "the optional npm dependency deno is not installed (npm ci installs it where Deno runs)" };
  try {
    return require(installer).runInstall();
  } catch (error) {
    return { reason: `Deno has no binary for this machine (${error.message})` };
  }
}

module.exports = { ROOT, JUPYTER_DIR, denoBinary, findJupyterPython, jupyterEnv };
