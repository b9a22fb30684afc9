/* The visitor's ticket page (/t/<public id>): shows the number, the service, how many are
   ahead and the estimated wait, and the counter once called; polls
   ../api/v1/public/tickets/<public id> every few seconds, backs off while the network is
   down, and polls at once when the phone comes back to the page. Plain ES5, no build. */
(function () {
  "use strict";

  var boot = JSON.parse(document.getElementById("kolejka-boot").textContent);
  // The switch's choice is kept for this ticket only: the next ticket opens in its own
  // language again (the one picked at the kiosk), whatever the phone last showed.
  var STORAGE_KEY = "kolejka-language:" + boot.public_id;
  var FINAL = { done: true, cancelled: true, no_show: true };
  var FINAL_POLL_MS = 60000;
  var MAX_BACKOFF_MS = 30000;
  var REQUEST_TIMEOUT_MS = 10000;
  var API = "../api/v1/public/tickets/" + encodeURIComponent(boot.public_id);

  var body = document.body;
  var language = chooseLanguage();
  var state = boot.initial; // null: no such ticket
  var updatedAt = state ? new Date() : null;
  var failures = 0;
  var timer = null;
  var busy = false;

  function $(id) { return document.getElementById(id); }

  function chooseLanguage() {
    var asked = new URLSearchParams(window.location.search).get("lang");
    if (asked && boot.captions[asked]) { return asked; }
    try {
      var saved = window.localStorage.getItem(STORAGE_KEY);
      if (saved && boot.captions[saved]) { return saved; }
    } catch (e) { /* storage disabled: use the server's choice (the ticket's language) */ }
    return boot.language;
  }

  function t(key) {
    var texts = boot.captions[language] || boot.captions.en;
    return texts[key] !== undefined ? texts[key] : boot.captions.en[key];
  }

  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  // Index into the forms for n = 1, 2, 5 (see PLURAL_SAMPLES on the server).
  function pluralIndex(n) {
    var d = n % 10, h = n % 100;
    if (language === "en") { return n === 1 ? 0 : 1; }
    if (language === "pl") {
      if (n === 1) { return 0; }
      return d >= 2 && d <= 4 && (h < 10 || h >= 20) ? 1 : 2;
    }
    if (d === 1 && h !== 11) { return 0; } // ru, uk
    return d >= 2 && d <= 4 && (h < 10 || h >= 20) ? 1 : 2;
  }

  function waitText(seconds) {
    if (seconds === null || seconds === undefined) { return t("unknown"); }
    var minutes = Math.max(1, Math.round(seconds / 60));
    var text = minutes >= 60
      ? format(t("hours"), { hours: Math.floor(minutes / 60), minutes: minutes % 60 })
      : format(t("minutes"), { minutes: minutes });
    return format(t("estimate"), { wait: text });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function buildLanguageButtons() {
    var nav = $("languages");
    nav.setAttribute("aria-label", t("languages"));
    boot.languages.forEach(function (code) {
      var button = document.createElement("button");
      button.type = "button";
      button.lang = code;
      // The name read aloud starts with the code shown (WCAG 2.5.3), then the language's name.
      button.textContent = code.toUpperCase();
      var name = document.createElement("span");
      name.className = "visually-hidden";
      name.textContent = " " + boot.native_names[code];
      button.appendChild(name);
      button.title = boot.native_names[code];
      button.setAttribute("data-language", code);
      button.addEventListener("click", function () {
        language = code;
        try { window.localStorage.setItem(STORAGE_KEY, code); } catch (e) { /* ignore */ }
        render();
      });
      nav.appendChild(button);
    });
  }

  function render() {
    document.documentElement.lang = language;
    Array.prototype.forEach.call(document.querySelectorAll("[data-caption]"), function (el) {
      el.textContent = t(el.getAttribute("data-caption"));
    });
    $("languages").setAttribute("aria-label", t("languages"));
    Array.prototype.forEach.call(document.querySelectorAll("#languages button"), function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-language") === language));
    });
    var message = "", ahead = "", estimate = "";
    if (!state) {
      body.setAttribute("data-status", "missing");
      $("message").textContent = t("missing");
      $("ahead").textContent = "";
      $("estimate").textContent = "";
      document.title = t("title");
      return;
    }
    body.setAttribute("data-status", state.status);
    $("number").textContent = state.number;
    $("service").textContent = state.service_names[language] || state.service_names.pl || "";
    $("counter-number").textContent = state.counter === null ? "" : String(state.counter);
    if (state.status === "waiting") {
      message = t("waiting");
      if (state.ahead === 0) {
        ahead = t("nobody_ahead");
      } else if (state.ahead !== null && state.ahead !== undefined) {
        ahead = format(t("ahead")[pluralIndex(state.ahead)], { n: state.ahead });
        estimate = waitText(state.estimated_wait_s);
      }
    } else if (state.status === "serving") {
      message = format(t("serving"), { counter: state.counter });
    } else if (state.status !== "called") {
      message = t(state.status) || "";
    }
    $("message").textContent = message;
    $("ahead").textContent = ahead;
    $("estimate").textContent = estimate;
    document.title = state.status === "called"
      ? state.number + " → " + state.counter
      : state.number + " · " + t("title");
    $("updated").textContent = updatedAt
      ? format(t("updated"), {
        time: pad(updatedAt.getHours()) + ":" + pad(updatedAt.getMinutes()) + ":" +
          pad(updatedAt.getSeconds())
      })
      : "";
  }

  function setOnline(online) {
    body.setAttribute("data-connection", online ? "online" : "offline");
  }

  function notifyCalled() {
    try {
      if (navigator.vibrate && navigator.userActivation && navigator.userActivation.hasBeenActive) {
        navigator.vibrate([300, 150, 300]);
      }
    } catch (e) { /* not supported */ }
  }

  function schedule(ms) {
    window.clearTimeout(timer);
    timer = window.setTimeout(poll, ms);
  }

  function poll() {
    if (busy) { return; }
    busy = true;
    var controller = window.AbortController ? new window.AbortController() : null;
    var deadline = window.setTimeout(function () { if (controller) { controller.abort(); } },
      REQUEST_TIMEOUT_MS);
    window.fetch(API, {
      cache: "no-store",
      credentials: "omit",
      headers: { "Accept": "application/json" },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (response.status === 404) { return null; }
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      failures = 0;
      setOnline(true);
      var before = state ? state.status : null;
      state = data;
      updatedAt = new Date();
      render();
      if (!data) { return; } // the ticket is gone: nothing more will change
      if (data.status === "called" && before !== "called") { notifyCalled(); }
      schedule(FINAL[data.status] ? FINAL_POLL_MS : (data.poll_after_ms || boot.poll_ms));
    }, function () {
      failures += 1;
      setOnline(failures < 2); // one lost answer on a phone is normal; two is an outage
      schedule(Math.min(MAX_BACKOFF_MS, boot.poll_ms * Math.pow(2, failures)));
    }).then(function () {
      window.clearTimeout(deadline);
      busy = false;
    });
  }

  function pollSoon() {
    if (state) { schedule(0); }
  }

  buildLanguageButtons();
  render();
  if (state) { schedule(state.poll_after_ms || boot.poll_ms); }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { pollSoon(); }
  });
  window.addEventListener("online", pollSoon);
  window.addEventListener("focus", pollSoon);
}());
