/*
 * The map's legend: a collapsible box (bottom left) with an entry for every layer shown that
 * has something on it: the regions' shading (its name, colours, smallest and largest value),
 * the units' colours (by status or by department, as they are drawn), what a cluster's number
 * means, the incidents' priorities and overdue ring, the parts' types and broken ones. Built
 * from what GL holds (GL.palette(), GL._texts); every word comes from Python (GL.setTexts), so
 * it speaks the console's language. GL calls update() when a layer, the colouring, the
 * shading or the texts change; it rebuilds only when what it would show changed.
 */
(function () {
  'use strict';

  var GL = window.GL;
  var STATUS_ORDER = ['available', 'dispatched', 'en_route', 'on_scene', 'busy', 'returning',
                      'off_duty', 'out_of_service'];
  var PRIORITY_ORDER = ['urgent', 'high', 'normal', 'low'];

  function words() { return GL._texts.legend || {}; }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }  // text only: names come from data
    return node;
  }

  function item(colour, label, shape) {
    var row = el('div', 'gl-legend-item');
    var swatch = el('span', 'gl-legend-' + (shape || 'dot'));
    if (shape === 'ring') { swatch.style.borderColor = colour; } else { swatch.style.background = colour; }
    row.appendChild(swatch);
    var text = el('span', 'gl-legend-label', label);
    text.title = label;  // the whole name, where it is cut short
    row.appendChild(text);
    return row;
  }

  function number(v) {
    return Math.round(v * 10) / 10 === Math.round(v) ? String(Math.round(v)) : v.toFixed(1);
  }

  // The entries to show now: [{key, title, build(body)}].
  function entries() {
    var out = [], w = words(), pal = GL.palette(), visible = GL._visible;
    var mode = GL._choropleth.mode;
    if (mode && visible.regions && GL._regions.size) {
      var range = GL.choroplethRange();
      out.push({
        key: 'shade:' + mode + ':' + range.min + ':' + range.max,
        title: GL.text('choropleth', mode),
        build: function (body) {
          var ramp = el('div', 'gl-legend-ramp');
          pal.ramps[mode].forEach(function (c) {
            var sw = el('span', 'gl-legend-swatch');
            sw.style.background = c;
            ramp.appendChild(sw);
          });
          body.appendChild(ramp);
          if (range.max !== null) {
            var scale = el('div', 'gl-legend-scale');
            scale.appendChild(el('span', '', (w.min || '') + ' ' + number(range.min)));
            scale.appendChild(el('span', '', (w.max || '') + ' ' + number(range.max)));
            body.appendChild(scale);
          }
        }
      });
    }
    if (visible.units && GL._units.size) {
      var byDept = pal.colouring === 'department';
      var codes = byDept ? GL._deptCodes.slice() : STATUS_ORDER;
      if (byDept) {
        codes.sort(function (a, b) {
          return GL.text('departments', a).localeCompare(GL.text('departments', b));
        });
      }
      out.push({
        key: 'units:' + pal.colouring + ':' + codes.join(','),
        title: byDept ? w.units_department : w.units_status,
        build: function (body) {
          var list = el('div', codes.length > 8 ? 'gl-legend-columns' : '');
          codes.forEach(function (code) {
            var colour = byDept ? pal.department[code] || pal.other : pal.status[code];
            list.appendChild(item(colour, GL.text(byDept ? 'departments' : 'statuses', code)));
          });
          body.appendChild(list);
        }
      });
      if (GL.renderers.units.glClustered) {
        out.push({
          key: 'clusters',
          title: w.clusters_title,
          build: function (body) {
            var row = el('div', 'gl-legend-item');
            row.appendChild(el('span', 'gl-legend-cluster', '12'));
            row.appendChild(el('span', 'gl-legend-label', w.clusters || ''));
            body.appendChild(row);
          }
        });
      }
    }
    if (visible.incidents && GL._incidents.size) {
      out.push({
        key: 'incidents',
        title: w.incidents,
        build: function (body) {
          PRIORITY_ORDER.forEach(function (p) {
            body.appendChild(item(pal.priority[p], GL.text('priorities', p)));
          });
          body.appendChild(item(pal.priority.urgent, w.overdue || '', 'ring'));
        }
      });
    }
    if (visible.parts && GL._partCount) {
      var types = GL._partTypes.slice();
      out.push({
        key: 'parts:' + types.join(','),
        title: w.parts,
        build: function (body) {
          types.forEach(function (t) {
            body.appendChild(item(pal.part[t] || '#b0bec5', GL.text('part_types', t)));
          });
          body.appendChild(item('#ff1744', w.broken || '', 'ring'));
        }
      });
    }
    return out;
  }

  GL.Legend = L.Control.extend({
    onAdd: function () {
      var div = this._div = el('div', 'gl-legend');
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var head = this._head = el('div', 'gl-legend-head');
      head.setAttribute('role', 'button');
      L.DomEvent.on(head, 'click', this.toggle, this);
      this._body = el('div', 'gl-legend-body');
      div.appendChild(head);
      div.appendChild(this._body);
      this._shown = null;
      return div;
    },

    collapsed: false,

    toggle: function () {
      this.collapsed = !this.collapsed;
      this._shown = null;
      this.update();
    },

    // The entries shown: [title, ...] (tests, diagnostics).
    titles: function () { return this._titles || []; },

    update: function () {
      if (!GL.map) { return; }
      var list = entries();
      if (!list.length) {
        this._titles = [];
        if (this._map) { this.remove(); }
        return;
      }
      if (!this._map) {
        this.addTo(GL.map);
        this._shown = null;
      }
      var key = (this.collapsed ? 'c|' : 'o|') + GL._textsVersion + '|' +
        list.map(function (e) { return e.key + '=' + e.title; }).join('|');
      if (key === this._shown) { return; }
      this._shown = key;
      this._titles = list.map(function (e) { return e.title || ''; });
      var w = words();
      this._head.textContent = (this.collapsed ? '▸ ' : '▾ ') + (w.title || '');
      this._div.classList.toggle('gl-legend-collapsed', this.collapsed);
      var body = this._body;
      body.textContent = '';
      if (this.collapsed) { return; }
      list.forEach(function (e) {
        var section = el('div', 'gl-legend-section');
        if (e.title) { section.appendChild(el('div', 'gl-legend-title', e.title)); }
        e.build(section);
        body.appendChild(section);
      });
    }
  });
}());
