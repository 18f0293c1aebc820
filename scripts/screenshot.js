// Screenshots of generated pages with Debian's chromium, for looking at
// them: node scripts/screenshot.js OUTDIR page.html[#anchor] ...
const { chromium } = require("playwright-core");
const path = require("path");
(async () => {
  const [outdir, ...pages] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update",
           "--no-first-run"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  for (const p of pages) {
    const [file, anchor] = p.split("#");
    await page.goto("file://" + path.resolve("out", file));
    const name = p.replace(/[\/#.]/g, "_") + ".png";
    if (anchor) {
      const el = await page.$("#" + anchor);
      await el.screenshot({ path: path.join(outdir, name) });
    } else {
      await page.screenshot({ path: path.join(outdir, name), fullPage: true });
    }
  }
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
