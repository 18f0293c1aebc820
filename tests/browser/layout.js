// Items 5–7 of issue 8: the print stylesheet, the phone width, and
// screenshots of the main pages saved to tests/artifacts/screenshots/.
"use strict";
const fs = require("fs");
const path = require("path");
const { ROOT, watch } = require("./lib");

// true when the element (or an ancestor) has display:none
const HIDDEN = (sel) => {
  const el = document.querySelector(sel);
  if (!el) return null;
  for (let e = el; e; e = e.parentElement) {
    if (getComputedStyle(e).display === "none") return true;
  }
  return false;
};

async function printChecks(browser, ctx) {
  const r = ctx.r;
  const pg = ctx.pages;
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, colorScheme: scheme });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(ctx.fileBase + pg.card);
    await page.emulateMedia({ media: "print", colorScheme: scheme });
    const N = (s) => "print (" + scheme + " scheme): " + pg.card + ": " + s;
    if (scheme === "light") {
      for (const [sel, what] of [
        ["header .site-nav", "header navigation"],
        [".skip-link", "skip link"],
        [".model-nav", "model sub-navigation"],
        ["nav.breadcrumbs", "breadcrumbs"],
        ["nav.toc", "table of contents"],
      ]) {
        await r.step(N(what + " is hidden (display: none)"), async () => {
          const h = await page.evaluate(HIDDEN, sel);
          if (h === null) return sel === "header .site-nav" ? ["no element " + sel] : [];
          return h ? [] : [sel + " is still displayed in print"];
        });
      }
      await r.step(N("the brand and the main content are printed"), async () => {
        const p = [];
        for (const sel of ["header .brand", "main h1"]) {
          if ((await page.evaluate(HIDDEN, sel)) !== false) p.push(sel + " is not printed");
        }
        return p;
      });
    }
    await r.step(N("black text on a white page"), async () => {
      const c = await page.evaluate(() => {
        const b = getComputedStyle(document.body);
        const h = getComputedStyle(document.documentElement);
        return { bg: b.backgroundColor, fg: b.color, html: h.backgroundColor };
      });
      const p = [];
      if (c.bg !== "rgb(255, 255, 255)" && !(c.bg === "rgba(0, 0, 0, 0)" && /rgba\(0, 0, 0, 0\)|rgb\(255, 255, 255\)/.test(c.html))) p.push("body background " + c.bg);
      if (c.fg !== "rgb(0, 0, 0)") p.push("body colour " + c.fg);
      return p;
    });
    await r.step(N("colour contrast of what is printed (axe color-contrast)"), async () => {
      await page.evaluate(fs.readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8"));
      const v = await page.evaluate(() => window.axe.run(document, { preload: false, runOnly: { type: "rule", values: ["color-contrast"] } })
        .then((r) => r.violations.map((x) => x.nodes.length + "× " + x.impact + " " + x.id + ": " +
          x.nodes.slice(0, 6).map((n) => n.target.join(" ") + " — " + (n.failureSummary || "").split("\n")[1]).join("\n    "))));
      return v;
    });
    if (scheme === "light") {
      await r.step(N("prints to PDF"), async () => {
        const pdf = await page.pdf({ format: "A4", printBackground: false });
        const pagesN = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
        fs.writeFileSync(path.join(ctx.artifacts, "model-card-print.pdf"), pdf);
        r.info("model card prints on " + pagesN + " A4 pages");
        return pdf.length > 1000 && pagesN > 0 ? [] : ["PDF of " + pdf.length + " bytes, " + pagesN + " pages"];
      });
    }
    await context.close();
  }
}

async function phoneChecks(browser, ctx) {
  const r = ctx.r;
  const pg = ctx.pages;
  const context = await browser.newContext({ viewport: { width: 375, height: 800 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const w = watch(page);
  const list = [pg.index, pg.compliance, pg.card, pg.models, pg.search && pg.search + "?q=fairness",
                pg.audit, pg.framework, pg.value].filter(Boolean);
  for (const rel of list) {
    await r.step("phone 375×800: " + rel + ": no horizontal overflow", async () => {
      await page.goto(ctx.fileBase + rel);
      const m = w.mark();
      const r = await page.evaluate(() => {
        const de = document.documentElement;
        const vw = de.clientWidth;
        const clip = [de, document.body].filter((e) => /hidden|clip/.test(getComputedStyle(e).overflowX)).map((e) => e.tagName.toLowerCase());
        // elements sticking out to the right, outside any scrolling container
        const scrolls = (e) => {
          for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
            if (/auto|scroll|hidden|clip/.test(getComputedStyle(a).overflowX)) return true;
          }
          return false;
        };
        const wide = [];
        for (const e of document.body.querySelectorAll("*")) {
          if (e.closest("svg") && e.tagName.toLowerCase() !== "svg") continue;
          const b = e.getBoundingClientRect();
          if (b.right > vw + 1 && b.width > 0 && !scrolls(e)) {
            const id = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "");
            wide.push(id + " (right edge " + Math.round(b.right) + "px)");
          }
        }
        return { sw: de.scrollWidth, vw, clip, wide: wide.slice(0, 12) };
      });
      const p = [];
      if (r.sw > 375 + 1) p.push("document.documentElement.scrollWidth = " + r.sw + " (viewport " + r.vw + ")");
      if (r.clip.length) p.push("overflow-x hidden/clip on " + r.clip.join(", ") + " would hide overflow instead of avoiding it");
      if (p.length) p.push("elements wider than the viewport, outside a scrolling box:", ...r.wide);
      const ev = w.since(m);
      if (ev.length) p.push(...ev);
      return p;
    });
  }
  await r.step("phone 375×800: wide tables scroll inside their .table-wrap", async () => {
    const rel = pg.compliance || pg.models;
    await page.goto(ctx.fileBase + rel);
    const r = await page.evaluate(() => [...document.querySelectorAll("main table")].map((t) => {
      const wrap = t.closest(".table-wrap");
      return {
        wide: t.getBoundingClientRect().width > document.documentElement.clientWidth,
        wrapped: !!wrap && /auto|scroll/.test(getComputedStyle(wrap).overflowX),
        cls: t.className,
      };
    }));
    return r.filter((t) => t.wide && !t.wrapped).map((t) => "table." + t.cls + " is wider than the screen and not in a scrolling .table-wrap");
  });
  await context.close();
}

async function screenshots(browser, ctx) {
  const r = ctx.r;
  const pg = ctx.pages;
  const dir = ctx.screens;
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir)) if (f.endsWith(".png")) fs.unlinkSync(path.join(dir, f));
  const shots = [
    ["index", pg.index, "light", 1280],
    ["index-dark", pg.index, "dark", 1280],
    ["index-phone", pg.index, "light", 375],
    ["model-card", pg.card, "light", 1280],
    ["model-card-dark", pg.card, "dark", 1280],
    ["compliance", pg.compliance, "light", 1280],
    ["compliance-phone", pg.compliance, "light", 375],
    ["framework-matrix", pg.framework, "light", 1280],
    ["framework-matrix-dark", pg.framework, "dark", 1280],
    ["audit", pg.audit, "light", 1280],
    ["search-results", pg.search && pg.search + "?q=fairness", "light", 1280],
    ["search-results-dark", pg.search && pg.search + "?q=fairness", "dark", 1280],
    ["models-filtered", pg.models, "light", 1280],
    ["value", pg.value, "light", 1280],
    ["model-value", pg.modelValue, "light", 1280],
  ].filter((s) => s[1]);
  const contexts = {};
  for (const [name, rel, scheme, width] of shots) {
    await r.step("screenshot: " + name + ".png (" + rel + ", " + scheme + ", " + width + "px)", async () => {
      const key = scheme + width;
      if (!contexts[key]) {
        contexts[key] = await browser.newContext({ viewport: { width, height: width < 600 ? 800 : 900 }, colorScheme: scheme });
      }
      const page = await contexts[key].newPage();
      page.setDefaultTimeout(15000);
      await page.goto(ctx.fileBase + rel);
      if (/\?q=/.test(rel)) await page.locator("#search-results li").first().waitFor({ timeout: 5000 });
      if (name === "models-filtered") await page.locator('#model-filters select[name="risk"]').selectOption("high");
      const file = path.join(dir, name + ".png");
      // very long pages are cut at 12000 px: the top is what one looks at
      const h = await page.evaluate(() => document.documentElement.scrollHeight);
      const opts = { path: file, animations: "disabled" };
      if (h > 12000) opts.clip = { x: 0, y: 0, width, height: 12000 };
      opts.fullPage = true;
      await page.screenshot(opts);
      await page.close();
      const buf = fs.readFileSync(file);
      const png = buf.length > 8 && buf.slice(1, 4).toString() === "PNG";
      return png && buf.length > 5000 ? [] : [file + ": " + buf.length + " bytes" + (png ? "" : ", not a PNG")];
    });
  }
  for (const k in contexts) await contexts[k].close();
}

async function run(browser, ctx) {
  const parts = [printChecks, phoneChecks, screenshots].map((f) => ({ f, r: ctx.r.child() }));
  await Promise.all(parts.map((p) => p.f(browser, Object.assign({}, ctx, { r: p.r }))));
  for (const p of parts) ctx.r.adopt(p.r);
}

module.exports = { run, printChecks, phoneChecks, screenshots };
