// Budget alerts (/v1/admin/alerts): every threshold a key, user or tag budget crossed, newest
// first, with where its webhook delivery stands (pending, delivered, failed), filtered by state.

import * as api from './api.js';
import {h, panel, replace, table} from './dom.js';
import {time, usd} from './format.js';

const STATES = ['pending', 'delivered', 'failed'];
const BADGE = {pending: 'refused', delivered: 'success', failed: 'error'};

function percentOf(a) {
  return h('span', {title: 'period from ' + time(a.period_start)},
      h('strong', {}, a.threshold_percent + '%'), ' of ' + usd(a.budget_micros) + ' / ' + a.period);
}

function alertTable(alerts) {
  return table([
    {label: 'Crossed (UTC)', class: 'nowrap', value: a => time(a.crossed_at)},
    {label: 'Budget', value: a => h('code', {title: a.budget}, a.budget)},
    {label: 'Threshold', value: percentOf},
    {label: 'Spent then', class: 'num', value: a => usd(a.spent_micros)},
    {label: 'Delivery', value: a => h('span', {class: 'badge ' + (BADGE[a.state] || 'neutral')}, a.state)},
    {label: 'Attempts', class: 'num', value: a => String(a.attempts)},
    {label: 'Delivery id', value: a => h('code', {}, a.delivery_id)},
    {label: 'Last error / when', class: 'wrap',
      value: a => a.last_error || (a.finished_at ? time(a.finished_at) : a.next_attempt_at ? 'next ' + time(a.next_attempt_at) : '—')},
  ], alerts, {name: 'alerts', empty: 'No budget has crossed a threshold.'});
}

export async function renderAlerts(container, ctx) {
  const params = ctx.params;
  const state = h('select', {name: 'state'}, h('option', {value: ''}, 'all states'),
      STATES.map(s => h('option', {value: s, selected: params.get('state') === s}, s)));
  const form = h('form', {class: 'filters', id: 'alert-filters'},
      h('label', {}, h('span', {}, 'Delivery'), state),
      h('div', {class: 'filter-actions'}, h('button', {type: 'submit', class: 'primary'}, 'Apply'),
          h('button', {type: 'button', onclick: () => ctx.navigate('alerts')}, 'Clear')));
  form.addEventListener('submit', e => {
    e.preventDefault();
    ctx.navigate('alerts', {state: state.value});
  });
  const results = h('div', {id: 'alert-results'});
  container.append(panel(null, form), panel(null, results));
  const page = await api.get('/v1/admin/alerts', {state: params.get('state'), limit: 200});
  if (!ctx.live()) return;
  replace(results, alertTable(page.data || []),
      h('p', {class: 'muted'}, 'Newest first (at most 200). Each threshold alerts once per period; '
          + 'deliveries and give-ups are also in Events (budget_alert_delivered, budget_alert_failed).'));
}
