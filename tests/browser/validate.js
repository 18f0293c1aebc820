// Item 3 of issue 8: html-validate (node_modules/.bin/html-validate, with
// tests/browser/htmlvalidate.json) on every generated .html file; one check
// per page, listing every message.
//   node tests/browser/validate.js OUT
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { execFileSync } = require("child_process");
const { ROOT, report, walk } = require("./lib");

function main() {
  const out = path.resolve(process.argv[2] || "out");
  const files = walk(out, (f) => f.endsWith(".html"));
  if (!files.length) {
    report.fail("html-validate: pages to validate", "no .html file in " + out);
    return;
  }
  const bin = path.join(ROOT, "node_modules", ".bin", "html-validate");
  const config = path.join(__dirname, "htmlvalidate.json");
  // the report goes to a file: through a pipe, html-validate exits before
  // a long report is written out
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dossier-hv-"));
  const json = path.join(tmp, "report.json");
  let stdout;
  try {
    execFileSync(bin, ["--config", config, "--formatter", "json=" + json, ...files.map((f) => path.join(out, f))],
      { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    // exit status 1: the files have errors, listed in the report
    if (e.status !== 1 || !fs.existsSync(json)) {
      fs.rmSync(tmp, { recursive: true, force: true });
      report.fail("html-validate: runs", String(e.stderr || e.message).split("\n").slice(0, 10));
      return;
    }
  }
  stdout = fs.existsSync(json) ? fs.readFileSync(json, "utf8") : "";
  fs.rmSync(tmp, { recursive: true, force: true });
  let results;
  try {
    results = JSON.parse(stdout || "[]");
  } catch (e) {
    report.fail("html-validate: runs", ["unreadable JSON: " + e.message, stdout.slice(0, 300)]);
    return;
  }
  report.pass("html-validate: runs on " + files.length + " pages");
  const byFile = new Map();
  for (const r of results) byFile.set(path.relative(out, path.resolve(r.filePath)), r.messages || []);
  const rules = new Map();
  for (const f of files) {
    const msgs = byFile.get(f) || [];
    for (const m of msgs) rules.set(m.ruleId, (rules.get(m.ruleId) || 0) + 1);
    // at most 3 messages per rule, then how many more
    const lines = [];
    const seen = new Map();
    for (const m of msgs) {
      const k = (seen.get(m.ruleId) || 0) + 1;
      seen.set(m.ruleId, k);
      if (k <= 3) {
        lines.push(f + ":" + m.line + ":" + m.column + ": " + m.ruleId + ": " + m.message + (m.selector ? " (" + m.selector + ")" : ""));
      }
    }
    for (const [rule, k] of seen) if (k > 3) lines.push("… and " + (k - 3) + " more " + rule + " on this page");
    report.check("html-validate: " + f, lines);
  }
  if (rules.size) report.info("html-validate messages by rule: " + [...rules].map(([k, v]) => k + " " + v).join(", "));
}

try {
  main();
} catch (e) {
  report.fail("html-validate: crashed", String((e && e.stack) || e).split("\n").slice(0, 8));
}
report.done();
