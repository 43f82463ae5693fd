// Leaflet map of stations. Markers come from the page (json_script "station-markers"), in
// the tiles' coordinate system already (converted on the server); nothing is fetched except
// the tile images of GONGHUI_MAP_TILE_URL, when one is configured.
(function () {
  "use strict";
  var el = document.getElementById("station-map");
  var dataEl = document.getElementById("station-markers");
  if (!el || !dataEl || typeof L === "undefined") return;
  var markers = JSON.parse(dataEl.textContent);
  var cfg = JSON.parse(document.getElementById("map-settings").textContent);
  var map = L.map(el, { zoomControl: true, attributionControl: !!cfg.tiles });
  if (cfg.tiles) {
    L.tileLayer(cfg.tiles, { attribution: cfg.attribution || "", maxZoom: 19 }).addTo(map);
  }
  var points = [];
  markers.forEach(function (m) {
    var colour = m.open ? "#1a7f37" : "#cf222e";
    var marker = L.circleMarker([m.lat, m.lng], {
      radius: 8, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 0.9
    }).addTo(map);
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = m.name;
    var state = document.createElement("div");
    state.textContent = m.open ? cfg.openLabel : cfg.closedLabel;
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = cfg.detailLabel;
    box.appendChild(name);
    box.appendChild(state);
    box.appendChild(link);
    marker.bindPopup(box);
    points.push([m.lat, m.lng]);
  });
  if (points.length === 1) {
    map.setView(points[0], parseInt(el.dataset.zoom || "15", 10));
  } else if (points.length) {
    map.fitBounds(points, { padding: [20, 20], maxZoom: 16 });
  } else {
    map.setView([34.26, 108.94], 11);
  }
})();
