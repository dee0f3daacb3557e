import { api, el, poll, formatTime } from './api.js';
import { colourOf, formatMs, attributeTable, spanTitle } from './telemetry.js';

// /traces: the list of traces; /traces/{id}: one trace as a waterfall.
export function render(main, { segments }) {
  if (segments.length > 0) renderTrace(main, segments[0]);
  else renderList(main);
}

function renderList(main) {
  const params = new URLSearchParams(location.search);
  const resource = el('select', { id: 'trace-resource', 'aria-label': 'Resource' }, el('option', { value: '' }, 'All resources'));
  const minDuration = el('input', { id: 'trace-min-duration', type: 'number', min: '0', step: '0.5', value: params.get('minDurationMs') ?? '', placeholder: 'Min duration (ms)', 'aria-label': 'Minimum duration in milliseconds' });
  const auto = el('input', { type: 'checkbox', id: 'trace-auto', checked: true });
  const body = el('tbody');
  const count = el('span', { class: 'muted' });
  main.replaceChildren(
    el('div', { class: 'page-header' },
      el('h1', {}, 'Traces'),
      el('p', { class: 'subtitle' }, 'Traces received over OTLP, newest first. A write is one trace: the leader\'s write span and one replication span per follower.')),
    el('div', { class: 'toolbar' }, resource, minDuration,
      el('label', { class: 'check' }, auto, 'Auto-refresh'), el('span', { class: 'spacer' }), count),
    el('div', { class: 'card' },
      el('table', { class: 'grid', id: 'traces' },
        el('thead', {}, el('tr', {}, ['Time', 'Name', 'Resources', 'Spans', 'Duration'].map(h => el('th', { scope: 'col' }, h)))),
        body)));

  let selected = params.get('resource') ?? '';
  resource.addEventListener('change', () => { selected = resource.value; refresh(); });
  minDuration.addEventListener('input', () => refresh());

  async function refresh() {
    const query = new URLSearchParams({ limit: '200', includeSpans: 'false' });
    if (selected) query.set('resource', selected);
    if (minDuration.value) query.set('minDurationMs', minDuration.value);
    const result = await api('/api/traces?' + query);
    if (!result.ok) return;
    const { traces, resources } = result.body;
    const known = [...resource.options].map(o => o.value);
    for (const r of resources) if (!known.includes(r)) resource.append(el('option', { value: r }, r));
    resource.value = selected;
    count.textContent = `${traces.length} trace${traces.length === 1 ? '' : 's'}`;
    body.replaceChildren(...(traces.length ? traces.map(t => el('tr', { 'data-trace-id': t.traceId },
      el('td', { class: 'num', title: t.startTime }, formatTime(t.startTime)),
      el('td', { class: 'name' }, el('a', { href: `/traces/${t.traceId}` }, t.rootTitle),
        el('div', { class: 'muted small mono' }, t.traceId)),
      el('td', {}, t.resources.map(r => el('span', { class: 'resource-chip', style: `--chip:${colourOf(r, resources)}` }, r))),
      el('td', { class: 'num' }, t.spanCount),
      el('td', { class: 'num' }, formatMs(t.durationMs))))
      : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No traces yet: write a key in the KV explorer, or start the load runner.'))]));
  }

  const stop = poll(async () => { if (auto.checked) await refresh(); }, 2000);
  auto.addEventListener('change', () => { if (auto.checked) refresh(); });
  addEventListener('pagehide', stop, { once: true });
}

async function renderTrace(main, traceId) {
  const result = await api(`/api/traces/${encodeURIComponent(traceId)}`);
  if (!result.ok) {
    main.replaceChildren(el('div', { class: 'page-header' }, el('h1', {}, 'Trace not found')),
      el('p', {}, 'It may have been dropped to keep memory bounded. ', el('a', { href: '/traces' }, 'Back to traces')));
    return;
  }
  const trace = result.body;
  const total = Math.max(trace.durationMs, 0.001);
  const details = el('div', { class: 'card span-details', id: 'span-details' }, el('p', { class: 'muted' }, 'Select a span to see its attributes, events and links.'));
  // A replication span's own subtree (message, HTTP call, the follower's handling) starts folded, so a write's
  // replication spans sit one under the other and compare at a glance; a click on the arrow unfolds one.
  const parents = new Set(trace.spans.map(s => s.parentSpanId).filter(Boolean));
  const collapsed = new Set(trace.spans.filter(s => s.name === 'kv.replicate' && parents.has(s.spanId)).map(s => s.spanId));
  const rows = trace.spans.map(span => spanRow(span, trace, total, parents.has(span.spanId), () => {
    rows.forEach(r => r.classList.toggle('selected', r.dataset.spanId === span.spanId));
    details.replaceChildren(...spanDetails(span, trace));
  }, () => {
    if (!collapsed.delete(span.spanId)) collapsed.add(span.spanId);
    layout();
  }));
  function layout() {
    const hidden = new Set();
    trace.spans.forEach((span, i) => {
      const parentHidden = span.parentSpanId && (hidden.has(span.parentSpanId) || collapsed.has(span.parentSpanId));
      if (parentHidden) hidden.add(span.spanId);
      rows[i].hidden = Boolean(parentHidden);
      rows[i].classList.toggle('collapsed', collapsed.has(span.spanId));
    });
  }
  layout();
  const expandAll = el('button', { class: 'action', onclick: () => { collapsed.clear(); layout(); } }, 'Expand all');

  main.replaceChildren(
    el('div', { class: 'page-header' },
      el('p', { class: 'subtitle' }, el('a', { href: '/traces' }, '← Traces')),
      el('h1', {}, spanTitle(trace.spans[0] ?? { name: trace.rootName })),
      el('p', { class: 'subtitle' }, `${formatTime(trace.startTime)} · ${formatMs(trace.durationMs)} · ${trace.spanCount} spans · `,
        el('a', { href: `/structuredlogs?traceId=${trace.traceId}` }, 'logs of this trace'), ' · ', el('span', { class: 'mono' }, trace.traceId))),
    el('div', { class: 'toolbar legend' }, trace.resources.map(r => el('span', { class: 'resource-chip', style: `--chip:${colourOf(r, trace.resources)}` }, r)),
      el('span', { class: 'spacer' }), expandAll),
    el('div', { class: 'card' },
      el('div', { class: 'waterfall', id: 'waterfall' },
        el('div', { class: 'span-row header' }, el('div', { class: 'span-label' }, 'Span'), el('div', { class: 'span-track' }, ticks(total))),
        rows)),
    details);
}

function ticks(total) {
  return [0, 0.25, 0.5, 0.75, 1].map(f => el('span', { class: 'tick', style: `left:${f * 100}%` }, formatMs(total * f)));
}

function spanRow(span, trace, total, hasChildren, onSelect, onToggle) {
  const colour = colourOf(span.resource, trace.resources);
  const left = (span.offsetMs / total) * 100;
  const width = Math.max((span.durationMs / total) * 100, 0.3);
  const follower = span.attributes['kv.follower'];
  const bar = el('div', { class: `span-bar${span.status === 'error' ? ' error' : ''}`, style: `left:${left}%;width:${width}%;background:${colour}` });
  // The quorum point: when enough followers had acknowledged for the write to be answered.
  const markers = span.events.filter(e => e.name === 'quorum reached').map(e => el('div', {
    class: 'quorum-marker', style: `left:${(e.offsetMs / total) * 100}%`,
    title: `quorum reached at +${formatMs(e.offsetMs - span.offsetMs)} (${(e.attributes['kv.followers'] ?? []).join(', ')})`,
  }));
  return el('div', {
    class: 'span-row', 'data-span-id': span.spanId, 'data-name': span.name, 'data-resource': span.resource,
    'data-follower': follower ?? false, tabindex: '0', role: 'button',
    onclick: onSelect, onkeydown: e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onSelect(); } },
  },
  el('div', { class: 'span-label', style: `padding-left:${8 + span.depth * 14}px` },
    hasChildren
      ? el('button', { class: 'fold', 'aria-label': `Fold or unfold ${span.name}`, onclick: e => { e.stopPropagation(); onToggle(); } })
      : el('span', { class: 'fold-space' }),
    el('span', { class: 'resource-dot', style: `background:${colour}`, title: span.resource }),
    el('span', { class: 'span-name', title: span.name }, spanTitle(span)),
    follower ? el('span', { class: 'span-follower' }, follower) : null,
    el('span', { class: 'muted small' }, span.resource)),
  el('div', { class: 'span-track' }, bar, markers,
    // The duration goes after the bar; before it when the bar reaches the right edge; inside it when it spans the track.
    left + width <= 88
      ? el('span', { class: 'span-duration', style: `left:calc(${left + width}% + 4px)` }, formatMs(span.durationMs))
      : left >= 12
        ? el('span', { class: 'span-duration', style: `right:calc(${100 - left}% + 4px)` }, formatMs(span.durationMs))
        : el('span', { class: 'span-duration inside', style: 'right:6px' }, formatMs(span.durationMs))));
}

function spanDetails(span, trace) {
  const links = span.links.map(l => el('li', {},
    l.traceId === trace.traceId ? `span ${l.spanId}` : el('a', { href: `/traces/${l.traceId}` }, `trace ${l.traceId}`), ' ', el('span', { class: 'muted small mono' }, l.spanId)));
  return [
    el('h2', {}, spanTitle(span), ' ', el('span', { class: 'muted small' }, `${span.name} · ${span.kind} · ${span.resource} · ${span.scope}`)),
    el('p', { class: 'muted' }, `Start +${formatMs(span.offsetMs)}, duration ${formatMs(span.durationMs)}, status ${span.status}${span.statusMessage ? ': ' + span.statusMessage : ''}`),
    el('h3', {}, 'Attributes'), attributeTable(span.attributes),
    el('h3', {}, `Events (${span.events.length})`),
    span.events.length ? el('ul', { class: 'events' }, span.events.map(e => el('li', {},
      el('strong', {}, e.name), ` at +${formatMs(e.offsetMs - span.offsetMs)}`, attributeTable(e.attributes)))) : el('p', { class: 'muted' }, 'None'),
    el('h3', {}, `Links (${span.links.length})`),
    links.length ? el('ul', { class: 'links' }, links) : el('p', { class: 'muted' }, 'None'),
  ];
}
