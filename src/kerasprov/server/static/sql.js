// SQL console: runs the query through the read-only sandbox (POST /sql.json) and shows the
// rows, or the refusal/error message from the JSON envelope.
"use strict";
(function () {
  const ctx = KP.ctx();
  const sql = document.getElementById("sql");
  const limit = document.getElementById("limit");
  const result = document.getElementById("result");
  const error = document.getElementById("error");
  const elapsed = document.getElementById("elapsed");
  const csv = document.getElementById("csv");
  const json = document.getElementById("json");

  function links() {
    const q = encodeURIComponent(sql.value);
    csv.href = `/sql.csv?sql=${q}`;
    json.href = `/sql.json?sql=${q}&limit=${encodeURIComponent(limit.value)}`;
  }

  async function run() {
    KP.showError(error, "");
    result.textContent = "";
    elapsed.textContent = "running…";
    links();
    try {
      const r = await KP.postJSON("/sql.json", {sql: sql.value, limit: Number(limit.value) || 1000});
      result.appendChild(KP.table(r.columns, r.rows));
      elapsed.textContent = `${r.rows.length} row${r.rows.length === 1 ? "" : "s"}${r.truncated ? " (truncated)" : ""} in ${r.elapsed_ms} ms`;
    } catch (e) {
      elapsed.textContent = "";
      KP.showError(error, e.message);
    }
  }

  document.getElementById("run").addEventListener("click", run);
  sql.addEventListener("keydown", ev => { if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); run(); } });
  sql.addEventListener("input", links);
  for (const rel of document.querySelectorAll("code.rel")) {
    rel.addEventListener("click", ev => {
      ev.preventDefault();
      const name = rel.dataset.name;
      const ident = /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
      sql.value = `SELECT * FROM ${ident} LIMIT 100`;
      run();
    });
  }
  links();
  if (ctx.autorun) run();
})();
