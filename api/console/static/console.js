/* The console's own script (no inline script: the CSP forbids it).
   Draws each <canvas data-chart="…"> with Chart.js; the table beside every chart holds
   the same figures, so the page reads without this script too. */
(function () {
  "use strict";
  var COLOURS = ["#1f6fb2", "#c2410c", "#15803d", "#7c3aed"];

  function draw(canvas) {
    if (canvas.dataset.drawn || typeof window.Chart === "undefined") { return; }
    var spec = JSON.parse(canvas.dataset.chart);
    canvas.dataset.drawn = "1";
    new window.Chart(canvas, {
      type: spec.kind,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          return { label: s.label, data: s.values.map(Number), backgroundColor: COLOURS[i % COLOURS.length] };
        })
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false }
    });
  }

  function drawAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("canvas[data-chart]"), draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
