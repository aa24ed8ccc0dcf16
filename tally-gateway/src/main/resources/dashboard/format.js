// Formatting of numbers, money and times. Fixed to en-US and UTC so what the page shows does
// not depend on the viewer's locale, and matches the audit log's own timestamps.

const integer = new Intl.NumberFormat('en-US', {maximumFractionDigits: 0});

/** 12345 → "12,345"; absent → "—". */
export function count(n) {
  return n === undefined || n === null ? '—' : integer.format(n);
}

/**
 * Exact US dollars from integer micro-USD, without floating point: at least two decimals, up to
 * six when the amount needs them (1234 → "$0.001234", 2500000 → "$2.50").
 */
export function usd(micros) {
  if (micros === undefined || micros === null) return 'unpriced';
  const negative = micros < 0;
  const abs = BigInt(Math.abs(micros));
  const dollars = abs / 1000000n;
  let fraction = (abs % 1000000n).toString().padStart(6, '0').replace(/0+$/, '');
  if (fraction.length < 2) fraction = fraction.padEnd(2, '0');
  return (negative ? '-$' : '$') + integer.format(dollars) + '.' + fraction;
}

/** Spend of a usage group: "$1.20", "$1.20 + 3 unpriced", or "unpriced" when nothing had a price. */
export function spend(stats) {
  const unpriced = stats.unpriced_calls || 0;
  if (stats.calls > 0 && unpriced === stats.calls) return 'unpriced';
  const money = usd(stats.cost_micros || 0);
  return unpriced > 0 ? `${money} + ${count(unpriced)} unpriced` : money;
}

/** A cost adjustment with its sign: 3500 → "+$0.0035", -3500 → "-$0.0035". */
export function signedUsd(micros) {
  return (micros > 0 ? '+' : '') + usd(micros);
}

/**
 * Spend after cost adjustments (re-pricing) of a usage group, as {@link spend} words it: the
 * adjusted figure, with the unpriced calls it leaves out.
 */
export function adjustedSpend(stats) {
  const unpriced = stats.unpriced_calls || 0;
  const adjusted = stats.adjusted_cost_micros ?? stats.cost_micros ?? 0;
  if (stats.calls > 0 && unpriced === stats.calls && !stats.adjustment_micros) return 'unpriced';
  const money = usd(adjusted);
  return unpriced > 0 ? `${money} + ${count(unpriced)} unpriced` : money;
}

/** Milliseconds: "850 ms", "2.4 s"; absent → "—". */
export function ms(value) {
  if (value === undefined || value === null) return '—';
  const n = Number(value);
  if (n < 1000) return `${Math.round(n)} ms`;
  if (n < 60000) return `${(n / 1000).toFixed(1)} s`;
  return `${(n / 60000).toFixed(1)} min`;
}

/** A share: 0.9876 → "98.8%"; no calls → "—". */
export function percent(part, whole) {
  if (!whole) return '—';
  return `${(100 * part / whole).toFixed(1)}%`;
}

/** ISO instant → "2026-11-23 18:04:05" (UTC). */
export function time(iso) {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');
}

/** Bytes: "1.2 KiB". */
export function bytes(n) {
  if (n === undefined || n === null) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Date → value for <input type=datetime-local> in UTC ("2026-11-23T18:04"). */
export function toLocalInput(date) {
  return date.toISOString().slice(0, 16);
}

/** Value of <input type=datetime-local> read as UTC → ISO instant, or null when empty. */
export function fromLocalInput(value) {
  if (!value) return null;
  const d = new Date(value + (value.length === 16 ? ':00Z' : 'Z'));
  return isNaN(d.getTime()) ? null : d.toISOString();
}
