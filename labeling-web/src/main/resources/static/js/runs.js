// The run pages: polls the run's JSON endpoints and hands each metric's points to charts.js (one uPlot chart per
// metric). The run page (#run-page[data-run]) follows one run live, polling every second until it has finished; the
// compare page (#compare-page[data-runs]) overlays several runs, one line each, named in the legend.
(function () {
  'use strict';
  function fmt(v) {
    var a = Math.abs(v);
    return (a !== 0 && (a < 1e-2 || a >= 1e4)) ? v.toExponential(2) : v.toPrecision(3);
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
    var name = 'run #' + runId;
    function tick() {
      getJson('/api/runs/' + runId).then(function (data) {
        var r = data.run;
        name = r.name;
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
        // the points read after this state are complete for a finished run
        finished = r.state === 'SUCCEEDED' || r.state === 'FAILED' || r.state === 'CANCELLED';
        return getJson('/api/runs/' + runId + '/metrics?after=' + after);
      }).then(function (points) {
        var touched = {};
        points.forEach(function (p) {
          (byMetric[p.name] = byMetric[p.name] || []).push([p.step, p.value]);
          touched[p.name] = true;
          if (p.step > after) after = p.step;
        });
        Object.keys(touched).sort().forEach(function (m) {
          RunCharts.show(container, m, [{id: runId, name: name, points: byMetric[m]}]);
        });
      }).catch(function (e) { console.log(e); }).then(function () {
        if (!finished) setTimeout(tick, 1000);
      });
    }
    tick();
  }

  function compare(runIds) {
    var container = document.getElementById('charts');
    Promise.all(runIds.map(function (id) {
      return Promise.all([getJson('/api/runs/' + id), getJson('/api/runs/' + id + '/metrics')]);
    })).then(function (all) {
      var byMetric = {};
      all.forEach(function (run, i) {
        run[1].forEach(function (p) {
          var m = byMetric[p.name] = byMetric[p.name] || {};
          (m[runIds[i]] = m[runIds[i]] || []).push([p.step, p.value]);
        });
      });
      Object.keys(byMetric).sort().forEach(function (m) {
        var runs = [];
        all.forEach(function (run, i) {
          var points = byMetric[m][runIds[i]];
          if (points) runs.push({id: runIds[i], name: '#' + runIds[i] + ' ' + run[0].run.name, points: points, color: i});
        });
        RunCharts.show(container, m, runs);
      });
    }).catch(function (e) { console.log(e); });
  }

  window.RunPages = {live: live, compare: compare};
  document.addEventListener('DOMContentLoaded', function () {
    var page = document.getElementById('run-page');
    if (page) live(page.dataset.run);
    var cmp = document.getElementById('compare-page');
    if (cmp) compare(cmp.dataset.runs.split(',').filter(function (s) { return s; }));
  });
})();
