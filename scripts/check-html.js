#!/usr/bin/env node
// Checks that the pictures in an nbconvert-exported notebook HTML are really drawn, using headless Chromium:
//   node scripts/check-html.js <file.html> [--out shot.png] [--min-images N] [--width PX] [--chromium PATH]
// 1. Chromium loads a copy of the page with a small probe script that lists every output picture (img / svg /
//    canvas), whether it decoded, and where it sits; the result is read back with --dump-dom.
// 2. Chromium takes a full-height screenshot; every listed picture's area must contain ink (non-white pixels).
// 3. No output may carry the "chart problem:" line that the course's showChart adds under a chart that vega warned
//    about or that drew none of its data (axes alone have ink, so step 2 cannot see such a chart).
// Exit 0 when all pictures are drawn, 1 when a check fails (with a message saying which), 2 on usage errors.
// Network access is blocked (CDN scripts of the template simply fail), so results do not depend on the internet.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { PNG } = require("pngjs");

/** Start of the line lib/plot/render.ts shows under a broken chart (CHART_PROBLEM_PREFIX there). */
const CHART_PROBLEM_PREFIX = "chart problem:";

const USAGE =
  "usage: node scripts/check-html.js <file.html> [--out shot.png] [--min-images N] [--width PX] [--chromium PATH]";

/** Parses argv into options; exits with code 2 on bad usage. */
function parseArgs(argv) {
  const opts = {
    file: null,
    out: null,
    minImages: 1,
    width: 1280,
    chromium: process.env.CHROMIUM || "/usr/bin/chromium",
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(2, `${a} needs a value.\n${USAGE}`);
      return argv[++i];
    };
    if (a === "--out") opts.out = value();
    else if (a === "--min-images") opts.minImages = Number(value());
    else if (a === "--width") opts.width = Number(value());
    else if (a === "--chromium") opts.chromium = value();
    else if (a === "-h" || a === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith("--")) fail(2, `unknown option ${a}.\n${USAGE}`);
    else if (!opts.file) opts.file = a;
    else fail(2, `only one HTML file can be checked at a time (got ${opts.file} and ${a}).\n${USAGE}`);
  }
  if (!opts.file) fail(2, USAGE);
  if (!fs.existsSync(opts.file))
    fail(2, `check-html: ${opts.file} does not exist; export one with jupyter nbconvert --to html.`);
  if (!fs.existsSync(opts.chromium)) {
    fail(
      2,
      `check-html: Chromium not found at ${opts.chromium}; install it (apt-get install -y chromium) or pass --chromium PATH.`,
    );
  }
  if (!(opts.minImages >= 0) || !(opts.width >= 320))
    fail(2, `--min-images must be >= 0 and --width >= 320.\n${USAGE}`);
  return opts;
}

function fail(code, message) {
  console.error(message);
  process.exit(code);
}

// Runs in the page after load: lists output pictures and the page height into <pre id="check-html-result">.
const PROBE = `
<script>
window.addEventListener("load", function () {
  setTimeout(function () {
    var outputs = document.querySelectorAll(".jp-OutputArea-output, .output_subarea, .output_area");
    var scope = outputs.length ? outputs : [document.body];
    var seen = new Set(), pictures = [];
    scope.forEach(function (root) {
      root.querySelectorAll("img, svg, canvas").forEach(function (el) {
        if (seen.has(el) || (el.tagName.toLowerCase() === "svg" && el.parentElement.closest("svg"))) return;
        seen.add(el);
        var r = el.getBoundingClientRect();
        if (r.width < 24 || r.height < 24) return; // icons, not pictures
        var tag = el.tagName.toLowerCase();
        pictures.push({
          tag: tag,
          decoded: tag !== "img" || (el.complete && el.naturalWidth > 0),
          x: Math.round(r.left + window.scrollX), y: Math.round(r.top + window.scrollY),
          width: Math.round(r.width), height: Math.round(r.height),
          src: tag === "img" ? String(el.getAttribute("src") || "").slice(0, 40) : "",
        });
      });
    });
    var errors = document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"], .output_error').length;
    var pre = document.createElement("pre");
    pre.id = "check-html-result";
    pre.textContent = JSON.stringify({ height: document.documentElement.scrollHeight, pictures: pictures, errorOutputs: errors });
    document.body.appendChild(pre);
  }, 300);
});
</script>`;

/** Chromium flags shared by both runs: headless, sandboxless, no network, throwaway profile. */
function chromiumArgs(profile, width, height) {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
    "--force-device-scale-factor=1",
    `--user-data-dir=${profile}`,
    `--window-size=${width},${height}`,
    "--virtual-time-budget=15000",
  ];
}

function runChromium(opts, args) {
  const run = spawnSync(opts.chromium, args, { encoding: "utf8", maxBuffer: 512 * 1024 * 1024, timeout: 120000 });
  if (run.error) fail(1, `check-html: could not run Chromium (${run.error.message}).`);
  return run;
}

/** Fraction of non-white pixels in a rectangle of the screenshot. */
function inkFraction(png, x, y, w, h) {
  const x0 = Math.max(0, x),
    y0 = Math.max(0, y);
  const x1 = Math.min(png.width, x + w),
    y1 = Math.min(png.height, y + h);
  if (x1 <= x0 || y1 <= y0) return 0;
  let ink = 0;
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) {
      const i = (yy * png.width + xx) * 4;
      if (png.data[i] + png.data[i + 1] + png.data[i + 2] < 3 * 240) ink++;
    }
  }
  return ink / ((x1 - x0) * (y1 - y0));
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const file = path.resolve(opts.file);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "check-html-"));
  try {
    // The probe copy keeps relative links working through <base>.
    const html = fs.readFileSync(file, "utf8");
    const base = `<base href="file://${path.dirname(file)}/">`;
    const withHead = /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (m) => m + base) : base + html;
    const probed = /<\/body>/i.test(withHead)
      ? withHead.replace(/<\/body>(?![\s\S]*<\/body>)/i, PROBE + "</body>")
      : withHead + PROBE;
    const probeFile = path.join(work, "probe.html");
    fs.writeFileSync(probeFile, probed);

    const dom = runChromium(opts, [
      ...chromiumArgs(path.join(work, "profile1"), opts.width, 900),
      "--dump-dom",
      `file://${probeFile}`,
    ]);
    const match = /<pre id="check-html-result">([\s\S]*?)<\/pre>/.exec(dom.stdout || "");
    if (!match)
      fail(
        1,
        `check-html: Chromium did not finish loading ${opts.file} (no probe result).\n${(dom.stderr || "").slice(-2000)}`,
      );
    const decodeEntities = (s) =>
      s
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&amp;/g, "&");
    const report = JSON.parse(decodeEntities(match[1]));

    const height = Math.min(30000, Math.max(600, report.height + 20));
    const shot = path.resolve(opts.out || path.join(work, "shot.png"));
    runChromium(opts, [
      ...chromiumArgs(path.join(work, "profile2"), opts.width, height),
      `--screenshot=${shot}`,
      `file://${file}`,
    ]);
    if (!fs.existsSync(shot)) fail(1, `check-html: Chromium wrote no screenshot for ${opts.file}.`);
    const png = PNG.sync.read(fs.readFileSync(shot));

    const problems = [];
    const broken = report.pictures.filter((p) => !p.decoded);
    for (const p of broken) problems.push(`image at y=${p.y} (${p.src}...) did not decode`);
    const blank = report.pictures.filter(
      (p) => p.decoded && p.y < png.height && inkFraction(png, p.x, p.y, p.width, p.height) < 0.01,
    );
    for (const p of blank) problems.push(`${p.tag} ${p.width}x${p.height} at y=${p.y} is blank in the screenshot`);
    const problemLines = html.match(new RegExp(`${CHART_PROBLEM_PREFIX}[^<\\n]*`, "g")) || [];
    for (const line of problemLines) problems.push(decodeEntities(line));
    if (report.pictures.length < opts.minImages) {
      problems.push(`found ${report.pictures.length} pictures in outputs, expected at least ${opts.minImages}`);
    }
    const pageInk = inkFraction(png, 0, 0, png.width, png.height);
    const summary =
      `${report.pictures.length} pictures (${report.pictures.filter((p) => p.tag === "img").length} img, ` +
      `${report.pictures.filter((p) => p.tag === "svg").length} svg, ${report.pictures.filter((p) => p.tag === "canvas").length} canvas), ` +
      `page ink ${(pageInk * 100).toFixed(1)}%, ${report.errorOutputs} stderr/error outputs, screenshot ${png.width}x${png.height}` +
      (opts.out ? ` -> ${shot}` : "");
    if (problems.length) {
      fail(1, `check-html: ${opts.file}: charts not drawn correctly:\n  - ${problems.join("\n  - ")}\n(${summary})`);
    }
    console.log(`check-html: ok: ${opts.file}: ${summary}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
