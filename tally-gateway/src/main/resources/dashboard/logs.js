// Logs: call records newest first with the admin API's own filters, paged by next_cursor.
// The filters live in the address (#/logs?model=…) so a view can be bookmarked; the token never does.

import * as api from './api.js';
import {h, panel, replace, table} from './dom.js';
import {count, fromLocalInput, ms, time, toLocalInput, usd} from './format.js';

const STATUSES = ['success', 'error', 'refused', 'cancelled', 'interrupted'];
const TEXT_FILTERS = [
  ['key', 'Key (name or id)'],
  ['model', 'Model'],
  ['provider', 'Provider'],
  ['user', 'User'],
];

/**
 * The cost of one record. Absent cost is never shown as $0: "unpriced" when tokens were counted
 * but no price was known, "—" when the call used no tokens at all (refused before the provider).
 */
export function recordCost(r) {
  if (r.cost_micros !== undefined && r.cost_micros !== null) return usd(r.cost_micros);
  if (r.input_tokens === undefined && r.output_tokens === undefined) {
    return h('span', {class: 'muted', title: 'no tokens were counted, so there is no cost to price'}, '—');
  }
  return h('span', {class: 'muted', title: 'no price is configured for this model'}, 'unpriced');
}

export function statusBadge(status) {
  return h('span', {class: 'badge ' + status}, status);
}

function filterForm(params, ctx) {
  const input = (name, label, attrs = {}) => h('label', {},
      h('span', {}, label), h('input', {name, value: params.get(name) || '', ...attrs}));
  const isoToInput = v => v ? toLocalInput(new Date(v)) : '';
  const form = h('form', {class: 'filters', id: 'log-filters'},
      h('label', {}, h('span', {}, 'Since (UTC)'), h('input', {name: 'since', type: 'datetime-local', step: 60, value: isoToInput(params.get('since'))})),
      h('label', {}, h('span', {}, 'Until (UTC)'), h('input', {name: 'until', type: 'datetime-local', step: 60, value: isoToInput(params.get('until'))})),
      TEXT_FILTERS.map(([name, label]) => input(name, label, {spellcheck: 'false',
          ...(name === 'key' ? {placeholder: 'team-a or 019ab0c3-…', title: 'a key name or a key id'} : {})})),
      h('label', {}, h('span', {}, 'Status'), h('select', {name: 'status'},
          h('option', {value: ''}, 'any'), STATUSES.map(s => h('option', {value: s, selected: params.get('status') === s}, s)))),
      input('tag', 'Tags (name=value, comma-separated)', {placeholder: 'tier=pro, job=nightly', value: params.getAll('tag').map(t => t.replace(':', '=')).join(', '), spellcheck: 'false'}),
      h('label', {}, h('span', {}, 'Per page'), h('select', {name: 'limit'},
          [25, 50, 100, 250].map(n => h('option', {value: n, selected: String(n) === (params.get('limit') || '50')}, n)))),
      h('div', {class: 'filter-actions'},
          h('button', {type: 'submit', class: 'primary'}, 'Apply'),
          h('button', {type: 'button', onclick: () => ctx.navigate('logs')}, 'Clear')));
  form.addEventListener('submit', e => {
    e.preventDefault();
    const data = new FormData(form);
    const next = {};
    for (const [name, value] of data.entries()) {
      if (name === 'tag' || name === 'since' || name === 'until') continue;
      if (value) next[name] = String(value).trim();
    }
    next.since = fromLocalInput(data.get('since'));
    next.until = fromLocalInput(data.get('until'));
    // name=value as in the CLI (name:value, the admin API's form, is taken too); sent as name:value.
    next.tag = String(data.get('tag') || '').split(',').map(t => t.trim()).filter(Boolean).map(apiTag);
    ctx.navigate('logs', next);
  });
  return form;
}

/** A tag filter as the admin API takes it: name:value; name=value (the CLI's form) is rewritten. */
function apiTag(text) {
  const equals = text.indexOf('=');
  const colon = text.indexOf(':');
  return equals > 0 && (colon < 0 || equals < colon) ? text.slice(0, equals) + ':' + text.slice(equals + 1) : text;
}

/** What a call without a model did, e.g. models.list for GET /v1/models (as `tally logs` shows it). */
function operation(r) {
  if (r.operation === 'models') return h('span', {class: 'muted'}, 'models.list');
  return r.operation ? h('span', {class: 'muted'}, r.operation + ' (no model)') : '—';
}

function logTable(records, ctx) {
  return table([
    {label: 'Time (UTC)', class: 'nowrap', value: r => time(r.started_at)},
    {label: 'Status', class: 'nowrap', value: r => h('span', {}, statusBadge(r.status), r.http_status ? h('span', {class: 'muted small'}, ' ' + r.http_status) : null)},
    {label: 'Model', class: 'text', value: r => h('span', {}, r.model || operation(r),
        r.served_model && r.served_model !== r.model ? h('div', {class: 'muted small'}, '→ ' + r.served_model) : null)},
    {label: 'Provider', class: 'text', value: r => r.provider || '—'},
    {label: 'Key', class: 'text', value: r => r.key_name || r.key_id || '—'},
    {label: 'User', class: 'text', value: r => r.user || h('span', {class: 'muted'}, '—')},
    {label: 'In', class: 'num', title: 'input tokens', value: r => count(r.input_tokens)},
    {label: 'Out', class: 'num', title: 'output tokens', value: r => count(r.output_tokens)},
    {label: 'Cost', class: 'num', value: recordCost},
    {label: 'Duration', class: 'num', value: r => ms(r.duration_ms)},
    {label: 'TTFT', class: 'num', value: r => ms(r.ttft_ms)},
    {label: 'Error', class: 'text', value: r => r.error_code ? h('code', {title: r.error_message || ''}, r.error_code) : ''},
  ], records, {name: 'logs', empty: 'No call records match these filters.', onRow: r => ctx.navigate('logs/' + encodeURIComponent(r.id))});
}

export async function renderLogs(container, ctx) {
  const params = ctx.params;
  const query = {
    since: params.get('since'), until: params.get('until'), status: params.get('status'),
    tag: params.getAll('tag'), limit: params.get('limit') || '50',
  };
  for (const [name] of TEXT_FILTERS) query[name] = params.get(name);
  const cursors = [null];
  const results = h('div', {id: 'log-results'});
  container.append(panel(null, filterForm(params, ctx)), panel(null, results));

  const show = async index => {
    const page = await api.get('/v1/admin/logs', {...query, cursor: cursors[index]});
    if (!ctx.live()) return;
    if (page.next_cursor) cursors[index + 1] = page.next_cursor; else cursors.length = index + 1;
    const first = index * Number(query.limit) + 1;
    const last = first + page.data.length - 1;
    replace(results,
        logTable(page.data, ctx),
        h('div', {class: 'pager'},
            h('span', {class: 'muted', id: 'log-position'}, page.data.length ? `Records ${count(first)}–${count(last)}, newest first` : ''),
            h('button', {type: 'button', id: 'newer', disabled: index === 0, onclick: () => show(index - 1).catch(ctx.fail)}, '← Newer'),
            h('span', {class: 'page-number', id: 'page-number'}, `Page ${index + 1}`),
            h('button', {type: 'button', id: 'older', disabled: !page.next_cursor, onclick: () => show(index + 1).catch(ctx.fail)}, 'Older →')));
  };
  await show(0);
}
