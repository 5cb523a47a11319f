/* Linli's own behaviour, in one file: the Content-Security-Policy allows no inline script or
   event handler (onclick=, onchange=), so pages mark elements with data attributes instead.
   Listeners sit on the document, so content swapped in by htmx works too.

   [data-autosubmit]  a select or checkbox that submits its form when it changes (a filter)
   [data-print]       a button that prints the page (receipts, public grid cards)            */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var control = event.target;
    if (!(control instanceof Element) || !control.matches("[data-autosubmit]")) return;
    var form = control.form;
    if (!form) return;
    if (typeof form.requestSubmit === "function") form.requestSubmit();
    else form.submit();
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (!target) return;
    event.preventDefault();
    window.print();
  });
})();
