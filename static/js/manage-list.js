// Applications list: a "tick all on this page" box for the bulk decisions (progressive
// enhancement; without JavaScript every row is ticked one by one).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var all = document.querySelector("[data-select-all]");
    if (!all) {
      return;
    }
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-select-row]"));
    var holder = all.closest(".select-all");
    var fallback = document.querySelector("[data-select-label]");
    if (holder) {
      holder.hidden = false;
    }
    if (fallback) {
      fallback.remove();
    }
    function sync() {
      var ticked = rows.filter(function (box) { return box.checked; }).length;
      all.checked = ticked > 0 && ticked === rows.length;
      all.indeterminate = ticked > 0 && ticked < rows.length;
    }
    all.addEventListener("change", function () {
      rows.forEach(function (box) { box.checked = all.checked; });
      sync();
    });
    rows.forEach(function (box) { box.addEventListener("change", sync); });
    sync();
  });
})();
