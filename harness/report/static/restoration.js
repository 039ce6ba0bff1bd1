// spinbench restoration page: filters and sorts the documents of one restorer and config.
// The documents (window.SPINBENCH_RESTORATION, from the .js file beside the page) carry text
// that spinbench has already escaped and highlighted ("html"); every other string is set as
// text, never as HTML. This script only chooses what to show.
(function () {
  "use strict";
  const data = window.SPINBENCH_RESTORATION;
  const list = document.getElementById("documents");
  if (!data || !list) return;
  const docs = data.docs;
  const kind = document.getElementById("kind");
  const outcome = document.getElementById("outcome");
  const sort = document.getElementById("sort");
  const shown = document.getElementById("shown");

  const count = (d, o) => d.edits.filter((e) => e.outcome === o).length;
  // A document with nothing to restore has nothing left to remove.
  const removed = (d) => (d.distance[0] ? (d.distance[0] - d.distance[1]) / d.distance[0] : 1);
  const orders = {
    "misses-desc": (a, b) => count(b, "miss") - count(a, "miss"),
    "removed-asc": (a, b) => removed(a) - removed(b),
    "id": () => 0,
  };

  function text(tag, className, content) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    el.textContent = content;
    return el;
  }

  function wording(s) {
    return s === "" ? "(nothing)" : s;
  }

  function candidates(e) {
    const ol = document.createElement("ol");
    ol.className = "candidates";
    e.candidates.forEach((c, i) => {
      const li = text("li", i + 1 === e.rank ? "right" : "", i + 1 + ". " + wording(c));
      if (i + 1 === e.rank) li.appendChild(text("span", "tag", " (the original)"));
      ol.appendChild(li);
    });
    if (e.more) {
      const tail = e.rank > e.candidates.length ? "; the original is number " + e.rank : "";
      const more = ol.appendChild(text("li", "muted more", "and " + e.more + " more" + tail));
      more.style.listStyle = "none";
    }
    if (!e.candidates.length) return text("span", "muted", "no guess: kept as spun");
    return ol;
  }

  function table(rows, withKind, id) {
    const t = document.createElement("table");
    t.className = "edits " + id;
    const head = document.createElement("tr");
    const names = [...(withKind ? ["kind"] : []), "spun", "restored", "original", "outcome", "candidates"];
    names.forEach((n) => head.appendChild(text("th", "", n)));
    t.appendChild(document.createElement("thead")).appendChild(head);
    const body = t.appendChild(document.createElement("tbody"));
    rows.forEach((e) => {
      const tr = body.appendChild(document.createElement("tr"));
      tr.dataset.outcome = e.outcome;
      if (withKind) {
        tr.dataset.kind = e.kind;
        tr.appendChild(text("td", "", data.kinds[e.kind]));
      }
      tr.appendChild(text("td", "", wording(e.spun)));
      tr.appendChild(text("td", "", wording(e.restored)));
      tr.appendChild(text("td", "", wording(e.original)));
      const cell = tr.appendChild(document.createElement("td"));
      cell.appendChild(text("span", "outcome r-" + e.outcome, data.outcomes[e.outcome]));
      tr.appendChild(document.createElement("td")).appendChild(candidates(e));
    });
    return t;
  }

  function card(d, edits) {
    const el = document.createElement("article");
    el.className = "doc";
    el.dataset.id = d.id;
    el.appendChild(text("h3", "", d.title ? d.id + " · " + d.title : d.id));
    const counts = Object.keys(data.outcomes).filter((o) => o in data.gold_outcomes).map((o) => data.outcomes[o] + " " + count(d, o));
    let meta = d.edits.length + " gold edits (" + counts.join(", ") + "); edit distance to the original " + d.distance[0] + " → " + d.distance[1];
    if (d.detected) meta += "; on " + data.detector + "'s spans " + d.detected_distance[0] + " → " + d.detected_distance[1];
    el.appendChild(text("div", "meta", d.spun ? meta : "clean (not spun) · " + meta));
    const body = document.createElement("div");
    body.className = "doc-text";
    body.innerHTML = d.html; // escaped by spinbench when the report was built
    el.appendChild(body);
    if (edits.length) el.appendChild(table(edits, true, "gold"));
    if (d.detected && d.detected.length) {
      const more = el.appendChild(document.createElement("details"));
      more.appendChild(text("summary", "", "the " + d.detected.length + " spans " + data.detector + " flagged, restored"));
      more.appendChild(table(d.detected, false, "detected"));
    }
    return el;
  }

  function render() {
    const filtering = kind.value || outcome.value;
    const keep = (e) => (!kind.value || e.kind === kind.value) && (!outcome.value || e.outcome === outcome.value);
    const order = orders[sort.value] || orders.id;
    const rows = docs.map((d, i) => [d, i, d.edits.filter(keep)]).filter(([, , edits]) => !filtering || edits.length);
    rows.sort(([a, i], [b, j]) => order(a, b) || i - j);
    list.replaceChildren(...rows.map(([d, , edits]) => card(d, edits)));
    const edits = rows.reduce((n, [, , e]) => n + e.length, 0);
    shown.textContent = rows.length + " of " + docs.length + " documents, " + edits + " gold edits";
  }

  [kind, outcome, sort].forEach((el) => el.addEventListener("change", render));
  render();
})();
