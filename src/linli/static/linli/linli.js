/* Linli's own behaviour, in one file: the Content-Security-Policy allows no inline script or
   event handler (onclick=, onchange=), so pages mark elements with data attributes instead.
   Listeners sit on the document, so content swapped in by htmx works too.

   [data-autosubmit]  a select or checkbox that submits its form when it changes (a filter)
   [data-print]       a button that prints the page (receipts, public grid cards)
   [data-geolocate]   a button that puts the phone's position (WGS-84) into its form's
                      [data-geo-lat] / [data-geo-lng] fields and submits (就近办); on failure
                      it shows the form's [data-geo-error]                                    */
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

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-geolocate]") : null;
    if (!button) return;
    event.preventDefault();
    var form = button.form;
    var failed = function () {
      var note = form && form.querySelector("[data-geo-error]");
      if (note) note.hidden = false;
    };
    if (!form || !navigator.geolocation) return failed();
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("[data-geo-lat]").value = pos.coords.latitude.toFixed(6);
      form.querySelector("[data-geo-lng]").value = pos.coords.longitude.toFixed(6);
      var compound = form.querySelector("select[name=compound]");
      if (compound) compound.disabled = true;
      form.submit();
    }, failed, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
