/*
 * Gridline base layers: GLBase, next to GL (gridline.js).
 *
 * - The base layers: the offline basemap drawn from the city's roads and named places
 *   (GLBase.setData, a FeatureCollection from maps/basemap.py), each configured tile source,
 *   and none (the theme's plain background). Annotation sources are overlays.
 * - A layer switcher (L.control.layers) listing them and the data layers of GL, and an opacity
 *   slider for the base. Every change is reported to Python (bridge.base_changed,
 *   base_opacity, overlay_toggled): the base decides the coordinate system Python sends
 *   everything in, and the console remembers the choice.
 * - The drawn basemap is GLBasemapLayer (basemap_draw.js). The page's words come from Python
 *   (config.texts), in the console's language.
 */
(function () {
  'use strict';

  var DATA_LAYERS = ['regions', 'labels', 'units', 'incidents'];
  var DEFAULT_TEXTS = {
    basemap: 'Offline map', none: 'None', regions: 'Regions', labels: 'Region names',
    units: 'Units', incidents: 'Incidents', opacity: 'Base opacity'
  };

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // ---------------------------------------------------------------- the opacity slider

  // A slider under the switcher's layers (shown with them) for the base layer's opacity.
  function addOpacitySlider(control) {
    var list = control.getContainer().querySelector('.leaflet-control-layers-list');
    L.DomUtil.create('div', 'leaflet-control-layers-separator', list);
    var label = L.DomUtil.create('label', 'gl-base-opacity', list);
    var caption = L.DomUtil.create('span', '', label);
    caption.textContent = GLBase.text('opacity');
    var input = L.DomUtil.create('input', '', label);
    input.type = 'range';
    input.min = '0';
    input.max = '100';
    input.step = '5';
    input.value = String(Math.round(GLBase.opacity * 100));
    L.DomEvent.on(input, 'input', function () { GLBase.setOpacity(input.value / 100, false); });
    L.DomEvent.on(input, 'change', function () { send('base_opacity', input.value / 100); });
    return input;
  }

  // ---------------------------------------------------------------- GLBase

  function send(method) {
    var args = Array.prototype.slice.call(arguments, 1);
    var bridge = GL.bridge;
    if (bridge && typeof bridge[method] === 'function') { bridge[method].apply(bridge, args); }
  }

  var GLBase = {
    map: null,
    config: null,
    entries: new Map(),   // name -> {name, title, layer, crs, overlay, data}
    byLayer: new Map(),   // L.stamp(layer) -> name
    active: null,         // the base layer's name
    opacity: 1,
    basemap: null,
    control: null
  };

  GLBase.text = function (key) {
    var texts = (GLBase.config && GLBase.config.texts) || {};
    return texts[key] || DEFAULT_TEXTS[key] || key;
  };

  GLBase.init = function (map, config, tileLayers) {
    GLBase.map = map;
    GLBase.config = config;
    GLBase.opacity = config.opacity === undefined ? 1 : config.opacity;
    // The names above every marker (GL's own region names at 445 above them): a dot never
    // hides a name; the labels' halo keeps the dots under them readable around it.
    [['gl-basemap', 150], ['gl-basemap-labels', 444]].forEach(function (p) {
      var pane = map.createPane(p[0]);
      pane.style.zIndex = p[1];
      pane.classList.add('gl-pane');
    });
    GLBase.basemap = new window.GLBasemapLayer();
    GLBase.basemap.setPalette(config.theme === 'dark' ? 'dark' : 'light');
    var bases = {}, overlays = {};
    function add(entry, into) {
      GLBase.entries.set(entry.name, entry);
      GLBase.byLayer.set(L.stamp(entry.layer), entry.name);
      into[esc(entry.title)] = entry.layer;
    }
    add({ name: 'basemap', title: GLBase.text('basemap'), layer: GLBase.basemap, crs: 'wgs84' }, bases);
    (config.sources || []).forEach(function (s, i) {
      var entry = { name: s.name, title: s.title, layer: tileLayers[i], crs: s.crs,
                    overlay: !!s.overlay };
      if (!s.overlay) { add(entry, bases); }
    });
    add({ name: 'none', title: GLBase.text('none'), layer: L.layerGroup(), crs: 'wgs84' }, bases);
    (config.sources || []).forEach(function (s, i) {
      if (s.overlay) {
        add({ name: s.name, title: s.title, layer: tileLayers[i], crs: s.crs, overlay: true },
            overlays);
      }
    });
    DATA_LAYERS.forEach(function (name) {
      if (GL.layers[name]) {
        add({ name: name, title: GLBase.text(name), layer: GL.layers[name], data: true,
              overlay: true }, overlays);
      }
    });
    GLBase.setBase(GLBase.entries.has(config.base) ? config.base : 'basemap');
    (config.overlays || []).forEach(function (name) {
      var e = GLBase.entries.get(name);
      if (e && e.overlay && !e.data) { map.addLayer(e.layer); }
    });
    GLBase.control = L.control.layers(bases, overlays, {
      collapsed: true, position: 'topright', sortLayers: false
    }).addTo(map);
    GLBase.control.getContainer().classList.add('gl-base-control');
    L.DomEvent.disableClickPropagation(GLBase.control.getContainer());
    L.DomEvent.disableScrollPropagation(GLBase.control.getContainer());
    GLBase.opacityInput = addOpacitySlider(GLBase.control);
    map.on('baselayerchange', function (e) { onBase(GLBase.byLayer.get(L.stamp(e.layer))); });
    map.on('overlayadd', function (e) { onOverlay(GLBase.byLayer.get(L.stamp(e.layer)), true); });
    map.on('overlayremove', function (e) { onOverlay(GLBase.byLayer.get(L.stamp(e.layer)), false); });
  };

  function onBase(name) {
    var entry = GLBase.entries.get(name);
    if (!entry || entry.overlay || name === GLBase.active) { return; }
    var before = GLBase.entries.get(GLBase.active);
    GLBase.active = name;
    var map = GLBase.map, container = map.getContainer();
    GL.layers.tiles = entry.layer instanceof L.TileLayer ? entry.layer : undefined;
    container.classList.remove('gl-base-basemap', 'gl-base-none', 'gl-base-tiles');
    container.classList.add(name === 'basemap' || name === 'none' ? 'gl-base-' + name : 'gl-base-tiles');
    applyOpacity();
    // The same streets stay in view when the base draws in another system.
    var shift = GLBase.config.gcjShift;
    if (before && before.crs !== entry.crs && shift) {
      var sign = entry.crs === 'gcj02' ? 1 : -1, c = map.getCenter();
      map.setView([c.lat + sign * shift[0], c.lng + sign * shift[1]], map.getZoom(), { animate: false });
    }
    send('base_changed', name);
  }

  function onOverlay(name, on) {
    var entry = GLBase.entries.get(name);
    if (!entry || !entry.overlay) { return; }
    if (entry.data && GL._visible[name] !== on) { GL.setLayerVisible(name, on); }
    send('overlay_toggled', name, on);
  }

  function applyOpacity() {
    var entry = GLBase.entries.get(GLBase.active);
    if (entry && entry.layer.setOpacity) { entry.layer.setOpacity(GLBase.opacity); }
    var input = GLBase.opacityInput;
    if (input) { input.value = String(Math.round(GLBase.opacity * 100)); }
  }

  // Show the base layer `name` (basemap, none or a source); reported like a switch by hand.
  GLBase.setBase = function (name) {
    var entry = GLBase.entries.get(name);
    if (!entry || entry.overlay) { throw new Error('setBase: unknown base layer ' + name); }
    var map = GLBase.map;
    GLBase.entries.forEach(function (e) {
      if (!e.overlay && e !== entry && map.hasLayer(e.layer)) { map.removeLayer(e.layer); }
    });
    if (!map.hasLayer(entry.layer)) { map.addLayer(entry.layer); }
    onBase(name);  // (without a control on the map, baselayerchange does not fire)
    return GLBase.active;
  };

  // The base layer's opacity (0..1); `report`: tell Python (the slider does on release).
  GLBase.setOpacity = function (value, report) {
    GLBase.opacity = Math.max(0, Math.min(1, +value));
    applyOpacity();
    if (report) { send('base_opacity', GLBase.opacity); }
    return GLBase.opacity;
  };

  GLBase.setOverlay = function (name, on) {
    var entry = GLBase.entries.get(name);
    if (!entry || !entry.overlay || entry.data) { throw new Error('setOverlay: unknown overlay ' + name); }
    if (on && !GLBase.map.hasLayer(entry.layer)) { GLBase.map.addLayer(entry.layer); }
    if (!on && GLBase.map.hasLayer(entry.layer)) { GLBase.map.removeLayer(entry.layer); }
    return true;
  };

  // The drawn basemap's roads and places (maps/basemap.py); {roads, places} kept.
  GLBase.setData = function (fc) {
    return GLBase.basemap.setData(fc, GLBase.map.options.crs);
  };

  // What the base layers show (tests, diagnostics).
  GLBase.stats = function () {
    var overlays = [];
    GLBase.entries.forEach(function (e, name) {
      if (e.overlay && GLBase.map.hasLayer(e.layer)) { overlays.push(name); }
    });
    var drawn = GLBase.basemap.drawn;
    return {
      base: GLBase.active, opacity: GLBase.opacity, overlays: overlays,
      roads: GLBase.basemap.roads.length, places: GLBase.basemap.places.length,
      drawnRoads: drawn.roads,
      labels: drawn.labels.map(function (l) { return [l.text, l.kind]; }),
      boxes: drawn.labels.map(function (l) { return l.box; }),
      bases: Array.from(GLBase.entries.values()).filter(function (e) { return !e.overlay; })
        .map(function (e) { return e.name; })
    };
  };

  window.GLBase = GLBase;
}());
