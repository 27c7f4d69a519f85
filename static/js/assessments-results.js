/* Survey results: a bar chart below each results table (after its caption and numbers) (tables marked data-chart), drawn with
   Chart.js from the table's own numbers. The table stays: it is the accessible version and the
   page works without this script. */
(function () {
  "use strict";
  function draw() {
    if (typeof window.Chart === "undefined") { return; }
    document.querySelectorAll("table[data-chart]").forEach(function (table) {
      var labels = [];
      var values = [];
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var head = row.querySelector("th");
        var cell = row.querySelector("td[data-value]");
        if (head && cell) {
          labels.push(head.textContent.trim());
          values.push(Number(cell.getAttribute("data-value")));
        }
      });
      if (!labels.length) { return; }
      var box = document.createElement("div");
      box.className = "result-chart";
      // The chart repeats the table above it: hidden from screen readers.
      box.setAttribute("aria-hidden", "true");
      var canvas = document.createElement("canvas");
      box.appendChild(canvas);
      table.parentNode.insertBefore(box, table.nextSibling);
      var caption = table.querySelector("caption");
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: labels,
          datasets: [{ label: caption ? caption.textContent.trim() : "", data: values, backgroundColor: "#1a4f9c" }]
        },
        options: {
          animation: false,
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
