// Spend and calls over time with Chart.js (loaded from its WebJar as the global Chart).
// Buckets with no calls are filled with zeros so the time axis has no gaps.

import {h} from './dom.js';
import {usd} from './format.js';

let current = null;

/** Every bucket start from since to end: hours as "2026-11-23T18:00:00Z", days as "2026-11-23". */
export function buckets(sinceIso, endIso, bucket) {
  const step = bucket === 'hour' ? 3600000 : 86400000;
  const start = Math.floor(Date.parse(sinceIso) / step) * step;
  const end = Date.parse(endIso);
  const out = [];
  for (let t = start; t <= end && out.length < 2000; t += step) out.push(bucketName(t, bucket));
  return out;
}

function bucketName(millis, bucket) {
  const iso = new Date(millis).toISOString();
  return bucket === 'hour' ? iso.slice(0, 13) + ':00:00Z' : iso.slice(0, 10);
}

/** The series of a usage answer grouped by hour or day, over the whole range. */
export function series(groups, range) {
  const byBucket = new Map();
  for (const g of groups) {
    const value = g.group[range.bucket];
    if (value) byBucket.set(bucketName(Date.parse(value.length === 10 ? value + 'T00:00:00Z' : value), range.bucket), g);
  }
  const names = buckets(range.since, range.end, range.bucket);
  return {
    labels: names.map(n => range.bucket === 'hour' ? n.slice(5, 16).replace('T', ' ') : n.slice(5)),
    names,
    calls: names.map(n => byBucket.get(n)?.calls ?? 0),
    // Spend after cost adjustments (re-pricing), attributed to the adjusted calls' buckets.
    spendMicros: names.map(n => byBucket.get(n)?.adjusted_cost_micros ?? byBucket.get(n)?.cost_micros ?? 0),
    unpriced: names.map(n => byBucket.get(n)?.unpriced_calls ?? 0),
  };
}

/** A canvas with the chart drawn in it, or a note when Chart.js did not load. */
export function timeChart(data) {
  if (current) {
    current.destroy();
    current = null;
  }
  const canvas = h('canvas', {id: 'usage-chart', role: 'img', 'aria-label': 'Spend and calls over time'});
  const box = h('div', {class: 'chart-box'}, canvas);
  if (!window.Chart) {
    box.replaceChildren(h('p', {class: 'muted'}, 'The chart library did not load.'));
    return box;
  }
  const style = getComputedStyle(document.documentElement);
  const accent = style.getPropertyValue('--accent').trim() || '#4f46e5';
  const accent2 = style.getPropertyValue('--accent-2').trim() || '#0ea5e9';
  // Chart.js measures its parent, so it is created once the box is in the document.
  queueMicrotask(() => {
    current = new window.Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          {type: 'bar', label: 'Spend (USD)', data: data.spendMicros.map(m => m / 1e6), yAxisID: 'spend',
            backgroundColor: accent + 'cc', borderRadius: 3, order: 2},
          {type: 'line', label: 'Calls', data: data.calls, yAxisID: 'calls', borderColor: accent2,
            backgroundColor: accent2, pointRadius: data.calls.length > 60 ? 0 : 2, tension: 0.25, order: 1},
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: {mode: 'index', intersect: false},
        plugins: {
          legend: {position: 'top', align: 'end', labels: {boxWidth: 12}},
          tooltip: {callbacks: {label: item => item.dataset.yAxisID === 'spend'
              ? `Spend: ${usd(data.spendMicros[item.dataIndex])}` + (data.unpriced[item.dataIndex] ? ` + ${data.unpriced[item.dataIndex]} unpriced` : '')
              : `Calls: ${item.formattedValue}`}},
        },
        scales: {
          x: {grid: {display: false}, ticks: {maxRotation: 0, autoSkipPadding: 16}},
          spend: {position: 'left', beginAtZero: true, title: {display: true, text: 'USD'},
            ticks: {callback: v => '$' + Number(v).toLocaleString('en-US', {maximumFractionDigits: 4})}},
          calls: {position: 'right', beginAtZero: true, grid: {drawOnChartArea: false}, title: {display: true, text: 'calls'},
            ticks: {precision: 0}},
        },
      },
    });
  });
  return box;
}
