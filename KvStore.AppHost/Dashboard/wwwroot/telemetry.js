import { el } from './api.js';

// Shared by the Traces, Structured logs and Metrics pages.
const palette = ['#512bd4', '#0f7b8a', '#c2410c', '#15803d', '#b91c1c', '#7c3aed', '#0369a1', '#a16207', '#be185d', '#4d7c0f'];

// A resource keeps its colour across a page: by its place among the resources shown (leader first, then followers).
export function colourOf(resource, resources) {
  const index = [...resources].sort().indexOf(resource);
  return palette[(index < 0 ? 0 : index) % palette.length];
}

export function formatMs(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 100) return `${ms.toFixed(2)} ms`;
  if (ms < 10000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatValue(value) {
  if (Array.isArray(value)) return value.map(formatValue).join(', ');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function attributeTable(attributes) {
  const entries = Object.entries(attributes ?? {});
  if (!entries.length) return el('p', { class: 'muted' }, 'None');
  return el('table', { class: 'grid attributes' }, el('tbody', {}, entries.map(([k, v]) =>
    el('tr', {}, el('td', { class: 'mono' }, k), el('td', { class: 'value' }, formatValue(v))))));
}

// Without the instrumentation packages, ASP.NET Core and HttpClient name their spans after the activity
// ("Microsoft.AspNetCore.Hosting.HttpRequestIn"); show "POST /write" when the span says which request it was.
export function spanTitle(span) {
  const a = span.attributes ?? {};
  const method = a['http.request.method'] ?? a['http.method'];
  if (method && (span.name.startsWith('Microsoft.AspNetCore.') || span.name.startsWith('System.Net.Http.') || span.name === method)) {
    const target = a['http.route'] ?? a['url.path'] ?? a['url.full'] ?? '';
    return `${method} ${target}`.trim();
  }
  return span.name;
}
