// Security and admin events (/v1/admin/events), newest first, filtered by type and time, paged
// by next_cursor. A row opens to show everything the event holds (an admin change's before/after).

import * as api from './api.js';
import {h, panel, replace} from './dom.js';
import {fromLocalInput, time, toLocalInput} from './format.js';

const SECURITY = ['auth_failure', 'auth_expired', 'auth_disabled', 'scope_violation', 'rate_limited',
  'budget_exceeded', 'unknown_model', 'admin_auth_failure', 'auth_success'];
const ADMIN = ['key_created', 'key_updated', 'key_revoked', 'config_changed', 'retention_run', 'import_run', 'setting_changed',
  'budget_alert_delivered', 'budget_alert_failed'];

function kindOf(e) {
  if (e.kind) return e.kind;
  return SECURITY.includes(e.type) ? 'security' : 'admin';
}

/** A long id shortened for the table; the whole id is in the title and in the opened row. */
function shortId(id) {
  return id && id.length > 14 ? h('span', {class: 'key-id', title: id}, id.slice(0, 8) + '…') : id;
}

function who(e) {
  if (kindOf(e) === 'admin') return e.actor || '—';
  return shortId(e.key_id) || (e.key_prefix ? e.key_prefix + '…' : '—');
}

function changes(e) {
  const names = [...new Set([...Object.keys(e.before || {}), ...Object.keys(e.after || {})])].sort();
  if (!names.length) return null;
  return h('table', {class: 'data compact'},
      h('thead', {}, h('tr', {}, h('th', {}, 'Setting'), h('th', {}, 'Before'), h('th', {}, 'After'))),
      h('tbody', {}, names.map(n => h('tr', {}, h('td', {}, n), h('td', {}, e.before?.[n] ?? '—'), h('td', {}, e.after?.[n] ?? '—')))));
}

function detailRow(e, span) {
  const skip = new Set(['before', 'after']);
  const pairs = Object.entries(e).filter(([k, v]) => !skip.has(k) && v !== null && v !== undefined && v !== '');
  return h('tr', {class: 'detail'}, h('td', {colspan: span},
      h('dl', {class: 'fields'}, pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))])),
      changes(e)));
}

function eventTable(events) {
  const headers = ['Time (UTC)', 'Kind', 'Type', 'Key / actor', 'Target / model', 'Client IP', 'HTTP', 'Detail'];
  const body = h('tbody', {});
  if (!events.length) body.append(h('tr', {class: 'empty'}, h('td', {colspan: headers.length}, 'No events match.')));
  for (const e of events) {
    const kind = kindOf(e);
    const row = h('tr', {class: 'clickable', tabindex: 0, 'data-type': e.type},
        h('td', {class: 'nowrap'}, time(e.timestamp)),
        h('td', {}, h('span', {class: 'badge ' + (kind === 'security' ? 'refused' : 'neutral')}, kind)),
        h('td', {}, h('code', {}, e.type)),
        h('td', {}, who(e)),
        h('td', {}, shortId(e.target) || e.model || '—'),
        h('td', {}, e.client_ip || '—'),
        h('td', {class: 'num'}, e.http_status ?? '—'),
        h('td', {class: 'wrap'}, e.detail || ''));
    let open = null;
    const toggle = () => {
      if (open) {
        open.remove();
        open = null;
      } else {
        open = detailRow(e, headers.length);
        row.after(open);
      }
    };
    row.addEventListener('click', toggle);
    row.addEventListener('keydown', ev => { if (ev.key === 'Enter') toggle(); });
    body.append(row);
  }
  return h('table', {class: 'data', 'data-table': 'events'}, h('thead', {}, h('tr', {}, headers.map(t => h('th', {}, t)))), body);
}

export async function renderEvents(container, ctx) {
  const params = ctx.params;
  const type = h('select', {name: 'type'}, h('option', {value: ''}, 'all types'),
      h('optgroup', {label: 'Security'}, SECURITY.map(t => h('option', {value: t, selected: params.get('type') === t}, t))),
      h('optgroup', {label: 'Admin'}, ADMIN.map(t => h('option', {value: t, selected: params.get('type') === t}, t))));
  const since = h('input', {name: 'since', type: 'datetime-local', step: 60, value: params.get('since') ? toLocalInput(new Date(params.get('since'))) : ''});
  const until = h('input', {name: 'until', type: 'datetime-local', step: 60, value: params.get('until') ? toLocalInput(new Date(params.get('until'))) : ''});
  const form = h('form', {class: 'filters', id: 'event-filters'},
      h('label', {}, h('span', {}, 'Type'), type),
      h('label', {}, h('span', {}, 'Since (UTC)'), since),
      h('label', {}, h('span', {}, 'Until (UTC)'), until),
      h('div', {class: 'filter-actions'}, h('button', {type: 'submit', class: 'primary'}, 'Apply'),
          h('button', {type: 'button', onclick: () => ctx.navigate('events')}, 'Clear')));
  form.addEventListener('submit', e => {
    e.preventDefault();
    ctx.navigate('events', {type: type.value, since: fromLocalInput(since.value), until: fromLocalInput(until.value)});
  });
  const results = h('div', {id: 'event-results'});
  container.append(panel(null, form), panel(null, results));
  const query = {type: params.get('type'), since: params.get('since'), until: params.get('until'), limit: 50};
  const cursors = [null];
  const show = async index => {
    const page = await api.get('/v1/admin/events', {...query, cursor: cursors[index]});
    if (!ctx.live()) return;
    if (page.next_cursor) cursors[index + 1] = page.next_cursor; else cursors.length = index + 1;
    replace(results, eventTable(page.data || []),
        h('div', {class: 'pager'},
            h('span', {class: 'muted'}, 'Newest first; select a row for everything the event holds.'),
            h('button', {type: 'button', id: 'events-newer', disabled: index === 0, onclick: () => show(index - 1).catch(ctx.fail)}, '← Newer'),
            h('span', {class: 'page-number'}, `Page ${index + 1}`),
            h('button', {type: 'button', id: 'events-older', disabled: !page.next_cursor, onclick: () => show(index + 1).catch(ctx.fail)}, 'Older →')));
  };
  await show(0);
}
