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
    page.setDefaultTimeout(30000);
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
    // in the dark scheme only: in the light one print uses the screen's
    // colours, which axe.js checks
    if (scheme === "dark") await r.step(N("colour contrast of what is printed (axe color-contrast)"), async () => {
      await page.evaluate(fs.readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8"));
      const v = await page.evaluate(() => window.axe.run(document, { preload: false, runOnly: { type: "rule", values: ["color-contrast"] } })
        .then((r) => r.violations.map((x) => x.nodes.length + "× " + x.impact + " " + x.id + ": " +
          x.nodes.slice(0, 6).map((n) => n.target.join(" ") + " — " + (n.failureSummary || "").split("\n")[1]).join("\n    "))));
      return v;
    });
    if (scheme === "light") {
      await r.step(N("prints to PDF"), async () => {
        const pdf = await page.pdf({ format: "A4", printBackground: false, margin: { top: "15mm", bottom: "15mm", left: "15mm", right: "15mm" } });
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
  page.setDefaultTimeout(30000);
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
        // the outermost elements sticking out: their parent fits
        const wide = [];
        const sticks = (e) => {
          const b = e.getBoundingClientRect();
          return b.right > vw + 1 && b.width > 0;
        };
        for (const e of document.body.querySelectorAll("*")) {
          if (e.closest("svg") && e.tagName.toLowerCase() !== "svg") continue;
          const b = e.getBoundingClientRect();
          if (sticks(e) && !scrolls(e) && (e.parentElement === document.body || !sticks(e.parentElement))) {
            const id = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "");
            wide.push(id + " (right edge " + Math.round(b.right) + "px)");
          }
        }
        return { sw: de.scrollWidth, vw, clip, wide: wide.slice(0, 12) };
      });
      const p = [];
      if (r.sw > 375 + 1) p.push("document.documentElement.scrollWidth = " + r.sw + " (viewport " + r.vw + ")");
      if (r.clip.length) p.push("overflow-x hidden/clip on " + r.clip.join(", ") + " would hide overflow instead of avoiding it");
      if (p.length) p.push("outermost elements past the right edge, outside a scrolling box:", ...r.wide);
      const ev = w.since(m);
      if (ev.length) p.push(...ev);
      return p;
    });
  }
  // with every <details> (chart data tables, guidance) opened
  for (const rel of [pg.card, pg.compliance].filter(Boolean)) {
    await r.step("phone 375×800: " + rel + " with every <details> open: no overflow, wide tables scroll in their box", async () => {
      await page.goto(ctx.fileBase + rel);
      const res = await page.evaluate(() => {
        for (const d of document.querySelectorAll("details")) d.open = true;
        const vw = document.documentElement.clientWidth;
        const tables = [...document.querySelectorAll("main table")].filter((t) => t.getBoundingClientRect().width > vw).map((t) => {
          let box = null;
          for (let a = t.parentElement; a && a !== document.body; a = a.parentElement) {
            if (/auto|scroll/.test(getComputedStyle(a).overflowX)) {
              box = a;
              break;
            }
          }
          const where = (e) => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).trim().split(/\s+/).join(".") : "");
          const sec = t.closest("section[id]");
          return box ? null : "table" + (t.className ? "." + t.className.split(" ").join(".") : "") + " in " + where(t.parentElement) +
            (sec ? " (section #" + sec.id + ")" : "") + " is " + Math.round(t.getBoundingClientRect().width) + "px wide, not in a scrolling box";
        }).filter(Boolean);
        return { sw: document.documentElement.scrollWidth, tables };
      });
      const p = res.tables.slice(0, 10);
      if (res.sw > 376) p.unshift("document.documentElement.scrollWidth = " + res.sw);
      return p;
    });
  }
  await context.close();
}

// Keyboard: Tab through the start of a page; whatever gets the focus must
// be visible (not a 1px visually-hidden box) and show a focus outline.
async function keyboardChecks(browser, ctx) {
  const r = ctx.r;
  const pg = ctx.pages;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  for (const rel of [pg.index, pg.models, pg.search].filter(Boolean)) {
    await r.step("keyboard: " + rel + ": every element reached with Tab is visible and shows its focus", async () => {
      await page.goto(ctx.fileBase + rel);
      const p = [];
      const seen = new Set();
      let first = null;
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press("Tab");
        const f = await page.evaluate(() => {
          const e = document.activeElement;
          if (!e || e === document.body) return null;
          const b = e.getBoundingClientRect();
          const cs = getComputedStyle(e);
          const name = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).trim().split(/\s+/).join(".") : "") +
            " \"" + (e.textContent || e.getAttribute("aria-label") || "").trim().slice(0, 30) + "\"";
          const onScreen = b.bottom > 0 && b.top < innerHeight && b.right > 0 && b.left < innerWidth;
          const clipped = /inset\(50%\)/.test(cs.clipPath) || cs.clip === "rect(0px, 0px, 0px, 0px)";
          return {
            name,
            visible: b.width > 2 && b.height > 2 && onScreen && !clipped && cs.visibility !== "hidden" && cs.opacity !== "0",
            outline: cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0 || cs.boxShadow !== "none",
          };
        });
        if (!f) break;
        if (first === f.name) break; // wrapped around
        if (!first) first = f.name;
        if (seen.has(f.name)) continue;
        seen.add(f.name);
        if (!f.visible) p.push(f.name + " has the focus but cannot be seen");
        else if (!f.outline) p.push(f.name + " shows no focus outline");
      }
      if (!seen.size) p.push("Tab reaches nothing");
      return p;
    });
  }
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
    ["model-card", pg.card, "light", 1280],
    ["model-card-dark", pg.card, "dark", 1280],
    ["compliance", pg.compliance, "light", 1280],
    ["compliance-phone", pg.compliance, "light", 375],
    ["framework-matrix", pg.framework, "light", 1280],
    ["audit", pg.audit, "light", 1280],
    ["search-results", pg.search && pg.search + "?q=fairness", "light", 1280],
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
      page.setDefaultTimeout(30000);
      await page.goto(ctx.fileBase + rel);
      if (/\?q=/.test(rel)) await page.locator("#search-results li").first().waitFor();
      if (name === "models-filtered") await page.locator('#model-filters select[name="risk"]').selectOption("high");
      const file = path.join(dir, name + ".png");
      // long pages are cut at 6000 px: the top is what one looks at
      const h = await page.evaluate(() => document.documentElement.scrollHeight);
      const opts = { path: file, animations: "disabled", fullPage: true };
      if (h > 6000) opts.clip = { x: 0, y: 0, width, height: 6000 };
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
  const parts = [printChecks, phoneChecks, keyboardChecks, screenshots].map((f) => ({ f, r: ctx.r.child() }));
  await Promise.all(parts.map((p) => p.f(browser, Object.assign({}, ctx, { r: p.r }))));
  for (const p of parts) ctx.r.adopt(p.r);
}

module.exports = { run, printChecks, phoneChecks, keyboardChecks, screenshots };
