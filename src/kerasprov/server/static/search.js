// Search page: parallel coordinates of the hyperparameters against the objective, the
// objective over trials (with the best so far), and a trial's curves on click (a table row
// or a point). Names and values from users' scripts reach plotly escaped, the page as text.
"use strict";
(function () {
  const ctx = KP.ctx();
  const search = ctx.search;
  const config = {displaylogo: false, responsive: true};
  const done = ctx.trials.filter(t => t.status === "COMPLETED" && typeof t.score === "number");
  let shown = null;

  function isNumber(v) { return typeof v === "number" && Number.isFinite(v); }
  // parcoords draws its labels as plain SVG text (no entities): angle brackets become look-alikes
  function plain(s) { return String(s).replace(/</g, "\u2039").replace(/>/g, "\u203a"); }

  function dimension(label, values) {
    if (values.every(v => v === null || isNumber(v))) {
      return {label: plain(label), values: values.map(v => (v === null ? NaN : v))};
    }
    // Choices, booleans, text: one tick per distinct value.
    const names = [...new Set(values.map(v => KP.fmt(v)))].sort();
    return {label: plain(label), values: values.map(v => names.indexOf(KP.fmt(v))),
            tickvals: names.map((_, i) => i), ticktext: names.map(n => plain(n))};
  }

  function drawParcoords() {
    const div = document.getElementById("chart-parcoords");
    if (!done.length) { div.textContent = "no completed trial yet"; return; }
    const dims = ctx.hyperparameters.map(h => dimension(h.name, done.map(t => t[h.column])));
    const scores = done.map(t => t.score);
    dims.push({label: plain(`${search.objective} (score)`), values: scores});
    Plotly.newPlot(div, [{type: "parcoords", dimensions: dims,
      line: {color: scores, colorscale: "Viridis", reversescale: !ctx.maximize, showscale: true,
             colorbar: {title: {text: "score"}}}}],
      {margin: {l: 70, r: 70, t: 50, b: 30}}, config);
  }

  function drawObjective() {
    const div = document.getElementById("chart-objective");
    const ordered = [...ctx.trials].sort((a, b) => String(a.start_time).localeCompare(String(b.start_time)));
    const x = ordered.map(t => String(t.trial_id));
    const y = ordered.map(t => (isNumber(t.score) ? t.score : null));
    let best = null;
    const bestSoFar = y.map(v => {
      if (v !== null && (best === null || (ctx.maximize ? v > best : v < best))) best = v;
      return best;
    });
    const failed = ordered.filter(t => t.status !== "COMPLETED");
    Plotly.newPlot(div, [
      {x, y, mode: "markers", name: "score", customdata: x, marker: {size: 10}},
      {x, y: bestSoFar, mode: "lines", name: "best so far", line: {shape: "hv"}, hoverinfo: "skip"},
      {x: failed.map(t => String(t.trial_id)), y: failed.map(() => null), mode: "markers",
       name: "failed", customdata: failed.map(t => String(t.trial_id)), marker: {symbol: "x"}},
    ], {margin: {l: 60, r: 15, t: 20, b: 60}, xaxis: {title: {text: "trial"}, type: "category"},
        yaxis: {title: {text: KP.esc(search.objective)}}, legend: {orientation: "h", y: -0.3}}, config);
    div.on("plotly_click", ev => { if (ev.points.length) showTrial(String(ev.points[0].customdata)); });
  }

  async function showTrial(trialId) {
    const box = document.getElementById("curves-error");
    KP.showError(box, "");
    for (const row of document.querySelectorAll("tr.trial-row")) {
      row.classList.toggle("selected", row.dataset.trial === trialId);
    }
    document.getElementById("curves-trial").textContent = trialId;
    let data;
    try {
      data = await KP.getJSON(`/searches/${encodeURIComponent(search.search_id)}/trials/${encodeURIComponent(trialId)}.json`);
    } catch (e) { KP.showError(box, e.message); return; }
    const wanted = [search.objective, "loss"].filter((m, i, a) => data.metrics.includes(m) && a.indexOf(m) === i);
    const metrics = wanted.length ? wanted : data.metrics.slice(0, 2);
    const traces = [];
    data.run_ids.forEach((run, i) => {
      const rows = data.epochs.filter(e => e.run_id === run);
      for (const m of metrics) {
        traces.push({x: rows.map(e => e.epoch), y: rows.map(e => e[m]), mode: "lines+markers",
                     name: KP.esc(`execution ${i + 1}: ${m}`), line: {dash: m === search.objective ? "solid" : "dot"}});
      }
    });
    const div = document.getElementById("chart-curves");
    Plotly.react(div, traces, {margin: {l: 60, r: 15, t: 20, b: 60}, xaxis: {title: {text: "epoch"}, dtick: 1},
                               legend: {orientation: "h", y: -0.3}}, config);
    shown = trialId;
    if (!traces.length) KP.showError(box, "this trial has no epochs (it failed before training)");
  }

  for (const row of document.querySelectorAll("tr.trial-row")) {
    row.addEventListener("click", () => showTrial(row.dataset.trial));
  }
  drawParcoords();
  drawObjective();
  const best = ctx.trials.find(t => t.rank === 1 && t.status === "COMPLETED");
  if (best) showTrial(String(best.trial_id));
  window.KP_SEARCH = {shown: () => shown};
})();
