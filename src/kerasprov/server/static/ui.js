// Shared helpers for the kerasprov pages. Values from users' scripts are put in the page with
// textContent (never innerHTML), and given to plotly escaped (plotly reads a few HTML tags).
"use strict";
const KP = {
  ctx() { return JSON.parse(document.getElementById("ctx").textContent); },
  // plotly renders <b>, <br>, <a> in labels: escape so a name always shows as text
  esc(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); },
  fmt(v) {
    if (v === null || v === undefined) return "—";
    if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  },
  async getJSON(url, options) {
    const resp = await fetch(url, Object.assign({headers: {"Accept": "application/json"}}, options || {}));
    let body;
    try { body = await resp.json(); } catch (e) { body = {ok: false, error: `HTTP ${resp.status}`, status: resp.status}; }
    if (!body.ok) { const err = new Error(body.error || `HTTP ${resp.status}`); err.body = body; throw err; }
    return body;
  },
  postJSON(url, data) {
    return KP.getJSON(url, {method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json"},
                            body: JSON.stringify(data)});
  },
  el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  },
  // A result table built with textContent only.
  table(columns, rows) {
    const t = KP.el("table", {class: "grid result"});
    const head = t.createTHead().insertRow();
    for (const c of columns) head.appendChild(KP.el("th", {}, c));
    const body = t.createTBody();
    for (const r of rows) {
      const tr = body.insertRow();
      for (const c of columns) {
        const td = tr.insertCell();
        const v = r[c];
        td.textContent = KP.fmt(v);
        if (typeof v === "number") td.className = "num";
      }
    }
    const wrap = KP.el("div", {class: "scroll"});
    wrap.appendChild(t);
    return wrap;
  },
  // plotly's options for every chart: no logo, redrawn when the page resizes, and a short
  // toolbar (titles are HTML above the chart, so the toolbar never sits on one).
  plotConfig: {displaylogo: false, responsive: true,
               modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines",
                                        "hoverClosestCartesian", "hoverCompareCartesian"]},
  // A titled chart box: <div class="chart-box"><h3>title</h3><div class="chart"></div></div>
  chartBox(parent, title, attrs) {
    const box = KP.el("div", {class: "chart-box"});
    box.appendChild(KP.el("h3", {}, title));
    const div = KP.el("div", Object.assign({class: "chart"}, attrs || {}));
    box.appendChild(div);
    parent.appendChild(box);
    return div;
  },
  // A log axis when every value is positive and they span two decades or more.
  axisType(values) {
    const v = values.filter(x => typeof x === "number" && Number.isFinite(x));
    return v.length > 1 && v.every(x => x > 0) && Math.max(...v) / Math.min(...v) >= 100 ? "log" : "linear";
  },
  showError(box, message) {
    box.textContent = message || "";
    box.hidden = !message;
  },
};
