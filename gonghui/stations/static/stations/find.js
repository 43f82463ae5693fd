// "Use my location": fill lat/lng from the browser's geolocation and submit the plain GET
// form, so the server renders the list. Without JavaScript the button stays hidden and the
// district picker / coordinates work as they are.
(function () {
  "use strict";
  var button = document.getElementById("locate");
  var form = document.getElementById("find-form");
  if (!button || !form || !("geolocation" in navigator)) return;
  var status = document.getElementById("locate-status");
  var fallback = document.getElementById("fallback");
  button.hidden = false;
  function failed() {
    button.disabled = false;
    status.textContent = button.dataset.denied;
    if (fallback) fallback.open = true;
  }
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = button.dataset.busy;
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(6);
      form.elements.lng.value = pos.coords.longitude.toFixed(6);
      form.elements.crs.value = "wgs84";
      var use = document.createElement("input");
      use.type = "hidden";
      use.name = "use";
      use.value = "point";
      form.appendChild(use);
      form.submit();
    }, failed, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
