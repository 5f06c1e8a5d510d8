/* Meeting display: keyboard control for the coordinator, and full screen for the projector.
   Arrow keys (and a presenter clicker's Page Up / Page Down) press the previous / next buttons,
   which exist only for users allowed to run the meeting; the server decides what happens.
   No inline script anywhere (CSP script-src 'self'). The stage is replaced by htmx, so events
   are delegated from the document. */
(function () {
  "use strict";

  var KEYS = { ArrowRight: "next", PageDown: "next", ArrowLeft: "previous", PageUp: "previous" };

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    var step = KEYS[event.key];
    if (!step || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    var button = document.querySelector('#display-stage button[data-step="' + step + '"]');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-display-fullscreen]");
    if (!toggle) {
      return;
    }
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen();
    }
  });
})();
