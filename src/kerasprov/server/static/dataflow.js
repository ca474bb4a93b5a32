// Provenance graph: clicking data sets chooses the sources and targets of a path query (and
// the sets its paths must or must not go through: DfAnalyzer's include/exclude); ticks
// project attributes, typed conditions select rows. The server's path-query generator writes
// the SQL (POST /dataflows/<tag>/query); the user may edit it and run it in the sandbox.
"use strict";
(function () {
  const ctx = KP.ctx();
  const roles = {source: [], target: [], include: [], exclude: []};
  const mapping = document.getElementById("mapping");
  const mode = () => document.querySelector('input[name="role"]:checked').value;
  const chosenSets = () => [...new Set([...roles.source, ...roles.target])];
  const project = new Set();         // "set.attribute"
  const conditions = new Map();      // "set.attribute" -> condition text
  const box = document.getElementById("chosen");
  const sql = document.getElementById("sql");
  const origin = document.getElementById("sql-origin");
  const error = document.getElementById("error");
  const result = document.getElementById("result");
  const csv = document.getElementById("csv");
  const inConsole = document.getElementById("in-console");
  const distinct = document.getElementById("distinct");
  let timer = null;
  const runButton = document.getElementById("run");
  const runState = document.getElementById("run-state");

  // Run runs what the SQL box shows only when that matches the choices on the page: while
  // a new query is being written, or after the choices gave an error (an invalid
  // condition), Run is off; editing the SQL by hand turns it back on.
  function runnable(ok, why) {
    runButton.disabled = !ok;
    runState.textContent = ok ? "" : why;
  }

  function markNodes() {
    for (const g of document.querySelectorAll(".ds-node")) {
      for (const role of Object.keys(roles)) g.classList.toggle(role, roles[role].includes(g.dataset.set));
    }
  }

  function renderChoice() {
    box.textContent = "";
    if (!roles.source.length) { box.appendChild(KP.el("p", {class: "empty"}, "No data set chosen yet.")); return; }
    for (const role of ["include", "exclude"]) {
      if (roles[role].length) box.appendChild(KP.el("p", {class: `hint paths-${role}`}, `paths ${role === "include" ? "through" : "avoiding"}: ${roles[role].join(", ")}`));
    }
    chosenSets().forEach(set => {
      const role = roles.source.includes(set) ? "source" : "target";
      const part = KP.el("div", {class: "attr-set", "data-set": set});
      const h = KP.el("h3");
      h.appendChild(KP.el("span", {class: `role ${role}`}, role));
      h.appendChild(document.createTextNode(`ds_${set}`));
      part.appendChild(h);
      const table = KP.el("table");
      for (const a of ctx.attributes[set] || []) {
        const key = `${set}.${a.name}`;
        const tr = table.insertRow();
        const tick = KP.el("input", {type: "checkbox", "data-attr": key, "aria-label": `project ${key}`});
        tick.checked = project.has(key);
        tick.addEventListener("change", () => { tick.checked ? project.add(key) : project.delete(key); generateSoon(); });
        tr.insertCell().appendChild(tick);
        tr.insertCell().appendChild(KP.el("code", {}, a.name));
        tr.insertCell().appendChild(KP.el("span", {class: "hint"}, a.type));
        const cond = KP.el("input", {class: "cond", "data-cond": key, placeholder: a.type === "text" ? "= 'value'" : "> 0.5"});
        cond.value = conditions.get(key) || "";
        cond.addEventListener("input", () => { cond.value.trim() ? conditions.set(key, cond.value.trim()) : conditions.delete(key); generateSoon(); });
        tr.insertCell().appendChild(cond);
      }
      if (!table.rows.length) part.appendChild(KP.el("p", {class: "empty"}, "no attributes recorded yet"));
      part.appendChild(table);
      box.appendChild(part);
    });
  }

  function choose(set) {
    const m = mode();
    const held = Object.keys(roles).find(r => roles[r].includes(set));
    if (held) roles[held].splice(roles[held].indexOf(set), 1);
    const dropped = held && (m === "auto" || m === held);  // a second click drops a set
    if (!dropped && m !== "auto") roles[m].push(set);
    else if (!dropped && !roles.source.length) roles.source.push(set);
    else if (!dropped && !roles.target.length) roles.target.push(set);
    else if (!dropped) roles.target[0] = set;
    const kept = chosenSets();
    for (const key of [...project]) if (!kept.includes(key.split(".")[0])) project.delete(key);
    for (const key of [...conditions.keys()]) if (!kept.includes(key.split(".")[0])) conditions.delete(key);
    markNodes();
    renderChoice();
    generate();
  }

  function generateSoon() {
    clearTimeout(timer);
    runnable(false, "writing the SQL…");
    timer = setTimeout(generate, 350);
  }

  // The default projection: the run first (rows of different runs stay apart), then every
  // attribute of the chosen sets: what the generator projects by default, plus run_id.
  function projection() {
    const first = roles.source[0];
    const picked = project.size ? [...project]
      : chosenSets().flatMap(set => (ctx.attributes[set] || []).map(a => `${set}.${a.name}`));
    return [`${first}.run_id`, ...picked.filter(p => p !== `${first}.run_id`)];
  }

  let asked = 0;  // answers can arrive out of order: only the latest question's counts
  async function generate() {
    const mine = ++asked;
    KP.showError(error, "");
    if (!roles.source.length) { sql.value = ""; origin.textContent = ""; runnable(true, ""); return; }
    runnable(false, "writing the SQL…");
    const select = [...conditions.entries()].map(([k, c]) => `${k} ${c}`);
    try {
      const r = await KP.postJSON(`/dataflows/${encodeURIComponent(ctx.dataflow)}/query`,
        {source: roles.source, target: roles.target.length ? roles.target : roles.source,
         include: roles.include, exclude: roles.exclude, mapping: mapping.value,
         project: projection(), select, distinct: distinct.checked});
      if (mine !== asked) return;
      sql.value = r.sql;
      origin.textContent = "(written by the path-query generator; edit freely)";
      links();
      runnable(true, "");
    } catch (e) {
      if (mine !== asked) return;
      origin.textContent = "(out of date: fix the choice above)";
      KP.showError(error, e.message);
      runnable(false, "Run is off until the query is valid again");
    }
  }

  function links() {
    csv.href = `/sql.csv?sql=${encodeURIComponent(sql.value)}`;
    inConsole.href = `/sql?sql=${encodeURIComponent(sql.value)}`;
    csv.hidden = inConsole.hidden = !sql.value.trim();
  }

  async function run() {
    KP.showError(error, "");
    result.textContent = "";
    links();
    try {
      const r = await KP.postJSON("/sql.json", {sql: sql.value, limit: 1000});
      result.appendChild(KP.el("p", {class: "hint", id: "row-count"}, `${r.rows.length} row${r.rows.length === 1 ? "" : "s"}${r.truncated ? " (truncated)" : ""}`));
      result.appendChild(KP.table(r.columns, r.rows));
    } catch (e) { KP.showError(error, e.message); }
  }

  for (const g of document.querySelectorAll(".ds-node")) {
    g.addEventListener("click", () => choose(g.dataset.set));
    g.addEventListener("keydown", ev => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); choose(g.dataset.set); } });
  }
  sql.addEventListener("input", () => { links(); runnable(true, ""); origin.textContent = "(edited by hand)"; });
  distinct.addEventListener("change", generate);
  mapping.addEventListener("change", generate);
  runButton.addEventListener("click", () => { if (!runButton.disabled) run(); });
})();
