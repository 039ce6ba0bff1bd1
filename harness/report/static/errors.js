// spinbench error browser: one model's documents on one config, the tokens it found, missed and
// falsely flagged marked; sorted and filtered across all documents, shown a page at a time
// (assets/documents.js).
spinbench.start(function (texts, page) {
  "use strict";
  const docs = texts.docs.map((t, i) => Object.assign({}, t, page.docs[i]));
  const list = document.getElementById("documents");
  const sort = document.getElementById("sort");
  const engine = document.getElementById("engine");
  const cleanAlarms = document.getElementById("clean-alarms");
  const shown = document.getElementById("shown");
  const text = spinbench.text;

  // A document with nothing spun and nothing flagged has no F1; it is a perfect one.
  const f1 = (d) => (d.f1 === null ? 1 : d.f1);
  const orders = {
    "f1-asc": (a, b) => f1(a) - f1(b),
    "f1-desc": (a, b) => f1(b) - f1(a),
    "fp-desc": (a, b) => b.fp - a.fp,
    "fn-desc": (a, b) => b.fn - a.fn,
    "id": () => 0,
  };

  function keep(d) {
    if (engine.value === "(clean)" && d.spun) return false;
    if (engine.value && engine.value !== "(clean)" && !d.engines.includes(engine.value)) return false;
    if (cleanAlarms.checked && (d.spun || d.fp === 0)) return false;
    return true;
  }

  function card(d) {
    const el = document.createElement("article");
    el.className = "doc";
    el.dataset.id = d.id;
    el.appendChild(text("h3", "", d.title ? d.id + " · " + d.title : d.id));
    const f = d.f1 === null ? "–" : d.f1.toFixed(3);
    const how = d.spun ? d.recipe + " (" + d.engines.join(", ") + "), spin rate " + d.rate.toFixed(2) : "clean (not spun)";
    el.appendChild(text("div", "meta", how + " · " + d.domain + " · F1 " + f + " · found " + d.tp + ", false alarms " + d.fp + ", missed " + d.fn));
    el.appendChild(spinbench.markedText(d.text, d.marks));
    return el;
  }

  const textHeight = spinbench.textHeights(list);
  const pages = spinbench.pager(list, card, (d) => 90 + textHeight(d.text)); // 90: the card's heading, meta line and margins

  function render() {
    const order = orders[sort.value] || orders.id;
    const rows = docs.map((d, i) => [d, i]).filter(([d]) => keep(d));
    rows.sort(([a, i], [b, j]) => order(a, b) || i - j);
    pages.set(rows.map(([d]) => d));
    shown.textContent = rows.length + " of " + docs.length + " documents";
  }

  [sort, engine, cleanAlarms].forEach((el) => el.addEventListener("change", render));
  render();
});
