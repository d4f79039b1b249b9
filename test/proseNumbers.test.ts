/**
 * The prose-numbers check on small made-up notebooks: what counts as a number, what shows it at the written
 * precision, what the markers excuse, and that a number no output shows is reported with its cell and words.
 */
import { strict as assert } from "assert";
import { test } from "node:test";
import { outputText, proseNumbers, ProseNotebook, shows, unshownProseNumbers, writtenNumbers } from "./proseNumbers";

const written = (text: string) => {
  const [n] = writtenNumbers(text);
  return n;
};
const prose = (text: string) => {
  const [n] = proseNumbers(text);
  return n;
};

test("prose numbers are the decimals and percentages; integers, versions, addresses, links and code are not", () => {
  const found = proseNumbers(
    "It reached **0.886** (88.6%), 3 points up, on 60,000 images; 1,386,506 weights, 10% chance, 0.4 points, " +
      "tfjs 4.22.0 on 127.0.0.1, [the paper](https://arxiv.org/abs/1708.07747), `tf.train.adam(0.001)`, `0.93`,\n" +
      "```ts\nconst rate = 0.5;\n```\nConv2D, x1.5, 1.76x faster, 2.5e-3.",
  );
  assert.deepEqual(
    found.map((n) => [n.text, n.value, n.decimals, n.percent, n.points]),
    [
      ["0.886", 0.886, 3, false, false],
      ["88.6%", 88.6, 1, true, false],
      ["10%", 10, 0, true, false],
      ["0.4", 0.4, 1, false, true],
      ["0.93", 0.93, 2, false, false],
      ["1.76", 1.76, 2, false, false],
      ["2.5e-3", 0.0025, 4, false, false],
    ],
  );
});

test("a marker right after the number excuses it; one further away does not", () => {
  const [a, b, c] = proseNumbers(
    "The source printed 91.4%<!--source--> and we add 1.13 <!-- arithmetic --> while 0.5 is, later, <!--source-->",
  );
  assert.deepEqual([a.marker, b.marker, c.marker], ["source", "arithmetic", undefined]);
});

test("an output shows a prose number when it rounds to it and is at least as precise", () => {
  const cases: [string, string, boolean][] = [
    ["0.9159", "91.6%", true],
    ["0.916", "91.6%", true],
    ["91.6", "91.6%", true],
    ["91.6%", "91.6%", true],
    ["0.92", "91.6%", false], // too coarse
    ["0.9149", "91.6%", false], // rounds to 91.5
    ["0.004", "0.4 points", true],
    ["0.4", "0.4 points", true],
    ["0.003", "0.4 points", false],
    ["0.8859", "0.886", true],
    ["88.6%", "0.886", true],
    ["88.6", "0.886", false], // a plain 88.6 is not a percentage
    ["0.8859", "0.885", false],
    ["0.89", "0.886", false],
    ["0.8865", "0.887", true], // a half rounds either way: the output may itself be rounded
    ["4.72", "4.7 hours", true],
    ["7", "7%", false], // a count or an epoch, not a percentage
    ["0.07", "7%", true],
    ["7%", "7%", true],
    ["1.2e-3", "0.0012", true],
  ];
  for (const [output, proseText, expected] of cases)
    assert.equal(shows(written(output), prose(proseText)), expected, `${output} shows ${proseText}`);
});

const notebook = (markdown: string[], outputs: ProseNotebook["cells"][number]["outputs"]): ProseNotebook => ({
  cells: [
    ...markdown.map((source) => ({ cell_type: "markdown", source })),
    { cell_type: "code", source: "run()", outputs },
  ],
});

test("outputs are read from streams, plain text, HTML without its tags, and charts' data and titles", () => {
  const text = outputText(
    notebook(
      [],
      [
        { output_type: "stream", text: ["accuracy ", "0.8859\n"] },
        {
          output_type: "display_data",
          data: {
            "text/plain": "[chart] Accuracy 12.5 min",
            "text/html": '<td style="width:31.5px">0.7924</td><img src="data:image/png;base64,AAAA">',
            "application/vnd.vegalite.v5+json": {
              title: { text: "Loss", subtitle: "best 0.2931" },
              data: { values: [{ acc: 0.9271 }] },
              layer: [{ data: { values: Array.from({ length: 101 }, (_, i) => ({ step: i, loss: 0.6 + i / 1000 })) } }],
              width: 4.25,
              encoding: { x: { title: "seconds (3.5 per epoch)" } },
            },
            "image/png": "iVBORw0KGgo1.5",
          },
        },
      ],
    ),
  );
  for (const shown of ["0.8859", "12.5", "0.7924", "0.2931", "0.9271", "3.5"]) assert.ok(text.includes(shown), shown);
  for (const hidden of ["31.5", "4.25", "1.5", "0.65"]) assert.ok(!text.includes(hidden), hidden);
});

test("a number no output shows is reported with its cell and words; shown and marked ones are not", () => {
  const problems = unshownProseNumbers(
    notebook(
      [
        "Accuracy 88.6%, loss 0.29.",
        "Better by 2.4 points; the source says 91.4%<!--source-->, so 2.8<!--arithmetic-->.",
      ],
      [{ output_type: "stream", text: "accuracy 0.8859, loss 0.3102, gain 0.0238\n" }],
    ),
  );
  assert.deepEqual(problems, [{ cell: 1, number: "0.29", context: "Accuracy 88.6%, loss 0.29." }]);
  assert.deepEqual(
    unshownProseNumbers(
      notebook(["Loss 0.31, better by 2.4 points."], [{ output_type: "stream", text: "0.3102 0.0238" }]),
    ),
    [],
  );
});
