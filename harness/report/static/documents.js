// spinbench report: what the error browser and the restoration pages share.
// A page's documents come from two data files loaded as scripts (a page opened from disk may
// not fetch a file, but runs scripts): the split's texts, shared by every page of that split
// (window.SPINBENCH.texts), and the page's own rows and marks (window.SPINBENCH.page), each
// JSON gzipped in base64 and unpacked here by the browser's DecompressionStream. Every string
// from the data is set as text, never parsed as HTML. The documents show a page at a time: at
// most data-per-page of them, and no more than an estimate of their height says fills
// data-budget pixels, so that a page stays short whatever the sort.
window.spinbench = (function () {
  "use strict";
  const SAMPLE = "Heavy rain shut three streets in the city centre on Tuesday, the council said. ";

  async function unpack(key) {
    const packed = (window.SPINBENCH || {})[key];
    if (typeof packed !== "string") throw new Error("its data file (" + key + ") did not load");
    const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  function text(tag, className, content) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    el.textContent = content;
    return el;
  }

  // A document's text with its marks: [gap, length, kind, title] in characters (code points,
  // as Python counts them), each gap from the end of the mark before.
  function markedText(content, marks) {
    const points = /[\uD800-\uDFFF]/.test(content) ? Array.from(content) : null;
    const slice = (a, b) => (points ? points.slice(a, b).join("") : content.slice(a, b));
    const body = document.createElement("div");
    body.className = "doc-text";
    let cursor = 0;
    for (const [gap, length, kind, title] of marks) {
      body.append(slice(cursor, cursor + gap));
      const mark = body.appendChild(text("mark", kind, slice(cursor + gap, cursor + gap + length)));
      mark.title = title;
      cursor += gap + length;
    }
    body.append(slice(cursor));
    return body;
  }

  // Estimates a text's height in the list's own font and width, from a hidden sample line.
  function textHeights(list) {
    const probe = list.appendChild(document.createElement("article"));
    probe.className = "doc";
    probe.style.visibility = "hidden";
    const body = probe.appendChild(text("div", "doc-text", ""));
    const sample = body.appendChild(text("span", "", SAMPLE.repeat(3)));
    sample.style.whiteSpace = "nowrap";
    const perChar = sample.getBoundingClientRect().width / sample.textContent.length || 8;
    const line = parseFloat(getComputedStyle(body).lineHeight) || 26;
    const width = body.clientWidth || 1000;
    probe.remove();
    const perLine = Math.max(20, Math.floor((0.9 * width) / perChar)); // word wrap leaves each line's end short
    return (content) => line * content.split("\n").reduce((n, p) => n + Math.max(1, Math.ceil(p.length / perLine)), 0);
  }

  // Rows into pages: a page ends before the row that would take it past `most` rows or past
  // `budget` in estimated height; a row taller than the budget has a page to itself.
  function paginate(rows, height, budget, most) {
    const pages = [];
    let page = [];
    let used = 0;
    for (const row of rows) {
      const h = height(row);
      if (page.length && (page.length >= most || used + h > budget)) {
        pages.push(page);
        page = [];
        used = 0;
      }
      page.push(row);
      used += h;
    }
    if (page.length || !pages.length) pages.push(page);
    return pages;
  }

  // Shows rows in `list` a page at a time, `card` drawing each; every .pager on the page turns them.
  function pager(list, card, height) {
    let pages = [[]];
    let at = 0;
    function show(k) {
      at = Math.max(0, Math.min(k, pages.length - 1));
      list.replaceChildren(...pages[at].map(card));
      document.querySelectorAll(".pager").forEach((p) => {
        p.querySelector(".page-of").textContent = "page " + (at + 1) + " of " + pages.length;
        p.querySelector(".previous").disabled = at === 0;
        p.querySelector(".next").disabled = at === pages.length - 1;
      });
    }
    function turn(k) {
      show(k);
      const controls = document.querySelector(".controls");
      const top = window.scrollY + list.getBoundingClientRect().top - (controls ? controls.offsetHeight : 0);
      if (top < window.scrollY) window.scrollTo(0, top);
    }
    document.querySelectorAll(".pager .previous").forEach((b) => b.addEventListener("click", () => turn(at - 1)));
    document.querySelectorAll(".pager .next").forEach((b) => b.addEventListener("click", () => turn(at + 1)));
    return {
      set(rows) {
        pages = paginate(rows, height, Number(list.dataset.budget), Number(list.dataset.perPage));
        show(0);
      },
    };
  }

  // Unpacks the texts and the page's data, then main(texts, page) draws the page; where that
  // fails the page says why (and the console has the error).
  function start(main) {
    const loading = document.getElementById("loading");
    Promise.all([unpack("texts"), unpack("page")])
      .then(([texts, page]) => {
        main(texts, page);
        loading.remove();
        document.body.dataset.ready = "true";
      })
      .catch((err) => {
        const old = typeof DecompressionStream === "undefined" ? " (this browser is too old to unpack them)" : "";
        loading.textContent = "The documents could not be shown: " + err.message + old;
        console.error(err);
      });
  }

  return { text, markedText, textHeights, paginate, pager, start };
})();
