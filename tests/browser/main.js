// Runs the in-browser tests on a built site with one headless chromium:
//   node tests/browser/main.js OUT [nav] [axe] [layout]
// (all three when none is named). Prints PASS/FAIL lines (see lib.js).
"use strict";
const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");
const { ROOT, report, launch, setBases, pickPages } = require("./lib");

(async () => {
  const out = path.resolve(process.argv[2] || "out");
  let sections = process.argv.slice(3);
  if (!sections.length) sections = ["nav", "axe", "layout"];
  if (!fs.existsSync(path.join(out, "index.html"))) {
    report.fail("setup: site", out + "/index.html does not exist");
    report.done();
    return;
  }
  const pages = pickPages(out);
  const need = ["index", "card", "compliance", "framework", "audit", "search", "models"];
  const missing = need.filter((k) => !pages[k]);
  report.check("setup: the main pages exist", missing.map((k) => "no " + k + " page"));
  report.info("model under test: " + pages.model + "; value page: " + (pages.value || "none"));

  const ctx = {
    out,
    pages,
    fileBase: pathToFileURL(out).href + "/",
    artifacts: process.env.BROWSER_ARTIFACTS || path.join(ROOT, "tests", "artifacts"),
  };
  ctx.screens = path.join(ctx.artifacts, "screenshots");
  fs.mkdirSync(ctx.screens, { recursive: true });
  let browser;
  try {
    browser = await launch();
  } catch (e) {
    report.fail("setup: chromium starts", String(e.message || e).split("\n").slice(0, 8));
    report.done();
    return;
  }
  report.pass("setup: chromium starts (" + browser.version() + ")");
  if (sections.includes("nav")) {
    ctx.server = await require("./serve").start(out);
  }
  setBases([ctx.fileBase, ctx.server ? ctx.server.base : "\0"]);
  const t0 = Date.now();
  try {
    // the sections run side by side, each with its own buffered output
    const parts = sections.map((s) => ({ s, r: report.child() }));
    await Promise.all(parts.map(async (p) => {
      const t = Date.now();
      try {
        await require("./" + p.s).run(browser, Object.assign({}, ctx, { r: p.r }));
      } catch (e) {
        p.r.fail(p.s + ": crashed", String((e && e.stack) || e).split("\n").slice(0, 10));
      }
      p.r.info(p.s + " took " + ((Date.now() - t) / 1000).toFixed(1) + " s");
    }));
    for (const p of parts) report.adopt(p.r);
  } finally {
    await browser.close().catch(() => {});
    if (ctx.server) await ctx.server.close();
  }
  report.info("browser tests took " + ((Date.now() - t0) / 1000).toFixed(1) + " s");
  report.done();
})().catch((e) => {
  report.fail("crash", String((e && e.stack) || e).split("\n").slice(0, 10));
  process.exitCode = 1;
});
