// Gonghui's service worker: the e-member card and the last station search open without a
// network. Served at /sw.js (scope "/") by gonghui.portal.views.app.service_worker.
//
// * The card (/me/card/) and the station finder (/stations/, with or without a position or
//   district) are fetched from the network first; each answer is kept, and offline the kept
//   one is shown. A search that was never made offline falls back to the last station list.
// * Static files (styles, scripts, icons) are kept as they are fetched, so a kept page is
//   drawn as it was. The card's QR code is inline SVG in the page itself.
// * An activity's card scanner (/activities/manage/<id>/scan/) is kept the same way, so an
//   organiser who loaded it once can keep scanning in a basement hall without a network; its
//   script queues the scans and sends them later (activities/static/activities/checkin-scan.js).
// * Nothing else is kept: other officers' pages and every other page come from the network.
// * Signing out empties the cache (gonghui.js), so the next person on a shared phone never
//   sees the previous person's card.
"use strict";

var CACHE = "gonghui-offline-v1";
var PAGES = ["/me/card/", "/stations/"];
var LAST_STATIONS = "/stations/?last";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

var SCANNER = /^\/activities\/manage\/[0-9a-f-]{36}\/scan\/$/;

function keptPage(url) {
  return url.origin === self.location.origin && (PAGES.indexOf(url.pathname) !== -1 || SCANNER.test(url.pathname));
}

function networkFirst(request, url) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      var last = url.pathname === "/stations/" ? response.clone() : null;
      caches.open(CACHE).then(function (cache) {
        cache.put(request, copy);
        if (last) cache.put(LAST_STATIONS, last);
      });
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) {
        if (hit) return hit;
        if (url.pathname === "/stations/") return cache.match(LAST_STATIONS);
        return cache.match(url.pathname);
      });
    }).then(function (hit) { return hit || Response.error(); });
  });
}

function staleWhileRevalidate(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
      return hit || fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (keptPage(url)) {
    event.respondWith(networkFirst(request, url));
  } else if (url.origin === self.location.origin && url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staleWhileRevalidate(request));
  }
});

self.addEventListener("message", function (event) {
  if (event.data === "forget") event.waitUntil(caches.delete(CACHE));
});
