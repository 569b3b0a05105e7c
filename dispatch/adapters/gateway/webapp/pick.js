// The report's map pick: a small Leaflet map (served by the gateway, no tiles: the outlines
// of my region from GET /api/v1/map are the map); a tap sets the report's position, as the
// GPS or the address search do. Uses app.js's state, api() and showPosition().
"use strict";
const GridlinePick = (() => {
  let map = null;
  let marker = null;
  let outlines = null;

  async function open() {
    const box = $("#pick-map");
    box.hidden = false;
    $("#map-pick").setAttribute("aria-expanded", "true");
    if (!map) {
      map = L.map(box, { preferCanvas: true, zoomControl: true, attributionControl: false,
        minZoom: 8, maxZoom: 19 });
      map.setView([0, 0], 2);
      map.on("click", (ev) => pick(ev.latlng.lng, ev.latlng.lat));
    }
    map.invalidateSize();
    if (!outlines) {
      try {
        const geo = await api("/map");
        outlines = L.geoJSON(geo, {
          style: (f) => ({ color: f.properties.level === "grid" ? "#0b5394" : "#e06666",
            weight: f.properties.level === "grid" ? 1 : 2, fillOpacity: 0.04 }),
          interactive: false,
        }).addTo(map);
        if (geo.bbox) map.fitBounds([[geo.bbox[1], geo.bbox[0]], [geo.bbox[3], geo.bbox[2]]]);
      } catch (err) {
        toast(navigator.onLine ? problem(err) : t("loc.offline_map"), "warn");
      }
    }
    const p = state.position;
    if (p) mark(p.lon, p.lat);
    box.dataset.ready = "1";
  }

  function close() {
    $("#pick-map").hidden = true;
    $("#map-pick").setAttribute("aria-expanded", "false");
  }

  function mark(lon, lat) {
    if (!map) return;
    if (!marker) {
      marker = L.circleMarker([lat, lon], { radius: 9, color: "#fff", weight: 3,
        fillColor: "#cc0000", fillOpacity: 1 }).addTo(map);
    } else {
      marker.setLatLng([lat, lon]);
    }
  }

  function pick(lon, lat) {
    state.position = { lon: Number(lon.toFixed(7)), lat: Number(lat.toFixed(7)), source: "map",
      at: Date.now() };
    mark(state.position.lon, state.position.lat);
    showPosition();
  }

  // a new report: the marker goes (the next position is the GPS's or a new pick)
  function clear() {
    if (marker) { marker.remove(); marker = null; }
  }

  function toggle() {
    if ($("#pick-map").hidden) open(); else close();
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("#map-pick").addEventListener("click", toggle);
  });

  return { open, close, clear, pick, get map() { return map; } };
})();
