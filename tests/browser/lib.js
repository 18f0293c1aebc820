// Shared helpers of the browser tests: result lines for tests/suite-browser.sh,
// the chromium launch, and a watcher that records console errors, page
// errors and failed requests per page.
//
// Output protocol (read by tests/suite-browser.sh):
//   PASS name
//   FAIL name
//     | detail line        (any number, after a FAIL)
//   INFO text              (shown with VERBOSE=1)
//   DONE                   (the script reached its end)
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..");

class Reporter {
  // buffered: lines are kept until flush(), so that sections running at the
  // same time do not interleave their output
  constructor(buffered) {
    this.buffered = buffered;
    this.lines = [];
    this.passed = 0;
    this.failed = 0;
  }
  line(s) {
    if (this.buffered) this.lines.push(s);
    else process.stdout.write(s + "\n");
  }
  pass(name) {
    this.passed++;
    this.line("PASS browser/" + name);
  }
  fail(name, details) {
    this.failed++;
    this.line("FAIL browser/" + name);
    const list = Array.isArray(details) ? details : String(details || "").split("\n");
    for (const d of list) {
      for (let l of String(d).split("\n")) {
        l = l.replace(/\x1b\[[0-9;]*m/g, ""); // playwright colours its logs
        this.line("  | " + (l.length > 400 ? l.slice(0, 400) + "…" : l));
      }
    }
  }
  // check(name, problems): passes when problems is empty.
  check(name, problems) {
    if (!problems || problems.length === 0) this.pass(name);
    else this.fail(name, problems);
  }
  info(s) {
    this.line("INFO " + s);
  }
  // Runs fn (which returns a list of problems) as one check; an exception
  // becomes a failed check instead of a crash.
  async step(name, fn) {
    const t = Date.now();
    try {
      const problems = await fn();
      this.check(name, problems || []);
    } catch (e) {
      this.fail(name, String((e && e.stack) || e).split("\n").slice(0, 6));
    }
    if (process.env.BROWSER_TIMES) this.info("time " + ((Date.now() - t) / 1000).toFixed(1) + " s: " + name);
  }
  // a buffered reporter whose lines adopt() appends to this one, in order
  child() {
    return new Reporter(true);
  }
  adopt(c) {
    this.passed += c.passed;
    this.failed += c.failed;
    for (const l of c.lines) this.line(l);
    c.lines = [];
  }
  flush() {
    if (this.lines.length) process.stdout.write(this.lines.join("\n") + "\n");
    this.lines = [];
  }
  done() {
    this.flush();
    process.stdout.write("DONE\n");
  }
}

// the reporter of scripts that run one thing at a time
const report = new Reporter(false);

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

async function launch() {
  const { chromium } = require(path.join(ROOT, "node_modules", "playwright-core"));
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update",
           "--no-first-run"],
  });
}

// Records what goes wrong on a page: console errors, uncaught exceptions,
// failed requests and HTTP errors. `expectAbort(url)` declares a request
// that is expected to be aborted (a link that starts a download).
function watch(page) {
  const w = { events: [], aborted: new Set() };
  const where = () => shortUrl(page.url());
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const loc = m.location() && m.location().url ? " [" + shortUrl(m.location().url) + "]" : "";
    w.events.push("console error on " + where() + ": " + m.text() + loc);
  });
  page.on("pageerror", (e) => w.events.push("page error on " + where() + ": " + e.message));
  page.on("requestfailed", (r) => {
    const f = r.failure();
    const err = f ? f.errorText : "?";
    if (err === "net::ERR_ABORTED" && w.aborted.has(r.url())) return;
    // the browser's own pages (the PDF viewer is an extension) are not the site's
    if (!/^(https?|file):/.test(r.url())) return;
    w.events.push("request failed: " + shortUrl(r.url()) + " (" + err + ")");
  });
  page.on("response", (r) => {
    if (r.status() >= 400) w.events.push("HTTP " + r.status() + " for " + shortUrl(r.url()));
  });
  w.expectAbort = (url) => w.aborted.add(url);
  w.mark = () => w.events.length;
  w.since = (n) => w.events.slice(n);
  return w;
}

let BASES = [];
function setBases(list) {
  BASES = list;
}
function shortUrl(u) {
  for (const b of BASES) if (u.startsWith(b)) return u.slice(b.length) || "/";
  return u;
}

// Every file under dir (relative paths, sorted).
function walk(dir, filter) {
  const out = [];
  (function rec(d, rel) {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? rel + "/" + e.name : e.name;
      if (e.isDirectory()) rec(path.join(d, e.name), r);
      else if (!filter || filter(r)) out.push(r);
    }
  })(dir, "");
  return out.sort();
}

// The pages the browser tests visit, chosen from what the build produced:
// a high-risk model with evidence links on its EU AI Act page if there is one.
function pickPages(out) {
  const models = fs.existsSync(path.join(out, "models"))
    ? fs.readdirSync(path.join(out, "models"), { withFileTypes: true })
        .filter((e) => e.isDirectory()).map((e) => e.name).sort()
    : [];
  const list = fs.existsSync(path.join(out, "models/index.html"))
    ? fs.readFileSync(path.join(out, "models/index.html"), "utf8") : "";
  const risk = {};
  for (const m of list.matchAll(/data-risk="([^"]*)"[^>]*>\s*<th[^>]*><a href="([^"/]+)\/index\.html"/g)) {
    risk[m[2]] = m[1];
  }
  const hasEvidence = (id) => {
    const f = path.join(out, "models", id, "compliance/eu-ai-act.html");
    return fs.existsSync(f) && /href="\.\.\/evidence\//.test(fs.readFileSync(f, "utf8"));
  };
  const model =
    models.find((id) => risk[id] === "high" && hasEvidence(id)) ||
    models.find(hasEvidence) || models[0];
  const opt = (p) => (fs.existsSync(path.join(out, p)) ? p : null);
  return {
    model,
    card: model && "models/" + model + "/index.html",
    compliance: model && opt("models/" + model + "/compliance/eu-ai-act.html"),
    modelValue: model && opt("models/" + model + "/value.html"),
    value: opt("value.html"),
    framework: opt("frameworks/eu-ai-act.html"),
    audit: opt("audit.html"),
    search: opt("search.html"),
    models: opt("models/index.html"),
    index: opt("index.html"),
  };
}

module.exports = { ROOT, Reporter, report, launch, watch, setBases, shortUrl, walk, pickPages, CHROMIUM };
