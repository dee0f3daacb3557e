import { api, el, poll, formatTime } from './api.js';
import { attributeTable } from './telemetry.js';

const severities = [['0', 'All levels'], ['5', 'Debug+'], ['9', 'Information+'], ['13', 'Warning+'], ['17', 'Error+']];

// /structuredlogs: log records received over OTLP, newest first, each linked to its trace.
export function render(main) {
  const params = new URLSearchParams(location.search);
  const resource = el('select', { id: 'log-resource', 'aria-label': 'Resource' }, el('option', { value: '' }, 'All resources'));
  const level = el('select', { id: 'log-level', 'aria-label': 'Minimum level' }, severities.map(([v, t]) => el('option', { value: v }, t)));
  const search = el('input', { id: 'log-search', type: 'search', placeholder: 'Filter messages', 'aria-label': 'Filter messages', value: params.get('search') ?? '' });
  const traceId = params.get('traceId') ?? '';
  const body = el('tbody');
  main.replaceChildren(
    el('div', { class: 'page-header' },
      el('h1', {}, 'Structured logs'),
      el('p', { class: 'subtitle' }, traceId ? ['Logs of trace ', el('a', { href: `/traces/${traceId}` }, traceId), ' · ', el('a', { href: '/structuredlogs' }, 'all logs')]
        : 'Log records the resources export over OTLP, newest first.')),
    el('div', { class: 'toolbar' }, resource, level, search),
    el('div', { class: 'card' }, el('table', { class: 'grid', id: 'logs' },
      el('thead', {}, el('tr', {}, ['Time', 'Resource', 'Level', 'Message', 'Trace'].map(h => el('th', { scope: 'col' }, h)))), body)));

  async function refresh() {
    const query = new URLSearchParams({ limit: '300', minSeverity: level.value });
    if (resource.value) query.set('resource', resource.value);
    if (search.value) query.set('search', search.value);
    if (traceId) query.set('traceId', traceId);
    const result = await api('/api/logs?' + query);
    if (!result.ok) return;
    const seen = new Set([...resource.options].map(o => o.value));
    for (const r of new Set(result.body.map(l => l.resource))) if (!seen.has(r)) resource.append(el('option', { value: r }, r));
    body.replaceChildren(...(result.body.length ? result.body.map(row) : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No log records.'))]));
  }

  function row(log) {
    const details = el('details', {}, el('summary', {}, log.message || el('span', { class: 'muted' }, '(no message)')),
      el('div', { class: 'muted small' }, log.category), attributeTable(log.attributes));
    return el('tr', { 'data-sequence': log.sequence },
      el('td', { class: 'num', title: log.time }, formatTime(log.time)),
      el('td', { class: 'name' }, log.resource),
      el('td', {}, el('span', { class: `severity severity-${log.severity.toLowerCase()}` }, log.severity)),
      el('td', { class: 'value' }, details),
      el('td', {}, log.traceId ? el('a', { href: `/traces/${log.traceId}`, class: 'mono' }, log.traceId.slice(0, 8)) : ''));
  }

  [resource, level].forEach(s => s.addEventListener('change', refresh));
  search.addEventListener('input', refresh);
  const stop = poll(refresh, 3000);
  addEventListener('pagehide', stop, { once: true });
}
