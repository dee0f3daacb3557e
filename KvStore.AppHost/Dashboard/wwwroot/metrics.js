import { api, el, poll } from './api.js';
import { colourOf, formatMs } from './telemetry.js';

const svgNs = 'http://www.w3.org/2000/svg';

// /metrics: replication acknowledgement latency per follower (p50/p90/p99 per export interval) and lag in entries.
export function render(main) {
  const percentile = el('select', { id: 'metric-percentile', 'aria-label': 'Percentile' },
    ['p50', 'p90', 'p99'].map(p => el('option', { value: p, selected: p === 'p99' }, p)));
  const latency = el('div', { class: 'card' });
  const lag = el('div', { class: 'card' });
  const instruments = el('tbody');
  main.replaceChildren(
    el('div', { class: 'page-header' },
      el('h1', {}, 'Metrics'),
      el('p', { class: 'subtitle' }, 'Replication per follower, from the leader\'s kvstore.replication.* instruments, per export interval.')),
    el('div', { class: 'toolbar' }, el('label', {}, 'Latency percentile '), percentile),
    el('div', { class: 'columns' }, latency, lag),
    el('div', { class: 'card' }, el('h2', {}, 'Instruments'), el('table', { class: 'grid', id: 'instruments' },
      el('thead', {}, el('tr', {}, ['Instrument', 'Resource', 'Type', 'Unit', 'Series'].map(h => el('th', { scope: 'col' }, h)))), instruments)));

  async function refresh() {
    const [ack, lagResult, list] = await Promise.all([
      api('/api/metrics/percentiles?name=kvstore.replication.ack.duration&groupBy=kv.follower'),
      api('/api/metrics/values?name=kvstore.replication.lag&groupBy=kv.follower'),
      api('/api/metrics'),
    ]);
    if (ack.ok) {
      const p = percentile.value;
      const series = ack.body.series.map(s => ({ label: s.label, points: s.points.filter(x => x[p] !== null).map(x => [Date.parse(x.time), x[p]]) }));
      latency.replaceChildren(el('h2', {}, `Replication ack latency, ${p} (ms)`), chart(series, formatMs, 'latency-chart'));
    }
    if (lagResult.ok) {
      const series = lagResult.body.series.map(s => ({ label: s.label, points: s.points.map(x => [Date.parse(x.time), x.value]) }));
      lag.replaceChildren(el('h2', {}, 'Replication lag (entries)'), chart(series, v => v.toFixed(0), 'lag-chart'));
    }
    if (list.ok) {
      instruments.replaceChildren(...list.body.map(i => el('tr', {}, el('td', { class: 'mono' }, i.name), el('td', {}, i.resource),
        el('td', {}, i.kind), el('td', {}, i.unit), el('td', { class: 'num' }, i.series))));
    }
  }

  percentile.addEventListener('change', refresh);
  const stop = poll(refresh, 2000);
  addEventListener('pagehide', stop, { once: true });
}

// A line chart in SVG: one line per series, time on x, value on y from zero.
function chart(series, format, id) {
  const labels = series.map(s => s.label);
  const all = series.flatMap(s => s.points);
  if (!all.length) return el('p', { class: 'muted', id }, 'No data yet: the leader exports every second once it replicates.');
  const [w, h, left, bottom] = [640, 260, 56, 22];
  const x0 = Math.min(...all.map(p => p[0])), x1 = Math.max(...all.map(p => p[0]), x0 + 1000);
  const y1 = Math.max(...all.map(p => p[1]), 1e-9) * 1.1;
  const x = t => left + ((t - x0) / (x1 - x0)) * (w - left - 8);
  const y = v => (h - bottom) - (v / y1) * (h - bottom - 8);
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('class', 'chart');
  svg.id = id;
  const add = (tag, attributes, text) => {
    const node = document.createElementNS(svgNs, tag);
    for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    add('line', { x1: left, x2: w - 8, y1: y(y1 * f), y2: y(y1 * f), class: 'axis' });
    add('text', { x: left - 6, y: y(y1 * f) + 4, 'text-anchor': 'end' }, format(y1 * f));
  }
  add('text', { x: left, y: h - 4 }, new Date(x0).toLocaleTimeString([], { hour12: false }));
  add('text', { x: w - 8, y: h - 4, 'text-anchor': 'end' }, new Date(x1).toLocaleTimeString([], { hour12: false }));
  for (const s of series) {
    if (!s.points.length) continue;
    add('polyline', {
      points: s.points.map(p => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' '),
      fill: 'none', stroke: colourOf(s.label, labels), 'stroke-width': 2, 'data-series': s.label,
    });
  }
  return el('div', {}, svg, el('div', { class: 'chart-legend' }, series.map(s => el('span', { style: `--swatch:${colourOf(s.label, labels)}` }, s.label))));
}
