/* Client-side search over window.DOSSIER_SEARCH (search-index.js), loaded
 * with a script tag so it also works when the site is opened from disk.
 * Every term must match (title, kind or text); title hits rank first. */
(function () {
  "use strict";
  var index = window.DOSSIER_SEARCH || [];
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!form || !input || !list) return;
  var KINDS = { model: "Model", release: "Release", answer: "Checklist answer",
                framework: "Framework", page: "Page" };

  function norm(s) {
    return (s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  var prepared = index.map(function (e) {
    return { e: e, t: norm(e.t), x: norm(e.x) };
  });

  function highlight(text, terms) {
    var frag = document.createDocumentFragment();
    var low = norm(text);
    var pos = 0;
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

  function run(q) {
    var terms = norm(q).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!terms.length) { status.textContent = "Type a word and press Enter."; return; }
    var hits = [];
    prepared.forEach(function (p) {
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var inT = p.t.indexOf(terms[i]) >= 0, inX = p.x.indexOf(terms[i]) >= 0;
        if (!inT && !inX) return;
        score += inT ? 3 : 1;
      }
      hits.push({ p: p, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.p.e.t.localeCompare(b.p.e.t); });
    status.textContent = hits.length + (hits.length === 1 ? " result" : " results") + " for “" + q + "”";
    hits.slice(0, 200).forEach(function (h) {
      var e = h.p.e;
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
