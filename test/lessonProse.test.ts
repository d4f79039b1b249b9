/**
 * Every decimal number and percentage in a lesson's prose is one that lesson's committed outputs show, at the
 * precision written, or is marked as the source's figure (`<!--source-->`) or as arithmetic done in the sentence
 * (`<!--arithmetic-->`). Reads the committed notebooks only: no kernel runs.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { test } from "node:test";
import { lessonNotebooks } from "../lib/cli/lessonsCommand";
import { ProseNotebook, unshownProseNumbers } from "./proseNumbers";

for (const file of lessonNotebooks()) {
  const lesson = path.basename(file, ".ipynb");
  test(`${lesson}: every number in the prose is shown by an output or marked as the source's or as arithmetic`, () => {
    const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as ProseNotebook;
    const problems = unshownProseNumbers(notebook);
    assert.deepEqual(
      problems.map((p) => `${lesson}, cell ${p.cell}: ${p.number} ("${p.context}")`),
      [],
      `${lesson}: numbers in the prose that no output shows (cells counted from 1, code cells included). Print them, or mark them right after the number ` +
        `with <!--source--> (the source or a cited document printed it) or <!--arithmetic--> (derived in the sentence).`,
    );
  });
}
