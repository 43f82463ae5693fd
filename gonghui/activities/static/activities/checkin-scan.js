// The organiser's card scanner. Every scan (camera or typed) is put in a queue kept in
// localStorage with its own nonce and the time it was made, then sent to
// POST /api/v1/activities/<id>/checkins/sync whenever the network is there. The server records
// each nonce once, so a queue sent twice (a lost answer, two tabs) does no harm; a scan is
// removed from the queue only when the server has answered for it.
"use strict";
(function () {
  var app = document.getElementById("scan-app");
  if (!app) return;
  var syncUrl = app.getAttribute("data-sync-url");
  var csrf = app.getAttribute("data-csrf");
  var key = "gonghui-scans-" + app.getAttribute("data-activity");
  var logKey = key + "-log";
  var form = document.getElementById("scan-form");
  var log = document.getElementById("scan-log");
  var network = document.getElementById("scan-network");
  var text = function (name) { return app.getAttribute("data-text-" + name) || ""; };
  var sending = false;

  function load(k) {
    try { return JSON.parse(window.localStorage.getItem(k) || "[]"); } catch (e) { return []; }
  }
  function save(k, value) { window.localStorage.setItem(k, JSON.stringify(value)); }

  function nonce() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function draw() {
    var entries = load(logKey).slice(-50).reverse();
    log.textContent = "";
    entries.forEach(function (entry) {
      var li = document.createElement("li");
      li.className = entry.status;
      li.setAttribute("data-nonce", entry.nonce);
      li.setAttribute("data-status", entry.status);
      li.textContent = entry.time + " · " + (entry.direction === "out" ? "↩ " : "→ ") +
        (entry.detail || text(entry.status)) + (entry.code ? " (" + entry.code + ")" : "");
      log.appendChild(li);
    });
    network.textContent = navigator.onLine ? text("online") : text("offline");
  }

  function note(scan, status, code, detail) {
    var entries = load(logKey).filter(function (e) { return e.nonce !== scan.nonce; });
    entries.push({ nonce: scan.nonce, direction: scan.direction, time: new Date(scan.at).toLocaleTimeString(),
                   status: status, code: code || "", detail: detail || "" });
    save(logKey, entries.slice(-200));
    draw();
  }

  function add(token, direction) {
    token = (token || "").trim();
    if (!token) return;
    var scan = { nonce: nonce(), token: token, direction: direction || "in", at: new Date().toISOString() };
    var queue = load(key);
    queue.push(scan);
    save(key, queue);
    note(scan, "queued");
    send();
  }

  function send() {
    var queue = load(key);
    if (sending || !queue.length || !navigator.onLine) { draw(); return; }
    sending = true;
    var batch = queue.slice(0, 100);
    fetch(syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify({ scans: batch })
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (data) {
      var answered = {};
      (data.results || []).forEach(function (r) {
        answered[r.nonce] = true;
        var scan = batch.filter(function (s) { return s.nonce === r.nonce; })[0];
        if (scan) note(scan, r.status, r.code, r.detail);
      });
      save(key, load(key).filter(function (s) { return !answered[s.nonce]; }));
      sending = false;
      if (load(key).length) send();
    }).catch(function () {
      sending = false;
      draw();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var token = form.querySelector("[name=token]");
    var direction = form.querySelector("[name=direction]");
    add(token.value, direction ? direction.value : "in");
    token.value = "";
    token.focus();
  });

  // The camera: frames drawn on a canvas and read by jsQR; the same code seen again within a
  // few seconds is one scan.
  var button = document.getElementById("scan-camera");
  var video = document.getElementById("scan-video");
  var canvas = document.getElementById("scan-canvas");
  var last = { data: "", at: 0 };
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.jsQR) {
    button.classList.remove("hidden");
    button.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.classList.remove("hidden");
        button.classList.add("hidden");
        video.play();
        window.requestAnimationFrame(tick);
      }).catch(function () { network.textContent = text("nocamera"); });
    });
  }
  function tick() {
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      var context = canvas.getContext("2d");
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      var now = Date.now();
      if (found && found.data && (found.data !== last.data || now - last.at > 5000)) {
        last = { data: found.data, at: now };
        var direction = form.querySelector("[name=direction]");
        add(found.data, direction ? direction.value : "in");
      }
    }
    window.requestAnimationFrame(tick);
  }

  window.addEventListener("online", send);
  window.addEventListener("offline", draw);
  window.setInterval(send, 15000);
  send();
})();
