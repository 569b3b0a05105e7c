/*
 * Gridline's drawn offline basemap (GLBasemapLayer), a base layer of GLBase (basemap.js).
 *
 * Light land, roads as lines whose width follows their class and the zoom (cased from street
 * zoom), road names along the lines and place names thinned by zoom (districts at city zoom,
 * then streets, communities, compounds and POIs), no label over another or over a region name
 * GL drew. Two canvases redrawn after each move: the ground under the region polygons, the
 * names above them. Data: a FeatureCollection from maps/basemap.py.
 */
(function () {
  'use strict';

  var PALETTES = {
    light: {
      far: '#cfc9be', casing: { main: '#b3ab9e', secondary: '#c5beb2', lane: '#d6d0c6' },
      fill: { main: '#ffffff', secondary: '#ffffff', lane: '#fbfaf7' },
      label: '#383838', district: '#57506a', street: '#4b4b4b', road: '#4f4f4f',
      poi: '#7b5d2e', halo: 'rgba(255,255,255,0.95)'
    },
    dark: {
      far: '#1d2a38', casing: { main: '#2f4257', secondary: '#263647', lane: '#1f2d3b' },
      fill: { main: '#3a4f66', secondary: '#2c3d50', lane: '#223141' },
      label: '#9fb0c2', district: '#c3cfdb', street: '#aebccb', road: '#8fa1b4',
      poi: '#c7a56b', halo: '#0b1016'
    }
  };
  // Which places are named at which zooms, from the widest down; font size in px.
  var PLACE_STYLES = {
    district: { min: 8, max: 13.5, size: 15, bold: true, colour: 'district', spacing: 3 },
    street: { min: 12, max: 15.5, size: 13, bold: true, colour: 'street' },
    community: { min: 14, max: 18.5, size: 12, colour: 'label' },
    compound: { min: 16, max: 99, size: 11, colour: 'label' },
    poi: { min: 16.5, max: 99, size: 11, colour: 'poi', dot: true }
  };
  var ROAD_CLASSES = ['lane', 'secondary', 'main'];  // drawn bottom to top
  var ROAD_MIN_ZOOM = { main: 0, secondary: 11, lane: 13.5 };
  var ROAD_LABEL_ZOOM = { main: 14, secondary: 15, lane: 16.5 };
  var CASED_FROM = 13;
  // Labels are placed in this order: wider things first, road names among them.
  var LABEL_ORDER = ['district', 'street', 'road:main', 'community', 'road:secondary',
                     'compound', 'poi', 'road:lane'];
  var FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif';
  var MAX_LABELS = 600;
  var SAME_NAME_PX = 220;  // a road's name is not repeated closer than this
  var CELL = 64;

  function roadWidth(cls, z) {
    if (cls === 'main') { return Math.min(16, Math.max(1, Math.pow(2, (z - 10) / 2))); }
    if (cls === 'secondary') { return Math.min(11, Math.max(0.7, 1.25 * Math.pow(2, (z - 12) / 2))); }
    return Math.min(6, Math.max(0.6, 1.25 * Math.pow(2, (z - 14) / 2)));
  }

  // The part of the segment a-b inside the screen (less a margin), or null (Liang-Barsky).
  function clip(ax, ay, bx, by, w, h) {
    var m = 8, t0 = 0, t1 = 1, dx = bx - ax, dy = by - ay;
    var p = [-dx, dx, -dy, dy], q = [ax - m, w - m - ax, ay - m, h - m - ay];
    for (var i = 0; i < 4; i++) {
      if (p[i] === 0) {
        if (q[i] < 0) { return null; }
        continue;
      }
      var t = q[i] / p[i];
      if (p[i] < 0) { if (t > t1) { return null; } if (t > t0) { t0 = t; } }
      else { if (t < t0) { return null; } if (t < t1) { t1 = t; } }
    }
    return [ax + t0 * dx, ay + t0 * dy, ax + t1 * dx, ay + t1 * dy];
  }

  // Screen boxes [x0, y0, x1, y1] already taken, bucketed by grid cell.
  function Boxes() { this.cells = new Map(); this.count = 0; }
  Boxes.prototype.hits = function (b) {
    for (var cx = Math.floor(b[0] / CELL); cx <= Math.floor(b[2] / CELL); cx++) {
      for (var cy = Math.floor(b[1] / CELL); cy <= Math.floor(b[3] / CELL); cy++) {
        var list = this.cells.get(cx + ',' + cy);
        if (!list) { continue; }
        for (var i = 0; i < list.length; i++) {
          var o = list[i];
          if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) { return true; }
        }
      }
    }
    return false;
  };
  Boxes.prototype.add = function (b) {
    for (var cx = Math.floor(b[0] / CELL); cx <= Math.floor(b[2] / CELL); cx++) {
      for (var cy = Math.floor(b[1] / CELL); cy <= Math.floor(b[3] / CELL); cy++) {
        var key = cx + ',' + cy, list = this.cells.get(key);
        if (!list) { list = []; this.cells.set(key, list); }
        list.push(b);
      }
    }
    this.count++;
  };

  var BasemapLayer = L.Layer.extend({
    options: { pane: 'gl-basemap', labelPane: 'gl-basemap-labels', padding: 0.25 },

    initialize: function (options) {
      L.setOptions(this, options);
      this.roads = [];   // {name, cls, xy: Float64Array of zoom-0 pixels, bbox}
      this.places = [];  // {name, kind, x, y}
      this.drawn = { roads: 0, labels: [] };
      this._opacity = 1;
    },

    setPalette: function (name) { this._pal = PALETTES[name] || PALETTES.light; },

    setData: function (fc, crs) {
      var roads = [], places = [], features = (fc && fc.features) || [];
      for (var i = 0; i < features.length; i++) {
        var f = features[i], g = f.geometry || {}, p = f.properties || {};
        if (g.type === 'LineString' && g.coordinates.length > 1) {
          var c = g.coordinates, xy = new Float64Array(c.length * 2);
          var bbox = [Infinity, Infinity, -Infinity, -Infinity];
          for (var k = 0; k < c.length; k++) {
            var pt = crs.latLngToPoint(L.latLng(c[k][1], c[k][0]), 0);
            xy[2 * k] = pt.x;
            xy[2 * k + 1] = pt.y;
            if (pt.x < bbox[0]) { bbox[0] = pt.x; }
            if (pt.y < bbox[1]) { bbox[1] = pt.y; }
            if (pt.x > bbox[2]) { bbox[2] = pt.x; }
            if (pt.y > bbox[3]) { bbox[3] = pt.y; }
          }
          roads.push({ name: p.name ? String(p.name) : '', cls: p['class'] || 'secondary',
                       xy: xy, bbox: bbox });
        } else if (g.type === 'Point' && PLACE_STYLES[p.kind] && p.name) {
          var q = crs.latLngToPoint(L.latLng(g.coordinates[1], g.coordinates[0]), 0);
          places.push({ name: String(p.name), kind: p.kind, x: q.x, y: q.y });
        }
      }
      this.roads = roads;
      this.places = places;
      this.redraw();
      return { roads: roads.length, places: places.length };
    },

    setOpacity: function (value) {
      this._opacity = value;
      if (this._ground) { this._ground.style.opacity = value; }
    },

    onAdd: function (map) {
      this._ground = L.DomUtil.create('canvas', 'gl-basemap-ground');
      this._text = L.DomUtil.create('canvas', 'gl-basemap-text');
      if (map._zoomAnimated) { L.DomUtil.addClass(this._ground, 'leaflet-zoom-animated'); }
      map.getPane(this.options.pane).appendChild(this._ground);
      map.getPane(this.options.labelPane).appendChild(this._text);
      this._ground.style.opacity = this._opacity;
      map.on('moveend zoomend resize viewreset', this.redraw, this);
      map.on('zoomanim', this._animateZoom, this);
      map.on('zoomstart', this._hideText, this);
      this.redraw();
    },

    onRemove: function (map) {
      map.off('moveend zoomend resize viewreset', this.redraw, this);
      map.off('zoomanim', this._animateZoom, this);
      map.off('zoomstart', this._hideText, this);
      L.DomUtil.remove(this._ground);
      L.DomUtil.remove(this._text);
      this._ground = this._text = null;
      this.drawn = { roads: 0, labels: [] };
    },

    _hideText: function () { if (this._text) { this._text.style.visibility = 'hidden'; } },

    // During a zoom animation the ground is scaled like Leaflet's own renderers.
    _animateZoom: function (e) {
      if (!this._ground || this._zoom === undefined) { return; }
      var map = this._map, scale = map.getZoomScale(e.zoom, this._zoom);
      var half = map.getSize().multiplyBy(0.5 + this.options.padding);
      var offset = half.multiplyBy(-scale).add(map.project(this._center, e.zoom))
        .subtract(map._getNewPixelOrigin(e.center, e.zoom));
      L.DomUtil.setTransform(this._ground, offset, scale);
    },

    _size: function (canvas, topLeft, size) {
      var dpr = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(canvas, topLeft);
      canvas.width = Math.round(size.x * dpr);
      canvas.height = Math.round(size.y * dpr);
      canvas.style.width = size.x + 'px';
      canvas.style.height = size.y + 'px';
      var ctx = canvas.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      return ctx;
    },

    redraw: function () {
      var map = this._map;
      if (!map || !this._ground) { return; }
      var size = map.getSize(), pad = this.options.padding;
      var min = size.multiplyBy(-pad).round(), full = size.multiplyBy(1 + 2 * pad).round();
      var topLeft = map.containerPointToLayerPoint(min);
      this._center = map.getCenter();
      this._zoom = map.getZoom();
      var z = this._zoom, k = Math.pow(2, z), origin = map.getPixelOrigin();
      var ground = this._size(this._ground, topLeft, full);
      // canvas x = zoom-0 x * k - ox (the same for y)
      var view = { k: k, ox: origin.x + topLeft.x, oy: origin.y + topLeft.y, w: full.x, h: full.y };
      this.drawn = { roads: this._drawRoads(ground, view, z), labels: [] };
      var textTopLeft = map.containerPointToLayerPoint([0, 0]);
      var text = this._size(this._text, textTopLeft, size);
      this._text.style.visibility = 'visible';
      var tview = { k: k, ox: origin.x + textTopLeft.x, oy: origin.y + textTopLeft.y,
                    w: size.x, h: size.y };
      this._drawLabels(text, tview, z);
    },

    _visibleRoads: function (view, z) {
      var x0 = view.ox / view.k, y0 = view.oy / view.k;
      var x1 = (view.ox + view.w) / view.k, y1 = (view.oy + view.h) / view.k;
      var out = [];
      for (var i = 0; i < this.roads.length; i++) {
        var r = this.roads[i], b = r.bbox;
        if (z < ROAD_MIN_ZOOM[r.cls] || b[2] < x0 || b[0] > x1 || b[3] < y0 || b[1] > y1) { continue; }
        out.push(r);
      }
      return out;
    },

    _drawRoads: function (ctx, view, z) {
      var roads = this._visibleRoads(view, z), pal = this._pal || PALETTES.light;
      if (!roads.length) { return 0; }
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      var cased = z >= CASED_FROM;
      var passes = cased ? ['casing', 'fill'] : ['far'];
      passes.forEach(function (pass) {
        ROAD_CLASSES.forEach(function (cls) {
          var w = roadWidth(cls, z);
          ctx.beginPath();
          var any = false;
          for (var i = 0; i < roads.length; i++) {
            var r = roads[i];
            if (r.cls !== cls) { continue; }
            var xy = r.xy;
            ctx.moveTo(xy[0] * view.k - view.ox, xy[1] * view.k - view.oy);
            for (var j = 2; j < xy.length; j += 2) {
              ctx.lineTo(xy[j] * view.k - view.ox, xy[j + 1] * view.k - view.oy);
            }
            any = true;
          }
          if (!any) { return; }
          if (pass === 'far') {
            ctx.strokeStyle = pal.far;
            ctx.lineWidth = w;
          } else if (pass === 'casing') {
            ctx.strokeStyle = pal.casing[cls];
            ctx.lineWidth = w + 2;
          } else {
            ctx.strokeStyle = pal.fill[cls];
            ctx.lineWidth = w;
          }
          ctx.stroke();
        });
      });
      return roads.length;
    },

    _drawLabels: function (ctx, view, z) {
      var pal = this._pal || PALETTES.light, taken = new Boxes(), drawn = this.drawn.labels;
      // Region names GL drew (gridline.js) are taken already.
      var regionBoxes = GL.layers.labels && GL.map.hasLayer(GL.layers.labels)
        ? GL.layers.labels.boxes || [] : [];
      regionBoxes.forEach(function (b) { taken.add(b); });
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.lineJoin = 'round';
      var self = this;
      var byKind = {};
      this.places.forEach(function (p) { (byKind[p.kind] = byKind[p.kind] || []).push(p); });
      var roadsInView = null;
      for (var o = 0; o < LABEL_ORDER.length && drawn.length < MAX_LABELS; o++) {
        var what = LABEL_ORDER[o];
        if (what.indexOf('road:') === 0) {
          var cls = what.slice(5);
          if (z < ROAD_LABEL_ZOOM[cls]) { continue; }
          roadsInView = roadsInView || this._visibleRoads(view, z);
          this._roadNames(ctx, view, roadsInView, cls, taken, pal);
          continue;
        }
        var style = PLACE_STYLES[what], list = byKind[what];
        if (!list || z < style.min || z >= style.max) { continue; }
        ctx.font = (style.bold ? 'bold ' : '') + style.size + 'px ' + FONT;
        if (style.spacing !== undefined) { ctx.letterSpacing = style.spacing + 'px'; }
        for (var i = 0; i < list.length && drawn.length < MAX_LABELS; i++) {
          var p = list[i], x = p.x * view.k - view.ox, y = p.y * view.k - view.oy;
          if (x < 0 || y < 0 || x > view.w || y > view.h) { continue; }
          var w = ctx.measureText(p.name).width, h = style.size + 4;
          var dx = style.dot ? 3 : 0;
          var box = [x - w / 2 - 2 - dx, y - h / 2, x + w / 2 + 2 + dx, y + h / 2];
          if (taken.hits(box)) { continue; }
          taken.add(box);
          self._text2(ctx, p.name, x + dx, y, pal[style.colour], pal.halo);
          if (style.dot) {
            ctx.fillStyle = pal[style.colour];
            ctx.beginPath();
            ctx.arc(x - w / 2 - 2, y, 2.5, 0, Math.PI * 2);
            ctx.fill();
          }
          drawn.push({ text: p.name, kind: p.kind, box: box });
        }
        ctx.letterSpacing = '0px';
      }
    },

    _text2: function (ctx, text, x, y, colour, halo) {
      ctx.lineWidth = 3;
      ctx.strokeStyle = halo;
      ctx.strokeText(text, x, y);
      ctx.fillStyle = colour;
      ctx.fillText(text, x, y);
    },

    // A road's name along the longest piece of it on screen, turned to read left to right.
    _roadNames: function (ctx, view, roads, cls, taken, pal) {
      var size = cls === 'main' ? 12 : 11, drawn = this.drawn.labels, placed = {};
      ctx.font = size + 'px ' + FONT;
      for (var i = 0; i < roads.length && drawn.length < MAX_LABELS; i++) {
        var r = roads[i];
        if (r.cls !== cls || !r.name) { continue; }
        var xy = r.xy, best = null, bestLen = 0;
        for (var j = 0; j + 3 < xy.length; j += 2) {
          var seg = clip(xy[j] * view.k - view.ox, xy[j + 1] * view.k - view.oy,
                         xy[j + 2] * view.k - view.ox, xy[j + 3] * view.k - view.oy,
                         view.w, view.h);
          if (!seg) { continue; }
          var len = Math.sqrt((seg[2] - seg[0]) * (seg[2] - seg[0]) +
                              (seg[3] - seg[1]) * (seg[3] - seg[1]));
          if (len > bestLen) { bestLen = len; best = seg; }
        }
        if (!best) { continue; }
        var w = ctx.measureText(r.name).width;
        if (bestLen < w + 12) { continue; }
        var cx = (best[0] + best[2]) / 2, cy = (best[1] + best[3]) / 2;
        var others = placed[r.name] || [];
        if (others.some(function (q) { return Math.abs(q[0] - cx) + Math.abs(q[1] - cy) < SAME_NAME_PX; })) {
          continue;
        }
        var angle = Math.atan2(best[3] - best[1], best[2] - best[0]);
        if (angle > Math.PI / 2) { angle -= Math.PI; }
        if (angle < -Math.PI / 2) { angle += Math.PI; }
        var hw = w / 2 + 2, hh = size / 2 + 2;
        var ex = Math.abs(hw * Math.cos(angle)) + Math.abs(hh * Math.sin(angle));
        var ey = Math.abs(hw * Math.sin(angle)) + Math.abs(hh * Math.cos(angle));
        var box = [cx - ex, cy - ey, cx + ex, cy + ey];
        if (taken.hits(box)) { continue; }
        taken.add(box);
        others.push([cx, cy]);
        placed[r.name] = others;
        ctx.save();
        ctx.translate(cx, cy);
        ctx.rotate(angle);
        this._text2(ctx, r.name, 0, 0, pal.road, pal.halo);
        ctx.restore();
        drawn.push({ text: r.name, kind: 'road', box: box });
      }
    }
  });

  window.GLBasemapLayer = BasemapLayer;
}());
