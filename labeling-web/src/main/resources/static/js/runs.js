// Live run charts: polls the run's JSON endpoints and draws one hand-written SVG line chart per metric.
// The run page (#run-page[data-run]) follows one run; the compare page (#compare-page[data-runs]) overlays several.
(function () {
  'use strict';
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  var W = 480, H = 220, PAD = 40;
  var SVG = 'http://www.w3.org/2000/svg';

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function fmt(v) {
    var a = Math.abs(v);
    return (a !== 0 && (a < 1e-2 || a >= 1e4)) ? v.toExponential(2) : v.toPrecision(3);
  }

  // series: {runId: [[step, value], ...]}
  function draw(container, metric, series) {
    var id = 'chart-' + metric;
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement('figure');
      box.id = id;
      box.className = 'chart';
      var cap = document.createElement('figcaption');
      cap.textContent = metric;
      box.appendChild(cap);
      container.appendChild(box);
    }
    var old = box.querySelector('svg');
    if (old) box.removeChild(old);
    var svg = el('svg', {width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, 'data-metric': metric});
    // NaN and ±Infinity arrive as the strings "NaN", "Infinity", "-Infinity": they are not drawn but counted in the
    // caption with the last step that had one, so a diverging run shows it
    var xs = [], ys = [], count = 0, bad = 0, lastBad = null;
    var finite = {};
    Object.keys(series).forEach(function (r) {
      finite[r] = [];
      series[r].forEach(function (p) {
        var v = Number(p[1]);
        count++;
        if (isFinite(v)) { xs.push(p[0]); ys.push(v); finite[r].push([p[0], v]); }
        else { bad++; lastBad = {step: p[0], value: String(p[1])}; }
      });
    });
    var cap = box.querySelector('figcaption');
    cap.textContent = metric + (bad ? ' (' + bad + ' not finite, last ' + lastBad.value + ' at step ' + lastBad.step + ')' : '');
    cap.setAttribute('data-not-finite', bad);
    series = finite;
    count = xs.length;
    svg.setAttribute('data-points', count);
    box.appendChild(svg);
    if (!count) return;
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    if (x1 === x0) x1 = x0 + 1;
    if (y1 === y0) { y1 = y0 + 1; y0 = y0 - 1; }
    function sx(x) { return PAD + (x - x0) / (x1 - x0) * (W - 2 * PAD); }
    function sy(y) { return H - PAD + 10 - (y - y0) / (y1 - y0) * (H - 2 * PAD); }
    el('line', {x1: PAD, y1: H - PAD + 10, x2: W - PAD, y2: H - PAD + 10, stroke: '#888'}, svg);
    el('line', {x1: PAD, y1: 10, x2: PAD, y2: H - PAD + 10, stroke: '#888'}, svg);
    el('text', {x: PAD, y: H - 8, 'font-size': 10}, svg).textContent = 'step ' + x0;
    el('text', {x: W - PAD, y: H - 8, 'font-size': 10, 'text-anchor': 'end'}, svg).textContent = 'step ' + x1;
    el('text', {x: 2, y: 18, 'font-size': 10}, svg).textContent = fmt(y1);
    el('text', {x: 2, y: H - PAD + 10, 'font-size': 10}, svg).textContent = fmt(y0);
    Object.keys(series).forEach(function (r, i) {
      var pts = series[r].map(function (p) { return sx(p[0]).toFixed(1) + ',' + sy(p[1]).toFixed(1); }).join(' ');
      el('polyline', {points: pts, fill: 'none', stroke: COLORS[i % COLORS.length], 'stroke-width': 1.5,
        'data-run': r}, svg);
      if (Object.keys(series).length > 1) {
        el('text', {x: W - PAD, y: 20 + 12 * i, 'font-size': 10, 'text-anchor': 'end',
          fill: COLORS[i % COLORS.length]}, svg).textContent = 'run #' + r;
      }
    });
  }

  function getJson(url) {
    return fetch(url, {headers: {Accept: 'application/json'}, credentials: 'same-origin'}).then(function (r) {
      if (!r.ok) throw new Error(url + ': ' + r.status);
      return r.json();
    });
  }

  function duration(s) {
    if (s === null || s === undefined) return '–';
    return s >= 3600 ? Math.floor(s / 3600) + 'h ' + Math.floor(s % 3600 / 60) + 'm'
      : Math.floor(s / 60) + 'm ' + (s % 60 < 10 ? '0' : '') + (s % 60) + 's';
  }

  function text(id, value) {
    var e = document.getElementById(id);
    if (e) e.textContent = value;
  }

  function live(runId) {
    var container = document.getElementById('charts');
    var byMetric = {};
    var after = -1;
    var finished = false;
    function tick() {
      getJson('/api/runs/' + runId + '/metrics?after=' + after).then(function (points) {
        var touched = {};
        points.forEach(function (p) {
          (byMetric[p.name] = byMetric[p.name] || []).push([p.step, p.value]);
          touched[p.name] = true;
          if (p.step > after) after = p.step;
        });
        Object.keys(touched).forEach(function (m) {
          var s = {};
          s[runId] = byMetric[m];
          draw(container, m, s);
        });
        return getJson('/api/runs/' + runId);
      }).then(function (data) {
        var r = data.run;
        text('run-state', r.state);
        text('run-step', r.totalSteps === null ? '–' : r.step + ' / ' + r.totalSteps);
        text('run-device', r.device || '–');
        text('run-worker', r.workerId || '–');
        text('run-attempts', r.attempts + ' / ' + r.maxAttempts);
        text('run-elapsed', duration(r.elapsedSeconds));
        text('run-eta', duration(r.etaSeconds));
        text('run-model', r.outputModelId || '–');
        text('run-log', r.log || '');
        var err = document.getElementById('run-error');
        if (err && r.error) { err.textContent = r.error; err.style.display = ''; }
        var body = document.querySelector('#samples tbody');
        if (body && data.samples.length) {
          body.innerHTML = '';
          data.samples.forEach(function (s) {
            var tr = document.createElement('tr');
            [s.step, s.prompt, s.completion, s.reward === null ? '–' : fmt(s.reward), s.kl === null ? '–' : fmt(s.kl)]
              .forEach(function (v, i) {
                var td = document.createElement('td');
                if (i === 1 || i === 2) { var pre = document.createElement('pre'); pre.textContent = v; td.appendChild(pre); }
                else td.textContent = v;
                tr.appendChild(td);
              });
            body.appendChild(tr);
          });
        }
        finished = r.state === 'SUCCEEDED' || r.state === 'FAILED' || r.state === 'CANCELLED';
      }).catch(function (e) { console.log(e); }).then(function () {
        if (!finished) setTimeout(tick, 1000);
        else setTimeout(function () { if (after < 0) tick(); }, 1000);
      });
    }
    tick();
  }

  function compare(runIds) {
    var container = document.getElementById('charts');
    Promise.all(runIds.map(function (id) { return getJson('/api/runs/' + id + '/metrics'); })).then(function (all) {
      var byMetric = {};
      all.forEach(function (points, i) {
        points.forEach(function (p) {
          var m = byMetric[p.name] = byMetric[p.name] || {};
          (m[runIds[i]] = m[runIds[i]] || []).push([p.step, p.value]);
        });
      });
      Object.keys(byMetric).sort().forEach(function (m) { draw(container, m, byMetric[m]); });
    });
  }

  window.RunCharts = {live: live, compare: compare};
  document.addEventListener('DOMContentLoaded', function () {
    var page = document.getElementById('run-page');
    if (page) live(page.dataset.run);
    var cmp = document.getElementById('compare-page');
    if (cmp) compare(cmp.dataset.runs.split(',').filter(function (s) { return s; }));
  });
})();
