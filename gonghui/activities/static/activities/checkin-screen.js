// The organiser's check-in screen: fetch the new code as the old one expires and draw it in
// place (the page itself keeps working if a fetch fails: the previous window stays valid for
// one more period, and the next fetch catches up).
"use strict";
(function () {
  var box = document.getElementById("checkin-screen");
  if (!box) return;
  var url = box.getAttribute("data-code-url");
  var qr = document.getElementById("checkin-qr");
  var status = document.getElementById("checkin-status");
  var offline = status ? status.textContent : "";

  function schedule(seconds) {
    var wait = Math.max(1, Math.min(60, Number(seconds) || 5));
    window.setTimeout(refresh, wait * 1000 + 250);
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        // The SVG is drawn by our server from our own URL (core.qr), never from input.
        qr.innerHTML = data.svg;
        if (status) status.textContent = offline;
        schedule(data.seconds_left);
      })
      .catch(function () {
        if (status) status.textContent = status.getAttribute("data-offline") || "…";
        schedule(5);
      });
  }

  schedule(box.getAttribute("data-seconds-left"));
})();
