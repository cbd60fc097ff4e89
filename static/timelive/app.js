// TimeLive: the little script the pages need. No inline script anywhere (CSP).
(function () {
  "use strict";
  // Ask before destructive actions: <form data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
  // Close an open <details> menu with Escape or a click elsewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("details.menu[open]").forEach(function (menu) {
        menu.removeAttribute("open");
        menu.querySelector("summary").focus();
      });
    }
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });

  // Running timers tick every second: <span data-timer-started="ISO time">.
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function tick() {
    document.querySelectorAll("[data-timer-started]").forEach(function (el) {
      var started = Date.parse(el.getAttribute("data-timer-started"));
      if (isNaN(started)) { return; }
      var seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
      var h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
      el.textContent = h + ":" + pad(m) + ":" + pad(s);
    });
  }
  tick();
  window.setInterval(tick, 1000);

  // Global shortcuts, away from form fields: w = this week, t = timer, ? = help.
  function isField(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  // Never while a form field has the focus, whichever element the key event names.
  function typing(target) {
    return isField(target) || isField(document.activeElement);
  }
  function helpOverlay() {
    var overlay = document.getElementById("shortcuts-help");
    if (overlay) { return overlay; }
    overlay = document.createElement("div");
    overlay.id = "shortcuts-help";
    overlay.className = "shortcuts-help";
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-label", "Keyboard shortcuts");
    overlay.hidden = true;
    overlay.innerHTML = '<div class="card"><h2>Keyboard shortcuts</h2><dl class="details">' +
      "<dt><kbd>w</kbd></dt><dd>This week’s timesheet</dd>" +
      "<dt><kbd>t</kbd></dt><dd>Timer (start or see it)</dd>" +
      "<dt><kbd>s</kbd></dt><dd>Stop the running timer</dd>" +
      "<dt><kbd>Tab</kbd></dt><dd>Next cell in the week grid (saves the one you leave)</dd>" +
      "<dt><kbd>?</kbd></dt><dd>This help</dd><dt><kbd>Esc</kbd></dt><dd>Close</dd></dl></div>";
    overlay.addEventListener("click", function () { overlay.hidden = true; });
    document.body.appendChild(overlay);
    return overlay;
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var target = null;
    if (event.key === "w") { target = document.querySelector("[data-shortcut=week]"); }
    if (event.key === "t") { target = document.querySelector("[data-shortcut=timer]") || document.querySelector(".topbar-timer a"); }
    if (event.key === "s") { target = document.querySelector("[data-shortcut=stop-timer]"); }
    if (event.key === "?") { var overlay = helpOverlay(); overlay.hidden = !overlay.hidden; event.preventDefault(); return; }
    if (event.key === "Escape") { var open = document.getElementById("shortcuts-help"); if (open) { open.hidden = true; } }
    if (target) { event.preventDefault(); target.click(); }
  });

  // Week grid: a saved cell's answer replaces only its state (signature, message) out of
  // band; the field itself, maybe under the cursor again, is never swapped. Its text
  // becomes the stored value only when nobody typed in it since the save was sent.
  document.addEventListener("htmx:load", function (event) {
    var state = event.target;
    if (!state.classList || !state.classList.contains("cell-state")) { return; }
    var form = state.closest("form.cell");
    var input = form && form.querySelector("input[name=value]");
    if (!input) { return; }
    var invalid = state.getAttribute("data-invalid") === "true";
    form.classList.toggle("invalid", invalid);
    if (invalid) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    if (input.value.trim() === state.getAttribute("data-sent")) {
      input.value = state.getAttribute("data-value");
    }
  });
})();
