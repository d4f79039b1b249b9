#!/usr/bin/env node
/*
 * Writes native/onednn/src/params.h from lib/backend/onednn/params.ts (through its compiled form in dist/: run
 * `npx tsc -p tsconfig.json` first). The layouts and op codes are edited in params.ts only;
 * test/onednn-params.test.ts fails when the header on disk differs from what this would write.
 *
 * Usage: node native/onednn/gen-params.js [--check]   (--check: exit 1 when the header is out of date)
 */
"use strict";

const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..", "..");
const { paramsHeader, PARAMS_HEADER_PATH } = require(path.join(ROOT, "dist", "lib", "backend", "onednn", "paramsHeader.js"));
const file = path.join(ROOT, PARAMS_HEADER_PATH);
const text = paramsHeader();
const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";

if (process.argv.includes("--check")) {
  if (current !== text) {
    console.error(`${PARAMS_HEADER_PATH} is out of date: run node native/onednn/gen-params.js, then node native/onednn/build.js`);
    process.exit(1);
  }
} else if (current !== text) {
  const temp = `${file}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
  console.log(`wrote ${PARAMS_HEADER_PATH}`);
} else {
  console.log(`${PARAMS_HEADER_PATH} is up to date`);
}
