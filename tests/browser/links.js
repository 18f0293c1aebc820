// Item 4 of issue 8: a link checker over every .html file of a built site.
//   node tests/browser/links.js OUT CONTENT_DIR...
// - every relative href/src/xlink:href/action resolves to a file inside OUT
//   (not to a folder: from file:// a folder shows a listing);
// - every #fragment names an element id (or <a name>) of its target page;
// - no root-relative (/x) or protocol-relative (//x) references;
// - absolute http(s) links only to addresses written in the content
//   (CONTENT_DIR: the inputs the site was built from);
// - nothing is loaded from another origin (src, <link href>, CSS url()): no CDN;
// - the URLs of the search index resolve too.
"use strict";
const fs = require("fs");
const path = require("path");
const { report, walk } = require("./lib");

const ENT = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };
function decode(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === "#") return String.fromCodePoint(e[1].toLowerCase() === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENT[e.toLowerCase()] !== undefined ? ENT[e.toLowerCase()] : m;
  });
}

// A small HTML tokenizer: start tags with their attributes (quotes honoured),
// skipping comments and the text of <script>/<style>.
// Plain character loops. (Node 20's optimizing compilers made
// slice().toLowerCase() copy the whole page on every call: a page of 250 kB
// took 20 s. Hence asciiLower on char codes.)
const isSpace = (c) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
const isAlpha = (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isNameChar = (c) => isAlpha(c) || (c >= 48 && c <= 57) || c === 58 || c === 45;
// attribute names end at space, quote, '>', '/' or '='
const isAttrChar = (c) => !isSpace(c) && c !== 34 && c !== 39 && c !== 62 && c !== 47 && c !== 61;

// html.slice(a, b) in ASCII lower case
function asciiLower(html, a, b) {
  let k = a;
  while (k < b) {
    const c = html.charCodeAt(k);
    if (c >= 65 && c <= 90) break;
    k++;
  }
  if (k === b) return html.slice(a, b);
  let s = html.slice(a, k);
  for (; k < b; k++) {
    const c = html.charCodeAt(k);
    s += String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
  }
  return s;
}

// where "</name" (any case) starts at or after from, or -1
function closeTag(html, name, from) {
  for (let k = html.indexOf("</", from); k >= 0; k = html.indexOf("</", k + 2)) {
    if (asciiLower(html, k + 2, k + 2 + name.length) === name) return k;
  }
  return -1;
}

function tags(html) {
  const out = [];
  let i = 0;
  const n = html.length;
  let lineNo = 1;
  let counted = 0; // html[0, counted) holds lineNo - 1 newlines
  while (i < n) {
    const lt = html.indexOf("<", i);
    if (lt < 0) break;
    if (html.startsWith("<!--", lt)) {
      const e = html.indexOf("-->", lt + 4);
      i = e < 0 ? n : e + 3;
      continue;
    }
    if (!isAlpha(html.charCodeAt(lt + 1))) {
      i = lt + 1;
      continue;
    }
    let j = lt + 2;
    while (j < n && isNameChar(html.charCodeAt(j))) j++;
    const name = asciiLower(html, lt + 1, j);
    const attrs = {};
    for (;;) {
      while (j < n && isSpace(html.charCodeAt(j))) j++;
      if (j >= n) break;
      const c = html[j];
      if (c === ">") {
        j++;
        break;
      }
      if (c === "/" && html[j + 1] === ">") {
        j += 2;
        break;
      }
      const a0 = j;
      while (j < n && isAttrChar(html.charCodeAt(j))) j++;
      if (j === a0) {
        j++;
        continue;
      }
      const an = asciiLower(html, a0, j);
      while (j < n && isSpace(html.charCodeAt(j))) j++;
      let val = "";
      if (html[j] === "=") {
        j++;
        while (j < n && isSpace(html.charCodeAt(j))) j++;
        if (html[j] === '"' || html[j] === "'") {
          const e = html.indexOf(html[j], j + 1);
          val = html.slice(j + 1, e < 0 ? n : e);
          j = e < 0 ? n : e + 1;
        } else {
          const v0 = j;
          while (j < n && !isSpace(html.charCodeAt(j)) && html.charCodeAt(j) !== 62) j++;
          val = html.slice(v0, j);
        }
      }
      if (!(an in attrs)) attrs[an] = val.indexOf("&") < 0 ? val : decode(val);
    }
    for (let k = counted; k < lt; k++) if (html.charCodeAt(k) === 10) lineNo++;
    counted = lt;
    out.push({ name, attrs, line: lineNo });
    if (name === "script" || name === "style") {
      const e = closeTag(html, name, j);
      j = e < 0 ? n : e;
    }
    i = j;
  }
  return out;
}

const ids = new Map(); // abs file -> Set of ids
function idsOf(file) {
  if (!ids.has(file)) {
    const s = new Set();
    for (const t of tags(fs.readFileSync(file, "utf8"))) {
      if (t.attrs.id !== undefined) s.add(t.attrs.id);
      if (t.name === "a" && t.attrs.name !== undefined) s.add(t.attrs.name);
    }
    ids.set(file, s);
  }
  return ids.get(file);
}

function main() {
  const out = path.resolve(process.argv[2] || "out");
  const contentDirs = process.argv.slice(3);
  let corpus = "";
  for (const d of contentDirs) {
    if (!fs.existsSync(d)) continue;
    for (const f of walk(d)) {
      try {
        corpus += fs.readFileSync(path.join(d, f), "utf8") + "\n";
      } catch (e) { /* unreadable: ignore */ }
    }
  }
  const htmls = walk(out, (f) => f.endsWith(".html"));
  report.check("links: the site has HTML pages", htmls.length ? [] : ["no .html file in " + out]);

  // resolves ref (as written in the file rel) and returns a problem or null
  const resolve = (rel, ref, needHtmlFragment) => {
    const [beforeHash, ...h] = ref.split("#");
    const frag = h.length ? h.join("#") : null;
    const p = beforeHash.split("?")[0];
    let target;
    if (p === "") target = path.join(out, rel);
    else {
      let dp;
      try {
        dp = decodeURIComponent(p);
      } catch (e) {
        return "bad percent-encoding";
      }
      target = path.resolve(path.dirname(path.join(out, rel)), dp);
    }
    if (target !== out && !target.startsWith(out + path.sep)) return "points outside the site";
    if (!fs.existsSync(target)) return "no such file " + path.relative(out, target);
    if (fs.statSync(target).isDirectory()) return "is a folder (from file:// that shows a listing, not a page)";
    if (frag !== null) {
      if (frag === "") return "empty fragment";
      if (/\.x?html?$/.test(target) || needHtmlFragment) {
        let f;
        try {
          f = decodeURIComponent(frag);
        } catch (e) {
          f = frag;
        }
        if (!idsOf(target).has(f) && !idsOf(target).has(frag)) return "no id \"" + f + "\" in " + path.relative(out, target);
      }
    }
    return null;
  };

  const external = new Map(); // url -> [pages]
  const loads = []; // resources from other origins
  for (const rel of htmls) {
    const problems = [];
    const list = tags(fs.readFileSync(path.join(out, rel), "utf8"));
    for (const t of list) {
      for (const an of ["href", "src", "xlink:href", "action", "poster", "srcset", "data", "formaction", "cite"]) {
        if (t.attrs[an] === undefined) continue;
        if (an === "data" && t.name !== "object") continue;
        const vals = an === "srcset" ? t.attrs[an].split(",").map((s) => s.trim().split(/\s+/)[0]) : [t.attrs[an].trim()];
        for (const v of vals) {
          const where = rel + ":" + t.line + ": <" + t.name + " " + an + "=\"" + v + "\">: ";
          const loaded = an !== "href" && an !== "xlink:href" && an !== "action" && an !== "cite" && an !== "formaction" ||
            (t.name === "link" && !/^(alternate|canonical|author|license|help|next|prev|search)$/i.test(t.attrs.rel || ""));
          if (v === "") {
            problems.push(where + "empty reference");
          } else if (/^\/\//.test(v)) {
            (loaded ? loads : problems).push(where + "protocol-relative reference to another origin");
          } else if (/^[a-z][a-z0-9+.-]*:/i.test(v)) {
            const scheme = v.split(":")[0].toLowerCase();
            if (scheme === "http" || scheme === "https") {
              if (loaded) loads.push(where + "loads from another origin");
              else {
                if (!external.has(v)) external.set(v, []);
                external.get(v).push(rel);
              }
            } else if (scheme === "mailto" && an === "href") {
              // fine
            } else if (scheme === "data" && loaded) {
              // fine: inline images are allowed by the CSP
            } else {
              problems.push(where + "'" + scheme + ":' reference");
            }
          } else if (v.startsWith("/")) {
            problems.push(where + "root-relative reference (breaks when the site is opened from disk or a sub-folder)");
          } else {
            const err = resolve(rel, v, t.name === "use");
            if (err) problems.push(where + err);
          }
        }
      }
    }
    report.check("links: " + rel, problems);
  }

  // absolute links: only to addresses written in the content
  const unknown = [];
  for (const [u, pages] of external) {
    const bare = u.replace(/\/$/, "");
    if (!corpus.includes(u) && !corpus.includes(bare)) unknown.push(u + " (on " + [...new Set(pages)].slice(0, 3).join(", ") + ")");
  }
  report.check("links: absolute http(s) links all come from the content (" + external.size + " addresses)",
    contentDirs.length ? unknown : ["no content folder given"]);
  report.check("links: no page loads anything from another origin (src, <link>): no CDN", loads);

  // stylesheets: url() inside the site, no @import from elsewhere
  const cssProblems = [];
  for (const rel of walk(out, (f) => f.endsWith(".css"))) {
    const css = fs.readFileSync(path.join(out, rel), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    for (const m of css.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(['"])([^'"]+)\3/g)) {
      const v = (m[2] !== undefined ? m[2] : m[4]).trim();
      if (/^data:/.test(v) || v.startsWith("#")) continue;
      if (/^([a-z]+:)?\/\//i.test(v)) cssProblems.push(rel + ": " + v + ": another origin");
      else {
        const err = resolve(rel, v, false);
        if (err) cssProblems.push(rel + ": " + v + ": " + err);
      }
    }
  }
  report.check("links: stylesheets reference only files of the site", cssProblems);

  // a published page must not show where it was built: no absolute path of
  // this checkout or of the build folder (it leaks, and it makes the output
  // depend on the machine)
  const leaks = [];
  const roots = [...new Set([path.resolve(__dirname, "..", ".."), out, path.dirname(out)])];
  for (const rel of walk(out, (f) => /\.(html|js|json|xml|css|txt)$/.test(f))) {
    const text = fs.readFileSync(path.join(out, rel), "utf8");
    for (const r of roots) {
      const at = text.indexOf(r + "/");
      if (at >= 0) {
        const line = text.slice(0, at).split("\n").length;
        leaks.push(rel + ":" + line + ": " + text.slice(at, at + 80).split(/["<\s]/)[0]);
        break;
      }
    }
  }
  report.check("links: no absolute path of the build machine in the site", leaks);

  // the search index: every record's URL must open, and meta.js counts
  // exactly the records the chunks hold
  const sdir = path.join(out, "search");
  if (fs.existsSync(path.join(sdir, "meta.js"))) {
    const problems = [];
    let entries = [];
    const ddir = path.join(sdir, "d");
    const chunks = fs.existsSync(ddir) ? fs.readdirSync(ddir).filter((f) => /^\d+\.js$/.test(f)) : [];
    chunks.sort((a, b) => parseInt(a) - parseInt(b));
    for (const f of chunks) {
      const text = fs.readFileSync(path.join(ddir, f), "utf8");
      const m = /^DOSSIER_SEARCH\.d\[(\d+)\] = (\[[\s\S]*\]);\s*$/m.exec(text);
      if (!m || m[1] !== String(parseInt(f))) { problems.push("search/d/" + f + ": not a record chunk"); continue; }
      try { entries = entries.concat(JSON.parse(m[2])); } catch (e) { problems.push("search/d/" + f + ": " + e.message); }
    }
    const meta = /"records":(\d+)/.exec(fs.readFileSync(path.join(sdir, "meta.js"), "utf8"));
    if (!meta || +meta[1] !== entries.length) problems.push("meta.js counts " + (meta && meta[1]) + " records, the chunks hold " + entries.length);
    for (const e of entries) {
      if (!e || typeof e.u !== "string") {
        problems.push("an entry without a URL: " + JSON.stringify(e).slice(0, 100));
        continue;
      }
      const err = /^[a-z]+:|^\//i.test(e.u) ? "not a relative URL" : resolve("search.html", e.u, false);
      if (err) problems.push((e.t || "?") + " → " + e.u + ": " + err);
    }
    report.check("links: the " + entries.length + " URLs of the search index resolve", problems);
  } else {
    report.check("links: the site has a search index (search/meta.js)", ["search/meta.js is missing"]);
  }
  report.done();
}

try {
  main();
} catch (e) {
  report.fail("links: crashed", String((e && e.stack) || e).split("\n").slice(0, 8));
  report.done();
}
