// Integrity: /v1/admin/verify recomputes every hash chain and checks every signed checkpoint.
// It reads the whole log, so it runs when this page opens and when asked, not on every page.

import * as api from './api.js';
import {h, panel, replace} from './dom.js';
import {count} from './format.js';

function chainTable(chains) {
  return h('table', {class: 'data', 'data-table': 'chains'},
      h('thead', {}, h('tr', {}, ['Chain', 'Entries', 'Head', 'Checkpoints', 'Status'].map(t => h('th', {}, t)))),
      h('tbody', {}, chains.length ? chains.map(c => {
        const bad = c.first_bad;
        return h('tr', {'data-chain': c.chain},
            h('td', {}, h('code', {}, c.chain)),
            h('td', {class: 'num'}, count(c.entries)),
            h('td', {}, c.head ? h('code', {title: c.head}, `seq ${count(c.head_seq)} · ${c.head.slice(0, 16)}…`) : '—'),
            h('td', {class: 'num'}, count(c.checkpoints)),
            h('td', {}, bad ? h('span', {class: 'badge error', title: bad.reason}, `broken at seq ${bad.seq}`)
                : h('span', {class: 'badge success'}, 'intact')));
      }) : h('tr', {class: 'empty'}, h('td', {colspan: 5}, 'No chain yet: nothing has been recorded.'))));
}

/** {"chain","seq","id","reason"} → "chain gw-1, seq 7 (entry 0190…): reason". */
function describeBad(bad) {
  if (!bad) return 'the report names no entry';
  return `chain ${bad.chain}, seq ${bad.seq}` + (bad.id ? ` (entry ${bad.id})` : '') + `: ${bad.reason}`;
}

export async function renderIntegrity(container, ctx) {
  const status = h('div', {id: 'verify-status', class: 'verify-banner pending'}, 'Verifying the audit log…');
  const details = h('div', {});
  const run = h('button', {type: 'button', class: 'primary', id: 'verify-again'}, 'Verify again');
  container.append(panel('Audit log verification', status,
      h('p', {class: 'muted'}, 'Recomputes every hash chain from its first entry (or its retention anchor) and checks each signed checkpoint. '
          + 'Any edit, deletion, insertion or reordering names the first bad entry.'),
      run), details);
  const verify = async () => {
    run.disabled = true;
    status.className = 'verify-banner pending';
    status.textContent = 'Verifying the audit log…';
    try {
      const report = await api.get('/v1/admin/verify');
      if (!ctx.live()) return;
      const chains = report.chains || [];
      const entries = chains.reduce((n, c) => n + (c.entries || 0), 0);
      const when = new Date().toISOString().slice(11, 19);
      status.className = 'verify-banner ' + (report.ok ? 'ok' : 'bad');
      status.dataset.ok = String(report.ok);
      status.textContent = report.ok
          ? `Verified: ${count(entries)} entries in ${count(chains.length)} chain${chains.length === 1 ? '' : 's'}, every hash and signature checks out (at ${when} UTC).`
          : `Broken: ${describeBad(report.first_bad)} (checked at ${when} UTC).`;
      replace(details, panel('Chains', chainTable(chains)));
    } finally {
      run.disabled = false;
    }
  };
  run.addEventListener('click', () => verify().catch(ctx.fail));
  await verify();
}
