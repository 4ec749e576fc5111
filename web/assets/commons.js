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

// An attached file is sent with its progress shown; without a script the form posts as is.
(function () {
  for (const form of document.querySelectorAll("form[data-upload]")) {
    const bar = form.querySelector("progress");
    form.addEventListener("submit", (event) => {
      if (!window.FormData || !bar) return;
      event.preventDefault();
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      request.addEventListener("load", () => {
        // Where the server sent the browser: the tool's page, or the form with its errors.
        if (request.status < 400 && request.responseURL) {
          window.location.assign(request.responseURL);
        } else {
          document.open();
          document.write(request.responseText);
          document.close();
        }
      });
      request.addEventListener("error", () => form.submit());
      bar.hidden = false;
      for (const button of form.querySelectorAll("button")) button.disabled = true;
      request.send(new FormData(form));
    });
  }
})();

// The header's unread count, kept current while the page is open: the server says when a
// notification arrives (Server-Sent Events); without them, the count is asked every half minute.
(function () {
  const link = document.querySelector("a[data-unread]");
  if (!link) return;
  const refresh = async () => {
    try {
      const response = await fetch("/notifications/count", { headers: { accept: "application/json" } });
      if (!response.ok) return;
      const body = await response.json();
      if (typeof body.label === "string") link.textContent = body.label;
    } catch (_) { /* the count waits for the next page */ }
  };
  if (window.EventSource) {
    let live = null;
    // Back after a lost connection: what came meanwhile is counted.
    let opened = false;
    // The stream's state is on the link (`data-live`), for the browser tests to see.
    const listen = () => {
      live = new EventSource("/notifications/live");
      link.dataset.live = "connecting";
      live.addEventListener("notification", refresh);
      live.addEventListener("open", () => {
        link.dataset.live = "open";
        if (opened) refresh();
        opened = true;
      });
    };
    listen();
    // A page kept in the back/forward cache would keep its stream open, and over HTTP/1.1 a
    // browser opens six connections per site: after six pages the seventh would never load.
    // The stream closes when the page is hidden and opens again (counting what came
    // meanwhile) when the page is shown again.
    window.addEventListener("pagehide", () => {
      if (live) live.close();
      live = null;
      link.dataset.live = "closed";
    });
    window.addEventListener("pageshow", (event) => {
      if (event.persisted && !live) listen();
    });
  } else {
    setInterval(() => { if (!document.hidden) refresh(); }, 30000);
  }
})();

// On a phone the service's pages sit behind a menu button, and the search filters behind
// their disclosure after the result count; without a script both stay open.
(function () {
  const narrow = window.matchMedia("(max-width: 640px)").matches;
  const button = document.querySelector(".service-nav .menu-button");
  const links = button && document.getElementById(button.getAttribute("aria-controls"));
  if (button && links) {
    button.closest("nav").classList.add("collapsible");
    button.hidden = false;
    button.addEventListener("click", () => {
      const open = links.classList.toggle("open");
      button.setAttribute("aria-expanded", String(open));
    });
  }
  if (narrow) {
    for (const details of document.querySelectorAll("details[data-closed-on-phones]")) {
      details.open = false;
    }
  }
})();
