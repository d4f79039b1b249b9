/**
 * The library's shape: its folders import one way only (the order written in lib/index.ts's header), every
 * function or constant the notebooks reach through `fm` is exported under one name, and every module says what
 * it is for in a header comment.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { test } from "node:test";
import * as ts from "typescript";
import * as fm from "../lib";
import { projectRoot } from "../lib/util/paths";
import { tempDir } from "./helpers";

const LIB = path.join(projectRoot(), "lib");

/** The folders of lib/ from bottom to top, as the header comment of lib/index.ts states them ("util → … → cli"). */
function layerOrder(libDir: string): string[] {
  const header = fs.readFileSync(path.join(libDir, "index.ts"), "utf8");
  const line = /^ \* (\w+(?: → \w+)+)\.?$/m.exec(header);
  assert.ok(line, `${libDir}/index.ts states no layer order ("util → backend → …") in its header comment`);
  return line[1].split(" → ");
}

function typeScriptFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(file);
    return entry.name.endsWith(".ts") ? [file] : [];
  });
}

/**
 * Module loads in `source` whose path is computed (`require(path.join(...))`, `import(name)`): the checks below cannot
 * follow them, so lib/ writes every path as a literal.
 */
function computedImports(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2020, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const loads =
        callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require");
      const argument = node.arguments[0];
      if (loads && !(argument && ts.isStringLiteralLike(argument))) found.push(node.getText(file));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/**
 * Loads by a computed path that lib/ keeps on purpose, by file: each one loads something that is not a module of the
 * project, from a place known only at run time.
 */
const COMPUTED_LOADS: Record<string, string> = {
  // the oneDNN addon: a compiled binary (.node) found by walking up to the package root, loaded only when built
  [path.join("backend", "onednn", "addon.ts")]: "require(file)",
};

/**
 * Every import in lib/ that goes up the stack (or into a folder the order does not name), as
 * "file imports target (layer → layer)". Static, type-only and dynamic imports and `require` calls all count;
 * comments do not. A path computed at run time is a problem of its own, and a path that leaves lib/ must name a file
 * that exists when resolved from the compiled module in `compiledDir` (dist/lib).
 */
function upwardImports(
  libDir: string,
  order: readonly string[],
  compiledDir = path.join(libDir, "..", "dist", "lib"),
  allowedComputed: Record<string, string> = COMPUTED_LOADS,
): string[] {
  const folderOf = (file: string) => {
    const parts = path.relative(libDir, file).split(path.sep);
    return parts.length > 1 ? parts[0] : null; // null: lib/index.ts, above every folder
  };
  const problems: string[] = [];
  for (const file of typeScriptFiles(libDir)) {
    const from = folderOf(file);
    const relative = path.relative(libDir, file);
    const source = fs.readFileSync(file, "utf8");
    for (const call of computedImports(file, source)) {
      if (allowedComputed[relative] !== call) problems.push(`${relative} loads a computed path: ${call}`);
    }
    for (const { fileName } of ts.preProcessFile(source, true, true).importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const target = path.resolve(path.dirname(file), fileName);
      const where = `${relative} imports ${fileName}`;
      if (path.relative(libDir, target).startsWith("..")) {
        const compiled = path.resolve(path.dirname(path.join(compiledDir, relative)), fileName);
        if (!fs.existsSync(compiled)) problems.push(`${where}: leaves lib/ and names no file from its compiled form`);
        continue;
      }
      const to = folderOf(target);
      if (to === null || to === from) continue;
      if (!order.includes(to)) problems.push(`${where}: folder "${to}" is not in the layer order`);
      else if (from !== null && !order.includes(from))
        problems.push(`${where}: folder "${from}" is not in the layer order`);
      else if (from !== null && order.indexOf(to) > order.indexOf(from))
        problems.push(`${where} (${from} is below ${to})`);
    }
  }
  return problems;
}

/** Functions and objects reachable under more than one name from `root` and its namespaces (`plot`, `web`). */
function exportedTwice(root: object, rootName = "fm"): string[][] {
  const names = new Map<unknown, string[]>();
  const walk = (namespace: object, prefix: string) => {
    for (const [key, value] of Object.entries(namespace)) {
      if (value === null || (typeof value !== "object" && typeof value !== "function")) continue;
      if ((value as { __esModule?: boolean }).__esModule) walk(value, `${prefix}${key}.`);
      else names.set(value, [...(names.get(value) ?? []), `${prefix}${key}`]);
    }
  };
  walk(root, `${rootName}.`);
  return [...names.values()].filter((list) => list.length > 1);
}

test("lib/index.ts names every folder of lib/ in its layer order, once", () => {
  const order = layerOrder(LIB);
  const folders = fs
    .readdirSync(LIB, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  assert.deepEqual([...order].sort(), folders.sort());
});

test("no folder of lib/ imports from a folder above it", () => {
  assert.deepEqual(upwardImports(LIB, layerOrder(LIB)), []);
});

test("the layering check reports an upward import, an unknown folder, a computed or missing path, and ignores imports in comments", () => {
  const lib = tempDir("fmnist-layering-");
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(lib, file)), { recursive: true });
    fs.writeFileSync(path.join(lib, file), text);
  };
  write("index.ts", '/**\n * util → plot.\n */\nexport * from "./plot";\n');
  write("plot/chart.ts", 'import { seed } from "../util/random";\nexport const chart = seed;\n');
  write("util/random.ts", '// import { chart } from "../plot/chart";\nexport const seed = 1;\n');
  assert.deepEqual(upwardImports(lib, layerOrder(lib)), []);

  write(
    "util/clock.ts",
    'import type { chart } from "../plot/chart";\nexport const later = () => import("../extra/x");\n',
  );
  assert.deepEqual(upwardImports(lib, layerOrder(lib)), [
    "util/clock.ts imports ../plot/chart (util is below plot)",
    'util/clock.ts imports ../extra/x: folder "extra" is not in the layer order',
  ]);

  fs.rmSync(path.join(lib, "util", "clock.ts"));
  const compiled = path.join(lib, "out", "lib"); // plays dist/lib: scripts/ is three folders up from out/lib/plot/
  write(
    "plot/env.ts",
    'const a = require("../../../scripts/env.js");\nconst b = require(["..", "x"].join("/"));\nconst c = import(`./${b}`);\n',
  );
  write("scripts/env.js", "");
  assert.deepEqual(upwardImports(lib, layerOrder(lib), path.join(lib, "deeper", "out", "lib"), {}), [
    'plot/env.ts loads a computed path: require(["..", "x"].join("/"))',
    "plot/env.ts loads a computed path: import(`./${b}`)",
    "plot/env.ts imports ../../../scripts/env.js: leaves lib/ and names no file from its compiled form",
  ]);
  assert.deepEqual(
    upwardImports(lib, layerOrder(lib), compiled, { [path.join("plot", "env.ts")]: 'require(["..", "x"].join("/"))' }),
    ["plot/env.ts loads a computed path: import(`./${b}`)"],
  );
});

/**
 * True when a module starts (after a `#!` line) with a comment of its own: one followed by a blank line, an import
 * or a re-export, not the doc comment of its first declaration.
 */
function hasHeaderComment(source: string): boolean {
  const header = /^(?:#![^\n]*\n)?\s*(\/\*[\s\S]*?\*\/|(?:\/\/[^\n]*\n)+)/.exec(source);
  if (!header) return false;
  const line = source
    .slice(header[0].length)
    .replace(/^[ \t]*\n/, "")
    .split("\n", 1)[0]
    .trim();
  return line === "" || /^import\b/.test(line) || /^export (\*|\{[^}]*\}) from\b/.test(line);
}

test("every module of lib/ starts with a header comment saying what it is for", () => {
  const missing = typeScriptFiles(LIB).filter((file) => !hasHeaderComment(fs.readFileSync(file, "utf8")));
  assert.deepEqual(
    missing.map((file) => path.relative(LIB, file)),
    [],
  );
});

test("the header check tells a module's own comment from its first declaration's", () => {
  assert.ok(hasHeaderComment('/** Reading IDX files. */\nimport * as fs from "fs";\n'));
  assert.ok(hasHeaderComment('#!/usr/bin/env node\n/**\n * The CLI.\n */\nimport { a } from "./a";\n'));
  assert.ok(hasHeaderComment('/** The data set. */\nexport * from "./classes";\n'));
  assert.ok(!hasHeaderComment('import * as fs from "fs";\n/** Reads. */\nexport function read() {}\n'));
  assert.ok(!hasHeaderComment("/** Index of the largest value. */\nexport function argmax() {}\n"));
});

test("every function and constant of the library is exported under one name", () => {
  assert.deepEqual(
    exportedTwice(fm).map((names) => names.join(" = ")),
    [],
  );
});

test("the duplicate-export check finds a function reachable at the top and in a namespace", () => {
  const argmax = () => 0;
  const plot = { __esModule: true, argmax, showChart: () => undefined };
  assert.deepEqual(exportedTwice({ argmax, plot, CLASS_NAMES: ["a"] }), [["fm.argmax", "fm.plot.argmax"]]);
});
