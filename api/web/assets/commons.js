// Commons: what a script adds to pages that work without it. Suggestions as you type in the
// search box, from `suggestTools` (the same titles the API gives), into the box's datalist.
"use strict";
(function () {
  const box = document.querySelector("input[data-suggest]");
  const list = box && document.getElementById(box.getAttribute("list"));
  if (!box || !list) return;
  const lang = document.documentElement.lang.toUpperCase();
  const query = "query($p: String!, $l: Lang) { suggestTools(prefix: $p, lang: $l) { title } }";
  let timer = null;
  let asked = 0;
  box.addEventListener("input", () => {
    clearTimeout(timer);
    const prefix = box.value.trim();
    if (prefix.length < 2 || prefix.length > 100) { list.replaceChildren(); return; }
    timer = setTimeout(async () => {
      const mine = ++asked;
      const params = new URLSearchParams({ query, variables: JSON.stringify({ p: prefix, l: lang }) });
      try {
        const response = await fetch("/graphql?" + params, { headers: { accept: "application/json" } });
        const body = await response.json();
        if (mine !== asked || !body.data) return;
        list.replaceChildren(...body.data.suggestTools.map((s) => {
          const option = document.createElement("option");
          option.value = s.title;
          return option;
        }));
      } catch (_) { /* suggestions are a convenience: the form still works */ }
    }, 150);
  });
})();
