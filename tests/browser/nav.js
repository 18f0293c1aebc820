// Item 1 of issue 8: an auditor's walk through the site, from disk
// (file://) and from a local HTTP server: header → Models → a model card →
// its EU AI Act page → an evidence file → back; search by typing and by
// ?q= in the address; the models list filter. Every page visited must load
// without console errors, page errors or failed requests.
"use strict";
const fs = require("fs");
const path = require("path");
const { watch } = require("./lib");

function esc(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function flow(browser, mode, base, out, pages, server, r) {
  const N = (s) => "nav-" + mode + ": " + s;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const w = watch(page);
  let mark = w.mark();
  const visited = [];
  // the "no errors" check of the page just visited
  const clean = async (label) => {
    try {
      await page.waitForLoadState("load");
    } catch (e) { /* reported by the step */ }
    await page.waitForTimeout(60);
    r.check(N("no console errors, page errors or failed requests on " + label), w.since(mark));
    mark = w.mark();
    visited.push(label);
  };
  const here = () => decodeURI(page.url().slice(base.length).split(/[?#]/)[0]);
  // puts the page on rel if a failed step left it elsewhere
  const ensure = async (rel) => {
    if (here() !== rel) {
      await page.goto(base + rel);
      mark = w.mark();
    }
  };
  const h1 = async () => ((await page.locator("main h1").first().textContent()) || "").trim();

  // 1. the portfolio page
  await r.step(N("index.html opens with its header navigation"), async () => {
    const p = [];
    const r = await page.goto(base + "index.html");
    if (mode === "http" && (!r || r.status() !== 200)) p.push("status " + (r && r.status()));
    if (!(await h1())) p.push("no <h1> in <main>");
    const n = await page.locator("header .site-nav a").count();
    if (n < 4) p.push("the header navigation has " + n + " links");
    return p;
  });
  await clean("index.html");

  // 2. header → Models
  await r.step(N("header link 'Models' opens models/index.html"), async () => {
    await ensure("index.html");
    await page.locator("header .site-nav a", { hasText: /^\s*Models\s*$/ }).click();
    await page.waitForURL(new RegExp(esc("models/index.html") + "$"));
    const p = [];
    if (!/Models/.test(await h1())) p.push("h1 is '" + (await h1()) + "'");
    const cur = await page.locator('header .site-nav a[aria-current="page"]').allTextContents();
    if (cur.map((s) => s.trim()).join() !== "Models") p.push("aria-current on the header link(s): " + JSON.stringify(cur));
    return p;
  });
  await clean("models/index.html");

  // 3. models list → the model card
  let name = "";
  await r.step(N("models list links to the card of " + pages.model), async () => {
    await ensure("models/index.html");
    const link = page.locator('#model-table tbody a[href="' + pages.model + '/index.html"]').first();
    name = ((await link.textContent()) || "").trim();
    await link.click();
    await page.waitForURL(new RegExp(esc(pages.card) + "$"));
    const p = [];
    const t = await h1();
    if (!t.includes(name)) p.push("h1 '" + t + "' does not name '" + name + "'");
    const cur = await page.locator('.model-nav a[aria-current="page"]').allTextContents();
    if (cur.map((s) => s.trim()).join() !== "Card") p.push("model sub-navigation current item: " + JSON.stringify(cur));
    return p;
  });
  await clean(pages.card);

  // 4. model sub-navigation → EU AI Act compliance page
  await r.step(N("model sub-navigation opens the EU AI Act compliance page"), async () => {
    await ensure(pages.card);
    await page.locator(".model-nav a", { hasText: "EU AI Act" }).first().click();
    await page.waitForURL(new RegExp(esc(pages.compliance) + "$"));
    const p = [];
    const cur = await page.locator('.model-nav a[aria-current="page"]').allTextContents();
    if (!/EU AI Act/.test(cur.join())) p.push("model sub-navigation current item: " + JSON.stringify(cur));
    const crumbs = await page.locator("nav.breadcrumbs").textContent().catch(() => "");
    if (name && !(crumbs || "").includes(name)) p.push("breadcrumbs do not name the model: " + (crumbs || "").replace(/\s+/g, " "));
    return p;
  });
  await clean(pages.compliance);

  // 5. an evidence link of the compliance page resolves
  let evidenceUrl = null;
  await r.step(N("an evidence link of the compliance page resolves"), async () => {
    await ensure(pages.compliance);
    const hrefs = await page.locator('main a[href*="evidence/"]').evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    if (!hrefs.length) return ["no evidence link on " + pages.compliance];
    const href = hrefs.find((h) => /\.md$/.test(h)) || hrefs[0];
    const abs = new URL(href, page.url()).href;
    evidenceUrl = abs;
    w.expectAbort(abs); // a CSV link may start a download instead of a page
    const dl = page.waitForEvent("download", { timeout: 20000 }).then((d) => ({ d }), () => null);
    const nav = page.waitForURL(abs, { timeout: 20000, waitUntil: "commit" }).then(() => ({ n: true }), () => null);
    await page.locator('main a[href="' + href + '"]').first().click();
    const got = await Promise.race([dl, nav]);
    const p = [];
    if (!got) p.push("clicking " + href + " neither opened it nor downloaded it");
    else if (got.n) {
      await page.waitForLoadState("load");
      const body = ((await page.locator("body").textContent()) || "").trim();
      if (!body) p.push(href + " opened as an empty page");
    }
    const rel = decodeURI(abs.slice(base.length));
    if (mode === "http") {
      const hit = server.log.filter((e) => decodeURI(e.url.split("?")[0]) === "/" + rel);
      if (!hit.length) p.push("the server never saw a request for /" + rel);
      else if (hit.some((e) => e.status !== 200)) p.push("the server answered " + hit.map((e) => e.status).join(",") + " for /" + rel);
    } else if (!fs.existsSync(path.join(out, rel))) {
      p.push(rel + " does not exist");
    }
    return p;
  });
  if (evidenceUrl && page.url() === evidenceUrl) await clean("evidence file");

  if (mode === "http") {
    await r.step(N("every evidence link of the compliance page answers 200"), async () => {
      await ensure(pages.compliance);
      const hrefs = await page.locator('main a[href*="evidence/"]').evaluateAll((as) => [...new Set(as.map((a) => a.href))]);
      const p = [];
      for (const u of hrefs) {
        const r = await context.request.get(u);
        if (r.status() !== 200) p.push(r.status() + " " + u.slice(base.length));
      }
      if (!hrefs.length) p.push("no evidence link");
      return p;
    });
  }

  // 6. back to the compliance page
  await r.step(N("back returns to the compliance page"), async () => {
    if (evidenceUrl && page.url() === evidenceUrl) await page.goBack();
    const p = [];
    if (here() !== pages.compliance) p.push("after going back the page is " + page.url());
    else if (!(await h1())) p.push("no h1 after going back");
    return p;
  });

  // 6b. the PDF links of the model sub-navigation
  await r.step(N("the PDF links of the model sub-navigation resolve to PDF files"), async () => {
    await ensure(pages.compliance);
    const hrefs = await page.locator('.model-nav a[href$=".pdf"]').evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    if (!hrefs.length) return ["no PDF link in the model sub-navigation of " + pages.compliance];
    const p = [];
    // click the first: headless chromium downloads a PDF (or shows it)
    const abs0 = new URL(hrefs[0], page.url()).href;
    w.expectAbort(abs0);
    const dl = page.waitForEvent("download", { timeout: 20000 }).then((d) => ({ d }), () => null);
    const nav = page.waitForURL(abs0, { timeout: 20000, waitUntil: "commit" }).then(() => ({ n: true }), () => null);
    await page.locator('.model-nav a[href="' + hrefs[0] + '"]').first().click();
    const got = await Promise.race([dl, nav]);
    if (!got) p.push("clicking " + hrefs[0] + " neither opened nor downloaded it");
    else if (got.d) {
      const f = await got.d.failure();
      if (f) p.push("the download of " + hrefs[0] + " failed: " + f);
    } else await page.goBack();
    for (const h of hrefs) {
      const abs = new URL(h, base + pages.compliance).href;
      if (mode === "http") {
        const res = await context.request.get(abs);
        const body = await res.body();
        if (res.status() !== 200) p.push(res.status() + " for " + h);
        else if (!/^application\/pdf/.test(res.headers()["content-type"] || "")) p.push(h + " served as " + res.headers()["content-type"]);
        else if (body.slice(0, 5).toString("latin1") !== "%PDF-") p.push(h + " is not a PDF");
      } else {
        const f = path.join(out, decodeURI(abs.slice(base.length)));
        if (!fs.existsSync(f)) p.push(h + ": no such file");
        else if (fs.readFileSync(f).slice(0, 5).toString("latin1") !== "%PDF-") p.push(h + " is not a PDF");
      }
    }
    return p;
  });
  await clean("the PDF links");

  // 7. search by typing a query and submitting the form
  const searchChecks = async (term, expectUrlQuery) => {
    await page.locator("#search-results li").first().waitFor();
    const p = [];
    const n = await page.locator("#search-results li").count();
    const marks = (await page.locator("#search-results mark").allTextContents()).map((s) => s.toLowerCase());
    const words = term.toLowerCase().split(/\s+/);
    if (!marks.length) p.push("no <mark> in the results");
    if (marks.some((m) => !words.includes(m))) p.push("marks that are not the query: " + JSON.stringify([...new Set(marks)].slice(0, 10)));
    if (!marks.some((m) => m === words[0])) p.push("the term '" + words[0] + "' is never highlighted");
    const status = ((await page.locator("#search-status").textContent()) || "").trim();
    if (!new RegExp("^" + n + " results?\\b|\\b" + n + "\\b").test(status) && !/^\d+ results?/.test(status)) p.push("status line: " + status);
    const kinds = await page.locator("#search-results li .search-kind").allTextContents();
    if (kinds.length !== n || kinds.some((k) => !k.trim())) p.push("a result lacks its kind");
    const links = await page.locator("#search-results li a").count();
    if (links < n) p.push(n - links + " results without a link");
    const value = await page.locator("#q").inputValue();
    if (value !== term) p.push("the search box shows '" + value + "'");
    if (expectUrlQuery && mode === "http" && !page.url().includes("q=" + encodeURIComponent(term))) {
      p.push("the address does not carry the query: " + page.url());
    }
    return p;
  };
  await r.step(N("typing a query on search.html shows highlighted results"), async () => {
    await ensure(pages.compliance);
    await page.locator("header .site-nav a", { hasText: /^\s*Search\s*$/ }).click();
    await page.waitForURL(/search\.html(\?.*)?$/);
    await clean("search.html");
    await page.locator("#q").fill("fairness");
    await page.locator("#q").press("Enter");
    return searchChecks("fairness", true);
  });
  await clean("search.html (after searching)");

  await r.step(N("the first search result opens its page"), async () => {
    const a = page.locator("#search-results li a").first();
    const href = await a.getAttribute("href");
    const target = new URL(href, page.url()).href;
    await a.click();
    await page.waitForURL(target);
    const p = [];
    const frag = new URL(target).hash.slice(1);
    if (frag && !(await page.evaluate((id) => !!document.getElementById(id), decodeURIComponent(frag)))) {
      p.push("no element #" + frag + " on " + href);
    }
    return p;
  });
  await clean("the first search result");

  // 8. search.html?q=TERM shows results on load
  await r.step(N("search.html?q=Vogel shows results on load"), async () => {
    await page.goto(base + "search.html?q=Vogel");
    return searchChecks("Vogel", false);
  });
  await clean("search.html?q=Vogel");

  await r.step(N("search.html?q=risk%20management (two terms) highlights both"), async () => {
    await page.goto(base + "search.html?q=risk%20management");
    const p = await searchChecks("risk management", false);
    const marks = (await page.locator("#search-results mark").allTextContents()).map((s) => s.toLowerCase());
    if (!marks.includes("management")) p.push("'management' is never highlighted");
    return p;
  });
  await clean("search.html?q=risk%20management");

  await r.step(N("every word of every search record leads back to it (search.js splits words as the generator does)"), async () => {
    await page.goto(base + "search.html");
    return page.evaluate(async () => {
      const S = window.DOSSIER_SEARCH, p = [];
      if (!S || !S.words) return ["search/meta.js or assets/search.js did not load"];
      const load = (rel) => new Promise((res, rej) => {
        const s = document.createElement("script");
        s.src = "search/" + rel;
        s.onload = res;
        s.onerror = () => rej(new Error("cannot load search/" + rel));
        document.head.appendChild(s);
      });
      const want = new Map(); // word -> Map(record -> 1 in the title, else 0)
      for (let c = 0; c * S.chunk < S.records; c++) {
        await load("d/" + c + ".js");
        S.d[c].forEach((rec, i) => {
          const doc = c * S.chunk + i;
          [[rec.x, 0], [rec.t, 1]].forEach(([text, title]) => S.words(text).forEach((w) => {
            if (!want.has(w)) want.set(w, new Map());
            want.get(w).set(doc, Math.max(want.get(w).get(doc) || 0, title));
          }));
        });
      }
      const shards = new Set(S.shards);
      let pairs = 0;
      for (const [w, docs] of want) {
        const k = S.key(w);
        if (!shards.has(k)) { p.push("no shard " + k + " for '" + w + "'"); continue; }
        if (!S.t[k]) await load("t/" + k + ".js");
        const l = S.t[k][w];
        if (!l) { p.push("'" + w + "' is not in shard " + k); continue; }
        let doc = 0;
        const got = new Map();
        l.forEach((v) => { doc += Math.floor(v / 2); got.set(doc, v % 2); });
        for (const [d, t] of docs) {
          pairs++;
          if (!got.has(d)) p.push("'" + w + "' does not lead to record " + d);
          else if (got.get(d) !== t) p.push("'" + w + "' in record " + d + ": title flag " + got.get(d) + ", want " + t);
        }
        if (got.size !== docs.size) p.push("'" + w + "' leads to " + got.size + " records, " + docs.size + " hold it");
      }
      if (!pairs) p.push("no words at all");
      return p.slice(0, 12);
    });
  });
  await clean("the search index check");

  await r.step(N("a query with more than 50 results shows 50 and a button for the rest"), async () => {
    await page.goto(base + "search.html?q=vogel");
    await page.locator("#search-results li").first().waitFor();
    const p = [];
    const status = ((await page.locator("#search-status").textContent()) || "").trim();
    const total = parseInt(status, 10);
    if (!(total > 50)) return ["the demo needs a query with over 50 results; 'vogel' has: " + status];
    if ((await page.locator("#search-results li").count()) !== 50) p.push("the first page does not show 50 results");
    const more = page.locator("#search-more");
    if (!(await more.isVisible())) return p.concat(["no visible 'Show more' button"]);
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll("#search-results li").length === n, Math.min(100, total));
    if (total <= 100 && (await more.isVisible())) p.push("the button stays after the last results");
    return p;
  });
  await clean("search.html?q=vogel");

  await r.step(N("a query without matches says so"), async () => {
    await page.goto(base + "search.html?q=zqxjvw");
    const p = [];
    const n = await page.locator("#search-results li").count();
    if (n) p.push(n + " results for nonsense");
    const status = ((await page.locator("#search-status").textContent()) || "").trim();
    if (!/^0 results/.test(status)) p.push("status line: " + status);
    return p;
  });
  await clean("search.html?q=zqxjvw");

  // 9. the models list filter
  const rows = () => page.locator("#model-table tbody tr").evaluateAll((trs) => trs.map((r) => ({
    risk: r.getAttribute("data-risk"), status: r.getAttribute("data-status"),
    shown: r.getClientRects().length > 0 && getComputedStyle(r).display !== "none",
  })));
  await r.step(N("models filter risk=high hides the other rows"), async () => {
    await page.goto(base + "models/index.html");
    const p = [];
    if (!(await page.locator("#model-filters").isVisible())) p.push("the filter form is not visible");
    const before = await rows();
    if (before.some((r) => !r.shown)) p.push("rows hidden before filtering");
    await page.locator('#model-filters select[name="risk"]').selectOption("high");
    const after = await rows();
    const shown = after.filter((r) => r.shown);
    if (!shown.length) p.push("no row left for risk=high");
    for (const r of shown) if (r.risk !== "high") p.push("a '" + r.risk + "' row is still shown");
    for (const r of after) if (!r.shown && r.risk === "high") p.push("a high-risk row was hidden");
    if (after.filter((r) => r.risk !== "high").length === 0) p.push("no non-high row to hide in the demo");
    const count = ((await page.locator("#model-count").textContent()) || "").trim();
    if (!count.startsWith(shown.length + " of " + after.length)) p.push("count says '" + count + "', " + shown.length + " of " + after.length + " shown");
    return p;
  });
  await r.step(N("models filter combines risk and status, and 'All' restores every row"), async () => {
    const p = [];
    await page.locator('#model-filters select[name="status"]').selectOption("production");
    const both = await rows();
    for (const r of both) {
      const want = r.risk === "high" && r.status === "production";
      if (r.shown !== want) p.push("row " + r.risk + "/" + r.status + (r.shown ? " shown" : " hidden"));
    }
    await page.locator('#model-filters select[name="risk"]').selectOption("");
    await page.locator('#model-filters select[name="status"]').selectOption("");
    const all = await rows();
    if (all.some((r) => !r.shown)) p.push("rows still hidden after choosing 'All'");
    return p;
  });
  await clean("models/index.html (filtered)");

  if (mode === "http") {
    // a last chance for late requests (the favicon) to arrive
    await page.waitForTimeout(200);
    const bad = server.log.filter((e) => e.status >= 400).map((e) => e.status + " " + e.method + " " + e.url);
    r.check(N("the server answered no request with 4xx/5xx"), [...new Set(bad)]);
  }
  r.info("nav-" + mode + " visited " + visited.length + " pages");
  await context.close();
}

async function run(browser, ctx) {
  const a = ctx.r.child();
  const b = ctx.r.child();
  await Promise.all([
    flow(browser, "file", ctx.fileBase, ctx.out, ctx.pages, null, a),
    flow(browser, "http", ctx.server.base, ctx.out, ctx.pages, ctx.server, b),
  ]);
  ctx.r.adopt(a);
  ctx.r.adopt(b);
}

module.exports = { run };
