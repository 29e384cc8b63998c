// The static Sổ tay's search (hocvuso handbook export --html): no server, no build step.
// Typed words are folded like the server folds them (no accents, đ -> d), so "chuyen tien"
// finds "chuyển tiền"; each word scores more in an entry's keywords than in its question, a
// little in its answer, and entries holding more of the words come first. Without JavaScript
// the page is the full list by topic.
"use strict";
(function () {
  const FILLER = new Set(("la gi thi lam sao the nao co khong cho cua toi minh em bac oi voi va " +
    "nhu duoc o di nhe ma nay do ai hay hoac").split(" "));
  const LIMIT = 8;
  const form = document.getElementById("search");
  const input = document.getElementById("q");
  const results = document.getElementById("results");
  const title = document.getElementById("results-title");
  const list = document.getElementById("result-list");
  const noHit = document.getElementById("no-hit");
  const empty = document.getElementById("empty");
  const noHitText = noHit.textContent;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase();
  }
  function words(text) { return fold(text).match(/[a-z0-9]+/g) || []; }

  const entries = Array.from(document.querySelectorAll("section.topic .entry")).map((li) => ({
    li: li,
    keywords: new Set(words(li.dataset.k || "")),
    question: new Set(words(li.querySelector(".q").textContent)),
    answer: new Set(words(li.querySelector(".a").textContent)),
  }));

  function search(query) {
    const typed = words(query);
    const topic = typed.filter((w) => !FILLER.has(w));
    const asked = topic.length ? topic : typed;
    const scored = [];
    entries.forEach((e) => {
      let score = 0, found = 0;
      asked.forEach((w) => {
        const points = (e.keywords.has(w) ? 3 : 0) + (e.question.has(w) ? 2 : 0) +
          (e.answer.has(w) ? 0.5 : 0);
        if (points) { score += points; found += 1; }
      });
      if (score) scored.push({ e: e, score: score * (0.5 + 0.5 * found / asked.length) });
    });
    scored.sort((a, b) => b.score - a.score);
    const floor = scored.length ? Math.max(1, scored[0].score * 0.3) : 0;
    return scored.filter((s) => s.score >= floor).slice(0, LIMIT).map((s) => s.e);
  }

  function show(query) {
    const shown = query.trim().replace(/\s+/g, " ");
    list.textContent = "";
    results.hidden = false;
    empty.hidden = shown !== "";
    title.textContent = shown ? title.dataset.template.replace("{query}", shown) : "";
    title.hidden = !shown;
    if (!shown) { noHit.hidden = true; return; }
    const found = search(shown);
    noHit.hidden = found.length > 0;
    noHit.textContent = noHitText.replace("{query}", shown);
    found.forEach((e) => {
      const copy = e.li.cloneNode(true);
      copy.removeAttribute("id");
      list.appendChild(copy);
    });
  }

  form.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show(input.value);
    const url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    try { history.replaceState(null, "", url); } catch (err) { /* file:// may refuse */ }
  });
  const q = new URLSearchParams(window.location.search).get("q");
  if (q !== null) { input.value = q; show(q); }
})();
