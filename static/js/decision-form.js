/* Formset rows added without saving: a button with data-add-row copies its <template> row into the
   table, numbering the new row's inputs (__prefix__) and counting it in the formset's TOTAL_FORMS.
   No inline script (CSP script-src 'self'). */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-row]");
    if (!button) {
      return;
    }
    var prefix = button.dataset.prefix;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(button.dataset.template);
    var rows = document.getElementById(button.dataset.addRow);
    if (!total || !template || !rows) {
      return;
    }
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = rows.lastElementChild && rows.lastElementChild.querySelector("input, select, textarea");
    if (first) {
      first.focus();
    }
  });
})();
