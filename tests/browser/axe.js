// Item 2 of issue 8: axe-core on the main pages, in the light and the dark
// colour scheme. A page passes when axe finds no violation of impact
// "serious" or "critical"; a failure lists every violation axe found.
// axe is evaluated as a string through the DevTools protocol, which the
// pages' CSP (script-src 'self') does not govern, so the CSP stays on.
"use strict";
const fs = require("fs");
const path = require("path");
const { ROOT, watch } = require("./lib");

const AXE = path.join(ROOT, "node_modules", "axe-core", "axe.min.js");

function describe(violations) {
  const lines = [];
  for (const v of violations) {
    lines.push(v.impact + " " + v.id + " (" + v.nodes.length + "×): " + v.help);
    for (const n of v.nodes.slice(0, 8)) {
      lines.push("    at " + n.target.join(" ") + (n.summary ? " — " + n.summary.split("\n").slice(1, 2).join(" ").trim() : ""));
    }
    if (v.nodes.length > 8) lines.push("    … and " + (v.nodes.length - 8) + " more");
  }
  return lines;
}

async function run(browser, ctx) {
  const src = fs.readFileSync(AXE, "utf8");
  const pg = ctx.pages;
  const list = [
    ["index.html", pg.index],
    ["model card", pg.card],
    ["compliance page", pg.compliance],
    ["framework matrix", pg.framework],
    ["audit trail", pg.audit],
    ["search results", pg.search && pg.search + "?q=fairness"],
    ["models list", pg.models],
    ["value page", pg.value],
    ["model value page", pg.modelValue],
  ].filter((e) => e[1]);

  const one = async (scheme, r) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
    const page = await context.newPage();
    page.setDefaultTimeout(30000);
    const w = watch(page);
    for (const [label, rel] of list) {
      // light: every rule; dark: the colour-contrast rule (the rest does
      // not depend on the colour scheme)
      const name = "axe " + scheme + ": " + label + " (" + rel + ")" + (scheme === "dark" ? " colour-contrast" : "");
      let loadErrors = [];
      await r.step(name, async () => {
        const m0 = w.mark();
        await page.goto(ctx.fileBase + rel);
        if (/search\.html\?q=/.test(rel)) await page.locator("#search-results li").first().waitFor();
        if (rel === pg.models) {
          // the filtered state: the form shown by the script, one filter set
          await page.locator('#model-filters select[name="risk"]').selectOption("high").catch(() => {});
        }
        await page.waitForTimeout(50);
        loadErrors = w.since(m0);
        const m = w.mark();
        await page.evaluate(src);
        const opts = { preload: false, resultTypes: ["violations"] };
        if (scheme === "dark") opts.runOnly = { type: "rule", values: ["color-contrast"] };
        const res = await page.evaluate((o) => window.axe.run(document, o).then((r) => ({
          violations: r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({ target: n.target.map(String), summary: n.failureSummary || "" })),
          })),
          incomplete: r.incomplete.filter((v) => v.id === "color-contrast").map((v) => v.nodes.length).reduce((a, b) => a + b, 0),
        })), opts);
        const ev = w.since(m);
        if (ev.length) r.info(name + ": while axe ran: " + ev.join("; "));
        const bad = res.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        for (const v of res.violations) {
          if (!bad.includes(v)) r.info(name + ": " + v.impact + " " + v.id + " at " + v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", "));
        }
        if (res.incomplete) r.info(name + ": colour-contrast could not decide on " + res.incomplete + " element(s)");
        return bad.length ? describe(res.violations) : [];
      });
      // the pages the navigation test does not reach are checked here
      if (scheme === "light") {
        r.check("pages: no console errors, page errors or failed requests on " + rel + " (file://)", loadErrors);
      }
    }
    await context.close();
  };
  const light = ctx.r.child();
  const dark = ctx.r.child();
  await Promise.all([one("light", light), one("dark", dark)]);
  ctx.r.adopt(light);
  ctx.r.adopt(dark);
}

module.exports = { run };
