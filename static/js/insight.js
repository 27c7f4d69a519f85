/* The cohort dashboard: a bar chart below each table marked data-chart, drawn with Chart.js
   from the table's own numbers (the td[data-value] cells; one bar series per header marked
   data-series, the rows' headers as labels). The table stays: it is the accessible version and
   the page works without this script. data-chart-max fixes the top of the scale (100 for
   percentages). */
(function () {
  "use strict";
  var COLOURS = ["#1a4f9c", "#b35900", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#5d4037"];
  function draw() {
    if (typeof window.Chart === "undefined") { return; }
    document.querySelectorAll("table[data-chart]").forEach(function (table) {
      var names = [];
      table.querySelectorAll("thead th[data-series]").forEach(function (head) {
        names.push(head.textContent.trim());
      });
      var labels = [];
      var series = names.map(function () { return []; });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var head = row.querySelector("th");
        var cells = row.querySelectorAll("td[data-value]");
        if (!head || !cells.length) { return; }
        labels.push(head.textContent.trim());
        cells.forEach(function (cell, index) {
          if (index < series.length) { series[index].push(Number(cell.getAttribute("data-value"))); }
        });
      });
      if (!labels.length || !series.length) { return; }
      var box = document.createElement("div");
      box.className = "result-chart";
      // The chart repeats the table: hidden from screen readers.
      box.setAttribute("aria-hidden", "true");
      var canvas = document.createElement("canvas");
      box.appendChild(canvas);
      var after = table.closest(".table-scroll") || table;
      after.parentNode.insertBefore(box, after.nextSibling);
      var max = table.getAttribute("data-chart-max");
      var y = { beginAtZero: true, ticks: { precision: 0 } };
      if (max) { y.max = Number(max); }
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: labels,
          datasets: series.map(function (values, index) {
            return { label: names[index], data: values, backgroundColor: COLOURS[index % COLOURS.length] };
          })
        },
        options: {
          animation: false,
          plugins: { legend: { display: series.length > 1 } },
          scales: { y: y }
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
