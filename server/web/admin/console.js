// The /admin console's one script (no framework, nothing from outside this server).
//
// - Live pages (body[data-fragment]): the part inside #live is the server's own HTML,
//   fetched again from data-fragment whenever the site's event stream (/admin/events)
//   says something happened, at most once per second, and every 15 s for the clocks.
//   The stream resumes from the last seq it saw (?after=&epoch=), so a monitor that lost
//   its connection says so (#connection) and misses nothing once it is back.
// - Forms with data-confirm ask first in an accessible <dialog>; forms with data-action
//   are sent in the background and the server's answer is read out in #status.
"use strict";

(function () {
  const body = document.body;
  const MIN_INTERVAL_MS = 1000;
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

  // --- the event stream ---------------------------------------------------------------
  const streamUrl = body.dataset.stream;
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
    }
    const socket = new WebSocket(scheme + window.location.host + streamUrl + "?" + params.toString());
    socket.addEventListener("open", () => {
      retry = 0;
      setConnection("online");
      refresh();
    });
    socket.addEventListener("message", (message) => {
      let event;
      try { event = JSON.parse(message.data); } catch (err) { return; }
      epoch = event.epoch;
      lastSeq = event.seq;
      body.dataset.seq = String(event.seq);
      body.dataset.lastType = event.type;
      refresh();
    });
    socket.addEventListener("close", (closed) => {
      if (closed.code === 4401) {  // the session ended
        window.location.assign("/admin/login?next=" + encodeURIComponent(window.location.pathname));
        return;
      }
      setConnection("lost");
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
        headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
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
