"""Geometry of the dataflow graph the UI draws (a pure function: no store, no HTTP): data
sets as nodes, transformations as edges, in layers from left to right. (A lineage subgraph
is laid out in the browser by the vendored dagre: static/lineage.js.)"""

from __future__ import annotations


def layout(sets: list[str], io: list[tuple[str, str, str]]) -> dict:
    """A layered left-to-right drawing: data sets are nodes, transformations are edges.

    A transformation with no input set starts at a small "start" node; one with no output
    ends at an "end" node, so every transformation is drawn as at least one edge.
    """
    ins: dict[str, list[str]] = {}
    outs: dict[str, list[str]] = {}
    for tr, set_tag, role in io:
        (ins if role == "input" else outs).setdefault(tr, []).append(set_tag)
    nodes = list(dict.fromkeys(sets))
    edges = []
    for tr in dict.fromkeys(list(ins) + list(outs)):
        srcs = ins.get(tr) or [f"start:{tr}"]
        dsts = outs.get(tr) or [f"end:{tr}"]
        for s in srcs:
            for d in dsts:
                edges.append((s, d, tr))
    for s, d, _ in edges:
        for n in (s, d):
            if n not in nodes:
                nodes.append(n)
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for s, d, _ in edges:
        succ[s].append(d)
    # Longest-path layering over the DAG part (a back edge in a cycle is ignored).
    layer = {n: 0 for n in nodes}
    state: dict[str, int] = {}
    order: list[str] = []

    def visit(n):
        state[n] = 1
        for m in succ[n]:
            if state.get(m) is None:
                visit(m)
        state[n] = 2
        order.append(n)

    for n in nodes:
        if n not in state:
            visit(n)
    pos_in_order = {n: i for i, n in enumerate(reversed(order))}
    for n in reversed(order):
        for m in succ[n]:
            if pos_in_order[m] > pos_in_order[n]:
                layer[m] = max(layer[m], layer[n] + 1)
    # Pull each source next to its first consumer, so a long edge does not cross a column.
    has_pred = {d for s, d, _ in edges}
    for n in nodes:
        if n not in has_pred and succ[n]:
            layer[n] = max(0, min(layer[m] for m in succ[n]) - 1)
    columns: dict[int, list[str]] = {}
    for n in nodes:
        columns.setdefault(layer[n], []).append(n)
    y_of: dict[str, float] = {}
    w, h, gap_x, gap_y, margin = 150, 40, 120, 36, 24
    for li in sorted(columns):
        col = columns[li]
        if li > 0:  # order by the mean position of predecessors (fewer crossings)
            preds = {n: [y_of[s] for s, d, _ in edges if d == n and s in y_of] for n in col}
            col.sort(key=lambda n: (sum(preds[n]) / len(preds[n])) if preds[n] else 1e9)
        for i, n in enumerate(col):
            y_of[n] = i
    height_rows = max(len(c) for c in columns.values()) if columns else 1
    out_nodes = []
    for n in nodes:
        li, i = layer[n], y_of[n]
        n_in_col = len(columns[li])
        offset = (height_rows - n_in_col) * (h + gap_y) / 2
        virtual = n.startswith(("start:", "end:"))
        out_nodes.append({"id": n, "label": "" if virtual else n, "virtual": virtual,
                          "x": margin + li * (w + gap_x), "y": margin + offset + i * (h + gap_y),
                          "w": 16 if virtual else w, "h": 16 if virtual else h})
    by_id = {n["id"]: n for n in out_nodes}
    out_edges = []
    fan_in: dict[tuple[str, str], int] = {}
    for _, d, tr in edges:
        fan_in[(tr, d)] = fan_in.get((tr, d), 0) + 1
    labelled: set[tuple[str, str]] = set()
    for s, d, tr in edges:
        a, b = by_id[s], by_id[d]
        x1, y1 = a["x"] + a["w"], a["y"] + a["h"] / 2
        x2, y2 = b["x"], b["y"] + b["h"] / 2
        if x2 <= x1:  # same layer or backwards: loop around below
            x2, y2 = b["x"] + b["w"] / 2, b["y"] + b["h"]
            path = f"M{x1:.0f},{y1:.0f} C{x1 + 60:.0f},{y1 + 80:.0f} {x2:.0f},{y2 + 80:.0f} " \
                   f"{x2:.0f},{y2:.0f}"
        else:
            mx = (x1 + x2) / 2
            path = f"M{x1:.0f},{y1:.0f} C{mx:.0f},{y1:.0f} {mx:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
        # Several inputs of one transformation converge on its output: one label, by the
        # arrowheads, instead of one per edge.
        if fan_in[(tr, d)] > 1:
            lx, ly = x2 - gap_x / 2, y2 - 12
            label = "" if (tr, d) in labelled else tr
            labelled.add((tr, d))
        else:
            lx, ly, label = (x1 + x2) / 2, (y1 + y2) / 2 - 6, tr
        out_edges.append({"source": s, "target": d, "transformation": tr, "path": path,
                          "label": label, "lx": lx, "ly": ly})
    width = max((n["x"] + n["w"] for n in out_nodes), default=0) + margin
    height = max((n["y"] + n["h"] for n in out_nodes), default=0) + margin + 40
    return {"nodes": out_nodes, "edges": out_edges, "width": width, "height": height}
