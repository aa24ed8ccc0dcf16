// Overview: summary cards, spend and calls over time, breakdowns by model, key, provider and
// tag, and what failed or was refused, all for the chosen range, all from /v1/admin/usage
// (rollups), except the error codes, which usage does not group by: those are counted from the
// failed calls' records and say how many records they counted.
// Where re-pricing made cost adjustments, spend is shown adjusted beside the spend as recorded.

import * as api from './api.js';
import {h, panel, replace, table} from './dom.js';
import {adjustedSpend, count, ms, percent, signedUsd, spend, usd} from './format.js';
import {series, timeChart} from './timechart.js';

const FAILURE_SAMPLE = 1000;

/** Key and tag names seen in recent records: key ids are shown by name where we know it. */
async function recentNames(range) {
  const page = await api.get('/v1/admin/logs', {since: range.since, until: range.until, limit: 500});
  const keys = new Map();
  const tags = new Set();
  for (const r of page.data || []) {
    if (r.key_id && r.key_name && !keys.has(r.key_id)) keys.set(r.key_id, r.key_name);
    for (const name of Object.keys(r.tags || {})) tags.add(name);
  }
  return {keys, tags: [...tags].sort()};
}

function usage(range, extra) {
  return api.get('/v1/admin/usage', {since: range.since, until: range.until, ...extra});
}

function card(name, label, value, sub, tone) {
  return h('div', {class: 'card' + (tone ? ' ' + tone : ''), 'data-card': name},
      h('div', {class: 'card-label'}, label),
      h('div', {class: 'card-value', 'data-value': ''}, value),
      h('div', {class: 'card-sub'}, sub));
}

function cards(s) {
  const latency = s.latency_ms || {};
  const ttft = s.ttft_ms || {};
  const other = (s.cancelled || 0) + (s.interrupted || 0);
  const unpriced = s.unpriced_calls || 0;
  const failed = (s.errors || 0) + (s.refused || 0);
  const adjustment = s.adjustment_micros || 0;
  // With cost adjustments (re-pricing), the card shows the adjusted spend and says what it adds to
  // the spend as recorded; records themselves are never changed.
  const spendCard = adjustment
      ? card('spend', 'Spend (adjusted)', usd(s.adjusted_cost_micros),
          h('span', {'data-adjustment': String(adjustment)}, `recorded ${usd(s.cost_micros || 0)} · adjustments ${signedUsd(adjustment)}`
              + (unpriced ? ` · ${count(unpriced)} unpriced calls not included` : '')))
      : card('spend', 'Spend', s.calls > 0 && unpriced === s.calls ? 'unpriced' : usd(s.cost_micros || 0),
          unpriced ? `${count(unpriced)} unpriced calls not included` : 'every call priced');
  return h('div', {class: 'cards'},
      card('calls', 'Calls', count(s.calls),
          `${count(s.success)} ok · ${count(s.errors)} errors · ${count(s.refused)} refused` + (other ? ` · ${count(other)} cut short` : '')),
      card('success-rate', 'Success rate', percent(s.success, s.calls), `of ${count(s.calls)} calls`,
          s.calls && failed / s.calls > 0.05 ? 'warn' : ''),
      spendCard,
      card('tokens', 'Tokens', count((s.input_tokens || 0) + (s.output_tokens || 0)),
          `${count(s.input_tokens || 0)} in (${count(s.cached_input_tokens || 0)} cached) · ${count(s.output_tokens || 0)} out`),
      card('p95', 'p95 latency', ms(latency.p95), `p50 ${ms(latency.p50)} · TTFT p95 ${ms(ttft.p95)}`));
}

/** A breakdown table of usage groups by one dimension; a row opens the logs filtered by it. */
function breakdown(name, dimension, groups, label, filterOf, ctx) {
  const columns = [
    {label: dimension === 'key' ? 'Key' : dimension.startsWith('tag:') ? dimension.slice(4) : dimension[0].toUpperCase() + dimension.slice(1),
      value: g => g.group[dimension] === null || g.group[dimension] === undefined ? h('span', {class: 'muted'}, '(none)') : label(g.group[dimension])},
    {label: 'Calls', class: 'num', value: g => count(g.calls)},
    {label: 'Success', class: 'num', value: g => percent(g.success, g.calls)},
    {label: 'Errors', class: 'num', value: g => count(g.errors)},
    {label: 'Refused', class: 'num', value: g => count(g.refused)},
    {label: 'Input tokens', class: 'num', value: g => count(g.input_tokens)},
    {label: 'Output tokens', class: 'num', value: g => count(g.output_tokens)},
    {label: 'Spend', class: 'num', value: g => spend(g)},
    // Only when some group has cost adjustments: the recorded spend stays in its own column.
    ...(groups.some(g => g.adjustment_micros) ? [
      {label: 'Adjustments', class: 'num', value: g => g.adjustment_micros ? signedUsd(g.adjustment_micros) : ''},
      {label: 'Adjusted spend', class: 'num', value: g => adjustedSpend(g)},
    ] : []),
    {label: 'Avg latency', class: 'num', value: g => ms(g.latency_ms?.avg)},
    {label: 'p95 latency', class: 'num', value: g => ms(g.latency_ms?.p95)},
    {label: 'p95 TTFT', class: 'num', value: g => ms(g.ttft_ms?.p95)},
  ];
  return table(columns, groups, {
    name,
    onRow: g => g.group[dimension] !== null && g.group[dimension] !== undefined && ctx.navigate('logs', filterOf(g.group[dimension])),
  });
}

function failures(statusGroups, total, codes, sampled) {
  const failed = statusGroups.filter(g => g.group.status !== 'success');
  const statusTable = table([
    {label: 'Status', value: g => h('span', {class: 'badge ' + g.group.status}, g.group.status)},
    {label: 'Calls', class: 'num', value: g => count(g.calls)},
    {label: 'Share of all calls', class: 'num', value: g => percent(g.calls, total)},
  ], failed, {name: 'by-status', empty: 'No failed, refused or cut-short calls in this range.'});
  const codeTable = table([
    {label: 'Error code', value: c => c.code ? h('code', {}, c.code) : h('span', {class: 'muted'}, '(no code)')},
    {label: 'Status', value: c => h('span', {class: 'badge ' + c.status}, c.status)},
    {label: 'HTTP', class: 'num', value: c => c.http ?? '—'},
    {label: 'Calls', class: 'num', value: c => count(c.calls)},
    {label: 'Last seen', value: c => c.last.replace('T', ' ').replace(/(\.\d+)?Z$/, '')},
  ], codes, {name: 'by-error-code', empty: 'No error codes in this range.'});
  return h('div', {class: 'split'},
      h('div', {}, h('h3', {}, 'By status'), statusTable),
      h('div', {}, h('h3', {}, 'By error code'), codeTable,
          h('p', {class: 'muted small', 'data-sampled': sampled}, `Counted from the ${count(sampled)} most recent failed calls in this range.`)));
}

async function errorCodes(range) {
  const codes = new Map();
  let sampled = 0;
  for (const status of ['error', 'refused']) {
    const page = await api.get('/v1/admin/logs', {since: range.since, until: range.until, status, limit: FAILURE_SAMPLE});
    for (const r of page.data || []) {
      sampled++;
      const id = status + '\u0000' + (r.error_code || '');
      const c = codes.get(id) || {code: r.error_code, status, http: r.http_status, calls: 0, last: r.started_at};
      c.calls++;
      if (r.started_at > c.last) c.last = r.started_at;
      codes.set(id, c);
    }
  }
  return {codes: [...codes.values()].sort((a, b) => b.calls - a.calls), sampled};
}

export async function renderOverview(container, ctx) {
  const range = ctx.range;
  const loading = h('p', {class: 'muted'}, 'Loading…');
  container.append(loading);
  const [total, overTime, byModel, byKey, byProvider, byStatus, names, failed] = await Promise.all([
    usage(range, {}),
    usage(range, {group_by: range.bucket}),
    usage(range, {group_by: 'model', order_by: 'cost_micros'}),
    usage(range, {group_by: 'key', order_by: 'cost_micros'}),
    usage(range, {group_by: 'provider', order_by: 'cost_micros'}),
    usage(range, {group_by: 'status', order_by: 'calls'}),
    recentNames(range),
    errorCodes(range),
  ]);
  if (!ctx.live()) return;
  const s = total.summary;
  const keyLabel = id => names.keys.has(id)
      ? h('span', {title: id}, names.keys.get(id), ' ', h('span', {class: 'muted key-id'}, id.slice(0, 8) + '…'))
      : h('span', {class: 'key-id'}, id);

  const tagPicker = h('select', {id: 'tag-name', 'aria-label': 'Tag name'},
      names.tags.length ? names.tags.map(t => h('option', {value: t}, t)) : h('option', {value: ''}, 'no tags seen'));
  const tagBox = h('div', {id: 'by-tag'});
  const showTag = async () => {
    const tag = tagPicker.value;
    if (!tag) {
      replace(tagBox, h('p', {class: 'muted'}, 'No call in this range carries a tag (x-tally-tag-<name> headers).'));
      return;
    }
    const byTag = await usage(range, {group_by: 'tag:' + tag, order_by: 'cost_micros'});
    if (!ctx.live() || tagPicker.value !== tag) return;
    replace(tagBox, breakdown('by-tag', 'tag:' + tag, byTag.groups, v => v, v => ({tag: tag + ':' + v}), ctx));
  };
  tagPicker.addEventListener('change', () => showTag().catch(ctx.fail));

  const chartPanel = panel(`Spend and calls per ${range.bucket}`);
  replace(container,
      cards(s),
      chartPanel,
      panel('By model', breakdown('by-model', 'model', byModel.groups, v => v, v => ({model: v}), ctx)),
      panel('By key', breakdown('by-key', 'key', byKey.groups, keyLabel, v => ({key: v}), ctx)),
      panel('By provider', breakdown('by-provider', 'provider', byProvider.groups, v => v, v => ({provider: v}), ctx)),
      panel(null, h('div', {class: 'panel-head'}, h('h2', {}, 'By tag'), h('label', {class: 'small'}, 'Tag ', tagPicker)), tagBox),
      panel('Errors and refusals', failures(byStatus.groups, s.calls, failed.codes, failed.sampled)));
  chartPanel.append(timeChart(series(overTime.groups, range)));
  await showTag();
}
