// Sign-up: fill the hidden time zone field with the browser's own zone (the server checks it
// against its list and falls back to its default), so a new owner's week starts in their day.
(function () {
  "use strict";
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  document.querySelectorAll("input[data-detect-time-zone]").forEach(function (input) {
    if (!input.value) {
      input.value = zone;
    }
  });
})();
