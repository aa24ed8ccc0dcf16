// The dashboard's shell: sign-in, the page router (#/overview, #/logs, #/logs/<id>, #/events,
// #/alerts, #/integrity), and the time range shared by the overview. Pages render into #page.

import * as api from './api.js';
import {replace} from './dom.js';
import {fromLocalInput, toLocalInput} from './format.js';
import {renderOverview} from './overview.js';
import {renderLogs} from './logs.js';
import {renderRecord} from './record.js';
import {renderEvents} from './events.js';
import {renderAlerts} from './alerts.js';
import {renderIntegrity} from './integrity.js';

const $ = id => document.getElementById(id);

const PAGES = {
  overview: {title: 'Overview', render: renderOverview, range: true},
  logs: {title: 'Logs', render: renderLogs},
  record: {title: 'Call record', render: renderRecord, nav: 'logs'},
  events: {title: 'Security and admin events', render: renderEvents, nav: 'events'},
  alerts: {title: 'Budget alerts', render: renderAlerts, nav: 'alerts'},
  integrity: {title: 'Integrity', render: renderIntegrity},
};

const RANGES = {'24h': 24, '7d': 24 * 7, '30d': 24 * 30};
let range = loadRange();
let generation = 0;

function loadRange() {
  try {
    const saved = JSON.parse(sessionStorage.getItem('tally.range'));
    if (saved && (RANGES[saved.preset] || (saved.preset === 'custom' && saved.since))) return saved;
  } catch (e) { /* a damaged saved range falls back to the default */ }
  return {preset: '24h'};
}

/** The chosen range as ISO instants: {since, until, bucket: 'hour'|'day', label}. */
export function currentRange() {
  const now = Date.now();
  let since;
  let until;
  if (range.preset === 'custom') {
    since = Date.parse(range.since);
    until = range.until ? Date.parse(range.until) : now;
  } else {
    until = now;
    since = now - RANGES[range.preset] * 3600 * 1000;
  }
  const hours = (until - since) / 3600000;
  return {
    since: new Date(since).toISOString(),
    until: range.preset === 'custom' && range.until ? new Date(until).toISOString() : null,
    end: new Date(until).toISOString(),
    bucket: hours <= 72 ? 'hour' : 'day',
  };
}

function showSignin(message) {
  $('app').hidden = true;
  $('signin').hidden = false;
  const error = $('signin-error');
  error.hidden = !message;
  error.textContent = message || '';
  $('token').focus();
}

function showApp() {
  $('signin').hidden = true;
  $('app').hidden = false;
  route();
}

async function signIn(event) {
  event.preventDefault();
  const candidate = $('token').value.trim();
  const button = $('signin-button');
  if (!candidate) {
    showSignin('Enter the admin token.');
    return;
  }
  button.disabled = true;
  button.textContent = 'Signing in…';
  try {
    await api.get('/v1/admin/logs', {limit: 1}, candidate);
    api.setToken(candidate);
    $('token').value = '';
    showApp();
  } catch (e) {
    if (e.status === 401 || e.status === 403) {
      showSignin('That admin token was not accepted. Use the token from data/admin-token (or admin.token in tally.yaml).');
    } else if (e.status === 404) {
      showSignin('This gateway does not serve the admin API (/v1/admin/logs answered 404).');
    } else {
      showSignin(e.message);
    }
  } finally {
    button.disabled = false;
    button.textContent = 'Sign in';
  }
}

function parseHash() {
  const hash = window.location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query || '');
  if (parts[0] === 'logs' && parts[1]) return {page: 'record', id: parts[1], params};
  return {page: PAGES[parts[0]] ? parts[0] : 'overview', params};
}

/** Goes to a page: navigate('logs', {model: 'x'}) or navigate('logs/ID'). */
export function navigate(path, params) {
  const query = params ? new URLSearchParams(Object.entries(params).flatMap(
      ([k, v]) => (Array.isArray(v) ? v : [v]).filter(x => x !== undefined && x !== null && x !== '').map(x => [k, x]))).toString() : '';
  const target = '#/' + path + (query ? '?' + query : '');
  if (window.location.hash === target) route(); else window.location.hash = target;
}

function route() {
  if (!api.token()) {
    showSignin();
    return;
  }
  const where = parseHash();
  const page = PAGES[where.page];
  const mine = ++generation;
  $('page-title').textContent = page.title;
  $('range').hidden = !page.range;
  $('banner').hidden = true;
  for (const link of document.querySelectorAll('.sidebar a')) {
    link.classList.toggle('active', link.dataset.page === (page.nav || where.page));
  }
  markRange();
  const container = replace($('page'));
  const ctx = {
    ...where,
    range: currentRange(),
    navigate,
    live: () => mine === generation,
    fail: e => showFailure(e, mine),
  };
  Promise.resolve(page.render(container, ctx)).catch(ctx.fail);
}

function showFailure(e, mine) {
  if (mine !== generation || e.status === 401 || e.status === 403) return;
  const banner = $('banner');
  banner.textContent = e.status === 404 && e.message.includes('HTTP 404')
      ? 'The gateway does not serve this part of the admin API yet: ' + e.message
      : e.message;
  banner.hidden = false;
}

function markRange() {
  for (const b of document.querySelectorAll('#range [data-range]')) {
    b.classList.toggle('active', b.dataset.range === range.preset);
    b.setAttribute('aria-pressed', String(b.dataset.range === range.preset));
  }
  $('custom-range').hidden = range.preset !== 'custom';
}

function setRange(preset) {
  if (preset === 'custom') {
    const current = currentRange();
    $('range-since').value = toLocalInput(new Date(range.since || current.since));
    $('range-until').value = toLocalInput(new Date(range.until || current.end));
    range = {...range, preset: 'custom', since: range.since || current.since, until: range.until || null};
    markRange();
    return;
  }
  range = {preset};
  sessionStorage.setItem('tally.range', JSON.stringify(range));
  route();
}

function applyCustomRange() {
  const since = fromLocalInput($('range-since').value);
  const until = fromLocalInput($('range-until').value);
  if (!since || (until && until <= since)) {
    const banner = $('banner');
    banner.textContent = 'Custom range: choose a start, and an end after it.';
    banner.hidden = false;
    return;
  }
  range = {preset: 'custom', since, until};
  sessionStorage.setItem('tally.range', JSON.stringify(range));
  route();
}

function start() {
  $('signin-form').addEventListener('submit', signIn);
  $('signout').addEventListener('click', () => {
    api.clearToken();
    showSignin();
  });
  for (const b of document.querySelectorAll('#range [data-range]')) {
    b.addEventListener('click', () => setRange(b.dataset.range));
  }
  $('range-apply').addEventListener('click', applyCustomRange);
  api.whenUnauthorized(() => {
    api.clearToken();
    showSignin('The admin token is no longer accepted. Sign in again.');
  });
  window.addEventListener('hashchange', route);
  if (api.token()) showApp(); else showSignin();
}

start();
