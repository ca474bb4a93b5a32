// Lineage page: the subgraph laid out left to right in dependency order by dagre (vendored,
// static/dagre.js), drawn in SVG. Task nodes show their transformation, their run (once) and
// key input values; file nodes their name and, for versions of one file, the epoch, stacked
// in epoch order. Names reach the SVG as text only.
"use strict";
(function () {
  const ctx = KP.ctx();
  const NS = "http://www.w3.org/2000/svg";
  const W = 220, LINE = 15, PAD = 8;
  const box = document.getElementById("lineage-box");

  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  const cut = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

  // The lines a node shows: its name, then the run or the file's version, then values.
  function lines(n) {
    const out = [{text: cut(String(n.label), 30), cls: "name"}];
    if (n.sub) out.push({text: cut(String(n.sub), 34), cls: "sub"});
    for (const [k, v] of n.values || []) out.push({text: cut(`${k} = ${v}`, 32), cls: "value"});
    return out;
  }

  function layout() {
    const g = new dagre.graphlib.Graph();
    g.setGraph({rankdir: "LR", nodesep: 14, ranksep: 70, edgesep: 10, marginx: 12, marginy: 12});
    g.setDefaultEdgeLabel(() => ({}));
    for (const n of ctx.nodes) g.setNode(n.id, {width: W, height: PAD * 2 + LINE * lines(n).length});
    for (const e of ctx.edges) if (g.hasNode(e.src) && g.hasNode(e.dst)) g.setEdge(e.src, e.dst);
    dagre.layout(g);
    const pos = new Map(ctx.nodes.map(n => {
      const p = g.node(n.id);
      return [n.id, {x: p.x - p.width / 2, y: p.y - p.height / 2, w: p.width, h: p.height}];
    }));
    // Versions of one file in one column: dagre orders them to cut crossings; people read
    // them by epoch. Give the same slots to the versions in epoch order.
    const groups = new Map();
    for (const n of ctx.nodes) {
      if (n.kind !== "file" || n.epoch === null || n.epoch === undefined) continue;
      const key = `${Math.round(pos.get(n.id).x)}|${n.label}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(n);
    }
    for (const members of groups.values()) {
      const slots = members.map(n => pos.get(n.id).y).sort((a, b) => a - b);
      members.sort((a, b) => a.epoch - b.epoch).forEach((n, i) => { pos.get(n.id).y = slots[i]; });
    }
    const gr = g.graph();
    return {pos, width: gr.width || W, height: gr.height || 60};
  }

  function draw() {
    if (!ctx.nodes.length) { box.appendChild(KP.el("p", {class: "empty"}, "nothing to draw")); return; }
    const {pos, width, height} = layout();
    const root = svg("svg", {class: "graph lineage-graph", id: "lineage-graph", width, height,
                             viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "lineage graph"});
    const defs = svg("defs");
    const marker = svg("marker", {id: "lin-arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 8,
                                  markerHeight: 8, orient: "auto-start-reverse"});
    marker.appendChild(svg("path", {d: "M0,0 L10,5 L0,10 z", fill: "#5b6b7f"}));
    defs.appendChild(marker);
    root.appendChild(defs);
    for (const e of ctx.edges) {
      const a = pos.get(e.src), b = pos.get(e.dst);
      if (!a || !b) continue;
      const x1 = a.x + a.w, y1 = a.y + a.h / 2, x2 = b.x, y2 = b.y + b.h / 2, mx = (x1 + x2) / 2;
      const ge = svg("g", {class: `lin-edge ${e.relation || ""}`, "data-src": e.src, "data-dst": e.dst});
      const path = svg("path", {d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, "marker-end": "url(#lin-arrow)"});
      path.appendChild(svg("title", {}, e.relation || ""));
      ge.appendChild(path);
      root.appendChild(ge);
    }
    for (const n of ctx.nodes) {
      const p = pos.get(n.id);
      const link = svg("a", {href: n.href || "#"});
      const gn = svg("g", {class: `lin-node ${n.kind}${n.depth === 0 ? " start" : ""}`, "data-node": n.id,
                           "data-depth": n.depth, "data-x": Math.round(p.x), "data-y": Math.round(p.y),
                           "data-w": Math.round(p.w), "data-h": Math.round(p.h),
                           "data-epoch": n.epoch === null || n.epoch === undefined ? "" : n.epoch});
      const rect = svg("rect", {x: p.x, y: p.y, width: p.w, height: p.h, rx: 6});
      rect.appendChild(svg("title", {}, n.title || n.id));
      gn.appendChild(rect);
      lines(n).forEach((l, i) => {
        gn.appendChild(svg("text", {class: l.cls, x: p.x + PAD, y: p.y + PAD + LINE * (i + 1) - 3}, l.text));
      });
      link.appendChild(gn);
      root.appendChild(link);
    }
    box.appendChild(root);
  }

  draw();
})();
