/*
 * chart.js: a small line chart drawn as SVG, no library. One chart per series: a line through the
 * points in time order and one <circle class="point"> per point; the figure carries data-series and
 * data-points (the number of points drawn). Values reach the DOM as text and attributes only.
 */
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var W = 360, H = 150, LEFT = 48, RIGHT = 10, TOP = 10, BOTTOM = 24;

  function svg(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function number(v) {
    var a = Math.abs(v);
    if (a === 0) { return '0'; }
    if (a >= 1000) { return v.toFixed(0); }
    if (a >= 10) { return String(Math.round(v * 10) / 10); }
    return String(Math.round(v * 1000) / 1000);
  }

  function clock(ms) {
    return new Date(ms).toISOString().substring(11, 19);
  }

  /**
   * Draws (or redraws) the chart of one series into `holder`.
   * points: [{t: epoch ms, v: number}], in time order; opts: {title, unit, min, max}.
   */
  function draw(holder, key, points, opts) {
    opts = opts || {};
    var fig = holder.querySelector('figure[data-series="' + CSS.escape(key) + '"]');
    if (!fig) {
      fig = document.createElement('figure');
      fig.className = 'chart';
      fig.setAttribute('data-series', key);
      var cap = document.createElement('h4');
      var name = document.createElement('span');
      name.className = 'name';
      var last = document.createElement('span');
      last.className = 'last';
      cap.appendChild(name);
      cap.appendChild(last);
      fig.appendChild(cap);
      fig.appendChild(svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img' }));
      holder.appendChild(fig);
    }
    var unit = opts.unit ? ' ' + opts.unit : '';
    fig.querySelector('.name').textContent = opts.title || key;
    fig.querySelector('.last').textContent = points.length ? number(points[points.length - 1].v) + unit : '–';
    fig.setAttribute('data-points', String(points.length));
    var root = fig.querySelector('svg');
    root.setAttribute('aria-label', (opts.title || key) + ': ' + points.length + ' points'
      + (points.length ? ', last ' + number(points[points.length - 1].v) + unit : ''));
    while (root.firstChild) { root.removeChild(root.firstChild); }

    var lo = opts.min, hi = opts.max;
    points.forEach(function (p) {
      if (opts.min === undefined) { lo = lo === undefined ? p.v : Math.min(lo, p.v); }
      if (opts.max === undefined) { hi = hi === undefined ? p.v : Math.max(hi, p.v); }
    });
    if (lo === undefined) { lo = 0; }
    if (hi === undefined) { hi = 1; }
    if (hi === lo) { var pad = Math.abs(hi) * 0.1 || 1; lo -= pad; hi += pad; }
    var t0 = points.length ? points[0].t : 0;
    var t1 = points.length ? points[points.length - 1].t : 1;
    var x = function (t) { return t1 === t0 ? LEFT + (W - LEFT - RIGHT) / 2 : LEFT + (t - t0) / (t1 - t0) * (W - LEFT - RIGHT); };
    var y = function (v) { return TOP + (hi - v) / (hi - lo) * (H - TOP - BOTTOM); };

    svg('line', { 'class': 'axis', x1: LEFT, y1: TOP, x2: LEFT, y2: H - BOTTOM }, root);
    svg('line', { 'class': 'axis', x1: LEFT, y1: H - BOTTOM, x2: W - RIGHT, y2: H - BOTTOM }, root);
    [hi, (hi + lo) / 2, lo].forEach(function (v) {
      svg('line', { 'class': 'axis', x1: LEFT - 3, y1: y(v), x2: W - RIGHT, y2: y(v), 'stroke-dasharray': '2 3' }, root);
      svg('text', { 'class': 'tick', x: LEFT - 5, y: y(v) + 3, 'text-anchor': 'end' }, root).textContent = number(v);
    });
    if (points.length) {
      svg('text', { 'class': 'tick', x: LEFT, y: H - 8, 'text-anchor': 'start' }, root).textContent = clock(t0);
      if (t1 !== t0) {
        svg('text', { 'class': 'tick', x: W - RIGHT, y: H - 8, 'text-anchor': 'end' }, root).textContent = clock(t1);
      }
    }
    if (points.length > 1) {
      svg('polyline', { 'class': 'line', points: points.map(function (p) { return x(p.t).toFixed(1) + ',' + y(p.v).toFixed(1); }).join(' ') }, root);
    }
    points.forEach(function (p) {
      var c = svg('circle', { 'class': 'point', cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 2.6 }, root);
      svg('title', {}, c).textContent = clock(p.t) + ' UTC: ' + number(p.v) + unit;
    });
    return fig;
  }

  window.LineChart = { draw: draw, number: number };
}());
