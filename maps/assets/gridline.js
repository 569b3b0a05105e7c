/*
 * Gridline live map glue. One global object, GL, fed in batches from Python with
 * runJavaScript; clicks go back to Python over QWebChannel (object "bridge").
 *
 * Every data layer has its own pane and canvas renderer, so moving units redraws only the
 * units canvas. The canvases ignore the mouse (a canvas on top would swallow clicks meant
 * for the ones below); GL hit-tests clicks itself, topmost first: incidents, units, parts
 * (when shown), regions.
 * Region names are drawn in a pane above every marker. At city zoom the units' canvas draws
 * clusters (screen cells of units, one circle each) instead of 26,000 dots. The legend is
 * in legend.js; every text the page shows comes from Python (GL.setTexts).
 */
(function () {
  'use strict';

  // Drawing order: engaged units above idle ones, urgent incidents above low ones.
  var UNIT_RANKS = {
    out_of_service: 0, off_duty: 1, available: 2, returning: 3, busy: 4, dispatched: 5,
    en_route: 6, on_scene: 7
  };
  var PRIORITY_RANKS = { low: 0, normal: 1, high: 2, urgent: 3 };
  var UNIT_COLOURS = {
    available: '#2ecc71', dispatched: '#f1c40f', en_route: '#ff9800', on_scene: '#e53935',
    busy: '#ab47bc', returning: '#29b6f6', off_duty: '#78909c', out_of_service: '#455a64'
  };
  var PRIORITY_COLOURS = { urgent: '#ff1744', high: '#ff9100', normal: '#ffd600', low: '#40c4ff' };
  // Part type codes from the catalogue; any other type is drawn grey.
  var PART_COLOURS = {
    camera: '#00e5ff', streetlight: '#ffee58', manhole_cover: '#bcaaa4', hydrant: '#ef5350',
    bin: '#8d6e63', street_sign: '#90caf9', traffic_sign: '#90caf9', traffic_signal: '#ffa726',
    tree: '#66bb6a', gas_valve: '#ff7043', gas_detector: '#ff7043', water_level_sensor: '#4fc3f7'
  };
  var RAMPS = {
    open: ['#fee391', '#fec44f', '#fe9929', '#ec7014', '#cc4c02'],
    overdue: ['#fcc5c0', '#fa9fb5', '#f768a1', '#c51b8a', '#7a0177']
  };
  var THEMES = {
    dark: { stroke: '#41607f', fill: '#1c2a3a', label: '#e6edf3', halo: '#0b1016',
            unitStroke: '#0b1016', select: '#00e5ff' },
    light: { stroke: '#6b7f93', fill: '#dde6ee', label: '#1b2631', halo: '#ffffff',
             unitStroke: '#1b2631', select: '#0061ff' }
  };
  // Region names above every marker (with a halo), never hidden under dots.
  var PANES = [
    ['regions', 410], ['parts', 420], ['units', 430], ['incidents', 440], ['labels', 445],
    ['select', 450]
  ];
  var LAYER_NAMES = ['regions', 'labels', 'parts', 'units', 'incidents', 'tiles'];
  var UNIT_RADIUS = 4;
  var INCIDENT_RADIUS = 6;
  var PART_RADIUS = 3;
  var HALO_RADIUS = 11;
  var CLICK_TOLERANCE = 4;
  var OTHER_COLOUR = '#9e9e9e';  // a department without a colour, an unknown status
  // Clusters: below maxZoom, when more than minUnits units are in view, the units' canvas
  // buckets them into cells of `cell` screen pixels and draws one circle per cell of two or
  // more (a unit alone in its cell is drawn as itself). See BatchedCanvas#_drawClusters.
  var CLUSTER_DEFAULTS = { maxZoom: 15, minUnits: 1000, cell: 56 };

  // A canvas renderer that draws circle markers as copies of one small bitmap per style
  // (a sprite: the circle filled and stroked once) instead of a path each: with software
  // rendering, 26,000 separate arc+fill+stroke calls cost ~200 ms, and so does filling one
  // path of 26,000 arcs; blitting a sprite per marker costs a fraction of that. Markers sit on
  // whole pixels. Other shapes are drawn as Leaflet does.
  //
  // It also redraws only the small rectangles around what changed: Leaflet redraws the one
  // rectangle that holds every change, and fifty units reporting from all over the city make
  // that the whole canvas at every flush. Overrides L.Canvas#_extendRedrawBounds, _redraw and
  // _draw (Leaflet 1.9, pinned through XStatic-Leaflet).
  var SPRITES = new Map();  // style key -> {canvas, size}
  var MAX_DIRTY_RECTS = 256;  // more changes than this: Leaflet's one rectangle
  var DIRTY_CELL = 64;  // px: the grid that finds the rectangles a layer touches

  function markerSprite(o, r, key) {
    var dpr = window.devicePixelRatio || 1;
    var skey = key + '|' + r + '|' + dpr;
    var sprite = SPRITES.get(skey);
    if (sprite) { return sprite; }
    var w = o.stroke && o.weight ? o.weight : 0;
    var size = Math.ceil(2 * r + w) + 2;
    var canvas = document.createElement('canvas');
    canvas.width = Math.ceil(size * dpr);
    canvas.height = Math.ceil(size * dpr);
    var g = canvas.getContext('2d');
    g.scale(dpr, dpr);
    g.beginPath();
    g.arc(size / 2, size / 2, r, 0, Math.PI * 2, false);
    if (o.fill) {
      g.globalAlpha = o.fillOpacity;
      g.fillStyle = o.fillColor || o.color;
      g.fill();
    }
    if (w) {
      g.globalAlpha = o.opacity;
      g.lineWidth = w;
      g.strokeStyle = o.color;
      g.stroke();
    }
    sprite = { canvas: canvas, size: size };
    SPRITES.set(skey, sprite);
    return sprite;
  }

  // Rectangles [x0, y0, x1, y1] bucketed by grid cell, to test a layer against them quickly.
  function RectIndex(rects) {
    this.rects = rects;
    this.cells = new Map();
    for (var i = 0; i < rects.length; i++) {
      var r = rects[i];
      for (var cx = Math.floor(r[0] / DIRTY_CELL); cx <= Math.floor(r[2] / DIRTY_CELL); cx++) {
        for (var cy = Math.floor(r[1] / DIRTY_CELL); cy <= Math.floor(r[3] / DIRTY_CELL); cy++) {
          var key = cx + ',' + cy, list = this.cells.get(key);
          if (!list) { list = []; this.cells.set(key, list); }
          list.push(r);
        }
      }
    }
  }

  RectIndex.prototype.hits = function (b) {
    if (!b) { return false; }
    var x0 = b.min.x, y0 = b.min.y, x1 = b.max.x, y1 = b.max.y;
    for (var cx = Math.floor(x0 / DIRTY_CELL); cx <= Math.floor(x1 / DIRTY_CELL); cx++) {
      for (var cy = Math.floor(y0 / DIRTY_CELL); cy <= Math.floor(y1 / DIRTY_CELL); cy++) {
        var list = this.cells.get(cx + ',' + cy);
        if (!list) { continue; }
        for (var i = 0; i < list.length; i++) {
          var r = list[i];
          if (x0 <= r[2] && r[0] <= x1 && y0 <= r[3] && r[1] <= y1) { return true; }
        }
      }
    }
    return false;
  };

  var BatchedCanvas = L.Canvas.extend({
    _extendRedrawBounds: function (layer) {
      L.Canvas.prototype._extendRedrawBounds.call(this, layer);
      if (!layer._pxBounds) { return; }
      var rects = this._glRects || (this._glRects = []);
      if (rects.length > MAX_DIRTY_RECTS) { return; }
      var pad = (layer.options.weight || 0) + 1, b = layer._pxBounds;
      rects.push([Math.floor(b.min.x - pad), Math.floor(b.min.y - pad),
                  Math.ceil(b.max.x + pad), Math.ceil(b.max.y + pad)]);
    },

    // Redraw every marker (after a bulk change: see moveMarker) at the next frame, or now when
    // the console asks for it (GL.drawNow, a replay jump): the page's frames wait for the
    // console's event loop, still busy with its other panels then, while this script runs.
    redrawAll: function () {
      if (!this._map) { return; }  // drawn whole when it is added
      this._glAll = true;
      if (!GL.drawNow || !this._map || !this._ctx) {  // (not on the map: drawn when added)
        this._redrawRequest = this._redrawRequest || L.Util.requestAnimFrame(this._redraw, this);
        return;
      }
      if (this._redrawRequest) {
        L.Util.cancelAnimFrame(this._redrawRequest);
        this._redrawRequest = null;
      }
      this._redraw();
    },

    _redraw: function () {
      var rects = this._glRects;
      this._glRects = null;
      if (this._glAll || this.glClustered) {  // clusters change as a whole
        this._glAll = false;
        this._redrawBounds = null;
      }
      if (!this._redrawBounds || !rects || !rects.length || rects.length > MAX_DIRTY_RECTS) {
        L.Canvas.prototype._redraw.call(this);
        return;
      }
      this._redrawRequest = null;
      var ctx = this._ctx;
      for (var i = 0; i < rects.length; i++) {
        var r = rects[i];
        ctx.clearRect(r[0], r[1], r[2] - r[0], r[3] - r[1]);
      }
      this._glClip = new RectIndex(rects);
      this._draw();
      this._glClip = null;
      this._redrawBounds = null;
    },

    _draw: function () {
      var bounds = this._redrawBounds, clip = this._glClip, ctx = this._ctx;
      var groups = new Map(), layer, order, i;
      ctx.save();
      if (clip) {
        ctx.beginPath();
        for (i = 0; i < clip.rects.length; i++) {
          var c = clip.rects[i];
          ctx.rect(c[0], c[1], c[2] - c[0], c[3] - c[1]);
        }
        ctx.clip();
      } else if (bounds) {
        var size = bounds.getSize();
        ctx.beginPath();
        ctx.rect(bounds.min.x, bounds.min.y, size.x, size.y);
        ctx.clip();
      }
      this._drawing = true;
      var markers = [];
      for (order = this._drawFirst; order; order = order.next) {
        layer = order.layer;
        if (clip) {
          if (!clip.hits(layer._pxBounds)) { continue; }
        } else if (bounds && !(layer._pxBounds && layer._pxBounds.intersects(bounds))) {
          continue;
        }
        if (layer instanceof L.CircleMarker && !(layer instanceof L.Circle)) {
          if (layer._glHidden || layer._empty()) { continue; }
          markers.push(layer);
        } else {
          layer._updatePath();
        }
      }
      var cluster = this.options.glCluster ? GL._cluster : null;
      if (cluster && !clip && !bounds) {  // a whole redraw: cluster or not, afresh
        var was = this.glClustered;
        this.glClustered = cluster.maxZoom > this._map.getZoom() &&
          markers.length > cluster.minUnits;
        this.glClusters = [];
        // the view the clusters were drawn for: a click before the next redraw (a view just
        // changed) must not hit where a cluster was
        this.glClusterView = this._map.getZoom() + '@' + this._map.getPixelOrigin().toString();
        if (this.glClustered) { markers = this._drawClusters(markers, cluster.cell); }
        else { markers.forEach(function (m) { m._glInCluster = false; }); }
        if (was !== this.glClustered && GL._legend) { GL._legend.update(); }
      }
      for (i = 0; i < markers.length; i++) {
        var o = markers[i].options;
        var key = (o.fill ? o.fillColor + '/' + o.fillOpacity : '-') + '|' +
                  (o.stroke ? o.color + '/' + o.weight + '/' + o.opacity : '-');
        var group = groups.get(key);
        if (!group) { group = []; groups.set(key, group); }
        group.push(markers[i]);
      }
      // Groups are drawn bottom to top by the markers' glRank option (status, priority).
      var keys = Array.from(groups.keys()).sort(function (a, b) {
        return (groups.get(a)[0].options.glRank || 0) - (groups.get(b)[0].options.glRank || 0);
      });
      ctx.globalAlpha = 1;
      this.lastDrawn = 0;  // markers drawn by the last redraw (tests, diagnostics)
      var self = this;
      keys.forEach(function (key) {
        var layers = groups.get(key), byRadius = new Map();
        for (var j = 0; j < layers.length; j++) {
          var r = Math.max(Math.round(layers[j]._radius), 1);
          var sprite = byRadius.get(r);
          if (!sprite) {
            sprite = markerSprite(layers[j].options, r, key);
            byRadius.set(r, sprite);
          }
          var p = layers[j]._point, half = sprite.size / 2;
          ctx.drawImage(sprite.canvas, Math.round(p.x - half), Math.round(p.y - half),
                        sprite.size, sprite.size);
        }
        self.lastDrawn += layers.length;
      });
      this._drawing = false;
      ctx.restore();
    },

    // Bucket the markers into cells of `cell` screen pixels (cells fixed to the map, not to
    // the view: panning keeps them) and draw one circle per cell of two or more: sized by the
    // count, filled with the colour most of its units have, ringed by the share of each
    // colour, the count written on it. O(markers in view). Returns the markers alone in their
    // cell (drawn as themselves); this.glClusters keeps what was drawn (hit tests, tests).
    _drawClusters: function (markers, cell) {
      var origin = this._map.getPixelOrigin(), ox = origin.x, oy = origin.y;
      var buckets = new Map(), singles = [], i, b, p, m;
      for (i = 0; i < markers.length; i++) {
        m = markers[i];
        p = m._point;
        var key = Math.floor((p.x + ox) / cell) * 1048576 + Math.floor((p.y + oy) / cell);
        b = buckets.get(key);
        if (!b) {
          b = { n: 0, sx: 0, sy: 0, x0: p.x, y0: p.y, x1: p.x, y1: p.y, first: m, colours: {} };
          buckets.set(key, b);
        }
        b.n++;
        b.sx += p.x;
        b.sy += p.y;
        if (p.x < b.x0) { b.x0 = p.x; }
        if (p.x > b.x1) { b.x1 = p.x; }
        if (p.y < b.y0) { b.y0 = p.y; }
        if (p.y > b.y1) { b.y1 = p.y; }
        var c = m.options.fillColor;
        b.colours[c] = (b.colours[c] || 0) + 1;
      }
      var ctx = this._ctx, drawn = this.glClusters, theme = GL._theme;
      ctx.font = 'bold 11px "Noto Sans CJK SC", "Noto Sans SC", sans-serif';  // the counts
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.lineJoin = 'round';
      buckets.forEach(function (bucket) {
        if (bucket.n === 1) {
          bucket.first._glInCluster = false;
          singles.push(bucket.first);
          return;
        }
        var x = bucket.sx / bucket.n, y = bucket.sy / bucket.n;
        var r = Math.min(cell / 2 - 2, 9 + 3 * Math.log2(bucket.n));
        var shares = Object.keys(bucket.colours).map(function (k) {
          return [k, bucket.colours[k]];
        }).sort(function (a, b2) { return b2[1] - a[1] || (a[0] < b2[0] ? -1 : 1); });
        ctx.globalAlpha = 0.88;
        ctx.beginPath();
        ctx.arc(x, y, r, 0, Math.PI * 2);
        ctx.fillStyle = shares[0][0];
        ctx.fill();
        ctx.globalAlpha = 1;
        var ring = Math.max(3, Math.round(r * 0.3));
        ctx.lineWidth = ring;
        var a0 = -Math.PI / 2;
        for (var k = 0; k < shares.length; k++) {
          var a1 = a0 + Math.PI * 2 * shares[k][1] / bucket.n;
          ctx.beginPath();
          ctx.arc(x, y, r - ring / 2, a0, a1);
          ctx.strokeStyle = shares[k][0];
          ctx.stroke();
          a0 = a1;
        }
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.arc(x, y, r, 0, Math.PI * 2);
        ctx.strokeStyle = theme.unitStroke;
        ctx.stroke();
        var text = String(bucket.n);
        ctx.lineWidth = 3;
        ctx.strokeStyle = '#000000';
        ctx.strokeText(text, x, y);
        ctx.fillStyle = '#ffffff';
        ctx.fillText(text, x, y);
        drawn.push({ x: x, y: y, r: r, n: bucket.n, colour: shares[0][0],
                     x0: bucket.x0, y0: bucket.y0, x1: bucket.x1, y1: bucket.y1 });
      });
      for (i = 0; i < markers.length; i++) { markers[i]._glInCluster = true; }
      for (i = 0; i < singles.length; i++) { singles[i]._glInCluster = false; }
      return singles;
    }
  });

  // Above this many markers in one batch, markers are moved and restyled without Leaflet's
  // per-marker bookkeeping (a redraw request and a 'move' event each: ~5 µs a marker, most of
  // a replay jump's 26,000) and their canvas is redrawn whole once.
  var BULK_MARKERS = 500;

  function moveMarker(m, ll, bulk) {
    if (!bulk) {
      m.setLatLng(ll);
      return;
    }
    m._latlng = L.latLng(ll[0], ll[1]);
    if (m._map) { m._project(); }
  }

  function styleMarker(m, style, bulk) {
    if (bulk) { L.setOptions(m, style); } else { m.setStyle(style); }
  }

  var GL = {
    map: null,
    bridge: null,
    config: null,
    version: 1,
    renderers: {},
    layers: {},
    _theme: THEMES.dark,
    _level: null,
    _regions: new Map(),     // code -> {poly, name, rings, bbox, center}
    _regionBounds: null,
    _units: new Map(),       // id -> circleMarker (with _glStatus, _glIx, _glHidden)
    _unitIds: [],            // unit index -> id (applyUnitColumns)
    // By unit index: name, department and type code index, since (s), incident, hidden.
    _u: { name: [], dept: [], type: [], since: [], inc: [], hid: [] },
    _deptCodes: [],          // department codes, by the index _u.dept holds
    _typeCodes: [],          // unit type codes, by the index _u.type holds
    _colouring: 'status',    // units coloured by 'status' or 'department'
    _deptColours: {},        // department code -> colour
    _texts: {},              // what the legend and tooltips say (GL.setTexts)
    _clock: null,            // the console's time (s), for a unit's time in status
    _cluster: Object.assign({}, CLUSTER_DEFAULTS),
    _partTypes: [],          // part types shown (legend)
    _autoFit: false,         // the city stays fitted as the view resizes, until moved by hand
    _incidents: new Map(),   // id -> {m, halo, priority, overdue, label}
    _partCount: 0,
    _parts: new Map(),       // id -> circleMarker (with _glType), for clicks
    _selection: null,        // {kind, id, layer}
    _choropleth: { mode: null, values: {} },
    _visible: {},
    _fitted: false,
    drawNow: false,          // bulk changes drawn in the call, not at the next frame
    lastFlushMs: null        // script time of the view's last unit/incident flush
  };

  // ---------------------------------------------------------------- setup

  // The big data of a call (a level's regions, the basemap), served by the map view as
  // gridline://map/data/<name> and fetched while the call runs (maps/layers.py: sent as a
  // literal in the script instead, it stayed in V8's heap with the script's source).
  GL.data = function (name) {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', 'gridline://map/data/' + name, false);  // synchronous: the call needs it
    xhr.send();
    if (xhr.status !== 200) { throw new Error('GL.data: no data ' + name + ' (' + xhr.status + ')'); }
    return JSON.parse(xhr.responseText);
  };

  GL.init = function (map, config) {
    GL.map = map;
    GL.config = config;
    GL._theme = THEMES[config.theme] || THEMES.dark;
    document.body.classList.add('gl-theme-' + (config.theme || 'dark'));
    map.setMinZoom(config.minZoom);
    map.setMaxZoom(config.maxZoom);
    if (map.attributionControl) { map.attributionControl.setPrefix(false); }
    PANES.forEach(function (p) {
      var pane = map.createPane('gl-' + p[0]);
      pane.style.zIndex = p[1];
      pane.classList.add('gl-pane');
      if (p[0] !== 'labels') {
        GL.renderers[p[0]] = new BatchedCanvas({ pane: 'gl-' + p[0], padding: 0.2,
                                                 glCluster: p[0] === 'units' });
      }
    });
    ['regions', 'parts', 'units', 'incidents', 'select'].forEach(function (name) {
      GL.layers[name] = L.layerGroup().addTo(map);
    });
    GL.layers.labels = new LabelLayer({ maxLabels: config.maxLabels }).addTo(map);
    map.eachLayer(function (layer) {
      if (layer instanceof L.TileLayer) { GL.layers.tiles = layer; }
    });
    LAYER_NAMES.forEach(function (n) { GL._visible[n] = true; });
    GL._tooltip = L.tooltip({ direction: 'top', offset: [0, -8], className: 'gl-tooltip' });
    map.on('click', onMapClick);
    map.on('contextmenu', onMapContext);
    map.on('mousemove', onMouseMove);
    map.on('mouseout', hideHover);
    map.on('resize', function () { if (GL._autoFit) { GL.fitCity(); } });
    // Moved by hand: the view is the operator's, no longer refitted as it resizes.
    ['mousedown', 'wheel', 'keydown', 'touchstart'].forEach(function (type) {
      L.DomEvent.on(map.getContainer(), type, function () { GL._autoFit = false; });
    });
    GL._legend = GL.Legend ? new GL.Legend({ position: 'bottomleft' }) : null;
    connectBridge();
  };

  function connectBridge() {
    if (typeof QWebChannel === 'undefined' || !window.qt || !qt.webChannelTransport) {
      console.warn('gridline: no Qt web channel; clicks will not reach the application');
      return;
    }
    new QWebChannel(qt.webChannelTransport, function (channel) {
      GL.bridge = channel.objects.bridge;
      if (GL.bridge) { GL.bridge.ready(); }
    });
  }

  function send(method) {
    var args = Array.prototype.slice.call(arguments, 1);
    if (GL.bridge && typeof GL.bridge[method] === 'function') {
      GL.bridge[method].apply(GL.bridge, args);
    }
  }

  // ---------------------------------------------------------------- regions

  function toLatLngRing(ring, bbox) {
    var out = new Array(ring.length);
    for (var i = 0; i < ring.length; i++) {
      var lon = ring[i][0], lat = ring[i][1];
      out[i] = [lat, lon];
      if (lat < bbox[0]) { bbox[0] = lat; }
      if (lon < bbox[1]) { bbox[1] = lon; }
      if (lat > bbox[2]) { bbox[2] = lat; }
      if (lon > bbox[3]) { bbox[3] = lon; }
    }
    return out;
  }

  function regionStyle(value, max) {
    var t = GL._theme;
    var base = { color: t.stroke, weight: 1, opacity: 0.9, fillColor: t.fill, fillOpacity: 0.12 };
    var ramp = RAMPS[GL._choropleth.mode];
    if (!ramp || !(value > 0) || !(max > 0)) { return base; }
    var idx = Math.min(ramp.length - 1, Math.floor(Math.sqrt(value / max) * ramp.length));
    base.fillColor = ramp[idx];
    base.fillOpacity = 0.6;
    return base;
  }

  GL.setRegions = function (level, fc) {
    var t0 = performance.now();
    if (!fc || !Array.isArray(fc.features)) { throw new Error('setRegions: not a FeatureCollection'); }
    GL.layers.regions.clearLayers();
    GL._regions.clear();
    if (GL._selection && GL._selection.kind === 'region') { clearSelection(); }
    GL._level = level;
    var renderer = GL.renderers.regions;
    var city = [90, 180, -90, -180];
    var values = GL._choropleth.values, max = choroplethMax();
    var features = fc.features;
    for (var i = 0; i < features.length; i++) {
      var f = features[i], g = f.geometry, props = f.properties || {};
      if (!g || props.code === undefined || props.code === null) { continue; }
      var polys;
      if (g.type === 'Polygon') { polys = [g.coordinates]; }
      else if (g.type === 'MultiPolygon') { polys = g.coordinates; }
      else { continue; }
      var bbox = [90, 180, -90, -180];
      var latlngs = polys.map(function (rings) {
        return rings.map(function (r) { return toLatLngRing(r, bbox); });
      });
      var code = String(props.code);
      var poly = L.polygon(latlngs.length === 1 ? latlngs[0] : latlngs,
        Object.assign({ renderer: renderer, interactive: false, smoothFactor: 0.5 },
          regionStyle(values[code], max)));
      poly._glCode = code;
      var center = Array.isArray(props.center) ? props.center
        : [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
      GL._regions.set(code, { poly: poly, name: props.name ? String(props.name) : '',
                              rings: latlngs, bbox: bbox, center: center });
      if (bbox[0] < city[0]) { city[0] = bbox[0]; }
      if (bbox[1] < city[1]) { city[1] = bbox[1]; }
      if (bbox[2] > city[2]) { city[2] = bbox[2]; }
      if (bbox[3] > city[3]) { city[3] = bbox[3]; }
    }
    GL._regionBounds = GL._regions.size ? L.latLngBounds([city[0], city[1]], [city[2], city[3]]) : null;
    // Fit before adding: polygons are projected once, at the final view.
    if (!GL._fitted && GL._regionBounds) { GL.fitCity(); }
    var group = GL.layers.regions;
    GL._regions.forEach(function (r) { group.addLayer(r.poly); });
    GL.layers.labels.redraw();
    updateLegend();
    return performance.now() - t0;
  };

  function updateLegend() {
    if (GL._legend) { GL._legend.update(); }
  }

  // The shading's smallest and largest value above zero (the legend's scale).
  GL.choroplethRange = function () {
    var values = GL._choropleth.values, min = null;
    for (var k in values) {
      if (Object.prototype.hasOwnProperty.call(values, k) && values[k] > 0 &&
          (min === null || values[k] < min)) { min = values[k]; }
    }
    return { min: min, max: min === null ? null : choroplethMax() };
  };

  function choroplethMax() {
    var max = 0, values = GL._choropleth.values;
    for (var k in values) {
      if (Object.prototype.hasOwnProperty.call(values, k) && values[k] > max) { max = values[k]; }
    }
    return max;
  }

  GL.setChoropleth = function (values, mode) {
    var t0 = performance.now();
    if (mode !== null && mode !== undefined && !RAMPS[mode]) {
      throw new Error('setChoropleth: unknown mode ' + mode);
    }
    GL._choropleth = { mode: mode || null, values: values || {} };
    var max = choroplethMax();
    GL._regions.forEach(function (r, code) {
      var style = regionStyle(GL._choropleth.values[code], max);
      var key = style.fillColor + '|' + style.fillOpacity;
      if (r.poly._glFill !== key) {
        r.poly._glFill = key;
        r.poly.setStyle(style);
      }
    });
    updateLegend();
    return performance.now() - t0;
  };

  // ---------------------------------------------------------------- units

  // A unit's colour: by its status, or by its department (GL.setUnitColouring). Markers of one
  // colour share one sprite (a style key), so recolouring 26,000 units is a pass of setOptions.
  function unitColour(status, ix) {
    if (GL._colouring === 'department') {
      var dept = GL._deptCodes[GL._u.dept[ix]];
      return (dept !== undefined && GL._deptColours[dept]) || OTHER_COLOUR;
    }
    return UNIT_COLOURS[status] || OTHER_COLOUR;
  }

  function unitStyle(status, ix) {
    return { fillColor: unitColour(status, ix),
             glRank: GL._colouring === 'status' ? UNIT_RANKS[status] || 0 : 0 };
  }

  function restyleUnit(m, bulk) {
    var style = unitStyle(m._glStatus, m._glIx);
    if (m.options.fillColor !== style.fillColor || m.options.glRank !== style.glRank) {
      styleMarker(m, style, bulk);
    }
  }

  // Details by unit index (see maps/unit_details.py): name, department and type (meta), since
  // when in its status, incident and whether the console's filter hides it (info).
  function applyUnitDetails(d, ids, bulk) {
    var u = GL._u, units = GL._units, i, ix, m;
    if (d.depts) { GL._deptCodes = d.depts; }
    if (d.types) { GL._typeCodes = d.types; }
    var meta = d.meta;
    if (meta) {
      for (i = 0; i < meta.ix.length; i++) {
        ix = meta.ix[i];
        u.name[ix] = meta.name[i];
        u.dept[ix] = meta.dept[i];
        u.type[ix] = meta.type[i];
        m = units.get(ids[ix]);
        if (m) { restyleUnit(m, bulk); }
      }
    }
    var info = d.info;
    if (info) {
      for (i = 0; i < info.ix.length; i++) {
        ix = info.ix[i];
        u.since[ix] = info.since[i];
        u.inc[ix] = info.inc[i];
        var hid = !!info.hid[i];
        u.hid[ix] = hid;
        m = units.get(ids[ix]);
        if (m && m._glHidden !== hid) {
          m._glHidden = hid;
          if (!bulk && m._map) { m.redraw(); }
        }
      }
    }
  }

  // Units come as columns (see maps/unit_columns.py): ids once, in the order they are added
  // (GL._unitIds), then per changed unit its index, lat, lon and status code (-1: removed),
  // and the details of those whose details changed.
  GL.applyUnitColumns = function (d) {
    var t0 = performance.now();
    var units = GL._units, layer = GL.layers.units, renderer = GL.renderers.units;
    var before = units.size;
    if (d.reset) {
      layer.clearLayers();
      units.clear();
      GL._unitIds = [];
      GL._u = { name: [], dept: [], type: [], since: [], inc: [], hid: [] };
    }
    var ids = GL._unitIds, add = d.add || [];
    for (var a = 0; a < add.length; a++) { ids.push(add[a]); }
    var codes = d.codes, ix = d.ix || [], lat = d.lat, lon = d.lon, st = d.st;
    var details = (d.meta ? d.meta.ix.length : 0) + (d.info ? d.info.ix.length : 0);
    var stroke = GL._theme.unitStroke, bulk = ix.length + details > BULK_MARKERS;
    var depts = GL._deptCodes.length;
    applyUnitDetails(d, ids, bulk);
    for (var i = 0; i < ix.length; i++) {
      var id = ids[ix[i]], m = units.get(id);
      if (st[i] < 0) {
        if (m) {
          layer.removeLayer(m);
          units.delete(id);
        }
        continue;
      }
      var status = codes[st[i]];
      if (m) {
        moveMarker(m, [lat[i], lon[i]], bulk);
        if (m._glStatus !== status) {
          m._glStatus = status;
          restyleUnit(m, bulk);
        }
      } else {
        m = L.circleMarker([lat[i], lon[i]], Object.assign({
          renderer: renderer, radius: UNIT_RADIUS, weight: 1, color: stroke, opacity: 0.9,
          fillOpacity: 0.95, interactive: false
        }, unitStyle(status, ix[i])));
        m._glId = id;
        m._glIx = ix[i];
        m._glStatus = status;
        m._glHidden = !!GL._u.hid[ix[i]];
        units.set(id, m);
        layer.addLayer(m);
      }
    }
    if (bulk) { renderer.redrawAll(); }
    followSelection('unit');
    if ((before === 0) !== (units.size === 0) || depts !== GL._deptCodes.length) {
      updateLegend();
    }
    return performance.now() - t0;
  };

  // Colour the units by 'status' or by 'department'.
  GL.setUnitColouring = function (mode) {
    if (mode !== 'status' && mode !== 'department') {
      throw new Error('setUnitColouring: unknown mode ' + mode);
    }
    GL._colouring = mode;
    GL._units.forEach(function (m) { restyleUnit(m, true); });
    GL.renderers.units.redrawAll();
    updateLegend();
    return true;
  };

  GL.setDepartmentColours = function (colours) {
    GL._deptColours = colours || {};
    if (GL._colouring === 'department') { return GL.setUnitColouring('department'); }
    updateLegend();
    return true;
  };

  // The colours the page holds: {status: {...}, department: {...}} (legend, tests).
  GL.palette = function () {
    return { status: Object.assign({}, UNIT_COLOURS), department: Object.assign({}, GL._deptColours),
             priority: Object.assign({}, PRIORITY_COLOURS), part: Object.assign({}, PART_COLOURS),
             other: OTHER_COLOUR, ramps: RAMPS, colouring: GL._colouring };
  };

  // Cluster settings: {maxZoom, minUnits, cell}; clusters off with {maxZoom: 0}.
  GL.setClustering = function (options) {
    GL._cluster = Object.assign({}, CLUSTER_DEFAULTS, options || {});
    GL.renderers.units.redrawAll();
    return true;
  };

  // The clusters the units' canvas drew last: [{n, lat, lng, colour}], null when it drew units.
  GL.clusterInfo = function () {
    var r = GL.renderers.units;
    if (!r.glClustered) { return null; }
    return r.glClusters.map(function (c) {
      var ll = GL.map.layerPointToLatLng([c.x, c.y]);
      return { n: c.n, lat: ll.lat, lng: ll.lng, colour: c.colour };
    });
  };

  // Units on the units' canvas (the view and its margin) and not hidden by the filter: what
  // the clusters and the dots drawn add up to; hidden: units the filter hides.
  GL.unitsShown = function () {
    var bounds = GL.renderers.units._bounds, n = 0, hidden = 0;
    GL._units.forEach(function (m) {
      if (m._glHidden) { hidden++; return; }
      if (m._pxBounds && bounds && bounds.intersects(m._pxBounds)) { n++; }
    });
    return { inView: n, hidden: hidden, total: GL._units.size };
  };

  GL.setTexts = function (texts) {
    GL._texts = texts || {};
    GL._textsVersion = (GL._textsVersion || 0) + 1;
    updateLegend();
    return true;
  };

  GL.setClock = function (now) {
    GL._clock = now;
    return true;
  };

  function text(group, key) {
    var table = GL._texts[group];
    return table && table[key] !== undefined ? table[key] : key;
  }
  GL.text = text;

  function duration(seconds) {
    var s = Math.max(0, Math.floor(seconds)), f = GL._texts.durations || {};
    function fill(pattern, a, b) {
      return pattern.replace('%1', String(a)).replace('%2', b < 10 ? '0' + b : String(b));
    }
    if (s < 60) { return fill(f.s || '%1s', s, 0); }
    if (s < 3600) { return fill(f.m || '%1m', Math.floor(s / 60), 0); }
    if (s < 86400) { return fill(f.hm || '%1h %2m', Math.floor(s / 3600), Math.floor(s % 3600 / 60)); }
    return fill(f.dh || '%1d %2h', Math.floor(s / 86400), Math.floor(s % 86400 / 3600));
  }

  // An incident's tooltip: its id and label, the id once (a label may start with it).
  GL.incidentTooltip = function (id) {
    var it = GL._incidents.get(id);
    var label = it && it.label ? it.label : '';
    if (!label || label === id) { return id; }
    if (label.indexOf(id + ' ') === 0) { label = label.slice(id.length + 1).trim(); }
    return label ? id + ' · ' + label : id;
  };

  // A unit's tooltip: lines of [label, value] (the first: name and id).
  GL.unitTooltip = function (id) {
    var m = GL._units.get(String(id));
    if (!m) { return null; }
    var u = GL._u, ix = m._glIx, tip = GL._texts.tooltip || {};
    var name = u.name[ix], dept = GL._deptCodes[u.dept[ix]], type = GL._typeCodes[u.type[ix]];
    var lines = [['', name ? name + ' · ' + m._glId : m._glId]];
    if (dept !== undefined) { lines.push([tip.department || '', text('departments', dept)]); }
    if (type !== undefined) { lines.push([tip.type || '', text('unit_types', type)]); }
    lines.push([tip.status || '', text('statuses', m._glStatus)]);
    if (u.since[ix] > 0) {
      var now = GL._clock !== null ? GL._clock : Date.now() / 1000;
      lines.push([tip.since || '', duration(now - u.since[ix])]);
    }
    if (u.inc[ix]) { lines.push([tip.incident || '', u.inc[ix]]); }
    return lines;
  };

  // ---------------------------------------------------------------- incidents

  GL.applyIncidents = function (d) {
    var t0 = performance.now();
    var up = d.upsert || [], rm = d.remove || [], incs = GL._incidents, before = incs.size;
    var layer = GL.layers.incidents, renderer = GL.renderers.incidents;
    var bulk = up.length > BULK_MARKERS;
    for (var i = 0; i < up.length; i++) {
      var r = up[i], id = r[0], ll = [r[1], r[2]], it = incs.get(id);
      if (!it) {
        it = { m: null, halo: null, priority: null, overdue: false, label: '' };
        incs.set(id, it);
      }
      if (r[4] && !it.halo) {
        it.halo = L.circleMarker(ll, {
          renderer: renderer, radius: HALO_RADIUS, fill: false, color: '#ff1744', weight: 2.5,
          opacity: 0.95, interactive: false, glRank: 10
        });
        layer.addLayer(it.halo);
      } else if (!r[4] && it.halo) {
        layer.removeLayer(it.halo);
        it.halo = null;
      } else if (it.halo) {
        moveMarker(it.halo, ll, bulk);
      }
      if (!it.m) {
        it.m = L.circleMarker(ll, {
          renderer: renderer, radius: INCIDENT_RADIUS, weight: 1.5, color: '#ffffff', opacity: 1,
          fillColor: PRIORITY_COLOURS[r[3]] || '#9e9e9e', fillOpacity: 1, interactive: false,
          glRank: PRIORITY_RANKS[r[3]] || 0
        });
        it.m._glId = id;
        layer.addLayer(it.m);
      } else {
        moveMarker(it.m, ll, bulk);
        if (it.priority !== r[3]) {
          styleMarker(it.m, { fillColor: PRIORITY_COLOURS[r[3]] || '#9e9e9e',
                              glRank: PRIORITY_RANKS[r[3]] || 0 }, bulk);
        }
      }
      it.priority = r[3];
      it.overdue = !!r[4];
      it.label = r[5] === undefined || r[5] === null ? '' : String(r[5]);
    }
    for (var j = 0; j < rm.length; j++) {
      var gone = incs.get(rm[j]);
      if (gone) {
        layer.removeLayer(gone.m);
        if (gone.halo) { layer.removeLayer(gone.halo); }
        incs.delete(rm[j]);
      }
    }
    if (bulk) { renderer.redrawAll(); }
    followSelection('incident');
    if ((before === 0) !== (incs.size === 0)) { updateLegend(); }
    return performance.now() - t0;
  };

  // ---------------------------------------------------------------- parts

  function sector(lat, lon, rangeM, heading, angle) {
    var pts = [[lat, lon]];
    var mPerDegLat = 111320, mPerDegLon = 111320 * Math.cos(lat * Math.PI / 180);
    var steps = Math.max(4, Math.ceil(angle / 10));
    for (var s = 0; s <= steps; s++) {
      var b = (heading - angle / 2 + angle * s / steps) * Math.PI / 180;
      pts.push([lat + rangeM * Math.cos(b) / mPerDegLat, lon + rangeM * Math.sin(b) / mPerDegLon]);
    }
    return pts;
  }

  GL.setParts = function (rows) {
    var t0 = performance.now();
    var layer = GL.layers.parts, renderer = GL.renderers.parts;
    layer.clearLayers();
    GL._partCount = 0;
    var types = {};
    GL._parts = new Map();
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], type = r[1], lat = r[2], lon = r[3], extra = r[4] || {};
      var colour = PART_COLOURS[type] || '#b0bec5';
      var broken = extra.state === 'damaged' || extra.state === 'missing';
      if (type === 'camera' && extra.range_m > 0) {
        var heading = +(extra.heading_deg !== undefined ? extra.heading_deg : 0);
        var angle = +(extra.angle_deg !== undefined ? extra.angle_deg : 60);
        var style = { renderer: renderer, color: colour, weight: 1, opacity: 0.7,
                      fillColor: colour, fillOpacity: 0.12, interactive: false };
        layer.addLayer(angle >= 360
          ? L.circle([lat, lon], Object.assign({ radius: +extra.range_m }, style))
          : L.polygon(sector(lat, lon, +extra.range_m, heading, Math.max(1, angle)), style));
      }
      var m = L.circleMarker([lat, lon], {
        renderer: renderer, radius: PART_RADIUS, weight: broken ? 2 : 0.5,
        color: broken ? '#ff1744' : '#000000', fillColor: colour, fillOpacity: 0.9,
        interactive: false
      });
      m._glId = r[0];
      m._glType = type;
      GL._parts.set(String(r[0]), m);
      layer.addLayer(m);
      GL._partCount++;
      types[type] = true;
    }
    GL._partTypes = Object.keys(types).sort();
    updateLegend();
    return performance.now() - t0;
  };

  // ---------------------------------------------------------------- unit tracks (replay)

  var TRACK_COLOURS = ['#00b8d4', '#ff6d00', '#aa00ff', '#00c853', '#2962ff', '#d50000',
                       '#c51162', '#ffab00'];
  GL._tracks = new Map();  // unit id -> {points, colour}

  function tracksLayer() {
    if (!GL.layers.tracks) {
      // Below the unit markers, so a unit sits on the end of its own path.
      var pane = GL.map.createPane('gl-tracks');
      pane.style.zIndex = 428;
      pane.classList.add('gl-pane');
      GL.renderers.tracks = L.canvas({ pane: 'gl-tracks', padding: 0.2 });
      GL.layers.tracks = L.layerGroup().addTo(GL.map);
    }
    return GL.layers.tracks;
  }

  // Replace the unit paths: {unitId: [[lat, lon], ...]}; an empty object clears them.
  GL.setTracks = function (tracks) {
    var t0 = performance.now();
    var layer = tracksLayer(), renderer = GL.renderers.tracks;
    layer.clearLayers();
    GL._tracks.clear();
    var ids = Object.keys(tracks || {}).sort();
    for (var i = 0; i < ids.length; i++) {
      var pts = tracks[ids[i]];
      if (!Array.isArray(pts) || !pts.length) { continue; }
      var colour = TRACK_COLOURS[GL._tracks.size % TRACK_COLOURS.length];
      layer.addLayer(L.polyline(pts, {
        renderer: renderer, color: colour, weight: 3, opacity: 0.85, lineJoin: 'round',
        interactive: false
      }));
      layer.addLayer(L.circleMarker(pts[0], {
        renderer: renderer, radius: 4, color: colour, weight: 2, fillColor: '#ffffff',
        fillOpacity: 1, interactive: false
      }));
      layer.addLayer(L.circleMarker(pts[pts.length - 1], {
        renderer: renderer, radius: 5, color: '#ffffff', weight: 1.5, fillColor: colour,
        fillOpacity: 1, interactive: false
      }));
      GL._tracks.set(ids[i], { points: pts.length, colour: colour });
    }
    return performance.now() - t0;
  };

  // Zoom to the paths drawn; false when there are none.
  GL.fitTracks = function () {
    if (!GL.layers.tracks || !GL._tracks.size) { return false; }
    var b = L.latLngBounds([]);
    GL.layers.tracks.eachLayer(function (l) {
      if (l.getBounds) { b.extend(l.getBounds()); } else { b.extend(l.getLatLng()); }
    });
    if (!b.isValid()) { return false; }
    GL._autoFit = false;
    GL.map.stop();  // a pan still running (selecting pans) would end elsewhere
    GL.map.fitBounds(b.pad(0.3), { maxZoom: 17, animate: false });
    return true;
  };

  // {unitId: {points, colour}} of the paths drawn.
  GL.trackInfo = function () {
    var out = {};
    GL._tracks.forEach(function (t, id) { out[id] = { points: t.points, colour: t.colour }; });
    return out;
  };

  // ---------------------------------------------------------------- selection

  function clearSelection() {
    if (GL._selection && GL._selection.layer) { GL.layers.select.removeLayer(GL._selection.layer); }
    GL._selection = null;
  }

  function followSelection(kind) {
    var sel = GL._selection;
    if (!sel || sel.kind !== kind) { return; }
    var ll = pointOf(kind, sel.id);
    if (ll) { sel.layer.setLatLng(ll); } else { clearSelection(); }
  }

  function pointOf(kind, id) {
    if (kind === 'unit') {
      var u = GL._units.get(id);
      return u ? u.getLatLng() : null;
    }
    if (kind === 'incident') {
      var it = GL._incidents.get(id);
      return it ? it.m.getLatLng() : null;
    }
    if (kind === 'part') {
      var pm = GL._parts.get(String(id));
      return pm ? pm.getLatLng() : null;
    }
    return null;
  }

  GL.select = function (kind, id, pan) {
    clearSelection();
    if (!kind) { return true; }
    var renderer = GL.renderers.select, colour = GL._theme.select, layer, target;
    if (kind === 'region') {
      var r = GL._regions.get(String(id));
      if (!r) { return false; }
      layer = L.polygon(r.rings.length === 1 ? r.rings[0] : r.rings, {
        renderer: renderer, fill: false, color: colour, weight: 3, interactive: false
      });
      target = L.latLng(r.center[0], r.center[1]);
    } else if (kind === 'unit' || kind === 'incident' || kind === 'part') {
      target = pointOf(kind, id);
      if (!target) { return false; }
      layer = L.circleMarker(target, {
        renderer: renderer, radius: kind === 'part' ? 10 : 15, fill: false, color: colour,
        weight: 3, interactive: false
      });
    } else {
      throw new Error('select: unknown kind ' + kind);
    }
    GL.layers.select.addLayer(layer);
    GL._selection = { kind: kind, id: String(id), layer: layer };
    if (pan) {
      GL._autoFit = false;
      GL.map.panTo(target);
    }
    return true;
  };

  // ---------------------------------------------------------------- layers, view, info

  GL.setLayerVisible = function (name, visible) {
    var layer = GL.layers[name];
    if (LAYER_NAMES.indexOf(name) < 0) { throw new Error('setLayerVisible: unknown layer ' + name); }
    GL._visible[name] = !!visible;
    if (!layer) { return false; }
    if (visible && !GL.map.hasLayer(layer)) { layer.addTo(GL.map); }
    if (!visible && GL.map.hasLayer(layer)) { GL.map.removeLayer(layer); }
    if (!visible) { hideHover(); }
    updateLegend();
    return true;
  };

  // The view as the console keeps it across a reload of the page (another theme): where it
  // is, and whether it follows the city's bounds (not placed since the last fit).
  GL.viewState = function () {
    var c = GL.map.getCenter();
    return { lat: c.lat, lon: c.lng, zoom: GL.map.getZoom(), auto: GL._autoFit || !GL._fitted };
  };
  GL.setViewState = function (s) {
    if (s.auto) { return GL.refitCity(); }
    GL.map.setView([s.lat, s.lon], s.zoom, { animate: false });
    GL._fitted = true;
    GL._autoFit = false;
    return true;
  };

  // Fit the city unless the view was placed since (a found place, a focused incident, the
  // operator's hand): the console's fit once its window is laid out must not undo a search.
  GL.refitCity = function () {
    if (GL._autoFit || !GL._fitted) { GL.fitCity(); }
  };
  GL.fitCity = function () {
    var b = GL._regionBounds;
    if (!b && GL._units.size) {
      b = L.latLngBounds([]);
      GL._units.forEach(function (m) { b.extend(m.getLatLng()); });
    }
    if (b && b.isValid()) {
      GL.map.fitBounds(b, { padding: [12, 12], animate: false });
      GL._fitted = true;
      GL._autoFit = true;  // and again as the view resizes, until moved by hand
    } else {
      GL.map.setView(GL.config.center, GL.config.zoom, { animate: false });
    }
    return true;
  };

  // A display map (the wall screen): nothing moves it but Python; fine zoom steps, and no
  // zoom control, legend nor mouse cursor. setReadOnly(false) gives the operator it back.
  var HANDLERS = ['dragging', 'touchZoom', 'doubleClickZoom', 'scrollWheelZoom', 'boxZoom',
                  'keyboard'];
  GL.setReadOnly = function (on) {
    var m = GL.map, style = document.getElementById('gl-read-only');
    HANDLERS.forEach(function (h) { if (m[h]) { if (on) { m[h].disable(); } else { m[h].enable(); } } });
    if (on) {
      if (GL._zoomSnap === undefined) { GL._zoomSnap = m.options.zoomSnap; }
      m.options.zoomSnap = 0.1;
      if (m.zoomControl) { m.zoomControl.remove(); }
      if (!style) {
        style = document.createElement('style');
        style.id = 'gl-read-only';
        style.textContent = '.gl-legend{display:none!important}' +
          '.leaflet-container{cursor:none!important}';
        document.head.appendChild(style);
      }
    } else {
      if (GL._zoomSnap !== undefined) { m.options.zoomSnap = GL._zoomSnap; }
      if (m.zoomControl) { m.zoomControl.addTo(m); }
      if (style) { style.remove(); }
    }
    GL._readOnly = !!on;
    document.body.classList.toggle('gl-read-only', GL._readOnly);  // (basemap.css)
    return true;
  };

  // A scope: the rest of the world dimmed, the scope outlined (rings of [lat, lon]) and the
  // view fitted to its bounds ([[south, west], [north, east]]); without rings, the whole city.
  // The zoom reached is the one focus() zooms in from.
  GL.showScope = function (rings, bounds, colour) {
    var m = GL.map;
    if (GL._scope) { m.removeLayer(GL._scope); GL._scope = null; }
    if (rings && rings.length) {
      var world = [[-85, -180], [-85, 180], [85, 180], [85, -180]];
      GL._scope = L.layerGroup([
        L.polygon([world].concat(rings), { stroke: false, fillColor: '#000000',
          fillOpacity: 0.62, interactive: false, pane: 'gl-select' }),
        L.polygon(rings, { color: colour || GL._theme.select, weight: 4, fill: false,
          interactive: false, pane: 'gl-select' })
      ]).addTo(m);
    }
    if (bounds) {
      GL._autoFit = false;
      m.fitBounds(bounds, { padding: [24, 24], animate: false });
    } else {
      GL.fitCity();
    }
    GL._scopeZoom = m.getZoom();
    return true;
  };

  GL.hasScope = function () { return !!GL._scope; };

  // Centre on a point, zoomIn levels closer than the scope's view (or the view now).
  GL.focus = function (lat, lon, zoomIn, maxZoom) {
    var m = GL.map, z = GL._scopeZoom === undefined ? m.getZoom() : GL._scopeZoom;
    GL._autoFit = false;
    m.setView([lat, lon], Math.min(z + zoomIn, maxZoom), { animate: false });
    return true;
  };

  GL.counts = function () {
    var sel = GL._selection;
    return {
      regions: GL._regions.size, units: GL._units.size, incidents: GL._incidents.size,
      clusters: GL.renderers.units.glClustered ? GL.renderers.units.glClusters.length : 0,
      parts: GL._partCount, selected: sel ? sel.kind + ':' + sel.id : null, level: GL._level,
      labels: GL.layers.labels ? GL.layers.labels.drawn : 0
    };
  };

  // Report to Python (bridge.painted) once the frames queued so far have been drawn.
  GL.afterPaint = function (token, t0) {
    var start = t0 === undefined ? performance.now() : t0;
    requestAnimationFrame(function () {
      requestAnimationFrame(function () { send('painted', String(token), performance.now() - start); });
    });
    return true;
  };

  // ---------------------------------------------------------------- hit testing, clicks

  function markerHit(collection, getMarker, p, radius) {
    var map = GL.map, tol = radius + CLICK_TOLERANCE;
    var sw = map.layerPointToLatLng([p.x - tol, p.y + tol]);
    var ne = map.layerPointToLatLng([p.x + tol, p.y - tol]);
    var best = null, bestD = Infinity;
    collection.forEach(function (value, id) {
      var marker = getMarker(value);
      if (marker._glHidden || marker._glInCluster) { return; }  // not drawn as itself
      var ll = marker.getLatLng();
      if (ll.lat < sw.lat || ll.lat > ne.lat || ll.lng < sw.lng || ll.lng > ne.lng) { return; }
      var d = map.latLngToLayerPoint(ll).distanceTo(p);
      if (d <= tol && d < bestD) { best = id; bestD = d; }
    });
    return best;
  }

  function ringContains(ring, lat, lon) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var yi = ring[i][0], xi = ring[i][1], yj = ring[j][0], xj = ring[j][1];
      if (((yi > lat) !== (yj > lat)) && (lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)) {
        inside = !inside;
      }
    }
    return inside;
  }

  function regionAt(lat, lon) {
    var found = null;
    GL._regions.forEach(function (r, code) {
      if (found !== null) { return; }
      var b = r.bbox;
      if (lat < b[0] || lat > b[2] || lon < b[1] || lon > b[3]) { return; }
      for (var k = 0; k < r.rings.length; k++) {
        var rings = r.rings[k];
        if (ringContains(rings[0], lat, lon)) {
          var hole = false;
          for (var h = 1; h < rings.length; h++) {
            if (ringContains(rings[h], lat, lon)) { hole = true; break; }
          }
          if (!hole) { found = code; return; }
        }
      }
    });
    return found;
  }

  function hitTest(p) {
    if (GL._visible.incidents) {
      var inc = markerHit(GL._incidents, function (it) { return it.m; }, p, INCIDENT_RADIUS);
      if (inc !== null) { return { kind: 'incident', id: inc }; }
    }
    if (GL._visible.units) {
      var cluster = clusterAt(p);
      if (cluster) { return { kind: 'cluster', id: cluster.n, cluster: cluster }; }
      var unit = markerHit(GL._units, function (m) { return m; }, p, UNIT_RADIUS);
      if (unit !== null) { return { kind: 'unit', id: unit }; }
    }
    if (GL._visible.parts && GL._parts.size) {
      var part = markerHit(GL._parts, function (m) { return m; }, p, PART_RADIUS);
      if (part !== null) { return { kind: 'part', id: part }; }
    }
    return null;
  }

  function clusterAt(p) {
    var r = GL.renderers.units;
    if (!r.glClustered) { return null; }
    if (r.glClusterView !== GL.map.getZoom() + '@' + GL.map.getPixelOrigin().toString()) {
      return null;  // drawn for another view: the redraw for this one is still to come
    }
    for (var i = 0; i < r.glClusters.length; i++) {
      var c = r.glClusters[i], dx = c.x - p.x, dy = c.y - p.y;
      if (dx * dx + dy * dy <= c.r * c.r) { return c; }
    }
    return null;
  }

  // Open a cluster: its units' bounds fill the view, close enough to show them as dots.
  function zoomIntoCluster(c) {
    var map = GL.map;
    var b = L.latLngBounds(map.layerPointToLatLng([c.x0, c.y0]), map.layerPointToLatLng([c.x1, c.y1]));
    var zoom = Math.max(map.getZoom() + 1,
                        Math.min(map.getBoundsZoom(b.pad(0.5)), GL._cluster.maxZoom));
    GL._autoFit = false;
    map.setView(b.getCenter(), Math.min(zoom, map.getMaxZoom()), { animate: false });
  }
  GL.hitTest = function (lat, lon) {
    var p = GL.map.latLngToLayerPoint([lat, lon]);
    var hit = hitTest(p);
    if (hit) { return hit.kind === 'cluster' ? { kind: 'cluster', id: hit.id } : hit; }
    var code = GL._visible.regions ? regionAt(lat, lon) : null;
    return code === null ? null : { kind: 'region', id: code };
  };

  // Right click (or a long press): the application offers what can be done at that point
  // ("new incident here"); the browser's own menu never shows.
  function onMapContext(e) {
    if (e.originalEvent) { L.DomEvent.preventDefault(e.originalEvent); }
    send('map_context', e.latlng.lat, e.latlng.lng);
  }

  function onMapClick(e) {
    var oe = e.originalEvent;
    if (oe && (oe.ctrlKey || oe.metaKey)) {  // Ctrl+click: a new incident at this point
      send('map_new_incident', e.latlng.lat, e.latlng.lng);
      return;
    }
    var hit = hitTest(e.layerPoint);
    if (hit && hit.kind === 'cluster') {
      zoomIntoCluster(hit.cluster);
      return;
    }
    if (hit) {
      send(hit.kind + '_clicked', String(hit.id));
      return;
    }
    if (GL._visible.regions) {
      var code = regionAt(e.latlng.lat, e.latlng.lng);
      if (code !== null) { send('region_clicked', code); }
    }
    send('map_clicked', e.latlng.lat, e.latlng.lng);
  }

  var hoverPending = false;
  function onMouseMove(e) {
    if (hoverPending) { return; }
    hoverPending = true;
    setTimeout(function () {
      hoverPending = false;
      if (!GL.map) { return; }
      var hit = hitTest(e.layerPoint);
      if (!hit) { hideHover(); return; }
      var content, ll;
      if (hit.kind === 'incident') {
        var it = GL._incidents.get(hit.id);
        content = document.createElement('span');
        content.textContent = GL.incidentTooltip(hit.id);  // never innerHTML
        ll = it.m.getLatLng();
      } else if (hit.kind === 'cluster') {
        content = document.createElement('span');
        content.textContent = (GL._texts.tooltip || {}).cluster
          ? GL._texts.tooltip.cluster.replace('%1', String(hit.cluster.n)) : String(hit.cluster.n);
        ll = GL.map.layerPointToLatLng([hit.cluster.x, hit.cluster.y - hit.cluster.r + 8]);
      } else if (hit.kind === 'part') {
        var pm = GL._parts.get(hit.id);
        content = document.createElement('span');
        content.textContent = hit.id + ' · ' + pm._glType;  // never innerHTML
        ll = pm.getLatLng();
      } else {
        content = unitTooltipElement(hit.id);
        ll = GL._units.get(hit.id).getLatLng();
      }
      GL._tooltip.setContent(content).setLatLng(ll);
      if (!GL.map.hasLayer(GL._tooltip)) { GL._tooltip.addTo(GL.map); }
      GL.map.getContainer().classList.add('gl-hover');
    }, 40);
  }

  function unitTooltipElement(id) {
    var box = document.createElement('div');
    GL.unitTooltip(id).forEach(function (line, i) {
      var row = document.createElement('div');
      row.className = i === 0 ? 'gl-tip-title' : 'gl-tip-row';
      if (line[0]) {
        var label = document.createElement('span');
        label.className = 'gl-tip-label';
        label.textContent = line[0] + ' ';
        row.appendChild(label);
      }
      row.appendChild(document.createTextNode(line[1]));  // text only: names come from data
      box.appendChild(row);
    });
    return box;
  }

  function hideHover() {
    if (GL.map && GL._tooltip && GL.map.hasLayer(GL._tooltip)) { GL.map.removeLayer(GL._tooltip); }
    if (GL.map) { GL.map.getContainer().classList.remove('gl-hover'); }
  }

  // ---------------------------------------------------------------- region labels

  // Region names drawn on one canvas after each move/zoom, only when few enough regions are in
  // view and each is wide enough on screen: cheap for 8,000 grids, readable when zoomed in.
  var LabelLayer = L.Layer.extend({
    options: { pane: 'gl-labels', maxLabels: 400, minPixelWidth: 28 },

    initialize: function (options) {
      L.setOptions(this, options);
      this.drawn = 0;
    },

    onAdd: function (map) {
      this._canvas = L.DomUtil.create('canvas', 'gl-labels');
      this.getPane().appendChild(this._canvas);
      map.on('moveend zoomend resize viewreset', this.redraw, this);
      map.on('zoomstart', this._hide, this);
      this.redraw();
    },

    onRemove: function (map) {
      map.off('moveend zoomend resize viewreset', this.redraw, this);
      map.off('zoomstart', this._hide, this);
      L.DomUtil.remove(this._canvas);
      this._canvas = null;
      this.drawn = 0;
    },

    _hide: function () { if (this._canvas) { this._canvas.style.visibility = 'hidden'; } },

    redraw: function () {
      var map = this._map, canvas = this._canvas;
      if (!map || !canvas) { return; }
      var size = map.getSize(), dpr = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.width = size.x * dpr;
      canvas.height = size.y * dpr;
      canvas.style.width = size.x + 'px';
      canvas.style.height = size.y + 'px';
      canvas.style.visibility = 'visible';
      var ctx = canvas.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      this.drawn = 0;
      this.boxes = [];  // screen boxes of the names drawn (basemap.js keeps clear of them)
      var view = map.getBounds(), inView = [];
      GL._regions.forEach(function (r) {
        if (r.name && view.contains(r.center)) { inView.push(r); }
      });
      if (!inView.length || inView.length > this.options.maxLabels) { return; }
      var t = GL._theme;
      ctx.font = '12px "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.lineJoin = 'round';
      ctx.lineWidth = 3;
      ctx.strokeStyle = t.halo;
      ctx.fillStyle = t.label;
      var taken = this.boxes;  // boxes of labels drawn so far: skip any that would overlap
      for (var i = 0; i < inView.length; i++) {
        var r = inView[i];
        var west = map.latLngToContainerPoint([r.center[0], r.bbox[1]]);
        var east = map.latLngToContainerPoint([r.center[0], r.bbox[3]]);
        var room = east.x - west.x;
        if (room < this.options.minPixelWidth) { continue; }
        var w = ctx.measureText(r.name).width;
        if (w > room - 4) { continue; }
        var p = map.latLngToContainerPoint(r.center);
        var box = [p.x - w / 2 - 2, p.y - 9, p.x + w / 2 + 2, p.y + 9];
        if (taken.some(function (b) {
          return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3];
        })) { continue; }
        taken.push(box);
        ctx.strokeText(r.name, p.x, p.y);
        ctx.fillText(r.name, p.x, p.y);
        this.drawn++;
      }
    }
  });

  window.GL = GL;
}());
