/* The public status page (/status/<site>): polls the site's open feed every few seconds
   (as the page's boot data says, never faster than the feed refreshes), puts the new
   figures in place with the captions the page brought, and says when the connection is
   lost. Plain ES5, no build. */
(function () {
  "use strict";

  var boot = JSON.parse(document.getElementById("boot").textContent);
  var texts = boot.captions;
  var MAX_BACKOFF_MS = 120000;
  var REQUEST_TIMEOUT_MS = 10000;
  var etag = null;
  var failures = 0;
  var timer = null;

  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  // As the server says it (server/routes/public_status.py `wait_text`).
  function waitText(seconds) {
    if (seconds === null || seconds === undefined) { return texts.unknown; }
    var minutes = seconds > 0 ? Math.max(1, Math.ceil(seconds / 60)) : 0;
    if (minutes < 60) { return format(texts.minutes, { minutes: minutes }); }
    return format(texts.hours, { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  }

  function set(section, field, value) {
    var el = section.querySelector('[data-field="' + field + '"]');
    if (el && el.textContent !== String(value)) { el.textContent = value; }
  }

  function show(feed) {
    feed.queues.forEach(function (q) {
      var section = document.querySelector('.queue[data-service="' + q.service + '"]');
      if (!section) { return; }
      var open = q.status === "open";
      section.classList.toggle("closed", !open);
      set(section, "state", open ? texts.issuing : (texts.reasons[q.reason] || q.reason || ""));
      set(section, "waiting", q.waiting);
      set(section, "open_counters", q.open_counters);
      set(section, "current", q.current_number || texts.none);
      set(section, "wait", waitText(q.estimated_wait_s));
      var runOut = section.querySelector(".run-out");
      if (q.tickets_run_out) {
        set(section, "run_out", format(texts.about, { time: q.tickets_run_out.local_time }));
        set(section, "run_out_why", q.tickets_run_out.reason === "daily_limit"
          ? texts.run_out_limit : texts.run_out_closing);
        runOut.hidden = false;
      } else {
        runOut.hidden = true;
      }
    });
    document.getElementById("updated").textContent = format(texts.updated, { time: feed.local_time });
    document.body.dataset.updated = feed.generated_at;
  }

  function schedule(ms) {
    if (timer !== null) { clearTimeout(timer); }
    timer = setTimeout(poll, ms);
  }

  function offline(down) {
    document.getElementById("offline").textContent = down ? texts.offline : "";
    document.body.dataset.connection = down ? "offline" : "online";
  }

  function poll() {
    timer = null;
    if (document.hidden) { return; } // polled again when the page is shown
    var request = new XMLHttpRequest();
    request.open("GET", boot.feed);
    request.timeout = REQUEST_TIMEOUT_MS;
    request.setRequestHeader("Accept", "application/json");
    if (etag) { request.setRequestHeader("If-None-Match", etag); }
    request.onload = function () {
      if (request.status === 200 || request.status === 304) {
        failures = 0;
        offline(false);
        if (request.status === 200) {
          etag = request.getResponseHeader("ETag");
          show(JSON.parse(request.responseText));
        }
        schedule(boot.poll_s * 1000);
        return;
      }
      var retry = Number(request.getResponseHeader("Retry-After"));
      fail(request.status === 429 && retry > 0 ? retry * 1000 : null);
    };
    request.onerror = request.ontimeout = function () { fail(null); };
    request.send();
  }

  function fail(waitMs) {
    failures += 1;
    offline(failures > 1);
    var backoff = Math.min(MAX_BACKOFF_MS, boot.poll_s * 1000 * Math.pow(2, failures - 1));
    schedule(waitMs || backoff);
  }

  function pollNow() {
    if (timer !== null) { clearTimeout(timer); }
    poll();
  }

  // Back on the page, or back on the network: fresh figures at once.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { pollNow(); }
  });
  window.addEventListener("online", pollNow);
  document.body.dataset.connection = "online";
  schedule(boot.poll_s * 1000);
}());
