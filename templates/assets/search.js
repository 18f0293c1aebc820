/* Client-side search over the split index in search/ (docs/formats.md).
 * search/meta.js comes with the page; a query then loads the term shard
 * of each of its words and the record chunks of the results it shows, as
 * <script> tags, which also load when the site is opened from disk.
 * Every word of the query must match a word of the record (its start: a
 * query word of one character must match a whole word); title hits rank
 * first. Words are made as generator/search.c makes them. */
(function () {
  "use strict";
  var S = window.DOSSIER_SEARCH;
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var more = document.getElementById("search-more");
  if (!form || !input || !list) return;
  var KINDS = { model: "Model", release: "Release", answer: "Checklist answer",
                framework: "Framework", page: "Page" };
  var PAGE = 50;
  var me = document.currentScript && document.currentScript.src;
  var base = me ? me.replace(/assets\/search\.js(\?.*)?$/, "search/") : "search/";
  var shards = {};
  if (S) S.shards.forEach(function (k) { shards[k] = true; });
  if (S) { S.words = words; S.key = key; } /* for the browser tests */

  function norm(s) {
    return (s || "").toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/ς/g, "σ");
  }
  var WORD = /[\p{L}\p{Nd}]/u;
  function isDigit(c) { return c >= "0" && c <= "9"; }
  function words(s) {
    var out = [], w = "", chars = Array.from(norm(s));
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i];
      if (WORD.test(c)) w += c;
      else if (c === "." && w && isDigit(w[w.length - 1]) && isDigit(chars[i + 1] || "")) w += c;
      else if (w) { out.push(w); w = ""; }
    }
    if (w) out.push(w);
    return out;
  }
  function key(w) {
    return Array.from(w).slice(0, 2).map(function (c) {
      return /^[a-z0-9]$/.test(c) ? c : "_" + c.codePointAt(0).toString(16) + "_";
    }).join("");
  }

  var loading = {};
  function load(rel) {
    if (!loading[rel]) {
      loading[rel] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = base + rel;
        s.onload = function () { resolve(); };
        s.onerror = function () { reject(new Error("cannot load " + rel)); };
        document.head.appendChild(s);
      });
    }
    return loading[rel];
  }

  /* record -> 3 (in the title) or 1, for every record holding a word that
   * starts with w (or is w, for one character) */
  function matches(w) {
    var k = key(w);
    if (!shards[k]) return Promise.resolve({});
    return load("t/" + k + ".js").then(function () {
      var terms = S.t[k] || {}, hits = {};
      var one = Array.from(w).length === 1;
      Object.keys(terms).forEach(function (t) {
        if (one ? t !== w : t.lastIndexOf(w, 0) !== 0) return;
        var doc = 0, l = terms[t];
        for (var i = 0; i < l.length; i++) {
          doc += Math.floor(l[i] / 2);
          var s = l[i] % 2 ? 3 : 1;
          if (!(hits[doc] >= s)) hits[doc] = s;
        }
      });
      return hits;
    });
  }

  function highlight(text, terms) {
    var frag = document.createDocumentFragment();
    var low = norm(text);
    var pos = 0;
    /* norm() keeps the length of most text; where it does not, show the
     * text without marks rather than marks in the wrong place */
    if (low.length !== text.length) terms = [];
    while (pos < text.length) {
      var best = -1, len = 0;
      for (var i = 0; i < terms.length; i++) {
        var at = low.indexOf(terms[i], pos);
        if (at >= 0 && (best < 0 || at < best)) { best = at; len = terms[i].length; }
      }
      if (best < 0) break;
      frag.appendChild(document.createTextNode(text.slice(pos, best)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(best, best + len);
      frag.appendChild(mark);
      pos = best + len;
    }
    frag.appendChild(document.createTextNode(text.slice(pos)));
    return frag;
  }

  function snippet(text, terms) {
    var low = norm(text);
    var at = low.indexOf(terms[0]);
    if (at < 0) return text.slice(0, 160);
    var start = Math.max(0, at - 60);
    var s = text.slice(start, start + 180);
    return (start > 0 ? "…" : "") + s + (start + 180 < text.length ? "…" : "");
  }

  function record(doc) {
    var c = Math.floor(doc / S.chunk);
    return load("d/" + c + ".js").then(function () { return S.d[c][doc - c * S.chunk]; });
  }

  function show(hits, from, terms, mine) {
    var page = hits.slice(from, from + PAGE);
    return Promise.all(page.map(function (h) { return record(h.doc); })).then(function (recs) {
      if (mine !== runs) return; /* a newer query has started */
      recs.forEach(function (e) {
        if (!e) return;
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = e.u;
        a.appendChild(highlight(e.t, terms));
        var kind = document.createElement("span");
        kind.className = "search-kind";
        kind.textContent = KINDS[e.k] || e.k;
        var p = document.createElement("p");
        p.appendChild(highlight(snippet(e.x, terms), terms));
        li.appendChild(kind);
        li.appendChild(a);
        li.appendChild(p);
        list.appendChild(li);
      });
      var left = hits.length - (from + page.length);
      if (more) {
        more.hidden = left <= 0;
        more.textContent = "Show " + Math.min(left, PAGE) + " more of " + left;
        more.onclick = function () { show(hits, from + PAGE, terms, mine); };
      }
    });
  }

  var runs = 0;
  function run(q) {
    var terms = words(q);
    var mine = ++runs;
    list.textContent = "";
    if (more) more.hidden = true;
    if (!terms.length) { status.textContent = "Type a word and press Enter."; return; }
    if (!S) { status.textContent = "The search index (search/meta.js) did not load."; return; }
    status.textContent = "Searching…";
    Promise.all(terms.map(matches)).then(function (each) {
      if (mine !== runs) return;
      var hits = [];
      Object.keys(each[0]).forEach(function (d) {
        var score = 0;
        for (var i = 0; i < each.length; i++) {
          if (!each[i][d]) return;
          score += each[i][d];
        }
        hits.push({ doc: +d, score: score });
      });
      hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
      status.textContent = hits.length + (hits.length === 1 ? " result" : " results") + " for “" + q + "”";
      return show(hits, 0, terms, mine);
    }).catch(function (err) {
      if (mine === runs) status.textContent = "Search failed: " + err.message;
    });
  }

  var q = new URLSearchParams(window.location.search).get("q") || "";
  input.value = q;
  run(q);
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var v = input.value;
    if (window.history && window.location.protocol !== "file:") {
      window.history.replaceState(null, "", "?q=" + encodeURIComponent(v));
    }
    run(v);
  });
})();
