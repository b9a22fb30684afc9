// The /admin console's one script (no framework, nothing from outside this server).
//
// - The monitor (body[data-feed]): one stream (/admin/monitor/events) brings the site's
//   events in batches and the figures' changed parts (`figures`: each a <section
//   data-part> of #live, the server's own HTML, made once for every monitor of the site).
//   Nothing is fetched: a call is shown at once from its event (the counter's row gets
//   the number), the figures follow within a second or so.
// - Other live pages (body[data-fragment]): the part inside #live is fetched again from
//   data-fragment whenever the site's event stream (/admin/events) says something
//   happened, at most every 2 s, and every 15 s for the clocks.
// - Either stream resumes from the last seq it saw (?after=&epoch=), so a page that lost
//   its connection says so (#connection) and misses nothing once it is back.
// - Forms with data-confirm ask first in an accessible <dialog>; forms with data-action
//   are sent in the background and the server's answer is read out in #status.
"use strict";

(function () {
  const body = document.body;
  const MIN_INTERVAL_MS = 2000;
  const CLOCK_REFRESH_MS = 15000;

  // --- live fragment ----------------------------------------------------------------
  const fragmentUrl = body.dataset.fragment;
  const live = document.getElementById("live");
  let lastSeq = null;
  let epoch = null;
  let inFlight = false;
  let pending = false;
  let lastFetch = 0;
  let timer = null;

  async function refresh() {
    if (!fragmentUrl || !live) return;
    if (inFlight) { pending = true; return; }
    const wait = lastFetch + MIN_INTERVAL_MS - Date.now();
    if (wait > 0) {
      pending = true;
      if (!timer) timer = setTimeout(() => { timer = null; refresh(); }, wait);
      return;
    }
    inFlight = true;
    pending = false;
    lastFetch = Date.now();
    try {
      const answer = await fetch(fragmentUrl, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (answer.status === 401 || answer.redirected) {
        window.location.assign("/admin/login?next=" + encodeURIComponent(window.location.pathname));
        return;
      }
      if (answer.ok) {
        const html = await answer.text();
        const focused = document.activeElement && live.contains(document.activeElement)
          ? document.activeElement.id : null;
        live.innerHTML = html;
        if (focused) {
          const again = document.getElementById(focused);
          if (again) again.focus();
        }
        body.dataset.rendered = String(lastSeq === null ? "" : lastSeq);
        body.dataset.renders = String(Number(body.dataset.renders || "0") + 1);
      }
    } catch (err) {
      // the stream's state says whether the server is reachable
    } finally {
      inFlight = false;
      if (pending) refresh();
    }
  }

  // The figures' parts that changed, each replacing its section (the focus stays put).
  function showFigures(message) {
    if (!live) return;
    const focused = document.activeElement && live.contains(document.activeElement)
      ? document.activeElement.id : null;
    const parts = message.parts || {};
    for (const name of Object.keys(parts)) {
      const old = live.querySelector('[data-part="' + name + '"]');
      if (!old) continue;
      const fresh = document.createElement("template");
      fresh.innerHTML = parts[name];
      old.replaceWith(fresh.content);
    }
    if (focused) {
      const again = document.getElementById(focused);
      if (again) again.focus();
    }
    body.dataset.rendered = String(message.seq);
    body.dataset.renders = String(Number(body.dataset.renders || "0") + 1);
  }

  // A call or recall: the counter's row shows the ticket before the figures come.
  function showCall(event) {
    if (event.type !== "ticket.called" && event.type !== "ticket.recalled") return;
    const ticket = (event.payload || {}).ticket || {};
    if (ticket.counter === undefined || ticket.counter === null || !live) return;
    const cell = live.querySelector('tr[data-counter="' + Number(ticket.counter) + '"] td.client');
    if (!cell) return;
    const number = document.createElement("strong");
    number.textContent = String(ticket.number || "");
    const service = document.createElement("span");
    service.className = "muted";
    service.textContent = " " + String(ticket.service || "");
    cell.replaceChildren(number, service);
  }

  // --- the event stream ---------------------------------------------------------------
  const feedUrl = body.dataset.feed;
  const streamUrl = feedUrl || body.dataset.stream;
  const banner = document.getElementById("connection");
  let retry = 0;

  function setConnection(state) {
    body.dataset.connection = state;
    if (!banner) return;
    banner.textContent = banner.dataset[state] || "";
    banner.hidden = state === "online";
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const params = new URLSearchParams();
    if (body.dataset.site) params.set("site", body.dataset.site);
    if (lastSeq !== null && epoch !== null) {
      params.set("after", String(lastSeq));
      params.set("epoch", epoch);
      body.dataset.resumedFrom = String(lastSeq);
    }
    const socket = new WebSocket(scheme + window.location.host + streamUrl + "?" + params.toString());
    socket.addEventListener("open", () => {
      retry = 0;
      setConnection("online");
      refresh();
    });
    socket.addEventListener("message", (message) => {
      let data;
      try { data = JSON.parse(message.data); } catch (err) { return; }
      if (data.type === "figures") { showFigures(data); return; }
      const events = data.type === "batch" ? data.events || [] : [data];
      let fresh = false;
      for (const event of events) {
        // a batch may repeat what the catch-up sent
        if (event.epoch === epoch && lastSeq !== null && event.seq <= lastSeq) continue;
        epoch = event.epoch;
        lastSeq = event.seq;
        body.dataset.seq = String(event.seq);
        body.dataset.lastType = event.type;
        showCall(event);
        fresh = true;
      }
      // A batch carries only the calls; its own seq is where the monitor has got to.
      if (data.type === "batch" && typeof data.seq === "number" &&
          (data.epoch !== epoch || lastSeq === null || data.seq > lastSeq)) {
        epoch = data.epoch;
        lastSeq = data.seq;
        body.dataset.seq = String(data.seq);
        fresh = true;
      }
      if (fresh) refresh();
    });
    socket.addEventListener("close", (closed) => {
      if (closed.code === 4401) {  // the session ended
        window.location.assign("/admin/login?next=" + encodeURIComponent(window.location.pathname));
        return;
      }
      setConnection("lost");
      body.dataset.lost = String(Number(body.dataset.lost || "0") + 1);
      retry = Math.min(retry + 1, 5);
      setTimeout(connect, 500 * 2 ** (retry - 1));
    });
  }

  if (streamUrl) {
    setConnection("connecting");
    connect();
  }
  if (fragmentUrl) setInterval(refresh, CLOCK_REFRESH_MS);

  // --- confirm dialog and background actions -------------------------------------------
  const dialog = document.getElementById("confirm");
  const csrfMeta = document.querySelector("meta[name=csrf-token]");
  const csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";
  const status = document.getElementById("status");
  let confirmed = null;

  function say(text, isError) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
    status.hidden = !text;
  }

  async function send(form) {
    const data = new URLSearchParams(new FormData(form));
    try {
      const answer = await fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/x-www-form-urlencoded",
          // The live parts are the same HTML for every session (so the server renders
          // them once for all monitors); the session's token comes from the page.
          "X-CSRF-Token": csrfToken,
        },
        body: data.toString(),
      });
      let result = {};
      try { result = await answer.json(); } catch (err) { result = {}; }
      say(result.detail || result.message || String(answer.status), !answer.ok);
      if (answer.ok && form.dataset.reset !== undefined) form.reset();
      if (answer.ok && result.redirect) window.location.assign(result.redirect);
      body.dataset.lastAction = answer.ok ? "ok" : "error";
      refresh();
    } catch (err) {
      say(status ? status.dataset.offline || "" : "", true);
    }
  }

  function go(form) {
    if (form.dataset.action !== undefined) send(form);
    else form.submit();
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.dataset.confirm && dialog) {
      event.preventDefault();
      confirmed = form;
      document.getElementById("confirm-text").textContent = form.dataset.confirm;
      dialog.showModal();
      return;
    }
    if (form.dataset.action !== undefined) {
      event.preventDefault();
      send(form);
    }
  });

  if (dialog) {
    dialog.addEventListener("close", () => {
      const form = confirmed;
      confirmed = null;
      if (form && dialog.returnValue === "yes") go(form);
      else if (form) {
        const button = form.querySelector("button[type=submit], button:not([type])");
        if (button) button.focus();
      }
    });
  }
})();
