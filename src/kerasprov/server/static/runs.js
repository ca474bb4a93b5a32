// Runs page: stays current by itself (new runs, new epochs, status changes) without a reload.
"use strict";
(function () {
  const signature = c => JSON.stringify([c.total, c.rows.map(r => [r.run_id, r.status, r.epochs])]);
  let seen = signature(KP.ctx());

  async function poll() {
    try {
      const now = await KP.getJSON("/.json" + location.search);
      const sig = signature(now);
      if (sig !== seen) {
        seen = sig;
        const checked = new Set([...document.querySelectorAll('input[name="runs"]:checked')].map(i => i.value));
        const doc = new DOMParser().parseFromString(await (await fetch(location.href)).text(), "text/html");
        for (const id of ["runs-body", "summary"]) {
          const fresh = doc.getElementById(id);
          if (fresh) document.getElementById(id).replaceWith(fresh);
        }
        for (const box of document.querySelectorAll('input[name="runs"]')) box.checked = checked.has(box.value);
      }
    } catch (e) { /* busy store: next tick */ }
    setTimeout(poll, 3000);
  }
  setTimeout(poll, 3000);

  // Choosing a dataflow or a status filters at once (no inline handlers: the CSP forbids them).
  for (const select of document.querySelectorAll("#filters select")) {
    select.addEventListener("change", () => select.form.submit());
  }

  // -- charts: the chosen runs' curves together, a hyperparameter against a metric --------
  const curveDiv = document.getElementById("chart-runs-curves");
  const scatterDiv = document.getElementById("chart-runs-scatter");
  const metricSelect = document.getElementById("curve-metric");
  const palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];
  const nameOf = r => (r && r.label ? r.label : (r ? r.run_id : ""));
  let curvesAsked = 0;

  function chosen() {
    const ticked = [...document.querySelectorAll('input[name="runs"]:checked')].map(i => i.value);
    if (ticked.length) return {ids: ticked.slice(0, 20), note: `${ticked.length} ticked run${ticked.length === 1 ? "" : "s"}`};
    const ids = KP.ctx().rows.map(r => r.run_id).slice(0, 5);
    return {ids, note: ids.length ? `the ${ids.length} newest on this page (tick runs to choose)` : ""};
  }

  async function drawCurves() {
    const mine = ++curvesAsked;
    const {ids, note} = chosen();
    document.getElementById("curve-runs").textContent = note;
    if (!ids.length) { Plotly.purge(curveDiv); curveDiv.dataset.runs = ""; return; }
    let data;
    try {
      data = await KP.getJSON("/compare.json?runs=" + ids.map(encodeURIComponent).join(","));
    } catch (e) { curveDiv.textContent = e.message; return; }
    if (mine !== curvesAsked) return;
    const m = metricSelect.value;
    const rows = Object.fromEntries(KP.ctx().rows.map(r => [r.run_id, r]));
    const traces = [];
    ids.forEach((rid, k) => {
      const s = data.series[rid] || {};
      for (const [col, part] of [[m, "train"], [`val_${m}`, "validation"]]) {
        if (!s[col] || s[col].every(v => v === null)) continue;
        traces.push({x: s.epoch || [], y: s[col], mode: "lines+markers", name: KP.esc(`${nameOf(rows[rid]) || rid} ${part}`),
                     line: {color: palette[k % palette.length], dash: part === "validation" ? "dash" : "solid"}});
      }
    });
    curveDiv.dataset.runs = ids.join(",");
    const legend = traces.length <= 8 ? traces.length : 0;  // one line per trace, below
    const height = 300 + 18 * legend;
    curveDiv.style.height = `${height}px`;
    // the height goes into the layout too: plotly keeps the height of its first drawing
    Plotly.react(curveDiv, traces, {height, margin: {l: 55, r: 10, t: 24, b: 50 + 18 * legend},
      xaxis: {title: {text: "epoch", standoff: 4}, dtick: 1}, yaxis: {title: {text: KP.esc(m)}},
      showlegend: legend > 0, legend: {orientation: "h", yanchor: "top", y: -0.25, font: {size: 10}}},
      KP.plotConfig);
  }

  function drawScatter() {
    const xc = document.getElementById("scatter-x").value, yc = document.getElementById("scatter-y").value;
    const rows = KP.ctx().rows.filter(r => r[xc] !== null && r[xc] !== undefined && typeof r[yc] === "number");
    const x = rows.map(r => (typeof r[xc] === "number" ? r[xc] : KP.esc(KP.fmt(r[xc]))));
    const numeric = rows.every(r => typeof r[xc] === "number");
    Plotly.react(scatterDiv, [{x, y: rows.map(r => r[yc]), mode: "markers", type: "scatter", marker: {size: 10},
      text: rows.map(r => KP.esc(nameOf(r))), hovertemplate: "%{text}<br>%{x}: %{y}<extra></extra>"}],
      {margin: {l: 55, r: 10, t: 24, b: 50}, xaxis: {title: {text: KP.esc(xc)}, type: numeric ? KP.axisType(x) : "category"},
       yaxis: {title: {text: KP.esc(yc)}}}, KP.plotConfig);
  }

  document.addEventListener("change", ev => {
    if (ev.target.matches('input[name="runs"]') || ev.target === metricSelect) drawCurves();
    if (ev.target.matches("#scatter-x, #scatter-y")) drawScatter();
  });
  drawCurves();
  drawScatter();

  document.getElementById("compare").addEventListener("submit", ev => {
    const ids = [...document.querySelectorAll('input[name="runs"]:checked')].map(i => i.value);
    ev.preventDefault();
    if (!ids.length) { alert("Tick the runs to compare first."); return; }
    location.href = "/compare?runs=" + ids.map(encodeURIComponent).join(",");
  });
})();
