// A place found by a search, held on the map until the next search or Escape: a pulsing
// ring at its point with its name, and for a road its centre line. Loaded after gridline.js
// (it adds to GL); Python drives it through maps.place.PlaceMark.
(function () {
  'use strict';
  var GL = window.GL;
  var COLOUR = '#ff3d00';
  var STYLE = '.gl-place-icon{background:none;border:none}' +
    '.gl-place-ring{box-sizing:border-box;width:22px;height:22px;border-radius:50%;' +
    'background:' + COLOUR + ';border:3px solid #ffffff;' +
    'animation:gl-place-pulse 1.4s ease-out infinite}' +
    '@keyframes gl-place-pulse{0%{box-shadow:0 0 0 0 rgba(255,61,0,0.75)}' +
    '100%{box-shadow:0 0 0 24px rgba(255,61,0,0)}}' +
    '.gl-place-label{font-weight:700}';

  function setUp() {
    var m = GL.map;
    if (GL._placePane) { return; }
    var pane = m.createPane('gl-place');
    pane.style.zIndex = 460;
    GL._placePane = pane;
    GL._placeRenderer = L.svg({ pane: 'gl-place', padding: 0.2 });
    var style = document.createElement('style');
    style.id = 'gl-place-style';
    style.textContent = STYLE;
    document.head.appendChild(style);
  }

  // Show the place at [lat, lon] named label; line: [[lat, lon], …] of a road or null. The
  // view moves to it: a road's line fitted (zoomed in no closer than zoom), a point at zoom.
  GL.showPlace = function (lat, lon, label, line, zoom, keepView) {
    var m = GL.map;
    setUp();
    GL.clearPlace();
    var layers = [];
    if (line && line.length > 1) {
      layers.push(L.polyline(line, { renderer: GL._placeRenderer, color: COLOUR, weight: 7,
        opacity: 0.85, lineCap: 'round', interactive: false }));
    }
    var ring = L.marker([lat, lon], {
      pane: 'gl-place', interactive: false, keyboard: false,
      icon: L.divIcon({ className: 'gl-place-icon', html: '<div class="gl-place-ring"></div>',
        iconSize: [22, 22], iconAnchor: [11, 11] })
    });
    if (label) {
      ring.bindTooltip(String(label), { permanent: true, direction: 'top', offset: [0, -12],
        className: 'gl-tooltip gl-place-label', pane: 'gl-place' });
    }
    layers.push(ring);
    GL._place = { lat: lat, lon: lon, label: String(label || ''), points: line ? line.length : 0,
      layer: L.layerGroup(layers).addTo(m) };
    if (keepView) { return true; }  // marked where it is (a map click): the view stays
    GL._autoFit = false;  // the view is the place's now: a resize must not refit the city
    if (line && line.length > 1) {
      m.fitBounds(L.latLngBounds(line), { padding: [48, 48], maxZoom: zoom, animate: false });
    } else {
      m.setView([lat, lon], zoom, { animate: false });
    }
    return true;
  };

  GL.clearPlace = function () {
    if (GL._place) { GL.map.removeLayer(GL._place.layer); }
    GL._place = null;
    return true;
  };

  // What is held, for the application and its tests: {lat, lon, label, points, shown} or null.
  GL.place = function () {
    var p = GL._place;
    if (!p) { return null; }
    return { lat: p.lat, lon: p.lon, label: p.label, points: p.points,
      shown: GL.map.hasLayer(p.layer) };
  };
}());
