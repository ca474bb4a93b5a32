// Search page: parallel coordinates of the hyperparameters against the objective, the
// objective over trials (with the best so far), and a trial's curves on click (a table row
// or a point). Names and values from users' scripts reach plotly escaped, the page as text.
"use strict";
(function () {
  const ctx = KP.ctx();
  const search = ctx.search;
  const config = KP.plotConfig;
  const done = ctx.trials.filter(t => t.status === "COMPLETED" && typeof t.score === "number");
  let shown = null;

  function isNumber(v) { return typeof v === "number" && Number.isFinite(v); }
  // the search space says how KerasTuner sampled each hyperparameter ("log", "linear"...)
  const sampling = {};
  for (const s of ctx.space || []) sampling[s.name] = String(s.sampling || "").toLowerCase();

  function drawParcoords() {
    const div = document.getElementById("chart-parcoords");
    if (!done.length) { div.textContent = "no completed trial yet"; return; }
    const dims = ctx.hyperparameters.map(h => ({label: h.name, values: done.map(t => t[h.column]),
                                                 log: sampling[h.name] === "log"}));
    dims.push({label: `${search.objective} (score)`, values: done.map(t => t.score), log: false});
    const lines = done.map(t => ({id: String(t.trial_id), score: t.score,
                                  title: `trial ${t.trial_id}: ${KP.fmt(t.score)}`}));
    KPChart.parcoords(div, dims, lines, ctx.maximize ? "max" : "min", showTrial);
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
    // One metric per y axis, stacked (a loss and an accuracy never share a scale).
    const traces = [];
    const layout = {margin: {l: 60, r: 15, t: 10, b: 60}, legend: {orientation: "h", y: -0.2},
                    xaxis: {title: {text: "epoch"}, dtick: 1, anchor: `y${metrics.length > 1 ? metrics.length : ""}`}};
    const gap = 0.08, h = (1 - gap * (metrics.length - 1)) / Math.max(1, metrics.length);
    metrics.forEach((m, k) => {
      const axis = k ? `y${k + 1}` : "y";
      const top = 1 - k * (h + gap);
      layout[k ? `yaxis${k + 1}` : "yaxis"] = {title: {text: KP.esc(m)}, domain: [Math.max(0, top - h), top]};
      data.run_ids.forEach((run, i) => {
        const rows = data.epochs.filter(e => e.run_id === run);
        traces.push({x: rows.map(e => e.epoch), y: rows.map(e => e[m]), mode: "lines+markers", yaxis: axis,
                     name: KP.esc(`execution ${i + 1}: ${m}`), legendgroup: `e${i}`,
                     line: {dash: m === search.objective ? "solid" : "dot"}});
      });
    });
    const div = document.getElementById("chart-curves");
    for (const line of document.querySelectorAll("path.pc-line")) {
      line.classList.toggle("selected", line.dataset.trial === trialId);
    }
    Plotly.react(div, traces, layout, config);
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
