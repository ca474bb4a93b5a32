// Run page: one chart per metric (train + validation), the learning rate with adaptations,
// and live updates: while the run is "running", poll the JSON twin and extend the traces.
"use strict";
(function () {
  let ctx = KP.ctx();
  const chartsBox = document.getElementById("charts");
  const lrDiv = document.getElementById("chart-lr");
  const drawn = new Map();   // metric -> {div, series}
  let plotted = 0;           // epochs already in the traces
  const config = KP.plotConfig;

  function column(epochs, name) { return epochs.map(e => (e[name] === undefined ? null : e[name])); }
  function xs(epochs) { return epochs.map(e => e.epoch); }
  function layout(title, ytitle) {
    // the title is the HTML heading above the chart: plotly's toolbar cannot cover it
    return {margin: {l: 55, r: 15, t: 24, b: 64},
            xaxis: {title: {text: "epoch"}, dtick: 1}, yaxis: {title: {text: KP.esc(ytitle)}},
            legend: {orientation: "h", y: -0.28}, hovermode: "x unified"};
  }

  function drawChart(chart, epochs) {
    const div = KP.chartBox(chartsBox, chart.metric, {id: `chart-${drawn.size}`, "data-metric": chart.metric});
    const traces = chart.series.map(s => ({
      x: xs(epochs), y: column(epochs, s.column), name: s.name, mode: "lines+markers",
      line: {dash: s.name === "validation" ? "dash" : "solid"}}));
    Plotly.newPlot(div, traces, layout(chart.metric, chart.metric), config);
    drawn.set(chart.metric, {div, series: chart.series});
  }

  function lrTraces(epochs, adaptations) {
    return [
      {x: xs(epochs), y: column(epochs, "learning_rate"), name: "learning rate", mode: "lines+markers",
       line: {shape: "hv"}},
      {x: adaptations.map(a => a.epoch), y: adaptations.map(a => a.learning_rate), name: "adaptation",
       mode: "markers", marker: {symbol: "diamond", size: 13, color: "#d9480f"},
       hovertext: adaptations.map(a => `${KP.esc(a.technique ?? "adaptation")}: ${KP.fmt(a.previous_learning_rate)} → ${KP.fmt(a.learning_rate)}`),
       hoverinfo: "text+x"},
    ];
  }

  function drawAll() {
    for (const chart of ctx.charts) drawChart(chart, ctx.epochs);
    const l = layout("learning rate", "learning rate");
    l.hovermode = "closest";
    l.yaxis.type = KP.axisType(column(ctx.epochs, "learning_rate"));
    Plotly.newPlot(lrDiv, lrTraces(ctx.epochs, ctx.adaptations), l, config);
    plotted = ctx.epochs.length;
  }

  function update(next) {
    const fresh = next.epochs.slice(plotted);
    for (const chart of next.charts) {
      const d = drawn.get(chart.metric);
      if (!d) { drawChart(chart, next.epochs); continue; }   // a metric that just appeared
      if (!fresh.length) continue;
      if (d.series.length !== chart.series.length) {          // validation appeared later
        Plotly.react(d.div, chart.series.map(s => ({x: xs(next.epochs), y: column(next.epochs, s.column),
          name: s.name, mode: "lines+markers", line: {dash: s.name === "validation" ? "dash" : "solid"}})),
          d.div.layout);
        d.series = chart.series;
        continue;
      }
      Plotly.extendTraces(d.div, {x: d.series.map(() => xs(fresh)), y: d.series.map(s => column(fresh, s.column))},
                          d.series.map((_, i) => i));
    }
    if (fresh.length) {
      Plotly.extendTraces(lrDiv, {x: [xs(fresh)], y: [column(fresh, "learning_rate")]}, [0]);
    }
    const ad = lrTraces([], next.adaptations)[1];
    Plotly.restyle(lrDiv, {x: [ad.x], y: [ad.y], hovertext: [ad.hovertext]}, [1]);
    plotted = next.epochs.length;
    document.getElementById("epoch-count").textContent = String(next.epochs.length);
  }

  async function refreshDetails() {
    // The run ended: tests, files and task states changed. Swap the tables, keep the charts.
    const html = await (await fetch(location.pathname)).text();
    const doc = new DOMParser().parseFromString(html, "text/html");
    const details = doc.getElementById("details");
    if (details) document.getElementById("details").replaceWith(details);
  }

  function setStatus(status) {
    const badge = document.getElementById("status");
    badge.className = `badge ${status}`;
    badge.textContent = "";
    if (status === "running") badge.appendChild(KP.el("span", {class: "pulse"}));
    badge.appendChild(document.createTextNode(status));
  }

  async function poll() {
    try {
      const next = await KP.getJSON(location.pathname.replace(/\/$/, "") + ".json");
      update(next);
      const ended = next.run.status !== ctx.run.status;
      ctx = next;
      if (ended) { setStatus(next.run.status); await refreshDetails(); }
    } catch (e) { /* the store may be busy for a moment: try again at the next tick */ }
    if (ctx.run.status === "running") setTimeout(poll, 2000);
  }

  drawAll();
  if (ctx.run.status === "running") setTimeout(poll, 2000);
  window.KP_RUN = {plotted: () => plotted};
})();
