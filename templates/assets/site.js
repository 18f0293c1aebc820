/* Model list filters: plain DOM, no dependencies, works from file://. */
(function () {
  "use strict";
  var form = document.getElementById("model-filters");
  var table = document.getElementById("model-table");
  if (!form || !table) return;
  var rows = table.tBodies[0].rows;
  var count = document.getElementById("model-count");
  function apply() {
    var want = {
      risk: form.elements.risk.value,
      status: form.elements.status.value,
      owner: form.elements.owner.value,
    };
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var ok = (!want.risk || r.getAttribute("data-risk") === want.risk) &&
        (!want.status || r.getAttribute("data-status") === want.status) &&
        (!want.owner || r.getAttribute("data-owner") === want.owner);
      r.hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = shown + " of " + rows.length + " models";
  }
  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
})();
