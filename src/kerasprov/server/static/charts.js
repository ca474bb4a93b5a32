// Charts drawn here in SVG, without plotly's WebGL (which needs eval, and our CSP forbids
// it): parallel coordinates, with linear, log and categorical axes. Every name and value is
// SVG text set through textContent, never markup.
"use strict";
const KPChart = (function () {
  const NS = "http://www.w3.org/2000/svg";
  // Viridis, sampled: a dark line is a poor score, a yellow one a good score.
  const VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89",
                   "#35b779", "#6ece58", "#b5de2b", "#fde725"];

  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function isNum(v) { return typeof v === "number" && Number.isFinite(v); }
  function color(t) {  // t in [0, 1]
    const x = Math.max(0, Math.min(1, isNum(t) ? t : 0)) * (VIRIDIS.length - 1);
    const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
    const a = VIRIDIS[i], b = VIRIDIS[i + 1], f = x - i;
    const mix = k => Math.round(parseInt(a.substr(k, 2), 16) * (1 - f) + parseInt(b.substr(k, 2), 16) * f);
    return `rgb(${mix(1)},${mix(3)},${mix(5)})`;
  }

  // "Nice" ticks for a linear axis, and decades (with 2 and 5 when few) for a log axis.
  function linearTicks(lo, hi, n) {
    if (lo === hi) return [lo];
    const step0 = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log10(step0)));
    const step = [1, 2, 5, 10].map(m => m * mag).find(s => s >= step0) || step0;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
    return out;
  }
  function logTicks(lo, hi) {
    const out = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of (Math.log10(hi / lo) < 2 ? [1, 2, 5] : [1])) {
        const v = m * Math.pow(10, e);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(Number(v.toPrecision(6)));
      }
    }
    return out.length >= 2 ? out : [lo, hi];
  }

  // One axis: how a value maps to [0, 1] (0 = bottom) and which ticks it shows.
  function axis(dim) {
    const vals = dim.values.filter(v => v !== null && v !== undefined);
    if (vals.length && vals.every(isNum)) {
      const log = dim.log && vals.every(v => v > 0);
      const f = log ? Math.log10 : (v => v);
      let lo = Math.min(...vals), hi = Math.max(...vals);
      const ticks = log ? logTicks(lo, hi) : linearTicks(lo, hi, 4);
      if (lo === hi) { lo = f(lo) - 1; hi = f(hi) + 1; } else { lo = f(lo); hi = f(hi); }
      const pos = v => (isNum(v) && (!log || v > 0) ? (f(v) - lo) / (hi - lo) : null);
      return {kind: log ? "log" : "linear", pos, ticks: ticks.map(t => ({at: pos(t), text: KP.fmt(t)}))};
    }
    // Choices, booleans, text: one tick per distinct value, in sorted order.
    const names = [...new Set(vals.map(v => KP.fmt(v)))].sort();
    const at = name => (names.length === 1 ? 0.5 : names.indexOf(name) / (names.length - 1));
    return {kind: "category", pos: v => (v === null || v === undefined ? null : at(KP.fmt(v))),
            ticks: names.map(n => ({at: at(n), text: n}))};
  }

  /**
   * Parallel coordinates in SVG. dims: [{label, values, log}], one value per line; lines:
   * [{id, score, title}]; better: "max" or "min" (which scores are good: drawn yellow).
   * onClick(id) is called when a line is clicked. Returns the <svg>.
   */
  function parcoords(box, dims, lines, better, onClick) {
    box.textContent = "";
    const gap = 120, left = 60, right = 70, top = 44, bottom = 26, height = 320;
    const avail = Math.max(box.clientWidth || 0, 300);
    const width = Math.max(avail, left + right + gap * (dims.length - 1) * 0.6);
    const step = dims.length > 1 ? (width - left - right) / (dims.length - 1) : 0;
    const root = svg("svg", {class: "pc", width, height, viewBox: `0 0 ${width} ${height}`,
                             role: "img", "aria-label": "parallel coordinates"});
    root.style.minWidth = `${width}px`;
    const plotH = height - top - bottom;
    const y = p => top + (1 - p) * plotH;
    const axes = dims.map(axis);
    const scores = lines.map(l => l.score).filter(isNum);
    const lo = Math.min(...scores), hi = Math.max(...scores);
    const goodness = s => (!isNum(s) || hi === lo ? 1 : (better === "max" ? (s - lo) / (hi - lo) : (hi - s) / (hi - lo)));
    const g = svg("g", {class: "pc-lines"});
    // worst first, so the best lines are drawn on top
    const order = lines.map((l, i) => i).sort((a, b) => goodness(lines[a].score) - goodness(lines[b].score));
    for (const i of order) {
      const line = lines[i];
      let d = "", pen = "M";
      dims.forEach((dim, k) => {
        const p = axes[k].pos(dim.values[i]);
        if (p === null) { pen = "M"; return; }   // a missing value breaks the line
        d += `${pen}${(left + k * step).toFixed(1)},${y(p).toFixed(1)} `;
        pen = "L";
      });
      const path = svg("path", {class: "pc-line", d: d.trim(), stroke: color(goodness(line.score)),
                                "data-trial": line.id});
      path.appendChild(svg("title", {}, line.title));
      if (onClick) path.addEventListener("click", () => onClick(line.id));
      g.appendChild(path);
    }
    root.appendChild(g);
    dims.forEach((dim, k) => {
      const x = left + k * step, a = axes[k];
      const ga = svg("g", {class: `pc-axis ${a.kind}`, "data-axis": dim.label, "data-scale": a.kind});
      ga.appendChild(svg("line", {class: "axis", x1: x, x2: x, y1: top, y2: top + plotH}));
      // labels alternate between two rows so that long names on close axes do not collide
      ga.appendChild(svg("text", {class: "pc-label", x, y: k % 2 ? top - 10 : top - 26},
                         dim.label + (a.kind === "log" ? " (log)" : "")));
      for (const t of a.ticks) {
        if (t.at === null) continue;
        const tick = svg("g", {class: "tick"});
        tick.appendChild(svg("line", {x1: x - 4, x2: x, y1: y(t.at), y2: y(t.at), stroke: "#555"}));
        // a long choice is cut to fit between axes; its whole text is the tooltip
        const label = svg("text", {x: x - 6, y: y(t.at) + 4, "text-anchor": "end"},
                          t.text.length > 14 ? t.text.slice(0, 13) + "…" : t.text);
        if (t.text.length > 14) label.appendChild(svg("title", {}, t.text));
        tick.appendChild(label);
        ga.appendChild(tick);
      }
      root.appendChild(ga);
    });
    box.appendChild(root);
    return root;
  }

  return {parcoords, color};
})();
