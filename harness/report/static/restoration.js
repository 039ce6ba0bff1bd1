// spinbench restoration page: one restorer's documents on one config, each gold edit's outcome
// marked in the text and its row below (spun, restored, original, candidates); filtered and
// sorted across all documents, shown a page at a time (assets/documents.js).
spinbench.start(function (texts, data) {
  "use strict";
  const docs = texts.docs.map((t, i) => Object.assign({}, t, data.docs[i]));
  const list = document.getElementById("documents");
  const editRows = Number(list.dataset.editRows);
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

  const text = spinbench.text;

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

  // The restored wording as detect --suggest shows it: with its confidence, or withheld (under
  // the restorer's cut, chosen on news/validation: the span keeps its spun wording).
  function restoredCell(e) {
    if (e.withheld) {
      const cell = text("td", "muted", "withheld");
      cell.appendChild(text("span", "tag", " (" + wording(e.restored) + ", confidence " + e.confidence.toFixed(2) + ")"));
      return cell;
    }
    const cell = text("td", "", wording(e.restored));
    if (e.confidence !== null && e.confidence !== undefined) cell.appendChild(text("span", "tag", " (confidence " + e.confidence.toFixed(2) + ")"));
    return cell;
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
      tr.appendChild(restoredCell(e));
      tr.appendChild(text("td", "", wording(e.original)));
      const cell = tr.appendChild(document.createElement("td"));
      cell.appendChild(text("span", "outcome r-" + e.outcome, data.outcomes[e.outcome]));
      tr.appendChild(document.createElement("td")).appendChild(candidates(e));
    });
    return t;
  }

  // A closed <details> whose content is drawn when first opened.
  function opening(summary, draw) {
    const el = text("details", "", "");
    el.appendChild(text("summary", "", summary));
    el.addEventListener("toggle", () => el.open && el.children.length === 1 && el.appendChild(draw()));
    return el;
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
    const title = (e) => data.outcomes[e.outcome] + ": was “" + e.original + "”, restored “" + e.restored + "”";
    el.appendChild(spinbench.markedText(d.text, d.marks.map(([gap, length], i) => [gap, length, "r-" + d.edits[i].outcome, title(d.edits[i])])));
    if (edits.length) el.appendChild(table(edits.slice(0, editRows), true, "gold"));
    if (edits.length > editRows) el.appendChild(opening("the other " + (edits.length - editRows) + " of these edits", () => table(edits.slice(editRows), true, "gold")));
    if (d.detected && d.detected.length) {
      const rows = d.detected.map((e) => ("item" in e ? d.edits[e.item] : e)); // a gold edit's own span, ranked alike: the edit's row
      el.appendChild(opening("the " + rows.length + " spans " + data.detector + " flagged, restored", () => table(rows, false, "detected")));
    }
    return el;
  }

  // Estimated heights: a card's heading, meta line and margins, its text, its edit rows (about
  // two lines each at 1280 px, the candidates wrapping).
  const textHeight = spinbench.textHeights(list);
  const height = ([d, edits]) => 110 + textHeight(d.text) + 56 * Math.min(edits.length, editRows) + (edits.length > editRows ? 40 : 0) + (d.detected ? 40 : 0);
  const pages = spinbench.pager(list, ([d, edits]) => card(d, edits), height);

  function render() {
    const filtering = kind.value || outcome.value;
    const keep = (e) => (!kind.value || e.kind === kind.value) && (!outcome.value || e.outcome === outcome.value);
    const order = orders[sort.value] || orders.id;
    const rows = docs.map((d, i) => [d, i, d.edits.filter(keep)]).filter(([, , edits]) => !filtering || edits.length);
    rows.sort(([a, i], [b, j]) => order(a, b) || i - j);
    pages.set(rows.map(([d, , edits]) => [d, edits]));
    const edits = rows.reduce((n, [, , e]) => n + e.length, 0);
    shown.textContent = rows.length + " of " + docs.length + " documents, " + edits + " gold edits";
  }

  [kind, outcome, sort].forEach((el) => el.addEventListener("change", render));
  render();
});
