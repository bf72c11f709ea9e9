/*
 * page.js: the runs, a run's detail and its cancel, all through the runs API (README "The runs API").
 * The bearer token is asked for on the first 401 and kept in sessionStorage (this tab's session only;
 * never localStorage, never in a URL). Everything from the API reaches the DOM as text, never as HTML.
 */
(function () {
  'use strict';

  var TOKEN_KEY = 'cognigy-ops.runs-api.token';
  var PAGE_SIZE = 50;
  var LIST_REFRESH_MS = 3000;
  var RUN_REFRESH_MS = 1000;

  var state = {
    runs: [], nextCursor: null, listSeq: 0, listTimer: null,
    runId: null, runSeq: 0, runTimer: null, endedReads: 0,
    asking: null, asks: 0
  };

  function $(sel) { return document.querySelector(sel); }

  function el(name, attrs, text) {
    var e = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'class') { e.className = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function notice(text, isError) {
    var n = $('#notice');
    n.textContent = text || '';
    n.className = isError ? 'error' : '';
  }

  // ---- the runs API, with the token

  function askToken() {
    if (!state.asking) {
      state.asking = new Promise(function (resolve) {
        var dialog = $('#token-dialog');
        var input = $('#token-input');
        input.value = '';
        state.asks += 1;
        document.body.setAttribute('data-token-asks', String(state.asks));
        $('#token-form').onsubmit = function (e) {
          e.preventDefault();
          var token = input.value.trim();
          if (!token) { return; }
          sessionStorage.setItem(TOKEN_KEY, token);
          input.value = '';
          dialog.close();
          state.asking = null;
          resolve();
        };
        dialog.addEventListener('cancel', function (e) { e.preventDefault(); });
        dialog.showModal();
        input.focus();
      });
    }
    return state.asking;
  }

  function api(method, path) {
    var attempt = function (n) {
      var token = sessionStorage.getItem(TOKEN_KEY);
      var headers = { Accept: 'application/json' };
      if (token) { headers.Authorization = 'Bearer ' + token; }
      return fetch(path, { method: method, headers: headers, cache: 'no-store', credentials: 'omit', redirect: 'error' })
        .then(function (res) {
          if (res.status === 401 && n < 5) {
            // no token, or one the service no longer takes: ask (once for all requests waiting), then again
            if (token && sessionStorage.getItem(TOKEN_KEY) === token) { sessionStorage.removeItem(TOKEN_KEY); }
            var next = sessionStorage.getItem(TOKEN_KEY) ? Promise.resolve() : askToken();
            return next.then(function () { return attempt(n + 1); });
          }
          return res.text().then(function (text) {
            var body = null;
            try { body = text ? JSON.parse(text) : null; } catch (ignored) { body = null; }
            if (!res.ok) {
              var why = body && (body.message || (body.violations && body.violations.join('; ')) || body.error);
              var err = new Error(method + ' ' + path.split('?')[0] + ': ' + res.status + (why ? ' ' + why : ''));
              err.status = res.status;
              err.body = body;
              throw err;
            }
            return body;
          });
        });
    };
    return attempt(0);
  }

  function runPath(id, tail) {
    return '/api/runs/' + encodeURIComponent(id) + (tail || '');
  }

  // ---- formatting

  function when(iso) {
    if (!iso) { return '–'; }
    return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');
  }

  function duration(ms) {
    if (ms === null || ms === undefined) { return '–'; }
    if (ms < 1000) { return ms + ' ms'; }
    var s = ms / 1000;
    if (s < 60) { return s.toFixed(1) + ' s'; }
    var m = Math.floor(s / 60);
    if (m < 60) { return m + ' min ' + String(Math.floor(s % 60)).padStart(2, '0') + ' s'; }
    return Math.floor(m / 60) + ' h ' + String(m % 60).padStart(2, '0') + ' min';
  }

  function badge(status) {
    return el('span', { 'class': 'status ' + status }, status);
  }

  function outcomeClass(outcome) {
    var o = String(outcome || '').toUpperCase();
    if (/FAIL|ERROR|REJECT|TIMEOUT|INVALID/.test(o)) { return 'bad'; }
    if (/CANCEL|WARN|BREACH|TRIGGER|RETRY/.test(o)) { return 'warn'; }
    if (/SUCCE|OK|ACCEPT|COMPLET|DONE|SENT|STARTED|PASS|DEPLOYED|CREATED/.test(o)) { return 'ok'; }
    return '';
  }

  // ---- the list of runs

  function filterQuery() {
    var q = new URLSearchParams();
    new FormData($('#filters')).forEach(function (v, k) { if (v) { q.set(k, v); } });
    return q;
  }

  function loadRuns(append) {
    clearTimeout(state.listTimer);
    var seq = ++state.listSeq;
    var q = filterQuery();
    if (append) {
      q.set('limit', String(PAGE_SIZE));
      q.set('cursor', state.nextCursor);
    } else {
      // a refresh reads again as many runs as are shown
      q.set('limit', String(Math.min(500, Math.max(PAGE_SIZE, state.runs.length))));
    }
    return api('GET', '/api/runs?' + q.toString()).then(function (body) {
      if (seq !== state.listSeq) { return; }
      state.runs = append ? state.runs.concat(body.runs) : body.runs;
      state.nextCursor = body.nextCursor || null;
      renderRuns();
      notice('Runs as of ' + new Date().toISOString().substring(11, 19) + ' UTC');
    }).catch(function (e) {
      if (seq === state.listSeq) { notice(e.message, true); }
    }).then(function () {
      if (seq === state.listSeq && state.runId === null) {
        state.listTimer = setTimeout(function () { loadRuns(false); }, LIST_REFRESH_MS);
      }
    });
  }

  function renderRuns() {
    var body = $('#runs tbody');
    var rows = document.createDocumentFragment();
    state.runs.forEach(function (r) {
      var tr = el('tr', { 'data-run-id': r.runId, 'data-status': r.status, 'data-operation': r.operation, 'data-trigger': r.trigger });
      var st = el('td');
      st.appendChild(badge(r.status));
      tr.appendChild(st);
      tr.appendChild(el('td', {}, r.operation));
      tr.appendChild(el('td', {}, r.trigger));
      tr.appendChild(el('td', { 'class': 'mono', title: r.startedAt || '' }, when(r.startedAt)));
      tr.appendChild(el('td', { 'class': 'num' }, duration(r.durationMs)));
      var id = el('td', { 'class': 'id' });
      id.appendChild(el('a', { href: '#/runs/' + encodeURIComponent(r.runId) }, r.runId));
      tr.appendChild(id);
      tr.addEventListener('click', function (e) {
        if (e.target.tagName !== 'A') { location.hash = '#/runs/' + encodeURIComponent(r.runId); }
      });
      rows.appendChild(tr);
    });
    body.replaceChildren(rows);
    $('#runs').setAttribute('data-rows', String(state.runs.length));
    $('#runs-empty').hidden = state.runs.length > 0;
    $('#more').hidden = !state.nextCursor;
  }

  // ---- one run

  function loadRun() {
    clearTimeout(state.runTimer);
    var id = state.runId;
    var seq = ++state.runSeq;
    var run;
    // the run first, then its events: a run read as ended has all its events written
    return api('GET', runPath(id)).then(function (r) {
      run = r;
      return api('GET', runPath(id, '/events'));
    }).then(function (ev) {
      if (seq !== state.runSeq || id !== state.runId) { return; }
      renderRun(run, ev.events || []);
      notice('Run as of ' + new Date().toISOString().substring(11, 19) + ' UTC');
      var finished = (ev.events || []).some(function (e) { return e.action === 'RUN_FINISHED'; });
      state.endedReads = run.status === 'RUNNING' ? 0 : state.endedReads + 1;
      if (run.status === 'RUNNING' || (!finished && state.endedReads < 5)) {
        state.runTimer = setTimeout(loadRun, RUN_REFRESH_MS);
      }
    }).catch(function (e) {
      if (seq !== state.runSeq) { return; }
      notice(e.status === 404 ? 'No run ' + id : e.message, true);
      if (e.status !== 404) { state.runTimer = setTimeout(loadRun, RUN_REFRESH_MS * 3); }
    });
  }

  function renderRun(run, events) {
    var view = $('#run-view');
    view.setAttribute('data-status', run.status);
    $('#run-id').textContent = run.runId;
    $('#run-status').replaceWith(Object.assign(badge(run.status), { id: 'run-status' }));

    var dl = $('#run-summary');
    var items = [
      ['Operation', run.operation], ['Trigger', run.trigger], ['Source', run.source], ['Step', run.step],
      ['Started', when(run.startedAt) + ' UTC'], ['Finished', run.finishedAt ? when(run.finishedAt) + ' UTC' : '–'],
      ['Duration', duration(run.durationMs)], ['Owner', run.owner],
      ['Request id', run.requestId], ['Cancel requested', run.cancelRequested ? 'yes' : 'no']
    ];
    var frag = document.createDocumentFragment();
    items.forEach(function (kv) {
      frag.appendChild(el('dt', {}, kv[0]));
      frag.appendChild(el('dd', { 'class': /id$|Source|Owner/.test(kv[0]) ? 'mono' : '' }, kv[1] === null || kv[1] === undefined ? '–' : kv[1]));
    });
    dl.replaceChildren(frag);

    var running = run.status === 'RUNNING';
    $('#cancel-box').hidden = !running;
    $('#cancel-job-label').hidden = run.operation !== 'training-monitor';
    $('#cancel').disabled = !!run.cancelRequested;
    $('#cancel').textContent = run.cancelRequested ? 'Cancel requested…' : 'Cancel run';

    renderMonitor(run, events);
    renderTimeline(events);
    renderEvents(events);
    var result = $('#result');
    result.textContent = run.result ? JSON.stringify(run.result, null, 2) : (running ? 'The run has not ended yet.' : '–');
  }

  function renderMonitor(run, events) {
    var section = $('#monitor');
    if (run.operation !== 'training-monitor') { section.hidden = true; return; }
    section.hidden = false;
    var reads = events.filter(function (e) { return e.action === 'STATUS_CHECK'; });
    section.setAttribute('data-reads', String(reads.length));
    var progress = [];
    var metrics = {};
    var order = [];
    reads.forEach(function (e) {
      var d = e.details || {};
      var t = Date.parse(e.timestamp);
      if (typeof d.progress_percent === 'number') { progress.push({ t: t, v: d.progress_percent }); }
      var m = d.metrics || {};
      Object.keys(m).forEach(function (name) {
        if (typeof m[name] !== 'number' || !isFinite(m[name])) { return; }
        if (!metrics[name]) { metrics[name] = []; order.push(name); }
        metrics[name].push({ t: t, v: m[name] });
      });
    });
    var p = run.progress || {};
    var last = reads.length ? reads[reads.length - 1].details || {} : {};
    var percent = typeof p.percent === 'number' ? p.percent : (typeof last.progress_percent === 'number' ? last.progress_percent : 0);
    $('#progress').value = percent;
    $('#progress-text').textContent = window.LineChart.number(percent) + ' %'
      + ((p.state || last.state) ? ' · ' + (p.state || last.state) : '') + ' · ' + reads.length + ' status reads';

    var holder = $('#charts');
    var keep = { progress: true };
    window.LineChart.draw(holder, 'progress', progress, { title: 'Progress', unit: '%', min: 0, max: 100 });
    order.sort().forEach(function (name) {
      keep['metric:' + name] = true;
      window.LineChart.draw(holder, 'metric:' + name, metrics[name], { title: name });
    });
    Array.prototype.slice.call(holder.children).forEach(function (fig) {
      if (!keep[fig.getAttribute('data-series')]) { holder.removeChild(fig); }
    });
  }

  /** The run's steps: its audit events in order, a repeated action told once with its count, the gaps between. */
  function renderTimeline(events) {
    var list = $('#timeline');
    var frag = document.createDocumentFragment();
    var start = events.length ? Date.parse(events[0].timestamp) : 0;
    var groups = [];
    events.forEach(function (e) {
      var g = groups[groups.length - 1];
      if (g && g.action === e.action && g.outcome === e.outcome) {
        g.count += 1;
        g.last = e;
      } else {
        groups.push({ action: e.action, outcome: e.outcome, first: e, last: e, count: 1 });
      }
    });
    var prevEnd = null;
    groups.forEach(function (g) {
      var t = Date.parse(g.first.timestamp);
      if (prevEnd !== null && t - prevEnd >= 1000) {
        frag.appendChild(el('li', { 'class': 'gap' }, duration(t - prevEnd) + ' without an event'));
      }
      var li = el('li', { 'class': outcomeClass(g.outcome), 'data-action': g.action });
      li.appendChild(el('span', { 'class': 't', title: g.first.timestamp }, '+' + duration(t - start)));
      li.appendChild(el('span', { 'class': 'action' }, g.action));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(el('span', { 'class': 'outcome' }, g.outcome));
      if (g.count > 1) {
        li.appendChild(el('span', { 'class': 'times' }, ' ×' + g.count + ' over '
          + duration(Date.parse(g.last.timestamp) - t)));
      }
      frag.appendChild(li);
      prevEnd = Date.parse(g.last.timestamp);
    });
    list.replaceChildren(frag);
  }

  function renderEvents(events) {
    var body = $('#events tbody');
    var open = {};
    body.querySelectorAll('details[open]').forEach(function (d) { open[d.getAttribute('data-event')] = true; });
    var frag = document.createDocumentFragment();
    events.forEach(function (e) {
      var tr = el('tr', { 'data-action': e.action });
      tr.appendChild(el('td', { 'class': 'mono' }, when(e.timestamp)));
      tr.appendChild(el('td', {}, e.action));
      tr.appendChild(el('td', {}, e.outcome));
      tr.appendChild(el('td', { 'class': 'mono' }, e.resource || '–'));
      var td = el('td');
      if (e.details && Object.keys(e.details).length) {
        var det = el('details', { 'data-event': e.eventId || '' });
        if (open[e.eventId]) { det.open = true; }
        det.appendChild(el('summary', {}, Object.keys(e.details).slice(0, 4).join(', ') + (Object.keys(e.details).length > 4 ? ', …' : '')));
        det.appendChild(el('pre', { 'class': 'json' }, JSON.stringify(e.details, null, 2)));
        td.appendChild(det);
      } else {
        td.textContent = '–';
      }
      tr.appendChild(td);
      frag.appendChild(tr);
    });
    body.replaceChildren(frag);
    $('#events').setAttribute('data-rows', String(events.length));
  }

  function cancelRun() {
    var id = state.runId;
    var withJob = !$('#cancel-job-label').hidden && $('#cancel-job').checked;
    if (!window.confirm('Cancel run ' + id + '?' + (withJob ? '\nThe training job on Cognigy is cancelled too.' : ''))) { return; }
    $('#cancel').disabled = true;
    api('POST', runPath(id, '/cancel') + (withJob ? '?cancelJob=true' : '')).then(function () {
      notice('Cancel requested for ' + id);
      loadRun();
    }).catch(function (e) {
      notice(e.message, true);
      $('#cancel').disabled = false;
      loadRun();
    });
  }

  // ---- which view: #/ (the runs) or #/runs/<runId>

  function route() {
    var m = /^#\/runs\/(.+)$/.exec(location.hash);
    clearTimeout(state.listTimer);
    clearTimeout(state.runTimer);
    state.listSeq += 1;
    state.runSeq += 1;
    if (m) {
      state.runId = decodeURIComponent(m[1]);
      state.endedReads = 0;
      $('#runs-view').hidden = true;
      $('#run-view').hidden = false;
      $('#charts').replaceChildren();
      $('#cancel-job').checked = false;
      document.title = 'cognigy-ops · run ' + state.runId;
      loadRun();
    } else {
      state.runId = null;
      $('#run-view').hidden = true;
      $('#runs-view').hidden = false;
      document.title = 'cognigy-ops · runs';
      loadRuns(false);
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.body.setAttribute('data-token-asks', '0');
    $('#filters').addEventListener('change', function () { state.runs = []; loadRuns(false); });
    $('#filters').addEventListener('submit', function (e) { e.preventDefault(); });
    $('#more').addEventListener('click', function () { loadRuns(true); });
    $('#cancel').addEventListener('click', cancelRun);
    window.addEventListener('hashchange', route);
    route();
  });
}());
