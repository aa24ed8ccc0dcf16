// Integrity: /v1/admin/verify recomputes every hash chain and checks every signed head; it reads
// the whole log, so it runs when this page opens and when asked, not on every page. Per chain it
// also says how old the latest signed head is and how many entries no head covers yet, and
// /v1/admin/witness gives the last result of the witness configured in audit.witness_state.
// The page never claims every signature checks out while some entries are not yet signed.

import * as api from './api.js';
import {h, panel, replace} from './dom.js';
import {count, ms, time} from './format.js';

const TRUST = {
  pinned: ['success', 'pinned key', 'Signatures checked against a key pinned in audit.trusted_keys.'],
  store_listed: ['', 'key listed by the store', 'No key is pinned: signatures were checked against keys the store itself lists.'],
  unpinned: ['error', 'unpinned', 'Signed by a key that is not pinned in audit.trusted_keys.'],
};

function trustBadge(value) {
  const [cls, label, title] = TRUST[value] || ['', value || '—', ''];
  return h('span', {class: 'badge ' + cls, title}, label);
}

function headCell(c) {
  const head = c.latest_head;
  if (!head) return h('span', {class: 'muted'}, 'no signed head yet');
  return h('span', {title: `tree size ${head.tree_size}, root ${head.root}, signed ${head.at}`},
      `size ${count(head.tree_size)} · ${ms(head.age_ms)} ago`);
}

function unsignedCell(c) {
  const n = c.unsigned_entries || 0;
  return n === 0 ? h('span', {class: 'badge success'}, 'all signed')
      : h('span', {class: 'badge refused', title: 'entries written after the latest signed head'}, `${count(n)} unsigned`);
}

function chainTable(chains) {
  return h('table', {class: 'data', 'data-table': 'chains'},
      h('thead', {}, h('tr', {}, ['Chain', 'Entries', 'Head', 'Checkpoints', 'Latest signed head', 'Unsigned', 'Key', 'Status']
          .map(t => h('th', {}, t)))),
      h('tbody', {}, chains.length ? chains.map(c => {
        const bad = c.first_bad;
        return h('tr', {'data-chain': c.chain},
            h('td', {}, h('code', {}, c.chain)),
            h('td', {class: 'num'}, count(c.entries)),
            h('td', {}, c.head ? h('code', {title: c.head}, `seq ${count(c.head_seq)} · ${c.head.slice(0, 16)}…`) : '—'),
            h('td', {class: 'num'}, count(c.checkpoints)),
            h('td', {'data-cell': 'latest-head'}, headCell(c)),
            h('td', {'data-cell': 'unsigned'}, unsignedCell(c)),
            h('td', {'data-cell': 'key'}, trustBadge(c.key_trust)),
            h('td', {}, bad ? h('span', {class: 'badge error', title: bad.reason}, `broken at seq ${bad.seq}`)
                : h('span', {class: 'badge success'}, 'intact')));
      }) : h('tr', {class: 'empty'}, h('td', {colspan: 8}, 'No chain yet: nothing has been recorded.'))));
}

/** {"chain","seq","id","reason"} → "chain gw-1, seq 7 (entry 0190…): reason". */
function describeBad(bad) {
  if (!bad) return 'the report names no entry';
  return `chain ${bad.chain}, seq ${bad.seq}` + (bad.id ? ` (entry ${bad.id})` : '') + `: ${bad.reason}`;
}

/** The verdict line: only an intact log with every entry signed is said to check out in full. */
function verdict(report, when) {
  const chains = report.chains || [];
  const entries = chains.reduce((n, c) => n + (c.entries || 0), 0);
  const unsigned = chains.reduce((n, c) => n + (c.unsigned_entries || 0), 0);
  const where = `${count(entries)} entries in ${count(chains.length)} chain${chains.length === 1 ? '' : 's'}`;
  if (!report.ok) return ['bad', `Broken: ${describeBad(report.first_bad)} (checked at ${when} UTC).`];
  if (unsigned > 0) {
    return ['pending', `Hashes check out: ${where}; ${count(unsigned)} newest entr${unsigned === 1 ? 'y is' : 'ies are'} `
        + `not yet covered by a signed head, so no signature vouches for ${unsigned === 1 ? 'it' : 'them'} yet (at ${when} UTC).`];
  }
  return ['ok', `Verified: ${where}, every hash and signature checks out (at ${when} UTC).`];
}

function witnessPanel(w) {
  const body = h('div', {id: 'witness-status'});
  if (!w || !w.configured) {
    body.dataset.state = 'none';
    replace(body, h('p', {class: 'muted'}, 'No witness is configured (audit.witness_state). A witness running elsewhere '
        + '(tally witness) keeps the heads it has seen, so a rollback, fork or deleted chain cannot go unnoticed.'));
  } else if (w.error) {
    body.dataset.state = 'error';
    replace(body, h('p', {class: 'verify-banner bad'}, `The witness state file ${w.state_file} cannot be read: ${w.error}`));
  } else if (!w.state) {
    body.dataset.state = 'waiting';
    replace(body, h('p', {class: 'verify-banner pending'}, `No witness result yet in ${w.state_file}.`));
  } else {
    const s = w.state;
    const findings = s.findings || [];
    body.dataset.state = findings.length ? 'alarm' : 'ok';
    replace(body,
        h('p', {class: 'verify-banner ' + (findings.length ? 'bad' : 'ok')}, findings.length
            ? `The witness found ${count(findings.length)} problem${findings.length === 1 ? '' : 's'} at ${time(s.checked_at)} UTC.`
            : `The witness saw ${count((s.heads || []).length)} chain${(s.heads || []).length === 1 ? '' : 's'} grow consistently `
                + `(last check ${time(s.checked_at)} UTC, ${ms(w.age_ms)} ago).`),
        findings.length ? h('ul', {class: 'findings'}, findings.map(f =>
            h('li', {'data-chain': f.chain}, h('code', {}, f.chain), ` ${f.kind}: ${f.message}`))) : null);
  }
  return panel('Witness', body);
}

export async function renderIntegrity(container, ctx) {
  const status = h('div', {id: 'verify-status', class: 'verify-banner pending'}, 'Verifying the audit log…');
  const details = h('div', {});
  const witness = h('div', {});
  const run = h('button', {type: 'button', class: 'primary', id: 'verify-again'}, 'Verify again');
  container.append(panel('Audit log verification', status,
      h('p', {class: 'muted'}, 'Recomputes every hash chain from its first entry (or its retention anchor) and checks each signed head. '
          + 'Any edit, deletion, insertion or reordering names the first bad entry. Entries written after the latest signed head '
          + 'are covered by the next one, at most audit.sign_interval later.'),
      run), details, witness);
  const verify = async () => {
    run.disabled = true;
    status.className = 'verify-banner pending';
    status.textContent = 'Verifying the audit log…';
    try {
      const [report, w] = await Promise.all([api.get('/v1/admin/verify'), api.get('/v1/admin/witness')]);
      if (!ctx.live()) return;
      const chains = report.chains || [];
      const [cls, text] = verdict(report, new Date().toISOString().slice(11, 19));
      status.className = 'verify-banner ' + cls;
      status.dataset.ok = String(report.ok);
      status.dataset.unsigned = String(chains.reduce((n, c) => n + (c.unsigned_entries || 0), 0));
      status.textContent = text;
      replace(details, panel('Chains', chainTable(chains)));
      replace(witness, witnessPanel(w));
    } finally {
      run.disabled = false;
    }
  };
  run.addEventListener('click', () => verify().catch(ctx.fail));
  await verify();
}
