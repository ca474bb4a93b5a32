// Compare page: each metric's curves of every selected run overlaid (validation dashed).
"use strict";
(function () {
  const ctx = KP.ctx();
  const box = document.getElementById("charts");
  const labels = Object.fromEntries(ctx.runs.map(r => [r.run_id, r.label]));  // people's names
  const palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];
  ctx.charts.forEach((chart, i) => {
    const traces = [];
    ctx.run_ids.forEach((rid, k) => {
      const s = ctx.series[rid] || {};
      for (const part of chart.series) {
        traces.push({x: s.epoch || [], y: s[part.column] || [], mode: "lines+markers",
                     name: `${KP.esc(labels[rid] || rid)} ${part.name}`,
                     line: {color: palette[k % palette.length], dash: part.name === "validation" ? "dash" : "solid",
                            shape: chart.metric === "learning_rate" ? "hv" : "linear"}});
      }
    });
    const div = KP.chartBox(box, chart.metric, {id: `chart-${i}`, "data-metric": chart.metric});
    div.style.height = `${260 + 18 * traces.length}px`;  // room for one legend line per trace
    Plotly.newPlot(div, traces, {margin: {l: 55, r: 15, t: 24, b: 40 + 18 * traces.length}, xaxis: {dtick: 1},
      yaxis: {type: KP.axisType(traces.flatMap(t => t.y))},
      legend: {orientation: "h", yanchor: "top", y: -0.22, font: {size: 10}}}, KP.plotConfig);
  });
})();
