// One call record (/v1/admin/logs/{id}): every field, grouped, and the kept payload when the
// payload policy kept one (digests only in hash mode; bodies in redacted or full mode).

import * as api from './api.js';
import {h, panel} from './dom.js';
import {bytes, count, ms, signedUsd, time, usd} from './format.js';
import {recordCost, statusBadge} from './logs.js';

function fields(title, rows) {
  const shown = rows.filter(([, v]) => v !== undefined && v !== null && v !== '');
  return panel(title, h('dl', {class: 'fields'}, shown.flatMap(([label, value, name]) =>
      [h('dt', {}, label), h('dd', {'data-field': name}, value instanceof Node ? value : String(value))])));
}

function mono(text) {
  return h('code', {}, text);
}

/** A payload body as kept: pretty-printed when it is JSON. */
function body(text) {
  if (text === undefined || text === null) return h('p', {class: 'muted'}, 'Not kept (digest only).');
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch (e) { /* not JSON (e.g. an assembled stream): shown as kept */ }
  return h('pre', {class: 'payload'}, shown);
}


function payloadPanel(mode, payload) {
  if (!mode || mode === 'none') {
    return panel('Payload', h('p', {class: 'muted'}, 'No payload was kept for this call (payload policy: none).'));
  }
  if (!payload) {
    return panel('Payload', h('p', {class: 'muted'}, `Payload mode ${mode}, but the payload is no longer stored (pruned, or dropped when the record was spilled).`));
  }
  return panel('Payload',
      h('dl', {class: 'fields'},
          h('dt', {}, 'Mode'), h('dd', {'data-field': 'payload_mode'}, payload.mode || mode),
          h('dt', {}, 'Request SHA-256'), h('dd', {}, mono(payload.request_sha256 || '—')),
          h('dt', {}, 'Response SHA-256'), h('dd', {}, mono(payload.response_sha256 || '—')),
          payload.truncated ? [h('dt', {}, 'Truncated'), h('dd', {}, 'yes, cut at the size cap')] : null),
      h('div', {class: 'split'},
          h('div', {'data-payload': 'request'}, h('h3', {}, 'Request'), body(payload.request)),
          h('div', {'data-payload': 'response'}, h('h3', {}, 'Response'), body(payload.response))));
}

export async function renderRecord(container, ctx) {
  const answer = await api.get('/v1/admin/logs/' + encodeURIComponent(ctx.id));
  if (!ctx.live()) return;
  const r = answer;
  const tags = Object.entries(r.tags || {});
  const back = h('button', {type: 'button', class: 'link', id: 'back-to-logs',
    onclick: () => (history.length > 1 ? history.back() : ctx.navigate('logs'))}, '← Back to logs');
  container.append(
      h('div', {class: 'record-head'}, back,
          h('h2', {}, statusBadge(r.status), ' ', r.model || '—', ' ', h('span', {class: 'muted'}, time(r.started_at) + ' UTC'))),
      h('div', {class: 'grid-2'},
          fields('Call', [
            ['Record id', mono(r.id), 'id'], ['Chain and seq', r.chain ? `${r.chain} #${r.seq}` : undefined, 'seq'],
            ['Entry hash', r.hash && mono(r.hash), 'hash'], ['Trace id', r.trace_id && mono(r.trace_id), 'trace_id'],
            ['Client request id', r.client_request_id, 'client_request_id'], ['Started (UTC)', time(r.started_at), 'started_at'],
            ['Endpoint', r.endpoint, 'endpoint'], ['Operation', r.operation, 'operation'], ['Protocol', r.protocol, 'protocol'],
            ['Streamed', r.stream === undefined ? undefined : (r.stream ? 'yes' : 'no'), 'stream']]),
          fields('Outcome', [
            ['Status', statusBadge(r.status), 'status'], ['HTTP status', r.http_status, 'http_status'],
            ['Error code', r.error_code && mono(r.error_code), 'error_code'], ['Error message', r.error_message, 'error_message'],
            ['Finish reason', r.finish_reason, 'finish_reason'], ['Tool calls', (r.tool_calls || []).join(', '), 'tool_calls']]),
          fields('Who', [
            ['Key', r.key_name ? `${r.key_name} (${r.key_id})` : r.key_id, 'key'], ['Key prefix', r.key_prefix && mono(r.key_prefix), 'key_prefix'],
            ['User', r.user, 'user'], ['Client IP', r.client_ip, 'client_ip'], ['User agent', r.user_agent, 'user_agent'],
            ['Tags', tags.length ? h('span', {}, tags.map(([k, v]) => h('span', {class: 'tag'}, `${k}: ${v}`))) : undefined, 'tags']]),
          fields('Model', [
            ['Requested', r.model, 'model'], ['Served', r.served_model, 'served_model'],
            ['Provider', r.provider, 'provider'], ['Attempts', r.attempts, 'attempts']]),
          fields('Usage and cost', [
            ['Input tokens', count(r.input_tokens), 'input_tokens'], ['Cached input tokens', r.cached_input_tokens !== undefined ? count(r.cached_input_tokens) : undefined, 'cached_input_tokens'],
            ['Cache write tokens', r.cache_write_tokens !== undefined ? count(r.cache_write_tokens) : undefined, 'cache_write_tokens'],
            ['Output tokens', count(r.output_tokens), 'output_tokens'], ['Reasoning tokens', r.reasoning_tokens !== undefined ? count(r.reasoning_tokens) : undefined, 'reasoning_tokens'],
            ['Usage source', r.usage_source, 'usage_source'], ['Cost', recordCost(r), 'cost'], ['Price table', r.price_id && mono(r.price_id), 'price_id'],
            // Re-pricing appends adjustments; the recorded cost above is never changed.
            ['Adjustments', (r.cost_adjustments || []).length ? h('span', {}, r.cost_adjustments.map(a =>
                h('div', {}, `${signedUsd(a.delta_micros)} on ${time(a.adjusted_at)} UTC (${a.old_micros === null ? 'unpriced' : usd(a.old_micros)} → ${usd(a.new_micros)})`
                    + (a.reason ? ` · ${a.reason}` : '')))) : undefined, 'cost_adjustments'],
            ['Adjusted cost', (r.cost_adjustments || []).length ? usd(r.adjusted_cost_micros) : undefined, 'adjusted_cost']]),
          fields('Timing and size', [
            ['Duration', ms(r.duration_ms), 'duration_ms'], ['Time to first token', r.ttft_ms !== undefined ? ms(r.ttft_ms) : undefined, 'ttft_ms'],
            ['Upstream', r.upstream_ms !== undefined ? ms(r.upstream_ms) : undefined, 'upstream_ms'],
            ['Request size', bytes(r.request_bytes), 'request_bytes'], ['Response size', bytes(r.response_bytes), 'response_bytes']])),
      payloadPanel(r.payload, r.kept_payload),
      panel('Raw record', h('details', {}, h('summary', {}, 'JSON as returned by the admin API'), h('pre', {class: 'payload'}, JSON.stringify(answer, null, 2)))));
}
