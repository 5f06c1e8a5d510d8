/* The edit page warns before leaving with unsaved changes (a form with data-warn-unsaved): typing
   marks it changed, saving clears the mark. Browsers show their own wording for the prompt. */
(function () {
  "use strict";

  var changed = false;

  document.addEventListener("input", function (event) {
    if (event.target.form && event.target.form.hasAttribute("data-warn-unsaved")) {
      changed = true;
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.form && event.target.form.hasAttribute("data-warn-unsaved")) {
      changed = true;
    }
  });
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("data-warn-unsaved")) {
      changed = false;
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (changed) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
