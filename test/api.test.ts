/**
 * The public API is the lessons' vocabulary: every name `fm`, `fm.plot` and `fm.web` export is used by a notebook
 * (or is on the short list below, kept for learners' own experiments), every `fm.` name a notebook uses exists,
 * and lib/index.ts and lib/plot/index.ts list each name under the lesson that first uses it.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { test } from "node:test";
import * as ts from "typescript";
import { projectRoot } from "../lib/util/paths";
import { tempDir } from "./helpers";

const ROOT = projectRoot();

/**
 * Public names no lesson uses, kept on purpose. Keep this list short: a helper a lesson stops using should leave
 * `fm`, not come here.
 */
const KEPT_FOR_EXPERIMENTS = [
  "UserError", // the library's errors that say what to do; a learner's cell can catch them
  "Interrupted", // the stop button's error, whose `.partial` holds the run so far
  "PRESET_NAMES", // the names createPreset accepts, to loop over every preset
];

/** Every name exported by `indexFile` (types included), with namespaces (`plot`, `web`) walked as `plot.name`. */
function publicNames(indexFile: string): string[] {
  const known = publicNamesCache.get(indexFile);
  if (known) return known;
  const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram([indexFile], { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const names: string[] = [];
  const walk = (module: ts.Symbol, prefix: string) => {
    for (const exported of checker.getExportsOfModule(module)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = target.declarations?.[0];
      if (declaration && ts.isSourceFile(declaration)) walk(target, `${prefix}${exported.name}.`);
      else names.push(`${prefix}${exported.name}`);
    }
  };
  const source = program.getSourceFile(indexFile);
  assert.ok(source, `${indexFile} is not part of the program`);
  walk(checker.getSymbolAtLocation(source)!, "");
  publicNamesCache.set(indexFile, names.sort());
  return names;
}
const publicNamesCache = new Map<string, string[]>();

/** The names each notebook's code cells reach as `fm.name`, `fm.plot.name` or `fm.web.name`, by lesson number. */
function notebookUses(dir: string): Map<string, Set<string>> {
  const uses = new Map<string, Set<string>>();
  for (const file of fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f))) {
    const lesson = file.slice(0, 2);
    const notebook = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as {
      cells: { cell_type: string; source: string | string[] }[];
    };
    for (const cell of notebook.cells) {
      if (cell.cell_type !== "code") continue;
      const code = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      for (const match of code.matchAll(/\bfm\.((?:plot\.|web\.)?\w+)/g)) {
        if (!uses.has(match[1])) uses.set(match[1], new Set());
        uses.get(match[1])!.add(lesson);
      }
    }
  }
  return uses;
}

/**
 * The section each name of an index file is listed under: "NN" below a `// Lesson NN ...` comment, "other" below any
 * other comment. Names prefixed with `prefix` (e.g. "plot.").
 */
function sections(indexFile: string, prefix = ""): Map<string, string> {
  const text = fs.readFileSync(indexFile, "utf8");
  const source = ts.createSourceFile(indexFile, text, ts.ScriptTarget.ES2020, true);
  const found = new Map<string, string>();
  let section = "none";
  for (const statement of source.statements) {
    const comments = ts.getLeadingCommentRanges(text, statement.pos) ?? [];
    for (const range of comments) {
      const comment = text.slice(range.pos, range.end);
      if (!comment.startsWith("//")) continue;
      section = /^\/\/ Lesson (\d\d)\b/.exec(comment)?.[1] ?? "other";
    }
    if (!ts.isExportDeclaration(statement) || !statement.exportClause) continue;
    if (!ts.isNamedExports(statement.exportClause)) continue;
    for (const element of statement.exportClause.elements) found.set(`${prefix}${element.name.text}`, section);
  }
  return found;
}

const NOTEBOOKS = path.join(ROOT, "notebooks");
const INDEX = path.join(ROOT, "lib", "index.ts");

test("every fm name a notebook uses is public", () => {
  const names = new Set(publicNames(INDEX));
  const missing = [...notebookUses(NOTEBOOKS)].filter(([name]) => !names.has(name));
  assert.deepEqual(
    missing.map(([name, lessons]) => `fm.${name} (lesson ${[...lessons].join(", ")})`),
    [],
  );
});

test("every public name is used by a notebook or kept on purpose, and every kept name is public and unused", () => {
  const uses = notebookUses(NOTEBOOKS);
  const names = publicNames(INDEX);
  const unused = names.filter((name) => !uses.has(name) && !["plot", "web"].includes(name));
  assert.deepEqual(
    unused.filter((name) => !KEPT_FOR_EXPERIMENTS.includes(name)),
    [],
    "public but used by no notebook: use it in a lesson, keep it on purpose, or stop exporting it",
  );
  assert.deepEqual(
    KEPT_FOR_EXPERIMENTS.filter((name) => !unused.includes(name)),
    [],
    "kept on purpose but used by a lesson or not public: take it off the list",
  );
});

test("lib/index.ts and lib/plot/index.ts list each name under the lesson that first uses it", () => {
  const uses = notebookUses(NOTEBOOKS);
  const listed = new Map([...sections(INDEX), ...sections(path.join(ROOT, "lib", "plot", "index.ts"), "plot.")]);
  const misplaced: string[] = [];
  for (const [name, section] of listed) {
    const lessons = [...(uses.get(name) ?? [])].sort();
    const expected = lessons.length ? lessons[0] : "other";
    if (section !== expected) misplaced.push(`${name}: listed under ${section}, first used by ${expected}`);
  }
  assert.deepEqual(misplaced, []);
});

test("notebooks import the library only as a whole", () => {
  const deep: string[] = [];
  for (const file of fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".ipynb"))) {
    const text = fs.readFileSync(path.join(NOTEBOOKS, file), "utf8");
    for (const match of text.matchAll(/dist\/lib\/[\w/]+/g)) deep.push(`${file}: ${match[0]}`);
  }
  assert.deepEqual(deep, []);
});

test("the API checks see names in code cells, types and namespaces, and tell lesson sections apart", () => {
  const dir = tempDir("fmnist-api-");
  const cell = (source: string, type = "code") => ({ cell_type: type, source: [source] });
  fs.writeFileSync(
    path.join(dir, "03-x.ipynb"),
    JSON.stringify({
      cells: [
        cell("const r: fm.TrainResult = await fm.train(m, d);\nfm.plot.showChart(s);"),
        cell("fm.nope", "markdown"),
      ],
    }),
  );
  fs.writeFileSync(path.join(dir, "01-y.ipynb"), JSON.stringify({ cells: [cell("fm.web.servePage()\nfm.train")] }));
  assert.deepEqual([...notebookUses(dir)].map(([name, lessons]) => `${name}:${[...lessons].sort().join(",")}`).sort(), [
    "TrainResult:03",
    "plot.showChart:03",
    "train:01,03",
    "web.servePage:01",
  ]);
  fs.writeFileSync(
    path.join(dir, "index.ts"),
    '// Lesson 02: a\nexport { a, b } from "./a";\nexport { c } from "./c";\n\n// Kept\nexport { d } from "./d";\n',
  );
  assert.deepEqual(
    [...sections(path.join(dir, "index.ts"), "p.")],
    [
      ["p.a", "02"],
      ["p.b", "02"],
      ["p.c", "02"],
      ["p.d", "other"],
    ],
  );
});
