// Metric charts on uPlot (served from the application's jar, /webjars/uplot/): one chart per metric, a line per run.
// Each run is drawn twice: its raw values faint and an exponential moving average on top (the smoothing slider,
// 0 = none). Hovering shows the step and every series' value in the legend; dragging selects a step range to zoom,
// a double click zooms out again. "log y" draws the values on a log scale; it is off and disabled for a metric with
// a value <= 0. NaN and ±Infinity (sent as the strings "NaN", "Infinity", "-Infinity") leave a gap in the line and
// are counted in the caption. The uPlot instance of a chart is its figure's property `uplot` (data, scales, series).
(function () {
  'use strict';
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  var WIDTH = 500, HEIGHT = 240;
  var charts = {};          // metric -> Chart
  var smoothing = 0;        // the EMA weight of the previous value, 0..0.99

  function fmt(v) {
    if (v === null || v === undefined) return '–';
    var a = Math.abs(v);
    return (a !== 0 && (a < 1e-2 || a >= 1e4)) ? v.toExponential(3) : v.toPrecision(4);
  }

  // the y axis' ticks: short, and without trailing zeros
  function tick(v) {
    var a = Math.abs(v);
    return (a !== 0 && (a < 1e-2 || a >= 1e4)) ? v.toExponential(1) : String(Number(v.toPrecision(4)));
  }

  // s = w·s + (1 − w)·x from the first finite value on; a gap (null, a non-finite value) stays a gap and leaves the
  // average as it was; undefined (a step this run did not log) stays undefined
  function ema(values, w) {
    var out = [], s = null;
    values.forEach(function (v) {
      if (v === null || v === undefined) { out.push(v); return; }
      s = s === null ? v : w * s + (1 - w) * v;
      out.push(s);
    });
    return out;
  }

  function faint(hex) {
    return 'rgba(' + parseInt(hex.substr(1, 2), 16) + ',' + parseInt(hex.substr(3, 2), 16) + ','
      + parseInt(hex.substr(5, 2), 16) + ',0.3)';
  }

  function Chart(container, metric) {
    var self = this;
    this.metric = metric;
    this.runs = [];
    this.zoomed = false;
    this.figure = document.createElement('figure');
    this.figure.className = 'chart';
    this.figure.dataset.metric = metric;
    this.caption = document.createElement('figcaption');
    this.title = document.createElement('span');
    this.title.className = 'chart-title';
    this.logLabel = document.createElement('label');
    this.logLabel.className = 'chart-log';
    this.log = document.createElement('input');
    this.log.type = 'checkbox';
    this.log.addEventListener('change', function () { self.render(true); });
    this.logLabel.appendChild(this.log);
    this.logLabel.appendChild(document.createTextNode(' log y'));
    this.caption.appendChild(this.title);
    this.caption.appendChild(this.logLabel);
    this.plot = document.createElement('div');
    this.figure.appendChild(this.caption);
    this.figure.appendChild(this.plot);
    container.appendChild(this.figure);
  }

  // runs: [{id, name, points: [[step, value], ...], color (optional): the run's colour index, the same in every chart}]
  Chart.prototype.set = function (runs) {
    this.runs = runs;
    this.render(false);
  };

  Chart.prototype.render = function (rebuild) {
    var self = this;
    var steps = {};
    this.runs.forEach(function (r) { r.points.forEach(function (p) { steps[p[0]] = true; }); });
    var xs = Object.keys(steps).map(Number).sort(function (a, b) { return a - b; });
    var index = {};
    xs.forEach(function (x, i) { index[x] = i; });
    var bad = 0, lastBad = null, positive = true;
    var data = [xs];
    var series = [{label: 'step', value: function (u, v) { return v === null || v === undefined ? '–' : v; }}];
    this.runs.forEach(function (r, i) {
      var raw = xs.map(function () { return undefined; });
      r.points.forEach(function (p) {
        var v = Number(p[1]);
        if (isFinite(v)) {
          raw[index[p[0]]] = v;
          if (v <= 0) positive = false;
        } else {
          raw[index[p[0]]] = null;
          bad++;
          if (!lastBad || p[0] >= lastBad.step) lastBad = {step: p[0], value: String(p[1])};
        }
      });
      var color = COLORS[(r.color === undefined ? i : r.color) % COLORS.length];
      data.push(raw, ema(raw, smoothing));
      series.push({label: r.name + ' (raw)', stroke: faint(color), width: 1, raw: true, run: r.id, value: valueOf},
        {label: r.name, stroke: color, width: 2, raw: false, run: r.id, value: valueOf});
    });
    this.title.textContent = this.metric
      + (bad ? ' (' + bad + ' not finite, last ' + lastBad.value + ' at step ' + lastBad.step + ')' : '');
    this.caption.dataset.notFinite = bad;
    if (!positive) this.log.checked = false;
    this.log.disabled = !positive;
    this.logLabel.title = positive ? 'log scale on the y axis' : 'a value <= 0: no log scale';
    var log = this.log.checked;
    if (this.u && (rebuild || this.u.series.length !== series.length || this.logShown !== log)) {
      this.u.destroy();
      this.u = null;
    }
    if (!this.u) {
      this.zoomed = false;
      this.logShown = log;
      this.u = new uPlot({
        width: WIDTH, height: HEIGHT,
        scales: {x: {time: false}, y: log ? {distr: 3, log: 10} : {}},
        axes: [{label: 'step'}, {size: 64, values: function (u, vals) { return vals.map(tick); }}],
        cursor: {drag: {x: true, y: false}},
        series: series,
        hooks: {setSelect: [function (u) { if (u.select.width > 0) self.zoomed = true; }]}
      }, data, this.plot);
      this.u.over.addEventListener('dblclick', function () { self.zoomed = false; });
      this.figure.uplot = this.u;
    } else {
      // a zoomed chart keeps its step range while new points arrive
      this.u.setData(data, !this.zoomed);
      if (this.zoomed) this.u.redraw();
    }
  };

  function valueOf(u, v) { return fmt(v); }

  window.RunCharts = {
    // draws (or redraws) the chart of one metric in container
    show: function (container, metric, runs) {
      var c = charts[metric] = charts[metric] || new Chart(container, metric);
      c.set(runs);
    },
    smoothing: function (w) {
      smoothing = w;
      Object.keys(charts).forEach(function (m) { charts[m].render(false); });
    },
    ema: ema,
    fmt: fmt
  };

  document.addEventListener('DOMContentLoaded', function () {
    var slider = document.getElementById('chart-smoothing');
    if (!slider) return;
    var shown = document.getElementById('chart-smoothing-value');
    slider.addEventListener('input', function () {
      shown.textContent = Number(slider.value).toFixed(2);
      window.RunCharts.smoothing(Number(slider.value));
    });
  });
})();
