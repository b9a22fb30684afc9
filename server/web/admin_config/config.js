// The configuration pages (server/routes/admin_config.py): forms with data-config are sent
// in the background; a refusal names its fields, and each message is shown beside its
// field (aria-invalid, aria-describedby), the first one focused. Every form carries the
// revision it was opened at: a save after someone else's is refused (409 config_changed)
// and the page says so instead of overwriting. A device's new token is shown once.
"use strict";

(function () {
  const status = document.getElementById("config-status");

  function say(text, kind) {
    if (!status) return;
    status.textContent = text;
    status.className = "config-status " + (kind || "");
    status.hidden = !text;
  }

  function clearErrors(form) {
    form.querySelectorAll("[aria-invalid=true]").forEach((el) => el.removeAttribute("aria-invalid"));
    form.querySelectorAll(".field-error").forEach((el) => { el.textContent = ""; el.hidden = true; });
  }

  // The element a field name (e.g. "names.pl", "hours.special", "order.A") points at:
  // the longest prefix of the name that the form has.
  function target(form, field) {
    const parts = field.split(".");
    while (parts.length) {
      const name = parts.join(".");
      const found = form.querySelector('[name="' + CSS.escape(name) + '"]') ||
        form.querySelector('[data-field="' + CSS.escape(name) + '"]');
      if (found) return found;
      parts.pop();
    }
    return form.querySelector("[data-field=form]");
  }

  function showError(form, field, message) {
    const el = target(form, field);
    if (!el) return null;
    const slot = document.getElementById(el.dataset.errorId ||
      (el.getAttribute("aria-describedby") || "").split(" ")[0]);
    if (slot) {
      slot.textContent = slot.textContent ? slot.textContent + " " + message : message;
      slot.hidden = false;
    }
    if (el.matches("input, select, textarea")) el.setAttribute("aria-invalid", "true");
    return el;
  }

  function setRevision(revision) {
    document.querySelectorAll('input[name="revision"]').forEach((el) => { el.value = String(revision); });
    document.body.dataset.revision = String(revision);
  }

  async function send(form) {
    clearErrors(form);
    const data = new URLSearchParams(new FormData(form));
    let answer;
    try {
      answer = await fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/x-www-form-urlencoded",
          "X-CSRF-Token": document.body.dataset.csrf || "",
        },
        body: data.toString(),
      });
    } catch (err) {
      say(document.body.dataset.offline || "", "error");
      return;
    }
    let result = {};
    try { result = await answer.json(); } catch (err) { result = {}; }
    document.body.dataset.lastAnswer = String(answer.status);
    if (answer.ok) {
      if (result.revision !== undefined) setRevision(result.revision);
      const token = document.getElementById("device-token");
      if (result.token && token) {
        document.getElementById("device-token-value").textContent = result.token;
        document.getElementById("device-token-name").textContent = result.name || "";
        token.hidden = false;
        token.focus();
        say(result.detail || "", "ok");
        return;
      }
      if (result.reload) {
        try { window.sessionStorage.setItem("config-said", result.detail || ""); } catch (err) { /* private mode */ }
        window.location.assign(result.location || window.location.href);
        return;
      }
      say(result.detail || "", "ok");
      return;
    }
    say(result.detail || String(answer.status), answer.status === 409 ? "conflict" : "error");
    let shown = null;
    (result.errors || []).forEach((error) => {
      shown = showError(form, error.field || "", error.message || "") || shown;
    });
    // the first marked field in the form's order, else the message
    const first = form.querySelector("[aria-invalid=true]") || shown;
    if (first && first.focus && first.matches("input, select, textarea")) first.focus();
    else if (status) status.focus();
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.config === undefined) return;
    event.preventDefault();
    const dialog = document.getElementById("confirm");  // the console's own (admin/base.html)
    if (form.dataset.ask && dialog) {
      document.getElementById("confirm-text").textContent = form.dataset.ask;
      dialog.addEventListener("close", () => {
        if (dialog.returnValue === "yes") send(form);
        else {
          const button = form.querySelector("button");
          if (button) button.focus();
        }
      }, { once: true });
      dialog.showModal();
      return;
    }
    send(form);
  });

  // The counters' service order without a mouse: a row's up/down button moves it and
  // numbers the list again from 1 (the order fields stay the truth the form sends); the
  // button keeps the focus and the page says the new place.
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-move]") : null;
    if (!button) return;
    const row = button.closest("tr");
    const body = row && row.parentElement;
    if (!row || !body) return;
    if (button.dataset.move === "up" && row.previousElementSibling) {
      body.insertBefore(row, row.previousElementSibling);
    } else if (button.dataset.move === "down" && row.nextElementSibling) {
      body.insertBefore(row.nextElementSibling, row);
    }
    const rows = Array.from(body.rows);
    rows.forEach((each, index) => {
      const order = each.querySelector('input[name^="order."]');
      if (order) order.value = String(index + 1);
    });
    button.focus();
    const live = document.getElementById("order-said");
    if (live) {
      live.textContent = (live.dataset.said || "")
        .replace("{code}", row.dataset.code || "")
        .replace("{n}", String(rows.indexOf(row) + 1))
        .replace("{total}", String(rows.length));
    }
  });

  let said = null;
  try {
    said = window.sessionStorage.getItem("config-said");
    window.sessionStorage.removeItem("config-said");
  } catch (err) { said = null; }
  if (said) say(said, "ok");
})();
