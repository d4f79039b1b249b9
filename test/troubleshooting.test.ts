/**
 * The README's troubleshooting section quotes messages the course really writes: a message reworded in lib/ or
 * scripts/ without the README following fails here.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { test } from "node:test";
import { projectRoot } from "../lib/util/paths";

const ROOT = projectRoot();

/** The text of every source file that writes messages for learners (lib/ and scripts/), without backticks. */
function sourceTexts(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) return walk(file);
      return /\.(ts|js|py)$/.test(entry.name) ? [fs.readFileSync(file, "utf8").replace(/\\?`/g, "")] : [];
    });
  return [...walk(path.join(ROOT, "lib")), ...walk(path.join(ROOT, "scripts"))];
}

/** The code spans of the first column of the troubleshooting tables: the messages as quoted, `…` for what varies. */
function quotedMessages(readme: string): string[] {
  const section = /^## Troubleshooting\n([\s\S]*?)^## /m.exec(readme)?.[1];
  assert.ok(section, "the README has no Troubleshooting section");
  return section
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| message"))
    .flatMap((line) => [...line.split(" | ")[0].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
}

/**
 * The fixed pieces of a quoted message: split where `…` stands for a value, without the prefix of its error class and
 * the punctuation around values.
 */
function fixedPieces(message: string): string[] {
  return message
    .replace(/^(Interrupted|UserError): /, "")
    .split("…")
    .map((piece) => piece.replace(/^[\s:;,."']+|[\s:;,."']+$/g, ""))
    .filter((piece) => piece.length >= 6);
}

test("every message the troubleshooting section quotes is written by lib/ or scripts/", () => {
  const sources = sourceTexts();
  const messages = quotedMessages(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"));
  assert.ok(messages.length >= 40, `only ${messages.length} messages quoted`);
  const stale = messages.filter((message) => {
    const pieces = fixedPieces(message);
    return pieces.length > 0 && !sources.some((text) => pieces.every((piece) => text.includes(piece)));
  });
  assert.deepEqual(stale, [], "quoted in the README but written nowhere in lib/ or scripts/");
});
