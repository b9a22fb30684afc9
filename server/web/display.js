/* The hall board in a browser: the same rules as display/board.py, in plain ES5-style
   JavaScript so that older smart-TV browsers run it without a build step.

   Address: /display/<site>?token=T[&zone=5-8][&history=6][&layout=portrait|landscape]
            [&languages=en,uk,ru]   (no zone: the zone registered for the display, if any)
   The page opens /api/v1/sites/<site>/events?token=T&after=<seq>&epoch=<epoch>, rebuilds
   the whole board from a `reset` event, applies every other event once (a replayed
   sequence number is ignored) and reconnects with back-off, resuming after the last
   sequence number it applied. */
(function () {
  "use strict";

  var BLINK_MS = 500;
  var FLASHES = 8;
  var ROTATE_MS = 8000;
  var TICKER_SPEED = 140; // design pixels per second
  var FATAL_CLOSE = [4401, 4403, 4404];

  var boot = JSON.parse(document.getElementById("kolejka-boot").textContent);
  var params = new URLSearchParams(window.location.search);

  // --- settings from the address ----------------------------------------------------

  function parseZone(text) {
    if (!text) { return null; }
    var numbers = [];
    text.split(",").forEach(function (part) {
      part = part.trim();
      if (!part) { return; }
      var bounds = part.split("-");
      var first = parseInt(bounds[0], 10);
      var last = bounds.length > 1 ? parseInt(bounds[1], 10) : first;
      if (isNaN(first) || isNaN(last) || first < 1 || last < first) {
        throw new Error("zone: " + part + " is not a counter number or range");
      }
      for (var n = first; n <= last; n++) { numbers.push(n); }
    });
    return numbers.length ? numbers : null;
  }

  var settings = {
    token: params.get("token") || "",
    zone: null,
    history: Math.max(0, Math.min(12, parseInt(params.get("history") || "6", 10) || 0)),
    layout: params.get("layout") || "auto",
    languages: (params.get("languages") || "en,uk,ru").split(",").filter(function (l) {
      return l !== "pl" && boot.captions[l];
    }),
    error: null
  };
  try {
    // The address's zone wins; otherwise the zone registered for this display's token.
    settings.zone = params.get("zone") ? parseZone(params.get("zone")) : (boot.zone || null);
  } catch (err) {
    settings.error = err.message;
  }
  if (!settings.languages.length) { settings.languages = ["en"]; }

  // --- the board model (mirrors display/board.py) -----------------------------------

  function Board(zone, history) {
    this.zone = zone;
    this.history = history;
    this.site = boot.site;
    this.siteName = "";
    this.epoch = null;
    this.seq = null;
    this.calls = []; // newest first
    this.ticker = {};
    this.services = []; // [{code, names}] in the site's order
    this.waiting = {}; // ticket id -> service code
    this.counterServices = {}; // counter number -> [service codes]
  }

  Board.prototype.inZone = function (counter) {
    return counter !== null && counter !== undefined &&
      (this.zone === null || this.zone.indexOf(counter) >= 0);
  };

  Board.prototype.trackCounter = function (counter) {
    this.counterServices[counter.number] = (counter.services || []).map(function (s) {
      return s.service;
    });
  };

  Board.prototype.load = function (snap) {
    var self = this;
    this.site = snap.site;
    this.siteName = snap.site_name;
    this.epoch = snap.epoch;
    this.seq = snap.seq;
    this.ticker = snap.ticker || {};
    this.services = snap.services.map(function (s) { return { code: s.code, names: s.names }; });
    this.counterServices = {};
    snap.counters.forEach(function (c) { self.trackCounter(c); });
    this.waiting = {};
    snap.waiting.forEach(function (t) { self.waiting[t.id] = t.service; });
    this.calls = [];
    snap.recent_calls.forEach(function (c) {
      if (self.calls.length > self.history || !self.inZone(c.counter)) { return; }
      for (var i = 0; i < self.calls.length; i++) {
        if (self.calls[i].ticketId === c.ticket_id) { return; }
      }
      self.calls.push({
        ticketId: c.ticket_id, number: c.number, service: c.service, counter: c.counter,
        language: c.language, recall: !!c.recall
      });
    });
  };

  // An administrator changed the site (docs/events.md, `site.configured`): the names,
  // the ticker and which counters serve what follow at once, without a reload.
  Board.prototype.configure = function (board) {
    var self = this;
    if (typeof board.site_name === "string") { this.siteName = board.site_name; }
    if (board.ticker && typeof board.ticker === "object") { this.ticker = board.ticker; }
    if (Array.isArray(board.services)) {
      this.services = board.services.map(function (s) { return { code: s.code, names: s.names }; });
    }
    if (Array.isArray(board.counters)) {
      this.counterServices = {};
      board.counters.forEach(function (c) {
        self.counterServices[c.number] = (c.services || []).slice();
      });
    }
  };

  Board.prototype.apply = function (ev) {
    if (ev.type === "reset") {
      this.load(ev.payload);
      return { reset: true, ignored: false, announce: [] };
    }
    if (ev.epoch === this.epoch && this.seq !== null && ev.seq <= this.seq) {
      return { reset: false, ignored: true, announce: [] };
    }
    var announce = [];
    if (ev.type.indexOf("ticket.") === 0) {
      var t = ev.payload.ticket;
      if (!t || typeof t !== "object") { throw new Error("event " + ev.seq + " has no ticket"); }
      if (t.status === "waiting") { this.waiting[t.id] = t.service; } else { delete this.waiting[t.id]; }
      if (t.status === "waiting" || t.status === "parked") {
        // back in line (transferred, parked, reactivated): no longer "now calling"
        this.calls = this.calls.filter(function (c) { return c.ticketId !== t.id; });
      }
      if ((ev.type === "ticket.called" || ev.type === "ticket.recalled") && this.inZone(t.counter)) {
        var call = {
          ticketId: t.id, number: t.number, service: t.service, counter: t.counter,
          language: t.language, recall: ev.type === "ticket.recalled"
        };
        this.calls = [call].concat(this.calls.filter(function (c) { return c.ticketId !== t.id; }));
        this.calls.length = Math.min(this.calls.length, this.history + 1);
        announce.push(call);
      }
    } else if (ev.type.indexOf("counter.") === 0 && ev.payload.counter) {
      this.trackCounter(ev.payload.counter);
    } else if (ev.type === "site.configured" && ev.payload.board) {
      this.configure(ev.payload.board);
    }
    this.epoch = ev.epoch;
    this.seq = ev.seq;
    return { reset: false, ignored: false, announce: announce };
  };

  Board.prototype.serviceRows = function () {
    var self = this;
    var counts = {};
    Object.keys(this.waiting).forEach(function (id) {
      var code = self.waiting[id];
      counts[code] = (counts[code] || 0) + 1;
    });
    var shown = null;
    if (this.zone !== null) {
      shown = {};
      this.zone.forEach(function (n) {
        (self.counterServices[n] || []).forEach(function (code) { shown[code] = true; });
      });
    }
    return this.services.filter(function (s) { return shown === null || shown[s.code]; })
      .map(function (s) { return { code: s.code, names: s.names, waiting: counts[s.code] || 0 }; });
  };

  // --- rendering ----------------------------------------------------------------------

  var board = new Board(settings.zone, settings.history);
  var ui = {
    language: settings.languages[0],
    connection: "connecting",
    resets: 0,
    blinkTimer: null,
    blinksLeft: 0
  };
  var $ = function (id) { return document.getElementById(id); };

  function caption(key, language) {
    var table = boot.captions[language] || boot.captions.pl;
    return table[key] || boot.captions.pl[key] || key;
  }

  function setText(el, text) {
    if (el.textContent !== text) { el.textContent = text; }
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function renderCaptions() {
    var nodes = document.querySelectorAll("[data-caption]");
    for (var i = 0; i < nodes.length; i++) {
      var key = nodes[i].getAttribute("data-caption");
      nodes[i].textContent = "";
      nodes[i].appendChild(el("span", "pl", caption(key, "pl")));
      if (ui.language !== "pl") { nodes[i].appendChild(el("span", "other", caption(key, ui.language))); }
    }
    var recall = caption("recall", "pl");
    if (ui.language !== "pl") { recall += " · " + caption("recall", ui.language); }
    setText($("recall-label"), "↻ " + recall);
    document.title = "Kolejka — " + caption("title", "pl");
  }

  function renderBanner() {
    var banner = $("banner");
    document.body.setAttribute("data-connection", ui.connection);
    var key = settings.error ? null : { connecting: "connecting", offline: "offline", refused: "refused" }[ui.connection];
    if (!key && !settings.error) { banner.hidden = true; return; }
    var text = settings.error || caption(key, "pl");
    if (key && ui.language !== "pl") { text += "   ·   " + caption(key, ui.language); }
    setText(banner, "⚠  " + text);
    banner.hidden = false;
  }

  function fitText(node) {
    node.style.fontSize = "";
    if (node.scrollWidth > node.clientWidth && node.clientWidth > 0) {
      var px = parseFloat(window.getComputedStyle(node).fontSize);
      node.style.fontSize = Math.max(8, px * node.clientWidth / node.scrollWidth * 0.97) + "px";
    }
  }

  function renderBoard() {
    setText($("site-name"), board.siteName);
    var current = board.calls[0];
    setText($("current-number"), current ? current.number : "—");
    setText($("current-counter"), current ? String(current.counter) : "—");
    $("recall-label").hidden = !(current && current.recall);
    fitText($("current-number"));

    var list = $("recent-list");
    list.textContent = "";
    board.calls.slice(1, board.history + 1).forEach(function (call) {
      var li = el("li");
      li.appendChild(el("span", "number", call.number));
      li.appendChild(el("span", "arrow", "➜"));
      li.appendChild(el("span", "counter-box", String(call.counter)));
      list.appendChild(li);
    });

    renderServices();
    renderTicker();
  }

  function renderServices() {
    var list = $("service-list");
    list.textContent = "";
    board.serviceRows().forEach(function (row) {
      var li = el("li");
      li.setAttribute("data-service", row.code);
      li.appendChild(el("span", "code", row.code));
      var names = el("span", "names");
      var pl = row.names.pl || row.code;
      names.appendChild(el("div", "name", pl));
      var other = ui.language !== "pl" ? row.names[ui.language] : "";
      if (other && other !== pl) { names.appendChild(el("div", "name-other", other)); }
      li.appendChild(names);
      li.appendChild(el("span", "count", String(row.waiting)));
      list.appendChild(li);
    });
  }

  var tickerText = null;
  function renderTicker() {
    var order = ["pl"].concat(settings.languages, boot.languages);
    var seen = [];
    order.forEach(function (l) {
      if (board.ticker[l] && seen.indexOf(l) < 0) { seen.push(l); }
    });
    var text = seen.map(function (l) { return board.ticker[l].trim(); }).join("   •   ");
    if (text === tickerText) { return; }
    tickerText = text;
    $("ticker").hidden = !text;
    setText($("ticker-text"), text ? text + "   •   " : "");
    setText($("ticker-copy"), text ? text + "   •   " : "");
    restartTicker();
  }

  function restartTicker() {
    var track = $("ticker-track");
    var unit = designUnit();
    var width = $("ticker-text").offsetWidth;
    track.style.animationDuration = Math.max(5, width / (TICKER_SPEED * unit)) + "s";
  }

  function flash(call) {
    if (call.language !== "pl" && call.language !== ui.language && boot.captions[call.language]) {
      setLanguage(call.language);
      restartRotation();
    }
    var panel = $("current-panel");
    window.clearInterval(ui.blinkTimer);
    ui.blinksLeft = FLASHES * 2 - 1;
    panel.classList.add("lit");
    ui.blinkTimer = window.setInterval(function () {
      ui.blinksLeft -= 1;
      panel.classList.toggle("lit");
      if (ui.blinksLeft <= 0) {
        window.clearInterval(ui.blinkTimer);
        panel.classList.remove("lit");
      }
    }, BLINK_MS);
  }

  function setLanguage(language) {
    ui.language = language;
    renderCaptions();
    renderBanner();
    renderServices();
  }

  var rotation = null;
  function restartRotation() {
    window.clearInterval(rotation);
    rotation = window.setInterval(function () {
      var i = settings.languages.indexOf(ui.language);
      setLanguage(settings.languages[(i + 1) % settings.languages.length]);
    }, ROTATE_MS);
  }

  function setConnection(state) {
    ui.connection = state;
    renderBanner();
  }

  // --- size and orientation -----------------------------------------------------------

  function designUnit() {
    var w = window.innerWidth, h = window.innerHeight;
    return document.body.getAttribute("data-layout") === "portrait"
      ? Math.min(w / 1080, h / 1920) : Math.min(w / 1920, h / 1080);
  }

  function applyLayout() {
    var portrait = settings.layout === "portrait" ||
      (settings.layout !== "landscape" && window.innerHeight > window.innerWidth);
    document.body.setAttribute("data-layout", portrait ? "portrait" : "landscape");
    document.documentElement.style.setProperty("--u", designUnit() + "px");
    fitText($("current-number"));
    restartTicker();
  }

  // --- the clock ----------------------------------------------------------------------

  // The office's time, whatever zone the TV is set to.
  var dateFormat = null, timeFormat = null;
  try {
    var zoneOption = boot.timezone ? { timeZone: boot.timezone } : {};
    dateFormat = new Intl.DateTimeFormat("pl", Object.assign({ weekday: "long", day: "numeric", month: "long", year: "numeric" }, zoneOption));
    timeFormat = new Intl.DateTimeFormat("pl", Object.assign({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }, zoneOption));
  } catch (err) {
    dateFormat = timeFormat = null;
  }
  function tick() {
    var now = new Date();
    var hhmm = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
    if (timeFormat) {
      var parts = {};
      timeFormat.formatToParts(now).forEach(function (part) { parts[part.type] = part.value; });
      hhmm = parts.hour + ":" + parts.minute;
    }
    setText($("clock-time"), hhmm);
    setText($("clock-date"), dateFormat ? dateFormat.format(now) : now.toDateString());
  }

  // --- the event stream ---------------------------------------------------------------

  var backoff = 500;
  var socket = null;
  var everOnline = false;

  function streamUrl() {
    var url = new URL("../api/v1/sites/" + encodeURIComponent(boot.site) + "/events", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("token", settings.token);
    if (board.epoch !== null && board.seq !== null) {
      url.searchParams.set("after", String(board.seq));
      url.searchParams.set("epoch", board.epoch);
    }
    return url.toString();
  }

  function onEvent(ev) {
    var update;
    try {
      update = board.apply(ev);
    } catch (err) {
      if (window.console) { window.console.warn("display: skipped event", ev.seq, err); }
      return;
    }
    if (update.ignored) { return; }
    if (update.reset) { ui.resets += 1; }
    renderBoard();
    if (update.announce.length) { flash(update.announce[update.announce.length - 1]); }
    document.body.setAttribute("data-seq", String(board.seq));
  }

  function connect() {
    socket = new WebSocket(streamUrl());
    socket.onopen = function () {
      backoff = 500;
      everOnline = true;
      setConnection("online");
    };
    socket.onmessage = function (message) {
      var ev;
      try {
        ev = JSON.parse(message.data);
      } catch (err) {
        return;
      }
      onEvent(ev);
    };
    socket.onclose = function (closing) {
      socket = null;
      if (FATAL_CLOSE.indexOf(closing.code) >= 0) {
        setConnection("refused");
        window.setTimeout(connect, 60000); // an administrator may fix the token meanwhile
        return;
      }
      setConnection(everOnline ? "offline" : "connecting");
      window.setTimeout(connect, backoff * (0.75 + Math.random() / 2));
      backoff = Math.min(backoff * 2, 10000);
    };
  }

  window.kolejkaDisplay = { board: board, ui: ui, settings: settings };

  applyLayout();
  renderCaptions();
  renderBanner();
  renderBoard();
  tick();
  window.setInterval(tick, 1000);
  restartRotation();
  window.addEventListener("resize", applyLayout);
  if (!settings.error) { connect(); }
}());
