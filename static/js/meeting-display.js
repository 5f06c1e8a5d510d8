/* Meeting display: keyboard control for the coordinator, and full screen for the projector.
   Arrow keys (and a presenter clicker's Page Up / Page Down) step to the previous / next case;
   Home and End go to the first and the last. Key presses are queued, not dropped: each press is
   sent after the previous one has been answered (the stage is swapped by then), so three quick
   presses advance three cases. The buttons exist only for users allowed to run the meeting; the
   server decides what happens. No inline script anywhere (CSP script-src 'self'). The stage is
   replaced by htmx, so elements are looked up again for every key. */
(function () {
  "use strict";

  var KEYS = { ArrowRight: "next", PageDown: "next", ArrowLeft: "previous", PageUp: "previous", Home: "first", End: "last" };
  var queue = [];
  var busy = false;

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function buttonFor(step) {
    if (step === "first" || step === "last") {
      var items = document.querySelectorAll("#display-stage .display-agenda button[name=item]");
      return items.length ? items[step === "first" ? 0 : items.length - 1] : null;
    }
    return document.querySelector('#display-stage button[data-step="' + step + '"]');
  }

  function send() {
    if (busy || !queue.length) {
      return;
    }
    var button = buttonFor(queue.shift());
    if (!button) {
      queue.length = 0;
      return;
    }
    busy = true;
    button.click();
  }

  // htmx tells us when the swap of the new stage is done (or the request failed): then the next key.
  ["htmx:afterSettle", "htmx:responseError", "htmx:sendError"].forEach(function (name) {
    document.addEventListener(name, function () {
      busy = false;
      send();
    });
  });

  document.addEventListener("keydown", function (event) {
    var step = KEYS[event.key];
    if (!step || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    if (!buttonFor(step)) {
      return;
    }
    event.preventDefault();
    queue.push(step);
    send();
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
