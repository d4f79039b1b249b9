import { strict as assert } from "assert";
import { test } from "node:test";
import { TableRow, tableBundle } from "../lib/plot/table";

const tableHtml = (rows: TableRow[], caption?: string) => tableBundle(rows, { caption })["text/html"] as string;
const tableText = (rows: TableRow[]) => tableBundle(rows)["text/plain"] as string;

const rows: TableRow[] = [
  { what: "parameters", source: "<not printed>", ours: 132863336 },
  { what: "epoch time", ours: "5.6 h" },
];

test("the HTML table has every column once, escapes text and leaves missing cells empty", () => {
  const html = tableHtml(rows, "Source & ours");
  assert.match(html, /<caption[^>]*>Source &amp; ours<\/caption>/);
  assert.equal((html.match(/<th /g) ?? []).length, 3);
  assert.match(html, /&lt;not printed&gt;/);
  assert.match(html, /<tr><td[^>]*>epoch time<\/td><td[^>]*><\/td><td[^>]*>5.6 h<\/td><\/tr>/);
});

test("the text table aligns its columns", () => {
  const lines = tableText(rows).split("\n");
  assert.equal(lines.length, 4);
  assert.equal(lines[0].indexOf("source"), lines[2].indexOf("<not printed>"));
  assert.equal(lines[0].indexOf("ours"), lines[3].indexOf("5.6 h"));
});

test("an empty table is refused", () => {
  assert.throws(() => tableHtml([]), /at least one row/);
});
