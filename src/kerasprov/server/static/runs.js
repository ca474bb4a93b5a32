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

  document.getElementById("compare").addEventListener("submit", ev => {
    const ids = [...document.querySelectorAll('input[name="runs"]:checked')].map(i => i.value);
    ev.preventDefault();
    if (!ids.length) { alert("Tick the runs to compare first."); return; }
    location.href = "/compare?runs=" + ids.map(encodeURIComponent).join(",");
  });
})();
